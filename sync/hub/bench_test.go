package hub

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/sync/wire"
)

var (
	loadDuration = flag.Duration("hub.duration", 60*time.Second, "how long BenchmarkHallLoad runs")
	kioskEvery   = flag.Duration("hub.kiosk-every", 100*time.Millisecond, "pause between two issues at one kiosk (0: as fast as answers come)")
	windowEvery  = flag.Duration("hub.window-every", time.Second, "pause between two calls at one window (0: as fast as answers come)")
	withRecords  = flag.Bool("hub.records", true, "windows also push a case for each citizen served, and every fifth is rated at a kiosk")
)

// BenchmarkHallLoad runs a hall of 100 terminals against one hub over
// loopback HTTP: 10 kiosks issuing numbers and 90 windows calling and
// finishing them, for -hub.duration. With -hub.records (the default) each
// window also pushes a case to the hall's records for every citizen it
// serves, and every fifth citizen rates the service at a kiosk. It reports
// throughput, the p50 and p99 latency of issue, of call-next, of a records
// push and of a rating, and the errors (which must be none).
// Run it once: go test -run '^$' -bench HallLoad -benchtime 1x ./sync/hub
func BenchmarkHallLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		hallLoad(b)
	}
}

// pause waits about d: uniformly between half and one and a half of it, as
// people at kiosks and windows do not act in step.
func pause(d time.Duration) {
	if d > 0 {
		time.Sleep(d/2 + rand.N(d))
	}
}

func hallLoad(b *testing.B) {
	ctx := context.Background()
	s := openStore(b, b.TempDir(), runningClock{time.Now()})
	defer s.Close()
	// A hall of 90 windows, with room for a whole run's numbers.
	cat, _ := s.Catalog(ctx)
	cat.Version++
	var prefixes []string
	for i := range cat.Categories {
		cat.Categories[i].DailyLimit = 999
		prefixes = append(prefixes, cat.Categories[i].Prefix)
	}
	if err := s.ReplaceCatalog(ctx, cat); err != nil {
		b.Fatal(err)
	}
	hall, _ := s.Hall(ctx)
	hall.Windows = nil
	for w := 1; w <= 90; w++ {
		hall.Windows = append(hall.Windows, app.Window{Number: w, Name: app.Text{Zh: fmt.Sprintf("%d号窗口", w)},
			Categories: []string{prefixes[w%len(prefixes)], prefixes[(w+3)%len(prefixes)]}})
	}
	if err := s.ReplaceHall(ctx, hall); err != nil {
		b.Fatal(err)
	}
	srv, _ := New(s, testKey, nil)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	var mu sync.Mutex
	var issues, calls, pushes, ratings []time.Duration
	errs := map[string]int{}
	deadline := time.Now().Add(*loadDuration)
	// records is what a served citizen adds to the hall's records: the
	// window's case, pushed; every fifth, a rating at a kiosk.
	records := func(c *Client, terminal string, n int64, t app.Ticket) {
		body, _, _, err := wire.BatchBody(terminal, []app.Operation{syntheticCase(terminal, n, syntheticID(int(n)), time.Now())})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		_, err = c.PushRecords(ctx, "330106", body)
		d := time.Since(t0)
		mu.Lock()
		if err != nil {
			errs["records: "+err.Error()]++
		} else {
			pushes = append(pushes, d)
		}
		mu.Unlock()
		if n%5 != 0 {
			return
		}
		t0 = time.Now()
		_, _, err = c.RateServed(ctx, app.Rating{Level: app.Satisfied, Ticket: t.ID})
		d = time.Since(t0)
		mu.Lock()
		if err != nil {
			errs["rating: "+err.Error()]++
		} else {
			ratings = append(ratings, d)
		}
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for k := 0; k < 10; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			c := NewClient(ts.URL, testKey, 5*time.Second)
			pause(*kioskEvery) // terminals do not start in step
			for n := 0; time.Now().Before(deadline); n++ {
				t0 := time.Now()
				_, err := c.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: prefixes[(k+n)%len(prefixes)]})
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs["issue: "+err.Error()]++
				} else {
					issues = append(issues, d)
				}
				mu.Unlock()
				pause(*kioskEvery)
			}
		}(k)
	}
	for w := 1; w <= 90; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := NewClient(ts.URL, testKey, 5*time.Second)
			var served int64
			pause(*windowEvery)
			for time.Now().Before(deadline) {
				t0 := time.Now()
				_, err := c.Call(ctx, app.NewID(), w)
				d := time.Since(t0)
				mu.Lock()
				switch {
				case err == nil, errors.Is(err, app.ErrNoneWaiting):
					calls = append(calls, d)
				default:
					errs["call: "+err.Error()]++
				}
				mu.Unlock()
				if err == nil {
					t, err := c.Finish(ctx, app.NewID(), w)
					if err != nil {
						mu.Lock()
						errs["finish: "+err.Error()]++
						mu.Unlock()
					} else if *withRecords {
						served++
						records(c, fmt.Sprintf("W%02d", w), served, t)
					}
				}
				pause(*windowEvery)
			}
		}(w)
	}
	wg.Wait()
	secs := loadDuration.Seconds()
	report := func(name string, d []time.Duration) {
		if len(d) == 0 {
			return
		}
		slices.Sort(d)
		b.ReportMetric(float64(len(d))/secs, name+"/s")
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, name+"-ms-p50")
		b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, name+"-ms-p99")
	}
	report("issue", issues)
	report("call", calls)
	report("records", pushes)
	report("rating", ratings)
	total := 0
	for msg, n := range errs {
		b.Logf("%d× %s", n, msg)
		total += n
	}
	b.ReportMetric(float64(total), "errors")
}
