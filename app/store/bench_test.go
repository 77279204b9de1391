package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/suite"
)

// reportLatency adds the median and 99th percentile of the per-operation
// times to the benchmark's output.
func reportLatency(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "ms-p99")
}

// benchSuites are the crypto suites the benchmarks put side by side
// (issue 19): intl first, measuring what the benchmarks measured before
// suites, then gm.
var benchSuites = []suite.Name{suite.Intl, suite.GM}

// BenchmarkAcceptCase is a clerk accepting a case: the case, its two events
// and its outbox row in one transaction, on a file with synchronous=FULL,
// under each crypto suite (the values sealed, the ID number indexed and the
// events chained under it).
func BenchmarkAcceptCase(b *testing.B) {
	for _, s := range benchSuites {
		b.Run("suite="+string(s), func(b *testing.B) {
			ctx := context.Background()
			f := open(b)
			f.keys.Use(s) // a store never enrolled keeps the suite its keys say
			in := app.Intake{ItemCode: "GA-001", Applicant: zhang, Received: all(b, f.Store, "GA-001"), Window: 2, Actor: "S1002", Outcome: app.Accepted}
			d := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := f.TakeIn(ctx, in); err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(t0))
			}
			b.StopTimer()
			reportLatency(b, d)
			checkSealedUnder(b, f, s, 1)
		})
	}
}

// checkSealedUnder fails the benchmark unless f holds at least want cases
// and every case, event and outbox row there was sealed, indexed or
// chained under s: so a gm figure is SM4, SM3 and HMAC-SM3's.
func checkSealedUnder(b *testing.B, f *fixture, s suite.Name, want int) {
	b.Helper() // blobs: x'736d333a' is "sm3:", x'736d343a' "sm4:"

	gm := 0
	if s == suite.GM {
		gm = 1
	}
	var n, wrong int
	if err := f.DB().QueryRow(`SELECT (SELECT count(*) FROM cases),
		(SELECT count(*) FROM cases WHERE (substr(id_index, 1, 4) = x'736d333a' AND length(id_index) = 36) != ?1
			OR ?1 AND (substr(name_sealed, 1, 4) != x'736d343a' OR substr(id_sealed, 1, 4) != x'736d343a'))
		+ (SELECT count(*) FROM case_events WHERE (substr(hash, 1, 4) = 'sm3:') != ?1)
		+ (SELECT count(*) FROM outbox WHERE ?1 AND substr(payload, 1, 4) != x'736d343a')`, gm).Scan(&n, &wrong); err != nil {
		b.Fatal(err)
	}
	if n < want || wrong != 0 {
		b.Fatalf("%d cases (want at least %d); %d cases, events or outbox rows not made under %s", n, want, wrong, s)
	}
}

// idNumberFor makes the i-th of a million distinct valid ID numbers.
func idNumberFor(i int) app.IDNumber {
	birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%25000)
	first := fmt.Sprintf("330106%s%03d", birth.Format("20060102"), i/25000)
	c, _ := app.IDCheckDigit(first)
	return app.IDNumber(first + string(c))
}

// millionDB is a database of a million cases sealed under one suite.
type millionDB struct {
	once sync.Once
	f    *fixture
	dir  string
}

var millions = map[suite.Name]*millionDB{suite.Intl: {}, suite.GM: {}}

const millionCases = 1_000_000

