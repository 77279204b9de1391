package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
)

func TestCaseNumbersAreUniqueAndNeverReused(t *testing.T) {
	t.Parallel()
	f := open(t)
	seen := map[string]bool{}
	take := func() string {
		c := accepted(t, f, zhang)
		if seen[c.Number] {
			t.Fatalf("case number %s issued twice", c.Number)
		}
		seen[c.Number] = true
		return c.Number
	}
	first := take()
	if first != "330106K01-20261123-000001" {
		t.Errorf("first case number = %s, want 330106K01-20261123-000001", first)
	}
	take()
	f.reopen(t) // a restart
	if n := take(); n != "330106K01-20261123-000003" {
		t.Errorf("after a restart the next number is %s, want …000003", n)
	}
	// The clock is set back (a wrong BIOS clock): the sequence still goes on.
	f.clock.Set(start.AddDate(0, 0, -3))
	if n := take(); n != "330106K01-20261120-000004" {
		t.Errorf("with the clock set back the next number is %s, want …-20261120-000004", n)
	}
}

func TestCaseNumbersUnderConcurrentIntake(t *testing.T) {
	t.Parallel()
	f := open(t)
	const workers, each = 4, 10
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				c, err := f.TakeIn(context.Background(), app.Intake{ItemCode: "GA-001", Applicant: zhang,
					Received: []int{0, 1, 2}, Actor: "S1002", Outcome: app.Submitted})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if seen[c.Number] {
					errs <- fmt.Errorf("case number %s issued twice", c.Number)
				}
				seen[c.Number] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(seen) != workers*each || f.count(t, "outbox") != workers*each {
		t.Errorf("%d cases and %d outbox rows; want %d of each", len(seen), f.count(t, "outbox"), workers*each)
	}
}

func TestAcceptSetsDueDateOnWorkingDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	item, _ := f.Item(ctx, "GA-001")
	c := accepted(t, f, zhang)
	cal, _ := f.Calendar(ctx)
	if want := cal.AddWorkingDays(start, item.PromisedDays); c.Due != want || c.State != app.Accepted {
		t.Errorf("accepted case: state %s due %s; want accepted due %s (%d working days)", c.State, c.Due, want, item.PromisedDays)
	}
	// Accepted just before National Day: the holiday does not count.
	f.clock.Set(time.Date(2026, 9, 30, 16, 0, 0, 0, app.HallZone))
	c = accepted(t, f, zhang)
	if want := cal.AddWorkingDays(f.clock.Now(), item.PromisedDays); c.Due != want || c.Due <= "2026-10-07" {
		t.Errorf("accepted on 30 September: due %s; want %s, after the holiday", c.Due, want)
	}
	got, err := f.Case(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Applicant != zhang || got.Due != c.Due || got.Statutory != c.Statutory || got.State != app.Accepted {
		t.Errorf("case read back = %+v; want %+v", got, c)
	}
}

func TestCaseLifeAndTimeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang)
	steps := []app.CaseState{app.InReview, app.Approved, app.ResultIssued, app.Closed}
	for _, to := range steps {
		f.clock.Advance(time.Hour)
		var err error
		if c, err = f.Decide(ctx, c.Number, app.Decision{To: to, Actor: "S1002"}); err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
	}
	evs, err := f.Events(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "submitted accepted in_review approved result_issued closed" {
		t.Errorf("timeline = %s", got)
	}
	if err := f.Verify(ctx, c.Number); err != nil {
		t.Errorf("Verify of an untouched case: %v", err)
	}
	if n := f.count(t, "outbox"); n != 5 {
		t.Errorf("%d outbox rows; want 5 (one per transaction)", n)
	}
}

func TestIllegalMoveChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang)
	before := []int{f.count(t, "case_events"), f.count(t, "outbox")}
	for _, d := range []app.Decision{
		{To: app.Closed, Actor: "S1002"},
		{To: app.Submitted, Actor: "S1002"},
		{To: app.ResultIssued, Actor: "S1002"},
		{To: "lost", Actor: "S1002"},
		{To: app.InReview},                                      // no actor
		{To: app.InReview, Actor: "S1002", Received: []int{99}}, // no such material
	} {
		if _, err := f.Decide(ctx, c.Number, d); err == nil {
			t.Errorf("Decide(%+v) was allowed from %s", d, c.State)
		}
	}
	if _, err := f.Decide(ctx, c.Number, app.Decision{To: app.Closed, Actor: "S1002"}); !errors.Is(err, app.ErrIllegalTransition) {
		t.Errorf("accepted → closed: %v; want ErrIllegalTransition", err)
	}
	if _, err := f.Decide(ctx, "nope", app.Decision{To: app.Closed, Actor: "S1002"}); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown case: %v; want ErrNotFound", err)
	}
	got, _ := f.Case(ctx, c.Number)
	after := []int{f.count(t, "case_events"), f.count(t, "outbox")}
	if got.State != app.Accepted || fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("after refused moves: state %s, events/outbox %v → %v; want nothing changed", got.State, before, after)
	}
}

func TestIntakeOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	item, _ := f.Item(ctx, "GA-001")
	var required []int
	for i, m := range item.Materials {
		if m.Required {
			required = append(required, i)
		}
	}
	if len(required) < 2 {
		t.Fatalf("item GA-001 needs two required materials for this test, has %d", len(required))
	}
	short := required[1:] // the first required material is missing
	in := app.Intake{ItemCode: "GA-001", Applicant: wang, Received: short, Window: 1, Actor: "S1001"}

	in.Outcome = app.Accepted
	if _, err := f.TakeIn(ctx, in); !errors.Is(err, app.ErrInvalidInput) || !strings.Contains(err.Error(), item.Materials[required[0]].Name.Zh) {
		t.Errorf("accepting with a required material missing: %v; want a refusal naming %s", err, item.Materials[required[0]].Name.Zh)
	}
	if n := f.count(t, "cases"); n != 0 {
		t.Errorf("the refused intake left %d cases", n)
	}

	// 一次性告知: the notice lists exactly what is missing.
	in.Outcome = app.SupplementRequested
	c, err := f.TakeIn(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.Missing) != fmt.Sprint(required[:1]) || c.State != app.SupplementRequested {
		t.Errorf("supplement requested: state %s missing %v; want missing %v", c.State, c.Missing, required[:1])
	}
	// The citizen comes back with it.
	c, err = f.Decide(ctx, c.Number, app.Decision{To: app.Accepted, Actor: "S1001", Received: required})
	if err != nil || c.State != app.Accepted || len(c.Missing) != 0 || c.Due == "" {
		t.Errorf("accepting after the supplement: %+v, %v", c, err)
	}

	in.Outcome = app.SupplementRequested
	in.Received = required
	if _, err := f.TakeIn(ctx, in); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("asking for materials when none is missing: %v; want ErrInvalidInput", err)
	}

	// 不予受理 needs its reason.
	in.Outcome = app.Refused
	in.Reason = ""
	if _, err := f.TakeIn(ctx, in); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("refusing without a reason: %v; want ErrInvalidInput", err)
	}
	in.Reason = "不属于本机关职权范围"
	if c, err = f.TakeIn(ctx, in); err != nil || c.State != app.Refused || c.Reason != in.Reason {
		t.Errorf("refusal: %+v, %v", c, err)
	}

	// Bad intake input is refused with every problem named.
	_, err = f.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: app.Applicant{IDNumber: "123"}, Outcome: "maybe"})
	for _, want := range []string{"applicant: the applicant's name is empty", "the applicant's ID number is not valid", "actor", `outcome: "maybe"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad intake: error %v does not say %q", err, want)
		}
	}
	if _, err := f.TakeIn(ctx, app.Intake{ItemCode: "NOPE", Applicant: wang, Actor: "S1001", Outcome: app.Submitted}); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("intake for an unknown item: %v; want ErrNotFound", err)
	}
}

func TestCasesByIDNumber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	a := accepted(t, f, zhang)
	f.clock.Advance(time.Minute)
	accepted(t, f, wang)
	f.clock.Advance(time.Minute)
	b := accepted(t, f, zhang)
	got, err := f.CasesByIDNumber(ctx, zhang.IDNumber)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Number != b.Number || got[1].Number != a.Number {
		t.Errorf("cases of %s: %d found; want %s then %s", zhang.IDNumber.Masked(), len(got), b.Number, a.Number)
	}
	if got, _ := f.CasesByIDNumber(ctx, "110101199001011237"); len(got) != 0 {
		t.Errorf("cases of someone with none: %d found", len(got))
	}
}

func TestOpenCasesLights(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang) // GA-001, promised days from the catalogue
	list, err := f.OpenCases(ctx, 0)
	if err != nil || len(list) != 1 || list[0].Light != app.Green {
		t.Fatalf("just after acceptance: %+v, %v; want one green case", list, err)
	}
	due, _ := c.Due.Time()
	f.clock.Set(due.Add(10 * time.Hour))
	if list, _ = f.OpenCases(ctx, 2); len(list) != 1 || list[0].Light != app.Yellow {
		t.Errorf("on its due day: %+v; want yellow", list)
	}
	f.clock.Set(due.AddDate(0, 0, 1).Add(10 * time.Hour))
	if list, _ = f.OpenCases(ctx, 2); len(list) != 1 || list[0].Light != app.Red {
		t.Errorf("the day after its due day: %+v; want red", list)
	}
	if list, _ = f.OpenCases(ctx, 5); len(list) != 0 {
		t.Errorf("window 5 sees %d of window 2's cases", len(list))
	}
}

// TestTamperingIsDetected edits the database file with plain SQL, as someone
// with access to the file could, and checks Verify notices.
func TestTamperingIsDetected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sql  string
		want string
	}{
		{"note edited", `UPDATE case_events SET note = '已补齐' WHERE seq = 2`, "step 2 (accepted) was changed"},
		{"actor edited", `UPDATE case_events SET actor = 'S1008' WHERE seq = 1`, "step 1 (submitted) was changed"},
		{"time edited", `UPDATE case_events SET at = '2026-11-20T01:00:00Z' WHERE seq = 3`, "step 3"},
		{"step removed", `DELETE FROM case_events WHERE seq = 2`, "step 2 is missing"},
		{"last step removed", `DELETE FROM case_events WHERE seq = 4`, "had 4 steps, 3 remain"},
		{"steps reordered", `UPDATE case_events SET seq = seq + 100 WHERE seq IN (2, 3); UPDATE case_events SET seq = 105 - seq WHERE seq > 100`, "out of order"},
		{"step re-inserted", `CREATE TEMP TABLE e AS SELECT * FROM case_events WHERE seq = 2;
			DELETE FROM case_events WHERE seq = 2; INSERT INTO case_events SELECT * FROM e`, "out of order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := open(t)
			c := accepted(t, f, zhang)
			for _, to := range []app.CaseState{app.InReview, app.Approved} {
				f.clock.Advance(time.Hour)
				if _, err := f.Decide(ctx, c.Number, app.Decision{To: to, Actor: "S1002"}); err != nil {
					t.Fatal(err)
				}
			}
			raw := f.raw(t)
			// The append-only triggers stop honest mistakes, not someone with the file.
			if _, err := raw.Exec(`UPDATE case_events SET note = 'x'`); err == nil {
				t.Fatal("an UPDATE of case_events was allowed; the append-only trigger is missing")
			}
			if _, err := raw.Exec(`DROP TRIGGER case_events_no_update; DROP TRIGGER case_events_no_delete; ` + tt.sql); err != nil {
				t.Fatal(err)
			}
			err := f.Verify(ctx, c.Number)
			if !errors.Is(err, app.ErrChainBroken) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify after %q: %v; want ErrChainBroken saying %q", tt.sql, err, tt.want)
			}
		})
	}
}

func TestNoPlaintextPersonalDataInTheFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	accepted(t, f, zhang)
	accepted(t, f, wang)
	if _, _, err := f.Rate(ctx, app.Rating{Level: app.Dissatisfied, Ticket: "A001", Reasons: []string{"wait"}, Window: 2, Clerk: "S1002"}); err != nil {
		t.Fatal(err)
	}
	// Read every byte the database has on disk: the main file and the WAL.
	var disk []byte
	for _, p := range []string{f.path, f.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		disk = append(disk, b...)
	}
	if len(disk) < 4096 {
		t.Fatalf("only %d bytes on disk; the test is not reading the database", len(disk))
	}
	for _, a := range []app.Applicant{zhang, wang} {
		for _, secret := range []string{a.Name, string(a.IDNumber), a.Phone, string(a.IDNumber)[6:14]} {
			if bytes.Contains(disk, []byte(secret)) {
				t.Errorf("the database file holds %q in plain text", app.MaskIDNumber(secret))
			}
		}
	}
}
