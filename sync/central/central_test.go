package central_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/assets"
	"onewindow/internal/pgtest"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// stage is a central and one enrolled terminal's store, talking directly
// (no HTTP): the store writes real operations, central takes them.
type stage struct {
	c     *central.Central
	st    *store.Store
	clock *app.ManualClock
}

func newScene(t *testing.T, dsn string) *stage {
	t.Helper()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(t, dsn, clock)
	st := scene.OpenStore(t, t.TempDir(), clock)
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	// The terminal gets central's data the way a pull would bring it.
	snap, err := c.Snapshot(ctx, scene.Hall)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyCentralChanges(ctx, app.PulledChanges{To: snap.Cursor, Reset: true, Changes: []app.CentralChange{
		{Catalog: snap.Catalog}, {Hall: snap.Hall}, {Calendar: *snap.Calendar, HasCalendar: true},
	}}); err != nil {
		t.Fatal(err)
	}
	code, _, err := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enrol(ctx, code, scene.Terminal); err != nil {
		t.Fatal(err)
	}
	return &stage{c: c, st: st, clock: clock}
}

// accept takes in an accepted case of item at the terminal.
func (s *stage) accept(t *testing.T, item string, i int) app.Case {
	t.Helper()
	c, err := s.st.TakeIn(context.Background(), app.Intake{ItemCode: item, Applicant: scene.Applicant(i),
		Received: scene.All(t, s.st, item), Window: 2, Actor: "S1002", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// batch is the terminal's pending operations as a wire batch.
func (s *stage) batch(t *testing.T) wire.PushBatch {
	t.Helper()
	ops, err := s.st.PendingOperations(context.Background(), wire.MaxBatchOps)
	if err != nil {
		t.Fatal(err)
	}
	b := wire.PushBatch{Terminal: scene.Terminal}
	for _, o := range ops {
		b.Ops = append(b.Ops, wire.FromOperation(o))
	}
	return b
}

// push sends the batch and records the answer at the terminal.
func (s *stage) push(t *testing.T, b wire.PushBatch) wire.PushAnswer {
	t.Helper()
	ctx := context.Background()
	ans, err := s.c.Push(ctx, scene.Terminal, b)
	if err != nil {
		t.Fatalf("push of %d operations: %v", len(b.Ops), err)
	}
	var rej []app.Rejection
	for _, r := range ans.Rejected {
		rej = append(rej, app.Rejection{Seq: r.Seq, Reason: r.Reason})
	}
	if err := s.st.AcknowledgeOperations(ctx, 0, ans.Held, rej); err != nil {
		t.Fatal(err)
	}
	return ans
}

func TestEnrolment(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		clock := app.NewManualClock(scene.Start)
		c := scene.Central(t, dsn, clock)
		code, _, err := c.CreateEnrolCode(ctx, "330106", "330106K09", central.RoleKiosk, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		expiring, _, _ := c.CreateEnrolCode(ctx, "330106", "330106K09", central.RoleKiosk, time.Minute)
		if _, err := c.Enrol(ctx, code, "330106K08"); !errors.Is(err, central.ErrUnauthorized) || !strings.Contains(err.Error(), "330106K09") {
			t.Errorf("a code used by the wrong terminal: %v; want ErrUnauthorized naming the terminal it is for", err)
		}
		// Typed in lower case with spaces, as a technician might.
		ans, err := c.Enrol(ctx, strings.ToLower(strings.ReplaceAll(code, "-", " ")), "330106K09")
		if err != nil {
			t.Fatalf("enrol with a fresh code: %v", err)
		}
		if ans.Terminal != "330106K09" || ans.Hall != "330106" || len(ans.Secret) < 32 {
			t.Errorf("enrol answer %+v; want terminal 330106K09 in hall 330106 with a long secret", ans)
		}
		if _, err := c.Enrol(ctx, code, "330106K09"); !errors.Is(err, central.ErrUnauthorized) || !strings.Contains(err.Error(), "used already") {
			t.Errorf("the same code again: %v; want ErrUnauthorized saying it was used", err)
		}
		clock.Advance(2 * time.Minute)
		if _, err := c.Enrol(ctx, expiring, ""); !errors.Is(err, central.ErrUnauthorized) || !strings.Contains(err.Error(), "expired") {
			t.Errorf("an expired code: %v; want ErrUnauthorized saying it expired", err)
		}
		if hall, err := c.Authenticate(ctx, "330106K09", ans.Secret); err != nil || hall != "330106" {
			t.Errorf("authenticate with the secret: hall %q, %v; want 330106, nil", hall, err)
		}
		if _, err := c.Authenticate(ctx, "330106K09", ans.Secret+"x"); !errors.Is(err, central.ErrUnauthorized) {
			t.Errorf("authenticate with a wrong secret: %v; want ErrUnauthorized", err)
		}
		if err := c.Revoke(ctx, "330106K09"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Authenticate(ctx, "330106K09", ans.Secret); !errors.Is(err, central.ErrRevoked) {
			t.Errorf("authenticate after revocation: %v; want ErrRevoked", err)
		}
		terms, err := c.Terminals(ctx, "")
		if err != nil || len(terms) != 1 || terms[0].Revoked.IsZero() {
			t.Errorf("terminals after revocation: %+v, %v; want one, revoked", terms, err)
		}
		for _, bad := range []struct{ hall, terminal, role string }{{"", "K1", central.RoleKiosk}, {"330106", "a b", central.RoleKiosk},
			{"330106", strings.Repeat("k", 41), central.RoleKiosk}, {"330106", "K1", ""}, {"330106", "K1", "central"}} {
			if _, _, err := c.CreateEnrolCode(ctx, bad.hall, bad.terminal, bad.role, time.Hour); !errors.Is(err, app.ErrInvalidInput) {
				t.Errorf("enrolment code for hall %q terminal %q role %q: %v; want ErrInvalidInput", bad.hall, bad.terminal, bad.role, err)
			}
		}
	})
}

func TestPushOnceInOrder(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		for i := range 5 {
			s.accept(t, "GA-001", i)
		}
		b := s.batch(t)
		// Sent twice, as after a lost answer: the second changes nothing.
		first, err := s.c.Push(ctx, scene.Terminal, b)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.c.Push(ctx, scene.Terminal, b)
		if err != nil {
			t.Fatal(err)
		}
		if first.Held != 5 || first.Applied != 5 || again.Held != 5 || again.Applied != 0 || again.Skipped != 5 {
			t.Errorf("answers %+v then %+v; want held 5 with 5 applied, then 5 skipped", first, again)
		}
		s.st.AcknowledgeOperations(ctx, 0, again.Held, nil)
		// An overlapping batch: the old part is skipped, the new applied.
		s.accept(t, "GA-002", 10)
		over := b
		over.Ops = append(append([]wire.Op{}, b.Ops[3:]...), s.batch(t).Ops...)
		ans, err := s.c.Push(ctx, scene.Terminal, over)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Held != 6 || ans.Applied != 1 || ans.Skipped != 2 {
			t.Errorf("overlapping batch: %+v; want held 6, 1 applied, 2 skipped", ans)
		}
		s.st.AcknowledgeOperations(ctx, 0, ans.Held, nil)
		// A gap: central says where it stands and takes nothing.
		s.accept(t, "GA-001", 11)
		s.accept(t, "GA-001", 12)
		gap := s.batch(t)
		gap.Ops = gap.Ops[1:]
		_, err = s.c.Push(ctx, scene.Terminal, gap)
		var ge *central.GapError
		if !errors.As(err, &ge) || ge.Expected != 7 {
			t.Fatalf("batch starting at %d after 6: %v; want a gap error expecting 7", gap.Ops[0].Seq, err)
		}
		// The same sequence reused for another operation is refused.
		reused := s.batch(t)
		reused.Ops = []wire.Op{b.Ops[0]}
		reused.Ops[0].ID = "ffffffffffffffffffffffffffffffff"
		if _, err := s.c.Push(ctx, scene.Terminal, reused); !errors.Is(err, central.ErrConflict) {
			t.Errorf("sequence 1 sent again under another id: %v; want ErrConflict", err)
		}
		s.push(t, s.batch(t))
		scene.Agree(t, s.c, s.st)
	})
}

func TestPushRefusesBadOperations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spoil  func(op *wire.Op)
		reason string
	}{
		{"unknown item code", func(op *wire.Op) { op.Payload = setField(op.Payload, "item", "XX-999") }, `unknown item code "XX-999"`},
		{"malformed payload", func(op *wire.Op) { op.Payload = []byte(`{"number": 12}`) }, "malformed"},
		{"payload of another case", func(op *wire.Op) { op.Entity = scene.Terminal + "-20261123-999999" }, "but the operation names"},
		{"case of another terminal", func(op *wire.Op) {
			op.Entity = "330106K77-20261123-000001"
			op.Payload = setField(op.Payload, "number", op.Entity)
		}, "not issued by terminal"},
		{"altered step", func(op *wire.Op) { op.Payload = spoilEvent(op.Payload) }, "altered"},
		{"unknown kind", func(op *wire.Op) { op.Kind = "parking_ticket" }, `unknown operation kind "parking_ticket"`},
		{"oversize", func(op *wire.Op) { op.Payload, op.Oversize = nil, true }, "larger than"},
		{"bad ID number", func(op *wire.Op) { op.Payload = setField(op.Payload, "applicant_id", "110105194912310021") }, "ID number is not valid"},
		{"a 200,000-character name", func(op *wire.Op) {
			op.Payload = setField(op.Payload, "applicant_name", strings.Repeat("张", 200000))
		}, "name is longer than 50"},
		{"control characters in the name", func(op *wire.Op) { op.Payload = setField(op.Payload, "applicant_name", "张\x00伟\x1b") }, "control characters"},
		{"window -7", func(op *wire.Op) { op.Payload = setField(op.Payload, "window", -7) }, "window -7 is not a window number"},
		{"a phone that is none", func(op *wire.Op) { op.Payload = setField(op.Payload, "applicant_phone", "not-a-phone") }, "phone number is not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scene.Backends(t, func(t *testing.T, dsn string) {
				ctx := context.Background()
				s := newScene(t, dsn)
				s.accept(t, "GA-001", 1)
				s.accept(t, "GA-001", 2)
				b := s.batch(t)
				tc.spoil(&b.Ops[0])
				ans := s.push(t, b)
				if ans.Held != 2 || ans.Applied != 1 || len(ans.Rejected) != 1 || ans.Rejected[0].Seq != 1 ||
					!strings.Contains(ans.Rejected[0].Reason, tc.reason) {
					t.Fatalf("answer %+v; want held 2, 1 applied, operation 1 refused with a reason containing %q", ans, tc.reason)
				}
				// The refusal is recorded for staff and not sent again.
				rej, _ := s.st.RejectedOperations(ctx)
				if len(rej) != 1 || rej[0].Seq != 1 || rej[0].Reason != ans.Rejected[0].Reason {
					t.Errorf("rejected operations at the terminal: %+v; want operation 1 with central's reason", rej)
				}
				if n, _ := s.st.OutboxCounts(ctx); n.Pending != 0 || n.Rejected != 1 {
					t.Errorf("outbox %+v; want nothing pending and 1 rejected", n)
				}
				// Sent again (the answer was lost), the refusal is told again.
				again, err := s.c.Push(ctx, scene.Terminal, b)
				if err != nil || len(again.Rejected) != 1 || again.Rejected[0].Seq != 1 {
					t.Errorf("the batch again: %+v, %v; want operation 1 refused again", again, err)
				}
				var cases int
				s.c.DB().QueryRow(`SELECT count(*) FROM cases`).Scan(&cases)
				if cases != 1 {
					t.Errorf("central holds %d cases; want only the good one", cases)
				}
			})
		})
	}
}

