package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/assets"
)

func TestLoginRecordSurvivesRestartAndNewHallSetUp(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := context.Background()
	if r, err := f.LoginRecord(ctx, "S1001"); err != nil || r != (app.LoginRecord{}) {
		t.Fatalf("an id never seen: want no record, got %+v %v", r, err)
	}
	until := start.Add(15 * time.Minute)
	if err := f.SetLoginRecord(ctx, "S1001", app.LoginRecord{LockedUntil: until}); err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	var h app.Hall
	if err := json.Unmarshal(assets.SampleHall, &h); err != nil {
		t.Fatal(err)
	}
	if err := f.ReplaceHall(ctx, h); err != nil {
		t.Fatal(err)
	}
	r, err := f.LoginRecord(ctx, "S1001")
	if err != nil || !r.LockedUntil.Equal(until) {
		t.Fatalf("after a restart and a new hall set-up: want locked until %v, got %+v %v", until, r, err)
	}
	if err := f.SetLoginRecord(ctx, "S1001", app.LoginRecord{}); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "login_failures"); n != 0 {
		t.Fatalf("the zero record should forget the id, %d rows remain", n)
	}
}

func TestSetPasswordAndLogin(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := context.Background()
	h, err := app.HashPassword("pw", app.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetPassword(ctx, "S1002", h); err != nil {
		t.Fatal(err)
	}
	if err := f.SetPassword(ctx, "nobody", h); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("unknown staff: want ErrNotFound, got %v", err)
	}
	a := &app.Authenticator{Dir: f.Store, Policy: app.DefaultLoginPolicy, Clock: f.clock}
	if m, err := a.Login(ctx, "S1002", "pw"); err != nil || m.Name != "刘建国" {
		t.Fatalf("login: want 刘建国, got %+v %v", m, err)
	}
	// Central publishes the hall again (it holds no passwords): the
	// password set here stays, and a member central dropped is gone.
	var hall app.Hall
	if err := json.Unmarshal(assets.SampleHall, &hall); err != nil {
		t.Fatal(err)
	}
	hall.Staff = slices.DeleteFunc(hall.Staff, func(m app.Staff) bool { return m.ID == "S1001" })
	if err := f.SetPassword(ctx, "S1001", h); err != nil {
		t.Fatal(err)
	}
	if err := f.ReplaceHall(ctx, hall); err != nil {
		t.Fatal(err)
	}
	if m, err := a.Login(ctx, "S1002", "pw"); err != nil || m.Name != "刘建国" {
		t.Fatalf("login after central published the hall again: want 刘建国, got %+v %v", m, err)
	}
	if _, err := f.StaffMember(ctx, "S1001"); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("a member central dropped: want ErrNotFound, got %v", err)
	}
}

func TestNoteCaseChainsAndQueues(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := context.Background()
	c := accepted(t, f, zhang)
	before := f.count(t, "outbox")
	ev, err := f.NoteCase(ctx, c.Number, "S1002", "notice_print_failed", "受理通知书: paper out")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Seq != 3 || ev.State != app.Accepted {
		t.Fatalf("want step 3 keeping the state accepted, got %+v", ev)
	}
	if err := f.Verify(ctx, c.Number); err != nil {
		t.Fatalf("the chain after a note: %v", err)
	}
	if got := f.count(t, "outbox"); got != before+1 {
		t.Fatalf("want one more outbox operation, have %d → %d", before, got)
	}
	if _, err := f.NoteCase(ctx, "nope", "S1002", "x", ""); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("unknown case: want ErrNotFound, got %v", err)
	}
}
