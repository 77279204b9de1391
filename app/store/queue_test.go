package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/suite"
)

// elder is 70 on the test day; zhang (born 1949) is 76.
var elder = app.Applicant{Name: "李秀英", IDNumber: "110105195605120028"}

// kioskKey is the test hall's kiosk key, which keys the hash a kiosk sends.
var kioskKey = []byte("the kiosk key of the test hall, 32+ bytes")

// fromCard is the issue request a kiosk sends after reading a's ID card.
func fromCard(cat string, a app.Applicant) app.IssueRequest {
	elderly := app.DefaultQueueRules.PriorityFor(app.NoPriority, a.IDNumber.AgeOn(start)) == app.Elderly
	return app.IssueRequest{Category: cat, Elderly: elderly, Who: app.MaskName(a.Name), WhoKey: app.WhoKey(suite.Intl, kioskKey, a.IDNumber)}
}

func issue(t *testing.T, f *fixture, cat string) app.Ticket {
	t.Helper()
	tk, err := f.Issue(context.Background(), app.IssueRequest{Category: cat})
	if err != nil {
		t.Fatalf("issue %s: %v", cat, err)
	}
	return tk
}

func call(t *testing.T, f *fixture, window int) app.Ticket {
	t.Helper()
	tk, err := f.CallNext(context.Background(), "", window)
	if err != nil {
		t.Fatalf("window %d call next: %v", window, err)
	}
	return tk
}

func TestIssueNumbers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	for i, want := range []string{"A001", "A002", "A003"} {
		if tk := issue(t, f, "A"); tk.Code != want || tk.Ahead != i || tk.State != app.Waiting || tk.ID != "2026-11-23/"+want {
			t.Errorf("ticket %d = %s (id %s, %d ahead, %s); want %s with %d ahead", i+1, tk.Code, tk.ID, tk.Ahead, tk.State, want, i)
		}
	}
	if tk := issue(t, f, "B"); tk.Code != "B001" {
		t.Errorf("first B ticket = %s, want B001", tk.Code)
	}
	// The same request again (the kiosk retried) gets the same ticket.
	a, err := f.Issue(ctx, app.IssueRequest{RequestID: "kiosk1-77", Category: "C"})
	b, err2 := f.Issue(ctx, app.IssueRequest{RequestID: "kiosk1-77", Category: "C"})
	if err != nil || err2 != nil || a.Code != "C001" || b.Code != "C001" {
		t.Errorf("a retried request: %s, %s (%v, %v); want C001 both times", a.Code, b.Code, err, err2)
	}
	if tk := issue(t, f, "C"); tk.Code != "C002" {
		t.Errorf("the next C ticket = %s, want C002", tk.Code)
	}
	// A new hall-day starts again at 001.
	f.clock.Advance(24 * time.Hour)
	if tk := issue(t, f, "A"); tk.Code != "A001" || tk.Day != "2026-11-24" {
		t.Errorf("next day's first A ticket = %s of %s, want A001 of 2026-11-24", tk.Code, tk.Day)
	}
}

func TestIssueRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	cat, _ := f.Catalog(ctx)
	cat.Version = 2
	cat.Categories[0].DailyLimit = 2 // A
	if err := f.ReplaceCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	issue(t, f, "A")
	issue(t, f, "A")
	if _, err := f.Issue(ctx, app.IssueRequest{Category: "A"}); !errors.Is(err, app.ErrCategoryFull) {
		t.Errorf("third A ticket with a limit of 2: %v; want ErrCategoryFull", err)
	}
	if _, err := f.Issue(ctx, app.IssueRequest{Category: "Q"}); !errors.Is(err, app.ErrNotFound) || !strings.Contains(err.Error(), `"Q"`) {
		t.Errorf("unknown category: %v; want ErrNotFound naming Q", err)
	}
	if _, err := f.Issue(ctx, app.IssueRequest{Category: "B", Claim: app.Elderly}); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("claiming elderly priority without a card: %v; want ErrInvalidInput", err)
	}
	for _, r := range []app.IssueRequest{
		{Category: "B", Who: "李秀英"},
		{Category: "B", WhoKey: string(elder.IDNumber)},
	} {
		if _, err := f.Issue(ctx, r); !errors.Is(err, app.ErrInvalidInput) {
			t.Errorf("issue %+v: %v; want ErrInvalidInput", r, err)
		}
	}
	f.clock.Set(time.Date(2026, 11, 23, 17, 0, 0, 0, app.HallZone))
	if _, err := f.Issue(ctx, app.IssueRequest{Category: "B"}); !errors.Is(err, app.ErrCategoryClosed) {
		t.Errorf("a ticket at 17:00: %v; want ErrCategoryClosed", err)
	}
	q, _ := f.Queue(ctx, 5)
	if q.Categories[0].Open || q.Categories[1].Open || q.Categories[0].Issued != 2 {
		t.Errorf("queue status at 17:00: %+v; want A full (2 issued) and B closed", q.Categories[:2])
	}
}

