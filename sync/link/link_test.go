package link_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/internal/pgtest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashHelper(dir)
		return
	}
	pgtest.Main(m)
}

// term is a central served over loopback and one enrolled terminal.
type term struct {
	c     *central.Central
	srv   *httptest.Server
	st    *store.Store
	l     *link.Link
	clock *app.ManualClock
	sleep *scene.NoSleep
	dir   string
	opt   link.Options
}

// newTerm serves central on dsn, with wrap (if any) around its API, and
// enrols a fresh terminal that has pulled central's data.
func newTerm(t *testing.T, dsn string, wrap func(http.Handler) http.Handler) *term {
	t.Helper()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(t, dsn, clock)
	var h http.Handler = c.Handler(central.ServerOptions{})
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	x := &term{c: c, srv: srv, clock: clock, sleep: &scene.NoSleep{Clock: clock}, dir: t.TempDir()}
	x.opt = link.Options{Clock: clock, Sleep: x.sleep.Sleep, Rand: func() float64 { return 0.5 }, Timeout: 5 * time.Second}
	x.st = scene.OpenStore(t, x.dir, clock)
	t.Cleanup(func() { x.st.Close() })
	scene.Enrol(t, c, srv.URL, x.st, x.opt)
	x.relink(t)
	if _, err := x.l.Pull(context.Background()); err != nil {
		t.Fatalf("first pull: %v", err)
	}
	return x
}

func (x *term) relink(t *testing.T) {
	t.Helper()
	l, err := link.New(context.Background(), x.st, x.opt)
	if err != nil {
		t.Fatal(err)
	}
	x.l = l
}