func setField(payload []byte, field string, value any) []byte {
	var m map[string]any
	json.Unmarshal(payload, &m)
	m[field] = value
	out, _ := json.Marshal(m)
	return out
}

func spoilEvent(payload []byte) []byte {
	var m map[string]any
	json.Unmarshal(payload, &m)
	m["events"].([]any)[0].(map[string]any)["actor"] = "S9999"
	out, _ := json.Marshal(m)
	return out
}

func TestPushRatingsAndFollowUps(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		c := s.accept(t, "GA-001", 1)
		r, fu, err := s.st.Rate(ctx, app.Rating{Level: app.VeryDissatisfied, Reasons: []string{"wait"}, Comment: "等太久", Case: c.Number, Window: 2, Clerk: "S1002"})
		if err != nil || fu == nil {
			t.Fatalf("bad rating: %v, follow-up %v", err, fu)
		}
		if err := s.st.ResolveFollowUp(ctx, r.ID, "M0001", "已回访并致歉"); err != nil {
			t.Fatal(err)
		}
		ans := s.push(t, s.batch(t))
		if ans.Applied != 3 || len(ans.Rejected) != 0 {
			t.Fatalf("case, rating and follow-up in one batch: %+v; want 3 applied", ans)
		}
		var resolution string
		s.c.DB().QueryRow(rebind(s.c, `SELECT resolution FROM ratings WHERE id = ?`), r.ID).Scan(&resolution)
		if resolution != "M0001: 已回访并致歉" {
			t.Errorf("central's follow-up resolution %q; want %q", resolution, "M0001: 已回访并致歉")
		}
		// A follow-up of a rating central never got is refused by name.
		bad := wire.PushBatch{Terminal: scene.Terminal, Ops: []wire.Op{{Seq: 4, ID: "op-orphan", Kind: app.OpFollowUp, Entity: "nosuch",
			Payload: []byte(`{"rating":"nosuch","actor":"M0001","note":"回访","resolved_at":"2026-11-23T01:00:00Z"}`)}}}
		ans, err = s.c.Push(ctx, scene.Terminal, bad)
		if err != nil || len(ans.Rejected) != 1 || !strings.Contains(ans.Rejected[0].Reason, "does not hold that rating") {
			t.Errorf("orphan follow-up: %+v, %v; want it refused because central does not hold the rating", ans, err)
		}
		// Personal data is sealed at central: the ID number is nowhere in clear.
		var id []byte
		s.c.DB().QueryRow(rebind(s.c, `SELECT id_sealed FROM cases WHERE number = ?`), c.Number).Scan(&id)
		if len(id) == 0 || strings.Contains(string(id), string(c.Applicant.IDNumber)) {
			t.Errorf("central's id_sealed is %q; want it sealed, never the ID number in clear", id)
		}
	})
}

