package desk_test

import (
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/sync/hub"
)

const hallKey = "0123456789abcdef0123456789abcdef"

var start = time.Date(2026, 11, 23, 9, 30, 0, 0, app.HallZone)

func openStore(t *testing.T, dir string, clock app.Clock) *store.Store {
	t.Helper()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(t.Context(), filepath.Join(dir, "db"), store.Options{Terminal: "T01", Keys: keys, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := store.LoadSample(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// newDesk is window 1 with a real store and a real hub, and no devices at
// all: a window whose printer, reader and bus are not attached.
func newDesk(t *testing.T) (*desk.Desk, *hub.Client, *store.Store) {
	t.Helper()
	clock := app.NewManualClock(start)
	s := openStore(t, t.TempDir(), clock)
	h, err := app.HashPassword("pw", app.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(t.Context(), "S1001", h); err != nil {
		t.Fatal(err)
	}
	srv, err := hub.New(openStore(t, t.TempDir(), clock), hallKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	hc := hub.NewClient(ts.URL, hallKey, 2*time.Second)
	d, err := desk.New(t.Context(), desk.Services{Store: s, Hub: hc, Clock: clock, NewRequestID: app.NewID},
		desk.Config{Window: 1, Categories: []string{"H", "A", "B"}})
	if err != nil {
		t.Fatal(err)
	}
	return d, hc, s
}

func TestNothingWorksLoggedOutOrLocked(t *testing.T) {
	d, hc, _ := newDesk(t)
	ctx := t.Context()
	if _, err := hc.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "H"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CallNext(ctx); !errors.Is(err, desk.ErrLoggedOut) {
		t.Fatalf("call while logged out: want ErrLoggedOut, got %v", err)
	}
	if err := d.Login(ctx, "S1001", "pw"); err != nil {
		t.Fatal(err)
	}
	d.Lock()
	d.HandleBusEvent(ctx, app.BusEvent{Kind: app.BusKey, Addr: 11, Key: app.KeyCallNext})
	if st, _ := hc.Window(ctx, 1); st.Current != nil {
		t.Fatalf("a keypad key on a locked window must do nothing, but %s was called", st.Current.Code)
	}
	if _, err := d.Cases(ctx, desk.CaseFilter{}); !errors.Is(err, desk.ErrLoggedOut) {
		t.Fatalf("the case list of a locked window: want ErrLoggedOut, got %v", err)
	}
	if err := d.Login(ctx, "S1001", "pw"); err != nil {
		t.Fatal(err)
	}
	d.HandleBusEvent(ctx, app.BusEvent{Kind: app.BusKey, Addr: 12, Key: app.KeyCallNext}) // window 2's keypad
	if st, _ := hc.Window(ctx, 1); st.Current != nil {
		t.Fatal("another window's keypad must not call to this window")
	}
	d.HandleBusEvent(ctx, app.BusEvent{Kind: app.BusKey, Addr: 11, Key: app.KeyCallNext})
	if st, _ := hc.Window(ctx, 1); st.Current == nil || st.Current.Code != "H001" {
		t.Fatalf("this window's keypad, unlocked: want H001 called, got %+v", st.Current)
	}
}

func TestWithoutAPrinterTheCaseIsKeptAndTheFailureRecorded(t *testing.T) {
	d, _, s := newDesk(t)
	ctx := t.Context()
	if err := d.Login(ctx, "S1001", "pw"); err != nil {
		t.Fatal(err)
	}
	items := d.SearchItems("jmsfzhl")
	if len(items) == 0 {
		t.Fatal("pinyin initials jmsfzhl found nothing")
	}
	a, err := d.Applicant(" 张伟 ", "11010519491231002x", "")
	if err != nil || a.IDNumber != "11010519491231002X" {
		t.Fatalf("a typed applicant: got %+v %v", a, err)
	}
	if _, err := d.Applicant("张伟", "110105194912310021", ""); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("a wrong check digit: want ErrInvalidInput, got %v", err)
	}
	out, err := d.Accept(ctx, desk.IntakeForm{Item: items[0], Applicant: a, Received: []int{0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(out.PrintErr, app.ErrPrintFailed) || out.Case.State != app.Accepted {
		t.Fatalf("want an accepted case and ErrPrintFailed, got %s %v", out.Case.State, out.PrintErr)
	}
	evs, _ := s.Events(ctx, out.Case.Number)
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"submitted", "accepted", "notice_print_failed"}) {
		t.Fatalf("timeline: got %v", actions)
	}
	if _, err := d.Refuse(ctx, desk.IntakeForm{Item: items[0], Applicant: a}, "other", ""); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("refusing for 其他 without words: want ErrInvalidInput, got %v", err)
	}
	if _, err := d.RequestMissing(ctx, desk.IntakeForm{Item: items[0], Applicant: a, Received: []int{0, 1}}, "bring"); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("asking for materials when none is missing: want ErrInvalidInput, got %v", err)
	}
}
