package store

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"onewindow/app"
)

func TestSyncCredentialsAreSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	if _, err := f.SyncCredentials(ctx); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("credentials before enrolment: %v; want ErrNotFound", err)
	}
	if err := f.SaveSyncCredentials(ctx, app.SyncCredentials{Central: "https://c", Terminal: "330106K01"}); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("credentials without a secret: %v; want ErrInvalidInput", err)
	}
	f.DB().Exec(`UPDATE sync_link SET cursor = 7`)
	want := app.SyncCredentials{Central: "https://c:8443", Terminal: "330106K01", Hall: "330106", Secret: "s3cret-s3cret", CAPEM: []byte("-----BEGIN CERTIFICATE-----")}
	if err := f.SaveSyncCredentials(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := f.SyncCredentials(ctx)
	if err != nil || got.Secret != want.Secret || got.Central != want.Central || string(got.CAPEM) != string(want.CAPEM) || got.Enrolled.IsZero() {
		t.Errorf("credentials read back %+v, %v; want %+v with the time of enrolment", got, err, want)
	}
	var sealed []byte
	f.DB().QueryRow(`SELECT secret_sealed FROM sync_link`).Scan(&sealed)
	if len(sealed) == 0 || strings.Contains(string(sealed), want.Secret) {
		t.Errorf("the secret is kept as %q; want it sealed", sealed)
	}
	if c, _ := f.SyncCursor(ctx); c != 0 {
		t.Errorf("cursor after a new enrolment %d; want 0: central's changes start again", c)
	}
}

func TestApplyCentralChangesIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang)
	cat, _ := f.Catalog(ctx)
	newer := *cat
	newer.Version = 2
	newer.Items = newer.Items[:len(newer.Items)-1]
	days := []app.CalendarDay{{Date: "2026-12-31", Kind: app.Holiday, Name: app.Text{Zh: "测试"}}}
	approve := &app.CentralDecision{Case: c.Number, State: app.Approved, Department: "gongan"}
	for _, tc := range []struct {
		name    string
		changes []app.CentralChange
		want    string
	}{
		{"a bad calendar after good changes", []app.CentralChange{{Catalog: &newer}, {Decision: approve},
			{Calendar: []app.CalendarDay{{Date: "2026-13-01", Kind: app.Holiday}}, HasCalendar: true}}, "change 3 of 3"},
		{"a hall naming an unknown category", []app.CentralChange{{Decision: approve}, {Hall: &app.Hall{Code: "330106",
			Windows: []app.Window{{Number: 1, Categories: []string{"Q"}}}}}}, `queue category "Q"`},
		{"a change carrying nothing", []app.CentralChange{{Decision: approve}, {}}, "carries nothing"},
		{"a decision that is no decision", []app.CentralChange{{Decision: &app.CentralDecision{Case: c.Number, State: app.Closed, Department: "gongan"}}}, "not a decision"},
	} {
		_, err := f.ApplyCentralChanges(ctx, app.PulledChanges{From: 0, To: 9, Changes: tc.changes})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error saying %q", tc.name, err, tc.want)
		}
		held, _ := f.Catalog(ctx)
		got, _ := f.Case(ctx, c.Number)
		cursor, _ := f.SyncCursor(ctx)
		if held.Version != 1 || got.State != app.Accepted || cursor != 0 {
			t.Errorf("%s: after the refusal catalogue %d, case %s, cursor %d; want 1, accepted, 0: nothing applied", tc.name, held.Version, got.State, cursor)
		}
	}
	if _, err := f.ApplyCentralChanges(ctx, app.PulledChanges{From: 3, To: 9}); !errors.Is(err, ErrCursorMoved) {
		t.Errorf("changes fetched from cursor 3 while 0 is held: %v; want ErrCursorMoved", err)
	}
	res, err := f.ApplyCentralChanges(ctx, app.PulledChanges{From: 0, To: 9, Changes: []app.CentralChange{
		{Catalog: cat}, {Catalog: &newer}, {Calendar: days, HasCalendar: true}, {Decision: approve}}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Catalog || !res.Calendar || res.Decisions != 1 {
		t.Errorf("result %+v; want the newer catalogue, the calendar and one decision applied (the old catalogue skipped)", res)
	}
	held, _ := f.Catalog(ctx)
	cursor, _ := f.SyncCursor(ctx)
	cal, _ := f.Calendar(ctx)
	if held.Version != 2 || cursor != 9 || cal.IsWorkingDay(mustTime(t, "2026-12-31")) {
		t.Errorf("after applying: catalogue %d, cursor %d, 31 Dec working %v; want 2, 9, a holiday", held.Version, cursor, cal.IsWorkingDay(mustTime(t, "2026-12-31")))
	}
}

func mustTime(t *testing.T, d app.Date) time.Time {
	t.Helper()
	v, err := d.Time()
	if err != nil {
		t.Fatal(err)
	}
	return v.Add(12 * time.Hour)
}

func TestCentralDecisionsJoinTheChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang)
	submitted, err := f.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: wang, Actor: "S1002", Outcome: app.Submitted})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := f.OutboxCounts(ctx)
	for _, tc := range []struct {
		name    string
		d       app.CentralDecision
		applied bool
		state   app.CaseState
	}{
		{"in review", app.CentralDecision{Case: c.Number, State: app.InReview, Department: "gongan"}, true, app.InReview},
		{"the same again", app.CentralDecision{Case: c.Number, State: app.InReview, Department: "gongan"}, false, app.InReview},
		{"denied", app.CentralDecision{Case: c.Number, State: app.Denied, Department: "gongan", Note: "材料不实"}, true, app.Denied},
		{"approved after denied", app.CentralDecision{Case: c.Number, State: app.Approved, Department: "gongan"}, false, app.Denied},
		{"a case not accepted here", app.CentralDecision{Case: submitted.Number, State: app.Approved, Department: "gongan"}, false, app.Submitted},
		{"a case unknown here", app.CentralDecision{Case: "330106K01-20261123-999999", State: app.Approved, Department: "gongan"}, false, ""},
	} {
		applied, err := f.ApplyCentralDecision(ctx, tc.d)
		if err != nil || applied != tc.applied {
			t.Errorf("%s: applied %v, %v; want %v", tc.name, applied, err, tc.applied)
		}
		if got, _ := f.Case(ctx, tc.d.Case); got.State != tc.state {
			t.Errorf("%s: the case is %q; want %q", tc.name, got.State, tc.state)
		}
	}
	events, _ := f.Events(ctx, c.Number)
	last := events[len(events)-1]
	if len(events) != 4 || last.Actor != "central:gongan" || last.Note != "材料不实" {
		t.Errorf("the case has %d steps, the last by %s noting %q; want 4, the last by central:gongan with its reason", len(events), last.Actor, last.Note)
	}
	if err := f.Verify(ctx, c.Number); err != nil {
		t.Errorf("the chain after central's decisions: %v", err)
	}
	// The two steps central's decisions added go back to it, chained as
	// here, so that central's copy of the timeline has them too.
	if after, _ := f.OutboxCounts(ctx); after.Pending != before.Pending+2 {
		t.Errorf("outbox %+v after central's decisions, %+v before; want the two new steps queued for central", after, before)
	}
	ops, _ := f.PendingOperations(ctx, 100)
	var sent []app.CaseEvent
	for _, op := range ops[len(ops)-2:] {
		var p app.CasePayload
		if err := json.Unmarshal(op.Payload, &p); err != nil || op.Kind != app.OpCase || op.Entity != c.Number {
			t.Fatalf("operation %d: %s %s %v; want the case", op.Seq, op.Kind, op.Entity, err)
		}
		sent = append(sent, p.Events...)
	}
	if len(sent) != 2 || sent[0] != events[2] || sent[1] != events[3] {
		t.Errorf("queued steps %+v; want steps 3 and 4 exactly as chained here", sent)
	}
	skipped, _ := f.SkippedDecisions(ctx)
	if len(skipped) != 3 || !strings.Contains(skipped[2].Why, "not on this terminal") {
		t.Errorf("skipped decisions %+v; want the three that did not fit, with why", skipped)
	}
}