func rebind(c *central.Central, q string) string {
	if c.Backend() != "postgres" {
		return q
	}
	n := 0
	var b strings.Builder
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + string(rune('0'+n)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestPublishRefusesBadFiles(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		newer := strings.Replace(string(assets.SampleCatalog), `"version": 1`, `"version": 2`, 1)
		if newer == string(assets.SampleCatalog) {
			t.Fatal("the sample catalogue's version is not written as \"version\": 1; fix this test's edit")
		}
		for _, tc := range []struct {
			name    string
			publish func(context.Context, []byte) (int64, error)
			file    string
			want    error
			naming  string
		}{
			{"catalogue not JSON", c.PublishCatalog, `{"version": 2,`, app.ErrInvalidCatalog, "cut short"},
			{"catalogue unknown field", c.PublishCatalog, strings.Replace(newer, `"items"`, `"itemz": [], "items"`, 1), app.ErrInvalidCatalog, "itemz"},
			{"catalogue bad item", c.PublishCatalog, strings.Replace(newer, `"promised_days": `, `"promised_days": 900, "x_": `, 1), app.ErrInvalidCatalog, "x_"},
			{"catalogue not newer", c.PublishCatalog, string(assets.SampleCatalog), app.ErrStaleCatalog, "version 1"},
			{"hall unknown category", c.PublishHall, strings.Replace(string(assets.SampleHall), `"categories": ["`, `"categories": ["Q", "`, 1), app.ErrInvalidInput, `queue category "Q"`},
			{"hall unknown field", c.PublishHall, `{"code": "330106", "windowz": []}`, app.ErrInvalidInput, "windowz"},
			{"calendar bad date", c.PublishCalendar, `[{"date": "2026-02-30", "kind": "holiday", "name": {"zh": "假"}}]`, app.ErrInvalidInput, "day 1 (2026-02-30): date"},
			{"calendar weekday workday", c.PublishCalendar, `[{"date": "2026-11-24", "kind": "workday", "name": {"zh": "调休"}}]`, app.ErrInvalidInput, "kind"},
			{"calendar not a list", c.PublishCalendar, `{"date": "2026-11-24"}`, app.ErrInvalidInput, "cannot unmarshal"},
		} {
			before, _ := c.Version(ctx)
			_, err := tc.publish(ctx, []byte(tc.file))
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.naming) {
				t.Errorf("%s: %v; want %v naming %q", tc.name, err, tc.want, tc.naming)
			}
			if after, _ := c.Version(ctx); after != before {
				t.Errorf("%s: the refused file moved central's version from %d to %d", tc.name, before, after)
			}
		}
		v, err := c.PublishCatalog(ctx, []byte(newer))
		if err != nil {
			t.Fatalf("a good newer catalogue: %v", err)
		}
		if top, _ := c.Version(ctx); top != v {
			t.Errorf("version after publishing %d; want %d", top, v)
		}
	})
}

