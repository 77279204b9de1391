package central_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// enrolAs enrols terminal in the scene's hall as role.
func enrolAs(t *testing.T, c *central.Central, terminal, role string) {
	t.Helper()
	code, _, err := c.CreateEnrolCode(context.Background(), scene.Hall, terminal, role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enrol(context.Background(), code, terminal); err != nil {
		t.Fatal(err)
	}
}

// ticketEvents counts the queue events central keeps.
func ticketEvents(t *testing.T, c *central.Central) int {
	t.Helper()
	var n int
	if err := c.DB().QueryRow(`SELECT count(*) FROM ticket_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOnlyTheHubReportsQueueEvents (issue 16 §6): a queue event pushed by a
// terminal enrolled as a kiosk, or enrolled before codes had a role, is
// refused with the reason and not kept; the same events from the terminal
// enrolled as the hall's hub (the scene's) are taken. A terminal enrolled
// again with a hub code reports them.
func TestOnlyTheHubReportsQueueEvents(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		if _, err := s.st.Issue(ctx, app.IssueRequest{Category: "A"}); err != nil {
			t.Fatal(err)
		}
		hubs := s.batch(t)
		pushAs := func(terminal string) wire.PushAnswer {
			t.Helper()
			b := wire.PushBatch{Terminal: terminal, Ops: append([]wire.Op(nil), hubs.Ops...)}
			for i := range b.Ops {
				b.Ops[i].ID = app.NewID() // an operation's id is central's once for all terminals
			}
			ans, err := s.c.Push(ctx, terminal, b)
			if err != nil {
				t.Fatalf("push as %s: %v", terminal, err)
			}
			return ans
		}
		enrolAs(t, s.c, "330106K02", central.RoleKiosk)
		ans := pushAs("330106K02")
		want := "only the hall's hub reports queue events; terminal 330106K02 was enrolled as kiosk"
		if ans.Applied != 0 || len(ans.Rejected) != 1 || ans.Rejected[0].Reason != want {
			t.Errorf("a kiosk's queue event: %+v; want it refused: %s", ans, want)
		}
		if n := ticketEvents(t, s.c); n != 0 {
			t.Errorf("central keeps %d ticket events from a kiosk; want none", n)
		}

		// Enrolled before codes had a role (enrolled_as empty): refused,
		// with what to do.
		enrolAs(t, s.c, "330106K03", central.RoleWindow)
		if _, err := s.c.DB().Exec(`UPDATE terminals SET enrolled_as = '' WHERE id = '330106K03'`); err != nil {
			t.Fatal(err)
		}
		if ans := pushAs("330106K03"); len(ans.Rejected) != 1 || !strings.Contains(ans.Rejected[0].Reason, "enrol it again with a code made with -role hub") {
			t.Errorf("a terminal without a role: %+v; want refused, saying to enrol it again as the hub", ans)
		}

		if ans := s.push(t, hubs); ans.Applied != 1 || len(ans.Rejected) != 0 {
			t.Errorf("the hub's queue event: %+v; want it applied", ans)
		}
		if n := ticketEvents(t, s.c); n != 1 {
			t.Errorf("central keeps %d ticket events; want the hub's one", n)
		}
	})
}

// TestHubOfAnOlderCentralKeepsReportingQueueEvents: a central upgraded from
// before roles (schema 7) makes hubs the terminals whose health reports
// said they are one; the others have no role until enrolled again.
func TestHubOfAnOlderCentralKeepsReportingQueueEvents(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		enrolAs(t, c, "330106H09", central.RoleHub)
		enrolAs(t, c, "330106K09", central.RoleKiosk)
		// Back to schema 7, where the hub had only said what it is.
		for _, q := range []string{`UPDATE terminals SET role = 'hub' WHERE id = '330106H09'`, `UPDATE terminals SET role = 'kiosk' WHERE id = '330106K09'`,
			`ALTER TABLE terminals DROP COLUMN enrolled_as`, `ALTER TABLE enrol_codes DROP COLUMN role`, `ALTER TABLE ticket_events DROP COLUMN clerk`,
			`UPDATE meta SET value = 7 WHERE name = 'schema'`} {
			if _, err := c.DB().Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		c.Close()
		c, err := central.Open(ctx, dsn, central.Options{Keys: scene.Keys(t, 7), Suite: suitetest.Suite()})
		if err != nil {
			t.Fatalf("open the older central: %v", err)
		}
		defer c.Close()
		got := map[string]string{}
		rows, err := c.DB().QueryContext(ctx, `SELECT id, enrolled_as FROM terminals`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, role string
			rows.Scan(&id, &role)
			got[id] = role
		}
		rows.Close()
		if got["330106H09"] != central.RoleHub || got["330106K09"] != "" {
			t.Errorf("enrolled roles after the upgrade: %v; want the hub's kept, the kiosk's empty", got)
		}
	})
}