// seedMillion fills a database with a million cases sealed and indexed
// under s, once per suite per test binary: in a single transaction
// straight into the table, as years of a busy hall would leave it, since a
// million clerk transactions would take an hour.
func seedMillion(b *testing.B, s suite.Name) *fixture {
	m := millions[s]
	m.once.Do(func() {
		dir, err := os.MkdirTemp("", "onewindow-bench-")
		if err != nil {
			b.Fatal(err)
		}
		m.dir = dir
		f := load(b, dir)
		f.keys.Use(s) // a store never enrolled keeps the suite its keys say
		ctx := context.Background()
		tx, err := f.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO cases (number, item_code, item_name_zh, item_name_en,
			name_sealed, id_sealed, id_index, state, submitted_at, updated_at) VALUES (?, 'GA-001', '户口迁移', 'Move', ?, ?, ?, 'accepted', ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		now := stamp(start)
		t0 := time.Now()
		for i := 0; i < millionCases; i++ {
			num := fmt.Sprintf("330106K01-20261123-%07d", i)
			id := idNumberFor(i)
			if _, err := stmt.ExecContext(ctx, num, f.keys.Seal("张伟", "case/"+num+"/name"),
				f.keys.Seal(string(id), "case/"+num+"/id"), f.idIndex(id), now, now); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		checkSealedUnder(b, f, s, millionCases)
		b.Logf("a million cases sealed under %s in %v", s, time.Since(t0).Round(time.Second))
		m.f = f
	})
	if m.f == nil {
		b.Fatalf("seeding the million cases under %s failed earlier", s)
	}
	return m.f
}

// BenchmarkCasesByIDNumber looks up a citizen's cases by ID number among a
// million cases sealed under each suite: the keyed hashes (the look-up asks
// for the index under either suite), the index, and decrypting what is
// found.
func BenchmarkCasesByIDNumber(b *testing.B) {
	for _, s := range benchSuites {
		b.Run("suite="+string(s), func(b *testing.B) {
			f := seedMillion(b, s)
			ctx := context.Background()
			r := rand.New(rand.NewPCG(1, 2))
			d := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id := idNumberFor(r.IntN(millionCases))
				t0 := time.Now()
				got, err := f.CasesByIDNumber(ctx, id)
				d = append(d, time.Since(t0))
				if err != nil || len(got) != 1 || got[0].Applicant.IDNumber != id {
					b.Fatalf("look-up of %s: %d cases, %v", id.Masked(), len(got), err)
				}
			}
			b.StopTimer()
			reportLatency(b, d)
		})
	}
}

func TestIDNumbersForBenchAreValid(t *testing.T) {
	seen := map[app.IDNumber]bool{}
	for _, i := range []int{0, 1, 24999, 25000, millionCases - 1} {
		id := idNumberFor(i)
		if _, err := app.ParseIDNumber(string(id), start); err != nil || seen[id] {
			t.Errorf("bench ID number %d = %s: %v (seen before: %v)", i, id, err, seen[id])
		}
		seen[id] = true
	}
}

// TestMain removes the million-case databases, which outlive single
// benchmarks.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, db := range millions {
		if db.dir != "" {
			os.RemoveAll(db.dir)
		}
	}
	os.Exit(code)
}

// BenchmarkDiskFsync is the floor under every durable write here: one 4 KiB
// write and fsync of a file in the same temporary folder the stores use.
// A commit with synchronous=FULL cannot be faster than the disk's fsync.
func BenchmarkDiskFsync(b *testing.B) {
	f, err := os.Create(b.TempDir() + "/probe")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.WriteAt(page, int64(i%64)*4096); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, d)
}

// BenchmarkQueueCycle is one citizen through the hub's queue, as the hub
// runs it: a number issued, called to a window and finished, each its own
// transaction with a request id, on a file with synchronous=FULL. It reports
// the time per transaction, the work behind every hub request.
func BenchmarkQueueCycle(b *testing.B) {
	ctx := context.Background()
	f := open(b)
	hall, err := f.Hall(ctx)
	if err != nil {
		b.Fatal(err)
	}
	windowFor := map[string]int{} // a window that serves each category
	var cats []string
	for _, w := range hall.Windows {
		for _, c := range w.Categories {
			if _, ok := windowFor[c]; !ok {
				windowFor[c] = w.Number
				cats = append(cats, c)
			}
		}
	}
	d := make([]time.Duration, 0, 3*b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%300 == 299 { // a new hall-day before a category fills up
			f.clock.Advance(24*time.Hour - 300*time.Second)
		}
		f.clock.Advance(time.Second)
		cat := cats[i%len(cats)]
		id := fmt.Sprint(i)
		t0 := time.Now()
		if _, err := f.Issue(ctx, app.IssueRequest{RequestID: "i" + id, Category: cat}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := f.CallNext(ctx, "c"+id, windowFor[cat]); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := f.Finish(ctx, "f"+id, windowFor[cat]); err != nil {
			b.Fatal(err)
		}
		d = append(d, t1.Sub(t0), t2.Sub(t1), time.Since(t2))
	}
	b.StopTimer()
	reportLatency(b, d)
}