func (x *term) accept(t *testing.T, item string, i int) app.Case {
	t.Helper()
	c, err := x.st.TakeIn(context.Background(), app.Intake{ItemCode: item, Applicant: scene.Applicant(i),
		Received: scene.All(t, x.st, item), Window: 1, Actor: "S1001", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSyncOverHTTP(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		x := newTerm(t, dsn, nil)
		if _, err := x.st.Catalog(ctx); err != nil {
			t.Fatalf("the terminal has no catalogue after its first pull: %v", err)
		}
		single := x.accept(t, "GA-001", 1)
		parallel := x.accept(t, "RS-008", 2)
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		st := x.l.Status()
		if !st.Online || !st.Enrolled || st.Pending != 0 || st.LastSuccess.IsZero() || st.LastError != "" {
			t.Errorf("status after a sync: %+v; want online, enrolled, nothing pending, a last success and no error", st)
		}
		// Back-office decisions reach the terminal on its next pull.
		for _, o := range []wire.Opinion{
			{Case: single.Number, Department: "gongan", Approve: true},
			{Case: parallel.Number, Department: "renshe", Approve: true},
			{Case: parallel.Number, Department: "yibao", Approve: false, Reason: "缴费记录不全"},
			{Case: parallel.Number, Department: "gjj", Approve: true},
		} {
			if _, err := x.c.RecordOpinion(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		res, err := x.l.Pull(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Every department's opinion is a step of its own (并联审批): the
		// hall keeps each, not only the one that settled the case.
		if res.Decisions != 4 {
			t.Errorf("pull applied %d opinions; want 4 (approved; renshe and yibao in review, gjj completing the denial)", res.Decisions)
		}
		for _, tc := range []struct {
			number string
			want   app.CaseState
			actor  string
		}{{single.Number, app.Approved, "central:gongan"}, {parallel.Number, app.Denied, "central:gjj"}} {
			c, _ := x.st.Case(ctx, tc.number)
			events, _ := x.st.Events(ctx, tc.number)
			last := events[len(events)-1]
			if c.State != tc.want || last.Actor != tc.actor {
				t.Errorf("case %s is %s, last step by %s; want %s by %s", tc.number, c.State, last.Actor, tc.want, tc.actor)
			}
			if err := x.st.Verify(ctx, tc.number); err != nil {
				t.Errorf("case %s's chain after central's decision: %v", tc.number, err)
			}
		}
		events, _ := x.st.Events(ctx, parallel.Number)
		var opinions []string
		for _, e := range events {
			if strings.HasPrefix(e.Actor, "central:") {
				opinions = append(opinions, e.Actor+" "+e.Action+" "+e.Note)
			}
		}
		if want := []string{"central:renshe approve ", "central:yibao deny 缴费记录不全", "central:gjj approve yibao: 缴费记录不全"}; !slices.Equal(opinions, want) {
			t.Errorf("the parallel case's opinions %q; want %q", opinions, want)
		}
		// The steps the terminal chained for central's decisions go back
		// to central, so both copies of each timeline agree: a pull queues
		// them, a sync sends them at its end.
		if n, _ := x.st.OutboxCounts(ctx); n.Pending != 4 {
			t.Errorf("applying central's decisions queued %d operations for central; want 4, one per step", n.Pending)
		}
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		scene.Agree(t, x.c, x.st)
		other := x.accept(t, "GA-001", 3)
		if _, err := x.l.Push(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := x.c.RecordOpinion(ctx, wire.Opinion{Case: other.Number, Department: "gongan", Approve: true}); err != nil {
			t.Fatal(err)
		}
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := x.st.OutboxCounts(ctx); n.Pending != 0 {
			t.Errorf("after a sync that pulled a decision, %d operations wait; want the decision's step sent in the same sync", n.Pending)
		}
		scene.Agree(t, x.c, x.st)
		// The result handed out (统一出件) goes back to central.
		if _, err := x.st.Decide(ctx, single.Number, app.Decision{To: app.ResultIssued, Actor: "S1001"}); err != nil {
			t.Fatal(err)
		}
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		scene.Agree(t, x.c, x.st)
	})
}

// TestDrainProgress: a backlog goes in batches of at most 500, and the
// status shows the share sent as it goes.
func TestDrainProgress(t *testing.T) {
	ctx := context.Background()
	var x *term
	var mu sync.Mutex // two batches are handled at once
	var progress []float64
	var batches atomic.Int32
	x = newTerm(t, t.TempDir()+"/central.db", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == wire.PathPush {
				batches.Add(1)
				if s := x.l.Status(); s.Draining {
					mu.Lock()
					progress = append(progress, s.Progress)
					mu.Unlock()
				}
			}
			h.ServeHTTP(w, r)
		})
	})
	for i := range 1200 {
		x.accept(t, "GA-002", i)
	}
	r, err := x.l.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Batches != 3 || r.Sent != 1200 || batches.Load() != 3 {
		t.Errorf("drained %+v in %d requests; want 1200 operations in 3 batches", r, batches.Load())
	}
	// Two batches are on the way at once, so the third is the first sent
	// after an answer: the progress it sees has moved, and never back.
	if len(progress) != 3 || progress[0] != 0 || !slices.IsSorted(progress) || progress[2] < 500.0/1200 || progress[2] >= 1 {
		t.Errorf("progress seen by the server as each batch came %v; want 3 values from 0, rising, the last at least 500/1200 and below 1", progress)
	}
	if r.Bytes*4 > r.RawBytes {
		t.Errorf("%d bytes on the wire for %d of JSON; want gzip to shrink it at least fourfold", r.Bytes, r.RawBytes)
	}
	if s := x.l.Status(); s.Draining || s.Pending != 0 {
		t.Errorf("status after the drain %+v; want not draining, nothing pending", s)
	}
	scene.Agree(t, x.c, x.st)
}

// TestRejectedIsShownNotRetried: an operation central refuses is recorded
// with the reason and never sent again.
func TestRejectedIsShownNotRetried(t *testing.T) {
	ctx := context.Background()
	var pushes atomic.Int32
	x := newTerm(t, t.TempDir()+"/central.db", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == wire.PathPush {
				pushes.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
	// Central withdraws item GA-008 before the terminal hears of it.
	cat, _ := x.st.Catalog(ctx)
	cat.Version = 2
	cat.Items = slices.DeleteFunc(cat.Items, func(it app.Item) bool { return it.Code == "GA-008" })
	body, _ := jsonOf(cat)
	if _, err := x.c.PublishCatalog(ctx, body); err != nil {
		t.Fatal(err)
	}
	x.accept(t, "GA-008", 1)
	x.accept(t, "GA-001", 2)
	if _, err := x.l.Push(ctx); err != nil {
		t.Fatal(err)
	}
	if s := x.l.Status(); s.Rejected != 1 || s.Pending != 0 {
		t.Errorf("status %+v; want 1 rejected, none pending", s)
	}
	rej, _ := x.st.RejectedOperations(ctx)
	if len(rej) != 1 || !strings.Contains(rej[0].Reason, `unknown item code "GA-008"`) {
		t.Fatalf("rejected operations %+v; want the GA-008 case with central's reason", rej)
	}
	before := pushes.Load()
	for range 3 {
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if pushes.Load() != before {
		t.Errorf("%d more pushes after the refusal; want none: nothing is pending", pushes.Load()-before)
	}
	scene.Agree(t, x.c, x.st)
}

// TestCentralRestoredFromBackup: central answers 409 with the sequence it
// expects, and the terminal sends again from there.
func TestCentralRestoredFromBackup(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		x := newTerm(t, dsn, nil)
		for i := range 10 {
			x.accept(t, "GA-001", i)
		}
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		// The backup central is restored from knew the first four only.
		for _, q := range []string{`DELETE FROM ops WHERE seq > 4`, `UPDATE terminals SET last_seq = 4`,
			`DELETE FROM case_events WHERE case_number > '330106K01-20261123-000004'`, `DELETE FROM cases WHERE number > '330106K01-20261123-000004'`} {
			if _, err := x.c.DB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		x.accept(t, "GA-001", 11)
		r, err := x.l.Push(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Resent != 6 || r.Sent != 7 {
			t.Errorf("push after central's restore: %+v; want 6 sent again and 7 in all", r)
		}
		scene.Agree(t, x.c, x.st)
	})
}

// TestResyncWhenCursorIsGone: a cursor older than central keeps is answered
// 410 and the terminal resyncs in full, decisions included.
func TestResyncWhenCursorIsGone(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		x := newTerm(t, dsn, nil)
		c := x.accept(t, "GA-001", 1)
		if _, err := x.l.Push(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := x.c.RecordOpinion(ctx, wire.Opinion{Case: c.Number, Department: "gongan", Approve: true}); err != nil {
			t.Fatal(err)
		}
		top, _ := x.c.Version(ctx)
		if _, err := x.c.Compact(ctx, top); err != nil {
			t.Fatal(err)
		}
		if _, err := x.l.Pull(ctx); err != nil {
			t.Fatalf("pull with a compacted cursor: %v", err)
		}
		got, _ := x.st.Case(ctx, c.Number)
		cursor, _ := x.st.SyncCursor(ctx)
		if got.State != app.Approved || cursor != top {
			t.Errorf("after the resync the case is %s and the cursor %d; want approved and %d", got.State, cursor, top)
		}
		// A second resync (or the decision pulled again) changes nothing.
		if _, err := x.c.Compact(ctx, top); err != nil {
			t.Fatal(err)
		}
		x.st.DB().Exec(`UPDATE sync_link SET cursor = 0`)
		if res, err := x.l.Pull(ctx); err != nil || res.Decisions != 0 {
			t.Errorf("resync again: %+v, %v; want no decision applied twice", res, err)
		}
		events, _ := x.st.Events(ctx, c.Number)
		if len(events) != 3 {
			t.Errorf("case has %d steps; want 3 (submitted, accepted, approved)", len(events))
		}
	})
}

func TestRevokedTerminalIsRefused(t *testing.T) {
	ctx := context.Background()
	x := newTerm(t, t.TempDir()+"/central.db", nil)
	x.accept(t, "GA-001", 1)
	if err := x.c.Revoke(ctx, scene.Terminal); err != nil {
		t.Fatal(err)
	}
	err := x.l.SyncNow(ctx)
	if !errors.Is(err, link.ErrRevoked) {
		t.Fatalf("sync of a revoked terminal: %v; want ErrRevoked", err)
	}
	if s := x.l.Status(); s.Pending != 1 || !strings.Contains(s.LastError, "revoked") || s.LastErrorAt.IsZero() {
		t.Errorf("status %+v; want 1 pending and the revocation as the last error", s)
	}
}

func TestEnrolRefusals(t *testing.T) {
	ctx := context.Background()
	x := newTerm(t, t.TempDir()+"/central.db", nil)
	st := scene.OpenStore(t, t.TempDir(), x.clock)
	defer st.Close()
	for _, tc := range []struct {
		name string
		b    wire.Bundle
		want string
	}{
		{"wrong code", wire.Bundle{Central: x.srv.URL, Terminal: scene.Terminal, Code: "AAAA-BBBB-CCCC-DDDD"}, "not known"},
		{"not a URL", wire.Bundle{Central: "central:8443", Code: "x"}, "not an http(s) URL"},
		{"https without a CA", wire.Bundle{Central: "https://127.0.0.1:1", Code: "x"}, "no CA"},
		{"a CA that is not PEM", wire.Bundle{Central: "https://127.0.0.1:1", Code: "x", CAPEM: "hello"}, "not a PEM"},
	} {
		err := link.Enrol(ctx, st, tc.b, x.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error saying %q", tc.name, err, tc.want)
		}
	}
	if _, err := link.New(ctx, st, x.opt); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("a link for a terminal never enrolled: %v; want ErrNotFound", err)
	}
}
