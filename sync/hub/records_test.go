package hub

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/sync/wire"
)

var (
	zhang = app.Applicant{Name: "张伟", IDNumber: "11010519491231002X", Phone: "13812345678"}
	wang  = app.Applicant{Name: "王堃", IDNumber: "330106198807150031", Phone: "13900001111"}
)

// terminal is a window or kiosk of the hall: its own store, pushing its
// outbox to the hub, and reading the hall's records through it.
type terminal struct {
	store   *store.Store
	pusher  *Pusher
	records Records
}

func newTerminal(t *testing.T, h *hall, code string) *terminal {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(dir, "t.db"), store.Options{Terminal: code, Keys: keys, Clock: h.clock, HallHub: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := store.LoadSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	return &terminal{store: s, pusher: NewPusher(s, h.client, code, "330106", nil), records: Records{Local: s, Hub: h.client}}
}

func (x *terminal) push(t *testing.T) int {
	t.Helper()
	n, err := x.pusher.Push(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func every(t *testing.T, s *store.Store, code string) []int {
	t.Helper()
	it, err := s.Item(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return it.AllMaterials()
}

// TestTheHallsRecords walks a day of the hall through the hub over HTTP: a
// case taken in at window 1 is found from the kiosk; a kiosk application is
// accepted at window 2; three departments' opinions all reach the hall;
// the result is handed out at window 2 and the chain holds; everything is
// relayed to central once, in the order the hall chained it.
func TestTheHallsRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	w1, w2, kiosk := newTerminal(t, h, "330106K01"), newTerminal(t, h, "330106K02"), newTerminal(t, h, "330106K03")

	// Window 1 takes in a parallel-approval case; the kiosk finds it by the
	// applicant's ID number and by its number.
	c1, err := w1.store.TakeIn(ctx, app.Intake{ItemCode: "WJ-001", Applicant: zhang, Received: every(t, w1.store, "WJ-001"),
		Window: 1, Actor: "S1001", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	if n := w1.push(t); n != 1 {
		t.Fatalf("window 1 pushed %d operations; want its case", n)
	}
	found, err := kiosk.records.CasesByIDNumber(ctx, zhang.IDNumber)
	if err != nil || len(found) != 1 || found[0].Number != c1.Number || found[0].State != app.Accepted {
		t.Fatalf("the kiosk finds %+v, %v; want case %s accepted", found, err, c1.Number)
	}
	if got, err := kiosk.records.Case(ctx, c1.Number); err != nil || got.Applicant.Name != "张伟" || got.Due != c1.Due {
		t.Fatalf("the kiosk reads %+v, %v; want the case as taken in", got, err)
	}

	// A kiosk application waits for any window's pre-review, and window 2
	// accepts it; the due date runs from acceptance.
	h.clock.Advance(time.Hour)
	k1, err := kiosk.store.TakeIn(ctx, app.Intake{ItemCode: "GA-007", Applicant: wang, Actor: "kiosk:330106K03", Outcome: app.Submitted})
	if err != nil {
		t.Fatal(err)
	}
	kiosk.push(t)
	waiting, err := w2.records.Submitted(ctx)
	if err != nil || len(waiting) != 1 || waiting[0].Number != k1.Number {
		t.Fatalf("window 2's pre-review list %+v, %v; want the kiosk's application", waiting, err)
	}
	h.clock.Advance(time.Hour)
	acc, err := w2.records.Decide(ctx, k1.Number, app.Decision{To: app.Accepted, Actor: "S1002", Received: every(t, w2.store, "GA-007")})
	if err != nil || acc.State != app.Accepted || !acc.Accepted.Equal(h.clock.Now()) || acc.Due == "" {
		t.Fatalf("window 2 accepting the application: %+v, %v; want accepted now with a due date", acc, err)
	}
	if got, _ := kiosk.records.Case(ctx, k1.Number); got.State != app.Accepted {
		t.Errorf("the kiosk sees its application %s; want accepted", got.State)
	}

	// Central's three departments decide; the hub brings every opinion in.
	for _, d := range []app.CentralDecision{
		{Case: c1.Number, State: app.InReview, Department: "weijian", Approve: true},
		{Case: c1.Number, State: app.InReview, Department: "gongan", Approve: true, Note: "户籍核验无误"},
		{Case: c1.Number, State: app.InReview, Department: "yibao", Approve: true},
		{Case: c1.Number, State: app.Approved, Department: "renshe", Approve: true},
	} {
		if ok, err := h.store.ApplyCentralDecision(ctx, d); !ok || err != nil {
			t.Fatalf("the hub applying %s's opinion: %v, %v", d.Department, ok, err)
		}
	}
	_, events, err := h.client.Case(ctx, c1.Number)
	if err != nil {
		t.Fatal(err)
	}
	item, _ := kiosk.store.Item(ctx, "WJ-001")
	cat, _ := kiosk.store.Catalog(ctx)
	for _, st := range app.ParallelStatus(item, cat.Departments, events) {
		if !st.Given || !st.Approve {
			t.Errorf("department %s at the kiosk: %+v; want its approval", st.Department, st)
		}
	}

	// Window 2 hands out window 1's result; the chain verifies.
	out, err := w2.records.Decide(ctx, c1.Number, app.Decision{To: app.ResultIssued, Actor: "S1002"})
	if err != nil || out.State != app.ResultIssued {
		t.Fatalf("window 2 handing out window 1's result: %+v, %v", out, err)
	}
	if err := w2.records.Verify(ctx, c1.Number); err != nil {
		t.Errorf("the chain after the hand-out at another window: %v", err)
	}

	// Pushed again (a lost answer), nothing is applied twice.
	before := countRows(t, h.store)
	ops, _ := w1.store.PendingOperationsAfter(ctx, 0, 10)
	if len(ops) != 0 {
		t.Fatalf("window 1 still has %d operations pending", len(ops))
	}
	if _, err := w1.store.ResendFrom(ctx, 1); err != nil {
		t.Fatal(err)
	}
	w1.push(t)
	if after := countRows(t, h.store); after != before {
		t.Errorf("a batch sent again changed the hub: %s, then %s", before, after)
	}

	// The hub relays to central in the order it chained: each case's steps
	// follow each other without a gap.
	relayed, err := h.store.PendingOperationsAfter(ctx, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	next := map[string]int{}
	for _, op := range relayed {
		if op.Kind != app.OpCase {
			continue
		}
		p, err := decodeCase(op.Payload)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Events {
			if e.Seq != next[p.Number]+1 {
				t.Errorf("case %s: step %d relayed after step %d", p.Number, e.Seq, next[p.Number])
			}
			next[p.Number] = e.Seq
		}
	}
	if next[c1.Number] != 7 || next[k1.Number] != 2 {
		t.Errorf("steps relayed to central %v; want 7 of %s (intake 2, opinions 4, hand-out 1) and 2 of %s", next, c1.Number, k1.Number)
	}
}

// TestRatingsAreReal: a rating is taken only for a ticket served in the
// hall today or a case of the hall, once, and a bad one opens a follow-up
// every window sees and any window can close.
func TestRatingsAreReal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	w2 := newTerminal(t, h, "330106K02")
	waiting, err := h.client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ticket, want string }{
		{"2026-11-23/Z999", "not issued in this hall"},
		{waiting.ID, "has not been served"},
	} {
		_, _, err := h.client.RateServed(ctx, app.Rating{Level: app.VerySatisfied, Ticket: tc.ticket})
		if !errors.Is(err, app.ErrNotRateable) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("rating ticket %s: %v; want refused as %q", tc.ticket, err, tc.want)
		}
	}
	if err := h.client.SetClerk(ctx, 2, "S1002"); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() (app.Ticket, error){
		func() (app.Ticket, error) { return h.client.Call(ctx, app.NewID(), 2) },
		func() (app.Ticket, error) { return h.client.Start(ctx, app.NewID(), 2) },
		func() (app.Ticket, error) { return h.client.Finish(ctx, app.NewID(), 2) },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	r, fu, err := h.client.RateServed(ctx, app.Rating{Level: app.VeryDissatisfied, Reasons: []string{"attitude"}, Ticket: waiting.ID})
	if err != nil || r.Window != 2 || r.Clerk != "S1002" || fu == nil {
		t.Fatalf("rating the served ticket: %+v, %+v, %v; want it taken with window 2, its clerk and a follow-up", r, fu, err)
	}
	if _, _, err := h.client.RateServed(ctx, app.Rating{Level: app.Satisfied, Ticket: waiting.ID}); !errors.Is(err, app.ErrNotRateable) {
		t.Errorf("a second rating of the ticket: %v; want refused (一次一评)", err)
	}
	open, err := w2.records.OpenFollowUps(ctx)
	if err != nil || len(open) != 1 || open[0].Rating != r.ID || open[0].Window != 2 {
		t.Fatalf("window 2 sees follow-ups %+v, %v; want the bad rating's", open, err)
	}
	if err := w2.records.ResolveFollowUp(ctx, r.ID, "S1002", "已致电道歉并整改"); err != nil {
		t.Fatal(err)
	}
	if open, _ := w2.records.OpenFollowUps(ctx); len(open) != 0 {
		t.Errorf("follow-ups still open after closing: %+v", open)
	}
}

// TestBadRecordsChangeNothing: a wrong key, a malformed or oversized batch,
// a terminal of another hall and a case another terminal numbered each get
// a 4xx or a refusal with a clear reason, and the hub's records stay as
// they were.
func TestBadRecordsChangeNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	w1 := newTerminal(t, h, "330106K01")
	c, err := w1.store.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: zhang, Received: every(t, w1.store, "GA-001"),
		Window: 1, Actor: "S1001", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	ops, _ := w1.store.PendingOperationsAfter(ctx, 0, 10)
	good, _, _, err := wire.BatchBody("330106K01", ops)
	if err != nil {
		t.Fatal(err)
	}
	thief, _, _, _ := wire.BatchBody("330106K09", ops)
	before := countRows(t, h.store)
	for _, tc := range []struct {
		name   string
		key    string
		body   []byte
		gzip   bool
		hall   string
		status int
		text   string
	}{
		{"wrong key", "wrong-key-wrong-key-wrong-key-wrong", good, true, "330106", http.StatusUnauthorized, "hall key"},
		{"not gzip", testKey, []byte("{}"), true, "330106", http.StatusBadRequest, "gzip"},
		{"malformed", testKey, []byte(`{"terminal": 5}`), false, "330106", http.StatusBadRequest, "not valid JSON"},
		{"empty batch", testKey, []byte(`{"terminal":"330106K01","ops":[]}`), false, "330106", http.StatusBadRequest, "empty"},
		{"oversized", testKey, bytes.Repeat([]byte(" "), maxRecordsBody+10), false, "330106", http.StatusRequestEntityTooLarge, "larger"},
		{"another hall", testKey, good, true, "110105", http.StatusBadRequest, "the hub of hall 330106"},
		{"no hall", testKey, good, true, "", http.StatusBadRequest, "the hub of hall 330106"},
	} {
		req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/v1/records", bytes.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+tc.key)
		if tc.gzip {
			req.Header.Set("Content-Encoding", "gzip")
		}
		req.Header.Set(HeaderHall, tc.hall)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var msg bytes.Buffer
		msg.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(msg.String(), tc.text) {
			t.Errorf("%s: %d %s; want %d saying %q", tc.name, resp.StatusCode, msg.String(), tc.status, tc.text)
		}
	}
	if after := countRows(t, h.store); after != before {
		t.Errorf("bad batches changed the hub: %s, then %s", before, after)
	}
	// A terminal pushing a case another terminal numbered is refused by
	// name, and the case is not taken.
	ans, err := h.client.PushRecords(ctx, "330106", thief)
	if err != nil || len(ans.Rejected) != 1 || !strings.Contains(ans.Rejected[0].Reason, "not issued by terminal 330106K09") {
		t.Errorf("a case of another terminal: %+v, %v; want it refused by name", ans, err)
	}
	if _, _, err := h.client.Case(ctx, c.Number); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the refused case is on the hub: %v", err)
	}
	// A batch after a gap names the operation to send from.
	w1.push(t)
	later, _ := w1.store.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: wang, Received: every(t, w1.store, "GA-001"),
		Window: 1, Actor: "S1001", Outcome: app.Accepted})
	ops, _ = w1.store.PendingOperationsAfter(ctx, 0, 10)
	ops[0].Seq += 5
	gapped, _, _, _ := wire.BatchBody("330106K01", ops)
	var gap *app.SequenceGap
	if _, err := h.client.PushRecords(ctx, "330106", gapped); !errors.As(err, &gap) || gap.Expected != 2 {
		t.Errorf("a batch after a gap: %v; want a gap expecting operation 2", err)
	}
	if _, _, err := h.client.Case(ctx, later.Number); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the case of the refused batch is on the hub: %v", err)
	}
	// A terminal whose database was replaced numbers its operations anew:
	// one under a number the hub holds for another is refused, not skipped
	// as held (which would lose it).
	ops[0].Seq, ops[0].ID = 1, app.NewID()
	reused, _, _, _ := wire.BatchBody("330106K01", ops[:1])
	if _, err := h.client.PushRecords(ctx, "330106", reused); !errors.Is(err, app.ErrOutboxReplaced) {
		t.Errorf("operation 1 again under another id: %v; want it refused as a replaced outbox", err)
	}
}

func decodeCase(data []byte) (app.CasePayload, error) {
	var p app.CasePayload
	return p, wire.Decode(data, &p)
}
