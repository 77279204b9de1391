package link_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/internal/pgtest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestThroughFaultyNetwork puts toxiproxy between terminal and central and
// syncs through latency, resets, a stalled link and one that slices and
// cuts the bytes. Whatever fails is sent again once the fault is gone, and
// central ends up with every operation once.
func TestThroughFaultyNetwork(t *testing.T) {
	ctx := context.Background()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(t, t.TempDir()+"/central.db", clock)
	srv := scene.Serve(t, c, central.ServerOptions{})
	tp := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	proxy := toxiproxy.NewProxy(tp, "central", "127.0.0.1:0", strings.TrimPrefix(srv.URL, "http://"))
	if err := proxy.Start(); err != nil {
		t.Fatal(err)
	}
	defer proxy.Stop()
	st := scene.OpenStore(t, t.TempDir(), clock)
	defer st.Close()
	opt := link.Options{Clock: clock, Sleep: (&scene.NoSleep{Clock: clock}).Sleep, Timeout: 2 * time.Second}
	scene.Enrol(t, c, "http://"+proxy.Listen, st, opt)
	l, err := link.New(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tc := range []struct {
		name  string
		toxic string
		fails bool // whether a sync through it must fail
	}{
		{"latency", `{"type": "latency", "stream": "downstream", "attributes": {"latency": 40, "jitter": 20}}`, false},
		{"slicer both ways", `{"type": "slicer", "stream": "upstream", "attributes": {"average_size": 64, "size_variation": 32, "delay": 20}}`, false},
		{"slicer of answers", `{"type": "slicer", "stream": "downstream", "attributes": {"average_size": 16, "size_variation": 8, "delay": 10}}`, false},
		{"reset at once", `{"type": "reset_peer", "stream": "upstream", "attributes": {"timeout": 0}}`, true},
		{"reset after the request", `{"type": "reset_peer", "stream": "downstream", "attributes": {"timeout": 0}}`, true},
		{"answer cut short", `{"type": "limit_data", "stream": "downstream", "attributes": {"bytes": 40}}`, true},
		{"stalled link", `{"type": "timeout", "stream": "downstream", "attributes": {"timeout": 0}}`, true},
	} {
		for range 3 {
			scene.TakeIn(t, st, "GA-001", n)
			n++
		}
		w, err := proxy.Toxics.AddToxicJson(strings.NewReader(tc.toxic))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		err = l.SyncNow(ctx)
		if tc.fails && err == nil {
			t.Errorf("%s: the sync succeeded through the fault; want it to fail", tc.name)
		}
		if !tc.fails && err != nil {
			t.Errorf("%s: %v; want the sync to succeed, only slower", tc.name, err)
		}
		if err != nil && !errors.Is(err, link.ErrOffline) {
			t.Errorf("%s: %v; want the fault reported as ErrOffline", tc.name, err)
		}
		if err := proxy.Toxics.RemoveToxic(ctx, w.Name); err != nil {
			t.Fatal(err)
		}
		proxy.Toxics.ResetToxics(ctx)
		if err := syncUntilDone(ctx, l, 3); err != nil {
			t.Errorf("%s: after the fault is gone: %v", tc.name, err)
		}
		scene.Agree(t, c, st)
	}
}

// syncUntilDone syncs as the Run loop would retry: a connection the fault
// broke may fail once more.
func syncUntilDone(ctx context.Context, l *link.Link, tries int) error {
	var err error
	for range tries {
		if err = l.SyncNow(ctx); err == nil {
			return nil
		}
	}
	return err
}

const crashEnv = "ONEWINDOW_CRASH_HELPER"

// crashHelper is the terminal process TestCrash kills: it takes in cases,
// rates some, and syncs, forever, saying each case it took in.
func crashHelper(dir string) {
	ctx := context.Background()
	clock := app.SystemClock{}
	st, err := store.Open(ctx, dir+"/terminal.db", store.Options{Terminal: scene.Terminal, Keys: scene.Keys(nil, 3), Clock: clock})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	l, err := link.New(ctx, st, link.Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	it, _ := st.Item(ctx, "GA-001")
	all := make([]int, len(it.Materials))
	for i := range all {
		all[i] = i
	}
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), 1))
	parent := os.Getppid()
	for i := 0; ; i++ {
		if os.Getppid() != parent {
			os.Exit(0) // the test that started this process is gone
		}
		c, err := st.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: scene.Applicant(r.IntN(100000)), Received: all, Window: 1, Actor: "S1001", Outcome: app.Accepted})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("case", c.Number)
		if i%3 == 0 {
			if _, _, err := st.Rate(ctx, app.Rating{Level: app.RatingLevel(1 + r.IntN(5)), Case: c.Number, Window: 1, Clerk: "S1001"}); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
		}
		if i%2 == 0 {
			l.SyncNow(ctx) // errors are the link's to show; the loop goes on
		}
	}
}