// TestBatchOvertaken: a terminal keeps two batches in flight; when the
// second reaches central first it waits for the first instead of being
// answered with a gap.
func TestBatchOvertaken(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		for i := range 4 {
			s.accept(t, "GA-001", i)
		}
		b := s.batch(t)
		first, second := b, b
		first.Ops, second.Ops = b.Ops[:2], b.Ops[2:]
		done := make(chan error)
		go func() {
			ans, err := s.c.Push(ctx, scene.Terminal, second)
			if err == nil && (ans.Held != 4 || ans.Applied != 2) {
				err = fmt.Errorf("answer %+v; want held 4 with 2 applied", ans)
			}
			done <- err
		}()
		for central.Waiting(s.c, scene.Terminal) == 0 {
			runtime.Gosched() // until the second batch waits at the gate
		}
		if ans, err := s.c.Push(ctx, scene.Terminal, first); err != nil || ans.Held != 2 {
			t.Fatalf("the first batch: %+v, %v; want held 2", ans, err)
		}
		if err := <-done; err != nil {
			t.Errorf("the second batch, sent first: %v; want it applied after the first", err)
		}
	})
}

// TestPushSkipsAnOperationHeldUnderAnotherSequence: an operation id is
// applied once, whatever sequence it comes under.
func TestPushSkipsAnOperationHeldUnderAnotherSequence(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		s.accept(t, "GA-001", 1)
		s.accept(t, "GA-001", 2)
		b := s.batch(t)
		first := b
		first.Ops = b.Ops[:1]
		s.push(t, first)
		again := b
		again.Ops = []wire.Op{b.Ops[0], b.Ops[1]}
		again.Ops[0].Seq, again.Ops[1].Seq = 2, 3 // the held operation under sequence 2, a new one under 3
		again.Ops[1].ID = "another-operation"
		ans, err := s.c.Push(ctx, scene.Terminal, again)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Held != 3 || ans.Applied != 1 || ans.Skipped != 1 {
			t.Errorf("answer %+v; want held 3, the known id skipped and the new one applied", ans)
		}
		var n int
		s.c.DB().QueryRow(rebind(s.c, `SELECT count(*) FROM ops WHERE op_id = ?`), b.Ops[0].ID).Scan(&n)
		if n != 1 {
			t.Errorf("central holds operation %s %d times; want once", b.Ops[0].ID, n)
		}
	})
}