func TestPriorityAndPrivacy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	tk, err := f.Issue(ctx, fromCard("A", elder))
	if err != nil || tk.Priority != app.Elderly || tk.WhoMasked != "李*英" {
		t.Fatalf("a 70-year-old's ticket: %+v, %v; want elderly priority, shown as 李*英", tk, err)
	}
	young, _ := f.Issue(ctx, fromCard("A", wang))
	if young.Priority != app.NoPriority {
		t.Errorf("a 38-year-old's ticket has priority %q", young.Priority)
	}
	var n int
	f.DB().QueryRow(`SELECT count(*) FROM tickets WHERE who_masked LIKE '%秀%' OR who_index LIKE ?`, "%"+string(elder.IDNumber)+"%").Scan(&n)
	if n != 0 {
		t.Error("a ticket keeps the citizen's full name or ID number")
	}
	evs, _ := f.QueueEvents(ctx, 0, 10)
	for _, e := range evs {
		if e.Ticket.WhoMasked != "" {
			t.Errorf("the %s event of waiting ticket %s tells windows who holds it (%s)", e.Kind, e.Ticket.Code, e.Ticket.WhoMasked)
		}
	}
	ws, err := f.Window(ctx, 2)
	if err != nil || ws.Current != nil || ws.Waiting != 2 {
		t.Errorf("window 2 before calling: %+v, %v; want 2 waiting and no current ticket", ws, err)
	}
}

func TestCallOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	// Window 1 serves H, A, B in that order; window 4 serves only B.
	b1 := issue(t, f, "B")
	a1 := issue(t, f, "A")
	h1 := issue(t, f, "H")
	if got := call(t, f, 1); got.Code != h1.Code || got.Window != 1 || got.State != app.Called {
		t.Errorf("window 1 called %s, want %s (its first category)", got.Code, h1.Code)
	}
	if _, err := f.CallNext(ctx, "", 1); !errors.Is(err, app.ErrWindowBusy) {
		t.Errorf("calling while H001 is only called: %v; want ErrWindowBusy", err)
	}
	f.StartServing(ctx, "", 1)
	if got := call(t, f, 1); got.Code != a1.Code {
		t.Errorf("window 1 then called %s, want %s", got.Code, a1.Code)
	}
	if h, _ := ticketByID(ctx, f.DB(), h1.ID); h.State != app.Done {
		t.Errorf("calling the next ticket left the served one %s, want done", h.State)
	}
	if got := call(t, f, 4); got.Code != b1.Code {
		t.Errorf("window 4 called %s, want %s", got.Code, b1.Code)
	}
	if _, err := f.CallNext(ctx, "", 4); !errors.Is(err, app.ErrWindowBusy) {
		t.Errorf("window 4 again: %v; want busy", err)
	}
	f.Finish(ctx, "", 4)
	if _, err := f.CallNext(ctx, "", 4); !errors.Is(err, app.ErrNoneWaiting) {
		t.Errorf("window 4 with nobody waiting: %v; want ErrNoneWaiting", err)
	}
	if _, err := f.CallNext(ctx, "", 99); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("window 99: %v; want ErrNotFound", err)
	}
}

func TestFairnessCap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := openWithCap(t, 2)
	var want []string
	for i := 0; i < 2; i++ {
		want = append(want, issue(t, f, "B").Code) // ordinary, earlier
	}
	for i := 0; i < 4; i++ {
		tk, err := f.Issue(ctx, app.IssueRequest{Category: "B", Claim: app.Disability})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, tk.Code)
	}
	// Two priority calls, then an ordinary one, two priority, the last ordinary.
	order := []string{want[2], want[3], want[0], want[4], want[5], want[1]}
	for i, w := range order {
		got := call(t, f, 4)
		f.Finish(ctx, "", 4)
		if got.Code != w {
			t.Errorf("call %d = %s, want %s", i+1, got.Code, w)
		}
	}
}