// TestCrash kills a working terminal process with SIGKILL at random points,
// restarts it, and checks that every case it confirmed survived and reached
// central exactly once.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test starts processes; skipped in -short")
	}
	ctx := context.Background()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(t, t.TempDir()+"/central.db", clock)
	c.DB().Exec(`UPDATE enrol_codes SET expires_at = '2999-01-01T00:00:00Z'`)
	srv := scene.Serve(t, c, central.ServerOptions{})
	dir := t.TempDir()
	st := scene.OpenStore(t, dir, app.SystemClock{})
	scene.Enrol(t, c, srv.URL, st, link.Options{})
	l, _ := link.New(ctx, st, link.Options{})
	if err := l.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var confirmed []string
	for round := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() }) // should the test stop early
		lines := bufio.NewScanner(out)
		killAt := 1 + r.IntN(15)
		for n := 0; n < killAt && lines.Scan(); n++ {
			line := lines.Text()
			number, ok := strings.CutPrefix(line, "case ")
			if !ok {
				t.Fatalf("round %d: the terminal process said %q", round, line)
			}
			confirmed = append(confirmed, number)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		for lines.Scan() { // what it confirmed before the kill landed
			if number, ok := strings.CutPrefix(lines.Text(), "case "); ok {
				confirmed = append(confirmed, number)
			}
		}
		cmd.Wait()
	}
	st = scene.OpenStore(t, dir, app.SystemClock{})
	defer st.Close()
	l, err := link.New(ctx, st, link.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := syncUntilDone(ctx, l, 3); err != nil {
		t.Fatal(err)
	}
	for _, number := range confirmed {
		if _, err := st.Case(ctx, number); err != nil {
			t.Errorf("case %s was confirmed before the kill but is gone: %v", number, err)
		}
	}
	if len(confirmed) < 6 {
		t.Errorf("only %d cases confirmed in 6 rounds; want at least one a round", len(confirmed))
	}
	scene.Agree(t, c, st)
}

// TestRandomInterleavings: terminal edits, central decisions, pushes,
// pulls, lost answers, outages and restarts in random order; at the end
// both sides agree and every operation is held once.
func TestRandomInterleavings(t *testing.T) {
	for _, b := range []struct {
		name  string
		seeds int
		dsn   func(t *testing.T) string
	}{
		{"sqlite", 12, func(t *testing.T) string { return t.TempDir() + "/central.db" }},
		{"postgres", 4, func(t *testing.T) string { return pgtest.DSN(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for seed := range b.seeds {
				t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
					interleave(t, b.dsn(t), uint64(seed))
				})
			}
		})
	}
}

func interleave(t *testing.T, dsn string, seed uint64) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 99))
	var dropAnswer, outage atomic.Bool
	x := newTerm(t, dsn, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if outage.Swap(false) {
				w.Header().Set("Retry-After", "10")
				http.Error(w, `{"error":"down for maintenance"}`, http.StatusServiceUnavailable)
				return
			}
			if req.URL.Path == wire.PathPush && dropAnswer.Swap(false) {
				h.ServeHTTP(httptest.NewRecorder(), req)
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
			h.ServeHTTP(w, req)
		})
	})
	items := []string{"GA-001", "RS-008", "CL-002", "WJ-001"}
	var numbers []string
	var log []string
	defer func() {
		if t.Failed() {
			t.Logf("seed %d steps: %s", seed, strings.Join(log, ", "))
		}
	}()
	for step := range 60 {
		switch k := r.IntN(10); {
		case k < 3: // a clerk takes in a case
			item := items[r.IntN(len(items))]
			c := scene.TakeIn(t, x.st, item, r.IntN(100000))
			numbers = append(numbers, c.Number)
			log = append(log, "take-in "+item)
		case k == 3 && len(numbers) > 0: // a result handed out, or a rating
			n := numbers[r.IntN(len(numbers))]
			if c, _ := x.st.Case(ctx, n); c.State == app.Approved || c.State == app.Denied {
				if _, err := x.st.Decide(ctx, n, app.Decision{To: app.ResultIssued, Actor: "S1001"}); err != nil {
					t.Fatal(err)
				}
				log = append(log, "issue "+n[len(n)-3:])
			} else if _, _, err := x.st.Rate(ctx, app.Rating{Level: app.RatingLevel(1 + r.IntN(5)), Case: n, Window: 1}); err != nil {
				t.Fatal(err)
			}
		case k == 4 && len(numbers) > 0: // a department gives its opinion
			n := numbers[r.IntN(len(numbers))]
			c, _ := x.st.Case(ctx, n)
			it, _ := x.st.Item(ctx, c.ItemCode)
			deciders := slices.Concat(it.Parallel)
			if len(deciders) == 0 {
				deciders = it.Departments
			}
			o := wire.Opinion{Case: n, Department: deciders[r.IntN(len(deciders))], Approve: r.IntN(4) > 0, Reason: "审查意见"}
			_, err := x.c.RecordOpinion(ctx, o)
			if err != nil && !errors.Is(err, central.ErrConflict) && !errors.Is(err, app.ErrNotFound) {
				t.Fatalf("opinion %+v: %v", o, err)
			}
			log = append(log, fmt.Sprintf("opinion %s %s %v", n[len(n)-3:], o.Department, err == nil))
		case k == 5:
			_, err := x.l.Push(ctx)
			log = append(log, fmt.Sprintf("push %v", err == nil))
		case k == 6:
			_, err := x.l.Pull(ctx)
			log = append(log, fmt.Sprintf("pull %v", err == nil))
		case k == 7:
			dropAnswer.Store(true)
			log = append(log, "lose next answer")
		case k == 8:
			outage.Store(true)
			log = append(log, "outage")
		default: // the terminal restarts
			x.st.Close()
			x.st = scene.OpenStore(t, x.dir, x.clock)
			x.relink(t)
			log = append(log, "restart")
		}
		_ = step
	}
	dropAnswer.Store(false)
	outage.Store(false)
	if err := syncUntilDone(ctx, x.l, 3); err != nil {
		t.Fatal(err)
	}
	scene.Agree(t, x.c, x.st)
}