// TestPushRefusesStepsThatDoNotFollowCentralsTimeline: a later operation of
// a case must chain to the last step central holds of it. One whose step
// follows another history (an edited timeline, or the number of another
// case), or skips a step central never got, is refused with the reason
// and leaves central's case as it was.
func TestPushRefusesStepsThatDoNotFollowCentralsTimeline(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		c := s.accept(t, "GA-001", 1)
		s.push(t, s.batch(t))
		if _, err := s.st.Decide(ctx, c.Number, app.Decision{To: app.InReview, Actor: "S1002"}); err != nil {
			t.Fatal(err)
		}
		good := s.batch(t)
		rechain := func(op wire.Op, edit func(e []app.CaseEvent)) wire.Op {
			var k app.CasePayload
			json.Unmarshal(op.Payload, &k)
			edit(k.Events)
			for i := range k.Events {
				k.Events[i].Hash = k.Events[i].ComputeHash()
			}
			op.Payload, _ = json.Marshal(k)
			return op
		}
		for i, tc := range []struct {
			name   string
			op     wire.Op
			reason string
		}{
			{"another history", rechain(good.Ops[0], func(e []app.CaseEvent) { e[0].PrevHash = strings.Repeat("0", 64) }), "does not follow step 2 as central holds it"},
			{"a step central never got", rechain(good.Ops[0], func(e []app.CaseEvent) { e[0].Seq = 4 }), "an earlier operation of the case is missing"},
		} {
			// Each refused operation takes a sequence of its own.
			tc.op.Seq, tc.op.ID = int64(2+i), fmt.Sprintf("%032x", 2+i)
			ans, err := s.c.Push(ctx, scene.Terminal, wire.PushBatch{Terminal: scene.Terminal, Ops: []wire.Op{tc.op}})
			if err != nil || len(ans.Rejected) != 1 || !strings.Contains(ans.Rejected[0].Reason, tc.reason) {
				t.Errorf("%s: %+v %v; want refused saying %q", tc.name, ans, err, tc.reason)
			}
			var state string
			var steps int
			s.c.DB().QueryRow(rebind(s.c, `SELECT state FROM cases WHERE number = ?`), c.Number).Scan(&state)
			s.c.DB().QueryRow(rebind(s.c, `SELECT count(*) FROM case_events WHERE case_number = ?`), c.Number).Scan(&steps)
			if state != string(app.Accepted) || steps != 2 {
				t.Errorf("%s: central's case is %s with %d steps; want it as it was, accepted with 2", tc.name, state, steps)
			}
		}
		good.Ops[0].Seq = 4
		ans, err := s.c.Push(ctx, scene.Terminal, good)
		if err != nil || ans.Applied != 1 || len(ans.Rejected) != 0 {
			t.Errorf("the true next step: %+v %v; want applied", ans, err)
		}
	})
}

