package central_test

import (
	"bytes"
	"context"
	"testing"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/sync/central"
	"onewindow/sync/scene"
)

// TestCentralResealsUnderGM: central records cases, a rating and a booking
// under intl; restarted with gm it seals what comes after under SM4 and
// tells its terminals; central's reseal moves the rest, and everything
// still opens and is found, on SQLite and PostgreSQL.
func TestCentralResealsUnderGM(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		clock := app.NewManualClock(scene.Start)
		open := func(s suite.Name) *central.Central {
			c, err := central.Open(ctx, dsn, central.Options{Keys: scene.Keys(t, 7), Clock: clock, Suite: s})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		c := open(suite.Intl)
		scene.PublishSample(t, c)
		offerBookings(t, c, bookingPlan(5))
		srv := scene.Serve(t, c, central.ServerOptions{})
		st, l := hallTerminal(t, c, srv.URL, "330106W01", central.RoleWindow, clock)
		if err := store.LoadSample(ctx, st); err != nil {
			t.Fatal(err)
		}
		var numbers []string
		for i := range 3 {
			numbers = append(numbers, scene.TakeIn(t, st, "GA-001", i).Number)
		}
		if err := l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		before, err := c.Book(ctx, bookingOf(1))
		if err != nil {
			t.Fatal(err)
		}
		srv.Close()
		c.Close()

		c = open(suite.GM)
		defer c.Close()
		srv = scene.Serve(t, c, central.ServerOptions{})
		after, err := c.Book(ctx, bookingOf(2))
		if err != nil {
			t.Fatal(err)
		}
		left, err := c.ResealLeft(ctx)
		if err != nil || left != 3+1 {
			t.Fatalf("%d rows left under intl (%v); want the 3 cases and the morning's booking", left, err)
		}
		var seen []string
		n, err := c.Reseal(ctx, 2, func(table string, done int) { seen = append(seen, table) })
		if err != nil || n != 4 || len(seen) != 3 {
			t.Fatalf("resealed %d rows in batches %v (%v)", n, seen, err)
		}
		if left, _ := c.ResealLeft(ctx); left != 0 {
			t.Errorf("%d rows left after the reseal", left)
		}
		for _, q := range []string{`SELECT name_sealed FROM cases`, `SELECT id_sealed FROM cases`, `SELECT phone_sealed FROM bookings`,
			`SELECT id_index FROM cases`, `SELECT id_index FROM bookings`} {
			rows, err := c.DB().Query(q)
			if err != nil {
				t.Fatal(err)
			}
			count := 0
			for rows.Next() {
				var v []byte
				rows.Scan(&v)
				mark := []byte("sm4:")
				if bytes.Contains([]byte(q), []byte("id_index")) {
					mark = []byte("sm3:")
				}
				if !bytes.HasPrefix(v, mark) {
					t.Errorf("%s: %x…", q, v[:4])
				}
				count++
			}
			rows.Close()
			if count == 0 {
				t.Errorf("%s: no rows", q)
			}
		}
		for i, n := range numbers {
			f, err := c.CaseFile(ctx, n)
			if err != nil || f.Applicant != scene.Applicant(i) {
				t.Errorf("case %s after the reseal: %+v (%v)", n, f.Applicant, err)
			}
		}
		for i, b := range []app.Booking{before, after} {
			if got, err := c.Booking(ctx, scene.Hall, b.Code, idNumber(i+1)); err != nil || got.Code != b.Code {
				t.Errorf("booking %s by its code and ID number after the reseal: %v", b.Code, err)
			}
		}
		// The terminal hears gm at its next pull.
		st2, _ := hallTerminal(t, c, srv.URL, "330106W02", central.RoleWindow, clock)
		if st2.Suite() != suite.GM {
			t.Errorf("a terminal enrolled after the move records under %s", st2.Suite())
		}
	})
}