func TestRecallSkipAndRequeue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	tk, _ := f.Issue(ctx, fromCard("B", zhang))
	call(t, f, 3)
	for i := 1; i <= 2; i++ { // MaxRecalls is 2
		got, err := f.Recall(ctx, "", 3)
		if err != nil || got.Recalls != i || got.State != app.Called {
			t.Fatalf("recall %d: %+v, %v", i, got, err)
		}
	}
	got, err := f.Recall(ctx, "", 3)
	if err != nil || got.State != app.NoShow {
		t.Fatalf("the recall after the last: %+v, %v; want a no-show", got, err)
	}
	if _, err := f.Recall(ctx, "", 3); !errors.Is(err, app.ErrNoTicket) {
		t.Errorf("recall with no ticket: %v; want ErrNoTicket", err)
	}
	// Re-queued at a kiosk by reading the same card.
	re, err := f.Requeue(ctx, "", "", app.WhoKey(suite.Intl, kioskKey, zhang.IDNumber), "")
	if err != nil || re.Code != tk.Code || re.State != app.Waiting || !re.Requeued {
		t.Fatalf("requeue by ID card: %+v, %v", re, err)
	}
	call(t, f, 3)
	if got, _ := f.Skip(ctx, "", 3); got.State != app.NoShow {
		t.Errorf("skip: %s, want no_show", got.State)
	}
	if _, err := f.Requeue(ctx, "", tk.ID, "", ""); !errors.Is(err, app.ErrNotRequeueable) {
		t.Errorf("a second requeue: %v; want ErrNotRequeueable", err)
	}
	other := issue(t, f, "B")
	if _, err := f.Requeue(ctx, "", other.ID, "", ""); !errors.Is(err, app.ErrNotRequeueable) {
		t.Errorf("requeue of a waiting ticket: %v; want ErrNotRequeueable", err)
	}
	if _, err := f.Requeue(ctx, "", "", "nonsense", ""); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("requeue with neither ticket nor card: %v; want ErrInvalidInput", err)
	}
	if _, err := f.Requeue(ctx, "", "", app.WhoKey(suite.Intl, kioskKey, wang.IDNumber), ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("requeue of someone with no missed ticket: %v; want ErrNotFound", err)
	}
}

func TestTransferKeepsPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	a := issue(t, f, "A") // 09:30
	f.clock.Advance(10 * time.Minute)
	later := issue(t, f, "B") // 09:40
	call(t, f, 2)             // window 2 calls A001
	f.StartServing(ctx, "", 2)
	moved, err := f.Transfer(ctx, "", 2, "B", 0)
	if err != nil || moved.Category != "B" || moved.State != app.Waiting || moved.Code != a.Code {
		t.Fatalf("transfer to B: %+v, %v", moved, err)
	}
	// A001 was issued before B001, so window 4 (B) calls it first.
	if got := call(t, f, 4); got.Code != a.Code {
		t.Errorf("window 4 called %s first; want the transferred %s, issued before %s", got.Code, a.Code, later.Code)
	}
	if got, _ := f.Transfer(ctx, "", 4, "", 6); got.TargetWindow != 6 {
		t.Errorf("transfer to window 6: target %d", got.TargetWindow)
	}
	// Window 3 serves B too, but the ticket is for window 6 only.
	if got := call(t, f, 3); got.Code != later.Code {
		t.Errorf("window 3 called %s, want %s", got.Code, later.Code)
	}
	if got := call(t, f, 6); got.Code != a.Code {
		t.Errorf("window 6 (serving D and C) called %s, want the ticket sent to it, %s", got.Code, a.Code)
	}
	for _, tt := range []struct {
		cat string
		win int
	}{{"", 0}, {"B", 3}, {"Q", 0}, {"", 6}, {"", 77}} {
		if _, err := f.Transfer(ctx, "", 6, tt.cat, tt.win); err == nil {
			t.Errorf("transfer to category %q window %d was allowed", tt.cat, tt.win)
		}
	}
}

func TestPause(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	issue(t, f, "B")
	if err := f.Pause(ctx, "", 4, "nap"); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("pause for a reason not on the list: %v", err)
	}
	if err := f.Pause(ctx, "", 4, "break"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CallNext(ctx, "", 4); !errors.Is(err, app.ErrWindowPaused) {
		t.Errorf("calling at a paused window: %v; want ErrWindowPaused", err)
	}
	if ws, _ := f.Window(ctx, 4); !ws.Paused || ws.PauseReason != "break" {
		t.Errorf("window 4 status: %+v; want paused for a break", ws)
	}
	f.Resume(ctx, "", 4)
	call(t, f, 4)
}

func TestEstimatedWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	// F is served by window 8 only. Two services of 4 minutes each.
	for i := 0; i < 2; i++ {
		issue(t, f, "F")
		call(t, f, 8)
		f.clock.Advance(4 * time.Minute)
		f.Finish(ctx, "", 8)
	}
	issue(t, f, "F")
	tk := issue(t, f, "F")
	if tk.Ahead != 1 || tk.Wait != 8*time.Minute {
		t.Errorf("with 1 ahead at 4 minutes each on one window: ahead %d, wait %v; want 1 and 8m", tk.Ahead, tk.Wait)
	}
	q, err := f.Queue(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range q.Categories {
		if c.Prefix == "F" && (c.Waiting != 2 || c.Wait != 12*time.Minute) {
			t.Errorf("category F: %+v; want 2 waiting, 12m for the next", c)
		}
	}
	if len(q.Calls) != 2 || q.Calls[0].Ticket.Code != "F002" {
		t.Errorf("last calls: %+v; want F002 then F001", q.Calls)
	}
}

func TestQueueEventsAndOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	issue(t, f, "A")
	call(t, f, 2)
	f.Finish(ctx, "", 2)
	f.Pause(ctx, "", 2, "break")
	evs, err := f.QueueEvents(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, string(e.Kind))
	}
	if got := strings.Join(kinds, " "); got != "issued called finished paused" {
		t.Errorf("queue events = %s", got)
	}
	if more, _ := f.QueueEvents(ctx, evs[1].Seq, 100); len(more) != 2 || more[0].Kind != "finished" {
		t.Errorf("events after the call: %+v", more)
	}
	ops, _ := f.PendingOperations(ctx, 100)
	if len(ops) != 3 || ops[0].Kind != app.OpTicket {
		t.Errorf("%d outbox operations; want 3 ticket changes (the pause is not central's)", len(ops))
	}
}

// TestConcurrentIssueAndCall runs kiosks and windows at once on one store:
// no number is issued twice and no ticket is called twice.
func TestConcurrentIssueAndCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	const kiosks, perKiosk = 4, 15
	var wg sync.WaitGroup
	var mu sync.Mutex
	issued := map[string]bool{}
	called := map[string]int{}
	errs := make(chan error, 100)
	for k := 0; k < kiosks; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perKiosk; i++ {
				tk, err := f.Issue(ctx, app.IssueRequest{Category: "B"})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if issued[tk.Code] {
					errs <- fmt.Errorf("%s issued twice", tk.Code)
				}
				issued[tk.Code] = true
				mu.Unlock()
			}
		}()
	}
	for _, w := range []int{3, 4} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				tk, err := f.CallNext(ctx, "", w)
				if errors.Is(err, app.ErrNoneWaiting) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				called[tk.Code]++
				mu.Unlock()
				f.Finish(ctx, "", w)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for code, n := range called {
		if n > 1 {
			t.Errorf("%s was called %d times", code, n)
		}
	}
	if len(issued) != kiosks*perKiosk {
		t.Errorf("%d numbers issued, want %d", len(issued), kiosks*perKiosk)
	}
}

func ticketByID(ctx context.Context, q querier, id string) (app.Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, ticketByIDQuery, id))
	return t, notFound(err, "ticket "+id)
}