// TestPushTicketEvents: a hub's queue events are kept at central without
// the masked name, once each; a malformed one is refused with the reason.
func TestPushTicketEvents(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		for range 2 {
			if _, err := s.st.Issue(ctx, app.IssueRequest{Category: "A", Elderly: true, Who: "张*"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.st.CallNext(ctx, "", 1); err != nil {
			t.Fatal(err)
		}
		b := s.batch(t)
		if len(b.Ops) != 3 || b.Ops[0].Kind != app.OpTicket {
			t.Fatalf("the terminal queued %d operations, the first %s; want 3 ticket events", len(b.Ops), b.Ops[0].Kind)
		}
		b.Ops[1].Entity = "2026-11-23/Z999"
		ans := s.push(t, b)
		if ans.Applied != 2 || len(ans.Rejected) != 1 || !strings.Contains(ans.Rejected[0].Reason, "but the operation names") {
			t.Errorf("answer %+v; want 2 applied and the one naming another ticket refused", ans)
		}
		if again, err := s.c.Push(ctx, scene.Terminal, b); err != nil || again.Skipped != 3 {
			t.Errorf("the batch again: %+v %v; want all 3 skipped", again, err)
		}
		var n int
		var kinds, who string
		s.c.DB().QueryRow(`SELECT count(*) FROM ticket_events`).Scan(&n)
		rows, _ := s.c.DB().Query(`SELECT kind, state, priority, hall FROM ticket_events ORDER BY at, kind DESC`)
		for rows.Next() {
			var k, st, pr, hall string
			rows.Scan(&k, &st, &pr, &hall)
			kinds += k + "/" + st + "/" + pr + "/" + hall + " "
			who += k + st + pr
		}
		rows.Close()
		if n != 2 || kinds != "issued/waiting/elderly/330106 called/called/elderly/330106 " {
			t.Errorf("central holds %d ticket events: %s; want the issue and the call", n, kinds)
		}
		if strings.Contains(who, "张") {
			t.Errorf("central keeps a name: %s", who)
		}
	})
}

// TestPushRefusesBadTicketEvents: a queue event with an unknown category,
// a state the queue does not know or a negative number is refused with its
// reason and not kept.
func TestPushRefusesBadTicketEvents(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		if _, err := s.st.Issue(ctx, app.IssueRequest{Category: "A"}); err != nil {
			t.Fatal(err)
		}
		good := s.batch(t).Ops[0]
		for _, tc := range []struct {
			field string
			value any
			why   string
		}{
			{"category", "Z", `"Z" is not a queue category`},
			{"state", "weird", `state "weird"`},
			{"seq", -4, "negative"},
			{"recalls", -1, "negative"},
		} {
			op := good
			var e map[string]any
			json.Unmarshal(op.Payload, &e)
			e["ticket"].(map[string]any)[tc.field] = tc.value
			op.Payload, _ = json.Marshal(e)
			op.ID = app.NewID()
			p := s.c.PrepareForTest(op)
			if !strings.Contains(p, tc.why) {
				t.Errorf("a ticket event with %s %v: refused %q; want %q", tc.field, tc.value, p, tc.why)
			}
		}
		var n int
		s.c.DB().QueryRow(`SELECT count(*) FROM ticket_events`).Scan(&n)
		if n != 0 {
			t.Errorf("central keeps %d ticket events; want none", n)
		}
	})
}