func TestAcknowledgeAndResend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	for range 5 {
		accepted(t, f, zhang)
	}
	if err := f.AcknowledgeOperations(ctx, 2, 4, []app.Rejection{{Seq: 5, Reason: "x"}}); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("a refusal outside the range acknowledged: %v; want ErrInvalidInput", err)
	}
	if err := f.AcknowledgeOperations(ctx, 2, 4, []app.Rejection{{Seq: 3, Reason: "unknown item code"}}); err != nil {
		t.Fatal(err)
	}
	states := func() string {
		rows, _ := f.DB().Query(`SELECT state FROM outbox ORDER BY seq`)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	if got := states(); got != "pending sent rejected sent pending" {
		t.Errorf("outbox after acknowledging 2–4 with 3 refused: %s; want pending sent rejected sent pending", got)
	}
	after, _ := f.PendingOperationsAfter(ctx, 1, 10)
	if len(after) != 1 || after[0].Seq != 5 || len(after[0].Payload) == 0 {
		t.Errorf("pending after 1: %+v; want operation 5 with its payload", after)
	}
	rej, _ := f.RejectedOperations(ctx)
	if len(rej) != 1 || rej[0].Seq != 3 || rej[0].Kind != app.OpCase || rej[0].Reason != "unknown item code" {
		t.Errorf("rejected %+v; want operation 3 with central's reason", rej)
	}
	n, err := f.ResendFrom(ctx, 3)
	if err != nil || n != 2 || states() != "pending sent pending pending pending" {
		t.Errorf("resend from 3: %d, %v, states %s; want 2 queued again: pending sent pending pending pending", n, err, states())
	}
}

// TestEnrolledAgainContinuesAfterCentral: a database that central has never
// taken an operation from, enrolled under a code central holds operations
// and cases of, numbers its waiting operations and its cases on after
// them; a database whose operations central took keeps its numbers.
func TestEnrolledAgainContinuesAfterCentral(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	creds := app.SyncCredentials{Central: "https://c", Terminal: "330106K01", Hall: "330106", Secret: "s3cret"}
	seqs := func(f *fixture) []int64 {
		rows, _ := f.DB().Query(`SELECT seq FROM outbox ORDER BY seq`)
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var s int64
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	wiped := open(t)
	first := accepted(t, wiped, zhang)
	accepted(t, wiped, wang)
	bad := creds
	bad.Held = -1
	if err := wiped.SaveSyncCredentials(ctx, bad); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("a negative last operation: %v; want ErrInvalidInput", err)
	}
	again := creds
	again.Held, again.LastCase = 10, 7
	if err := wiped.SaveSyncCredentials(ctx, again); err != nil {
		t.Fatal(err)
	}
	if got := seqs(wiped); len(got) != 2 || got[0] != 11 || got[1] != 12 {
		t.Errorf("waiting operations numbered %v after enrolling where central holds 10; want 11 and 12", got)
	}
	ops, _ := wiped.PendingOperations(ctx, 10)
	if len(ops) != 2 || ops[0].Entity != first.Number {
		t.Errorf("pending after renumbering %+v; want the two cases in their order, with their payloads", ops)
	}
	next := accepted(t, wiped, zhang)
	if !strings.HasSuffix(next.Number, "-000008") {
		t.Errorf("the next case is %s; want sequence 8, after central's 7", next.Number)
	}
	if got := seqs(wiped); got[len(got)-1] != 13 {
		t.Errorf("the next operation is %d; want 13", got[len(got)-1])
	}

	working := open(t)
	accepted(t, working, zhang)
	accepted(t, working, wang)
	if err := working.AcknowledgeOperations(ctx, 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := working.SaveSyncCredentials(ctx, again); err != nil {
		t.Fatal(err)
	}
	if got := seqs(working); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("a database central took operations from was renumbered: %v; want 1 and 2 as they were", got)
	}
	if empty := open(t); empty.SaveSyncCredentials(ctx, again) == nil {
		accepted(t, empty, zhang)
		if got := seqs(empty); len(got) != 1 || got[0] != 11 {
			t.Errorf("an empty database enrolled where central holds 10 numbered its first operation %v; want 11", got)
		}
	}
}

// TestSyncWritesGoThroughTheWriter: every write of the sync records
// (enrolment, acknowledgements, sending again, central's changes and
// decisions) goes through s.tx, the store's one group-commit writer, never
// straight to the database, where it would wait on the writer's lock in
// SQLite's busy handler instead of sharing its commit.
func TestSyncWritesGoThroughTheWriter(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"sync.go", "decisions.go", "outbox.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, direct := range []string{"s.db.Exec", "s.db.BeginTx", "s.db.Prepare"} {
			if strings.Contains(string(src), direct) {
				t.Errorf("%s writes with %s; write through s.tx", file, direct)
			}
		}
	}
}