// A hub upgraded from schema 4 keeps every ticket and every carried-out
// request through migration 5, which rebuilds both tables.
func TestQueueTablesSurviveMigration5(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	f := load(t, dir) // keys, sample hall and catalogue, at the newest schema
	f.Close()
	os.Remove(f.path)
	os.Remove(f.path + "-wal")
	os.Remove(f.path + "-shm")

	// A schema-4 database as a hub left it: two tickets, one taken with an
	// ID card, and the request that issued it.
	raw := f.raw(t)
	ms, _ := migrations()
	for _, m := range ms[:4] {
		if _, err := raw.Exec(m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
	}
	who := fromCard("B", elder).WhoKey
	for _, stmt := range []string{
		`INSERT INTO tickets (id, day, issued_category, category, seq, code, who_index, issued_at, queued_at, state)
			VALUES ('2026-11-23/A001', '2026-11-23', 'A', 'A', 1, 'A001', NULL, '2026-11-23T01:30:00.000000000Z', '2026-11-23T01:30:00.000000000Z', 'waiting')`,
		`INSERT INTO tickets (id, day, issued_category, category, seq, code, who_masked, who_index, issued_at, queued_at, state)
			VALUES ('2026-11-23/B001', '2026-11-23', 'B', 'B', 1, 'B001', '李*', '` + who + `', '2026-11-23T01:31:00.000000000Z', '2026-11-23T01:31:00.000000000Z', 'waiting')`,
		`INSERT INTO queue_requests (request_id, at, response) VALUES ('kiosk-2-1', '2026-11-23T01:31:00.000000000Z', '{"id":"2026-11-23/B001","code":"B001"}')`,
		`PRAGMA user_version = 4`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	raw.Close()

	f.reopen(t)
	if err := LoadSample(ctx, f.Store); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"2026-11-23/A001", "2026-11-23/B001"} {
		if got, err := ticketByID(ctx, f.DB(), id); err != nil || got.State != app.Waiting {
			t.Errorf("ticket %s after the migration: %+v, %v", id, got, err)
		}
	}
	again, err := f.Issue(ctx, app.IssueRequest{RequestID: "kiosk-2-1", Category: "B"})
	if err != nil || again.ID != "2026-11-23/B001" {
		t.Errorf("the retried request after the migration got %s, %v; want the first answer B001", again.ID, err)
	}
	if next := issue(t, f, "A"); next.Code != "A002" {
		t.Errorf("the next A number after the migration is %s, want A002", next.Code)
	}
	var plan string
	f.DB().QueryRow(`EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE day = ? AND who_index = ? AND state = 'no_show'`,
		"2026-11-23", who).Scan(new(int), new(int), new(int), &plan)
	if !strings.Contains(plan, "tickets_by_who") {
		t.Errorf("finding a returning citizen's ticket does not use the ID-card index: %s", plan)
	}
}

// Old requests and events are forgotten; today's stay, idempotent, and the
// event numbers go on rising after the old ones are gone.
func TestForgetQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	old, err := f.Issue(ctx, app.IssueRequest{RequestID: "monday-1", Category: "A"})
	if err != nil {
		t.Fatal(err)
	}
	oldEvents, _ := f.QueueEvents(ctx, 0, 100)
	f.clock.Advance(49 * time.Hour)
	today, err := f.Issue(ctx, app.IssueRequest{RequestID: "wednesday-1", Category: "A"})
	if err != nil {
		t.Fatal(err)
	}
	requests, events, err := f.ForgetQueue(ctx, 48*time.Hour)
	if err != nil || requests != 1 || events != int64(len(oldEvents)) {
		t.Fatalf("forgot %d requests and %d events (%v); want 1 and %d", requests, events, err, len(oldEvents))
	}
	if again, err := f.Issue(ctx, app.IssueRequest{RequestID: "wednesday-1", Category: "A"}); err != nil || again.ID != today.ID {
		t.Errorf("today's request retried: %s, %v; want the first answer %s", again.ID, err, today.ID)
	}
	evs, _ := f.QueueEvents(ctx, 0, 100)
	if len(evs) != 1 || evs[0].Ticket.ID != today.ID || evs[0].Seq <= oldEvents[len(oldEvents)-1].Seq {
		t.Errorf("events left: %+v; want only today's, numbered after the forgotten ones", evs)
	}
	if _, err := ticketByID(ctx, f.DB(), old.ID); err != nil {
		t.Errorf("the old ticket itself was deleted: %v", err)
	}
	if n := f.count(t, "outbox"); n != 2 {
		t.Errorf("%d outbox operations; want both tickets' still there for central", n)
	}
}

// A hub that gathered far more than one chunk forgets all of it.
func TestForgetQueueInChunks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	const n = 2*forgetChunk + 500
	tx, err := f.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	old := stamp(f.clock.Now().Add(-72 * time.Hour))
	for i := 0; i < n; i++ {
		tx.Exec(`INSERT INTO queue_requests (request_id, at, response) VALUES (?, ?, '{}')`, fmt.Sprintf("r%05d", i), old)
		tx.Exec(`INSERT INTO queue_events (at, kind) VALUES (?, 'issued')`, old)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	requests, events, err := f.ForgetQueue(ctx, 48*time.Hour)
	if err != nil || requests != n || events != n {
		t.Fatalf("forgot %d requests and %d events, %v; want %d of each", requests, events, err, n)
	}
	if left := f.count(t, "queue_requests") + f.count(t, "queue_events"); left != 0 {
		t.Errorf("%d rows left", left)
	}
}
