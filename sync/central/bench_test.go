package central_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/internal/pgtest"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// countingListener counts every byte that crosses its connections.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func (c countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// BenchmarkDrain drains a backlog of operations (a week offline in a busy
// hall: 100,000 by default, ONEWINDOW_BENCH_OPS to change) from a terminal
// to central over loopback HTTP, and compares the rate with central's bare
// insert rate for the same rows in the same store. It runs under each
// crypto suite in turn (issue 19): suite=intl measures what the benchmark
// measured before suites; under suite=gm the terminal opens its outbox with
// SM4, central checks the chains with SM3, seals with SM4 and indexes with
// HMAC-SM3.
func BenchmarkDrain(b *testing.B) {
	n := 100_000
	if s := os.Getenv("ONEWINDOW_BENCH_OPS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	for _, backend := range []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return b.TempDir() + "/central.db" }},
		{"postgres", func(b *testing.B) string { return pgtest.DSN(b) }},
	} {
		b.Run(backend.name, func(b *testing.B) {
			for _, s := range []suite.Name{suite.Intl, suite.GM} {
				b.Run("suite="+string(s), func(b *testing.B) {
					b.Setenv(suitetest.Env, string(s)) // scene's central, so the terminal it enrols
					for range b.N {
						drain(b, n, backend.dsn)
					}
				})
			}
		})
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func drain(b *testing.B, n int, dsn func(*testing.B) string) {
	b.StopTimer()
	ctx := context.Background()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(b, dsn(b), clock)
	var wireBytes atomic.Int64
	srv := httptest.NewUnstartedServer(c.Handler(central.ServerOptions{}))
	srv.Listener = countingListener{srv.Listener, &wireBytes}
	srv.Start()
	defer srv.Close()
	st := scene.OpenStore(b, b.TempDir(), clock)
	defer st.Close()
	opt := link.Options{Clock: clock, Timeout: time.Minute}
	scene.Enrol(b, c, srv.URL, st, opt)
	l, err := link.New(ctx, st, opt)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.Pull(ctx); err != nil {
		b.Fatal(err)
	}
	scene.FillOutbox(b, st, n-1)
	ops, err := st.PendingOperations(ctx, n)
	if err != nil || len(ops) != n {
		b.Fatalf("backlog of %d operations, %v; want %d", len(ops), err, n)
	}
	wireBytes.Store(0)

	b.StartTimer()
	t0, cpu0 := time.Now(), cpuTime()
	r, err := l.Push(ctx)
	elapsed, cpu := time.Since(t0), cpuTime()-cpu0
	b.StopTimer()
	if err != nil || r.Sent != n || r.Rejected != 0 {
		b.Fatalf("drain: %+v, %v; want all %d taken", r, err, n)
	}
	checkSuite(b, c, st, suitetest.Suite())

	// The same rows straight into a fresh central of the same kind.
	raw := scene.Central(b, dsn(b), clock)
	batches := make([]central.RawRows, 0, n/wire.MaxBatchOps+1)
	for i := 0; i < n; i += wire.MaxBatchOps {
		bt := wire.PushBatch{Terminal: scene.Terminal}
		for _, o := range ops[i:min(i+wire.MaxBatchOps, n)] {
			bt.Ops = append(bt.Ops, wire.FromOperation(o))
		}
		batches = append(batches, central.PrepareRaw(raw, scene.Terminal, scene.Hall, bt))
	}
	t1, cpu1 := time.Now(), cpuTime()
	for _, rows := range batches {
		if err := rows.Insert(ctx); err != nil {
			b.Fatal(err)
		}
	}
	rawElapsed, rawCPU := time.Since(t1), cpuTime()-cpu1

	// And once more into another fresh central, a row at a time.
	each := scene.Central(b, dsn(b), clock)
	eachBatches := make([]central.RawRows, 0, len(batches))
	for i := 0; i < n; i += wire.MaxBatchOps {
		bt := wire.PushBatch{Terminal: scene.Terminal}
		for _, o := range ops[i:min(i+wire.MaxBatchOps, n)] {
			bt.Ops = append(bt.Ops, wire.FromOperation(o))
		}
		eachBatches = append(eachBatches, central.PrepareRaw(each, scene.Terminal, scene.Hall, bt))
	}
	t2 := time.Now()
	for _, rows := range eachBatches {
		if err := rows.InsertEach(ctx); err != nil {
			b.Fatal(err)
		}
	}
	eachRate := float64(n) / time.Since(t2).Seconds()

	rate := float64(n) / elapsed.Seconds()
	rawRate := float64(n) / rawElapsed.Seconds()
	b.ReportMetric(rate, "ops/s")
	b.ReportMetric(float64(wireBytes.Load())/float64(n), "wire-B/op")
	b.ReportMetric(float64(r.Bytes)/float64(n), "gzip-B/op")
	b.ReportMetric(float64(r.RawBytes)/float64(n), "json-B/op")
	b.ReportMetric(rawRate, "raw-ops/s")
	b.ReportMetric(100*rate/rawRate, "%-of-raw")
	b.ReportMetric(eachRate, "row-ops/s")
	b.ReportMetric(100*rate/eachRate, "%-of-row")
	// CPU time (terminal and central together, both in this process) says
	// what the work costs when the machine is shared and wall time is not
	// to be trusted.
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/op")
	b.ReportMetric(float64(rawCPU.Microseconds())/float64(n), "raw-cpu-µs/op")
	if testing.Verbose() {
		fmt.Printf("%s: %d ops in %v (%d batches); raw insert %v\n", c.Backend(), n, elapsed.Round(time.Millisecond), r.Batches, rawElapsed.Round(time.Millisecond))
	}
}

// checkSuite fails the benchmark unless the terminal's outbox and the cases
// central took (a thousand of each) were sealed and indexed under s.
func checkSuite(b *testing.B, c *central.Central, st *store.Store, s suite.Name) {
	b.Helper()
	if st.Suite() != s {
		b.Fatalf("the terminal records under %s, not %s", st.Suite(), s)
	}
	check := func(db *sql.DB, what, query string, under func([]byte) suite.Name) {
		rows, err := db.Query(query)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for ; rows.Next(); n++ {
			var v []byte
			if err := rows.Scan(&v); err != nil {
				b.Fatal(err)
			}
			if got := under(v); got != s {
				b.Fatalf("%s under %s, not %s", what, got, s)
			}
		}
		if err := rows.Err(); err != nil || n == 0 {
			b.Fatalf("%s: %d rows, %v", what, n, err)
		}
	}
	check(st.DB(), "the terminal's outbox", `SELECT payload FROM outbox LIMIT 1000`, pii.SealedUnder)
	check(c.DB(), "central's names", `SELECT name_sealed FROM cases LIMIT 1000`, pii.SealedUnder)
	check(c.DB(), "central's ID indexes", `SELECT id_index FROM cases LIMIT 1000`, pii.IndexedUnder)
}
