package hub

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/sync/wire"
)

var hallCases = flag.Int("hub.cases", 1_000_000, "how many cases the hall's records hold in BenchmarkKioskProgress")

// benchDay is when the benchmark hall's cases were taken in.
var benchDay = time.Date(2026, 11, 23, 10, 0, 0, 0, app.HallZone)

// syntheticID is the i-th of a million distinct valid ID numbers.
func syntheticID(i int) app.IDNumber {
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900)
	first := fmt.Sprintf("330106%s%03d", born.Format("20060102"), i%900+100)
	d, err := app.IDCheckDigit(first)
	if err != nil {
		panic(err)
	}
	return app.IDNumber(first + string(d))
}

// syntheticCase is the outbox operation of terminal's n-th case (n from 1),
// accepted at intake, as a window's store writes it.
func syntheticCase(terminal string, n int64, id app.IDNumber, at time.Time) app.Operation {
	number := fmt.Sprintf("%s-%s-%06d", terminal, at.In(app.HallZone).Format("20060102"), n)
	e1 := app.CaseEvent{Case: number, Seq: 1, Actor: "S1001", Action: "submitted", State: app.Submitted, At: at.UTC()}
	e1.Hash = e1.ComputeHash()
	e2 := app.CaseEvent{Case: number, Seq: 2, Actor: "S1001", Action: "accepted", State: app.Accepted, At: at.UTC(), PrevHash: e1.Hash}
	e2.Hash = e2.ComputeHash()
	acc := at.UTC()
	p := app.CasePayload{Number: number, Item: "GA-001", Name: "张伟", IDNumber: string(id), Received: []int{0, 1, 2},
		State: app.Accepted, Window: 1, Clerk: "S1001", Submitted: at.UTC(), Accepted: &acc, Due: app.DateOf(at.AddDate(0, 0, 20)),
		Events: []app.CaseEvent{e1, e2}}
	body, _ := json.Marshal(p)
	return app.Operation{Seq: n, ID: app.NewID(), Terminal: terminal, Kind: app.OpCase, Entity: number, Payload: body, Created: at}
}

// benchHall opens (making it the first time, which takes minutes for a
// million) a hub store holding n cases from 100 windows, kept in the
// system's temporary folder between runs.
func benchHall(b *testing.B, n int) *store.Store {
	b.Helper()
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("onewindow-bench-hall-%d", n))
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		s := openStore(b, dir, app.SystemClock{})
		t0, at := time.Now(), benchDay
		seq := map[string]int64{}
		for i := 0; i < n; {
			term := fmt.Sprintf("W%02d", i/500%100)
			var ops []app.Operation
			for ; len(ops) < wire.MaxBatchOps && i < n; i++ {
				seq[term]++
				ops = append(ops, syntheticCase(term, seq[term], syntheticID(i), at))
			}
			if _, err := s.ApplyHallBatch(ctx, term, ops); err != nil {
				b.Fatal(err)
			}
		}
		s.Close()
		os.WriteFile(done, nil, 0o644)
		b.Logf("made a hall of %d cases in %v", n, time.Since(t0))
	}
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(dir, "hub.db"), store.Options{Terminal: "330106HUB", Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkKioskProgress is the kiosk's 办件查询 through the hub, over
// loopback HTTP, with -hub.cases cases in the hall's records: each look-up
// is by ID card (the hall's cases of the holder) or by a receipt's number
// (the case with its timeline), as a citizen at the kiosk does. It reports
// the p50 and p99 of one look-up.
// Run: go test -run '^$' -bench KioskProgress -benchtime 2000x ./sync/hub
func BenchmarkKioskProgress(b *testing.B) {
	ctx := context.Background()
	s := benchHall(b, *hallCases)
	defer s.Close()
	srv, _ := New(s, testKey, nil)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	c := NewClient(ts.URL, testKey, 5*time.Second)
	at := benchDay
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := rand.N(*hallCases)
		t0 := time.Now()
		if i%2 == 0 {
			cs, err := c.FindCases(ctx, syntheticID(k))
			if err != nil || len(cs) != 1 {
				b.Fatalf("by card %s: %d cases, %v", syntheticID(k), len(cs), err)
			}
		} else {
			number := fmt.Sprintf("W%02d-%s-%06d", k/500%100, at.In(app.HallZone).Format("20060102"), k/50000*500+k%500+1)
			if _, evs, err := c.Case(ctx, number); err != nil || len(evs) != 2 {
				b.Fatalf("by receipt %s: %d steps, %v", number, len(evs), err)
			}
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
}
