package link_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"onewindow/app/store"
	"onewindow/sync/scene"
)

// TestWipedTerminalEnrolledAgain: a terminal whose disk was replaced is
// enrolled again under its old code with a new one-time code. Its outbox
// continues after what central holds, the work it did before the
// enrolment included, so it is neither refused as a gap nor as a
// conflict; every operation is at central exactly once. A case number the
// new database issued before the enrolment told it where central stood
// collides with a case central holds: that operation is refused with the
// reason, and the case at central is left as it was. After the enrolment
// no number is issued twice.
func TestWipedTerminalEnrolledAgain(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		x := newTerm(t, dsn, nil)
		var numbers []string
		for i := range 3 {
			numbers = append(numbers, x.accept(t, "GA-001", i).Number)
		}
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		held := centralOps(t, x)
		if len(held) != 3 {
			t.Fatalf("central holds %d operations before the wipe; want 3", len(held))
		}
		oldFirst := scene.CentralEvents(t, x.c, numbers[0])

		// The disk is replaced: a new, empty database. Before it is
		// enrolled the clerk already takes in a case (with the sample
		// hall), which waits in its outbox; its number is the first
		// case's again.
		x.st.Close()
		x.st = scene.OpenStore(t, t.TempDir(), x.clock)
		t.Cleanup(func() { x.st.Close() })
		if err := store.LoadSample(ctx, x.st); err != nil {
			t.Fatal(err)
		}
		early := x.accept(t, "GA-001", 10).Number
		if early != numbers[0] {
			t.Fatalf("the new database numbered its first case %s; the test expects %s again", early, numbers[0])
		}
		scene.Enrol(t, x.c, x.srv.URL, x.st, x.opt)
		x.relink(t)
		late := x.accept(t, "GA-001", 11).Number
		if slices.Contains(numbers, late) {
			t.Errorf("after enrolling again the terminal issued case number %s a second time", late)
		}
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatalf("the first sync after enrolling again: %v", err)
		}
		if st := x.l.Status(); st.Pending != 0 || st.Rejected != 1 {
			t.Errorf("status %+v; want nothing waiting and the colliding case refused", st)
		}
		rej, err := x.st.RejectedOperations(ctx)
		if err != nil || len(rej) != 1 || rej[0].Entity != early || !strings.Contains(rej[0].Reason, "held at central for another case") {
			t.Errorf("refused at the terminal: %+v %v; want case %s refused as another case's number", rej, err, early)
		}
		if got := scene.CentralEvents(t, x.c, numbers[0]); !maps.Equal(got, oldFirst) {
			t.Errorf("central's timeline of case %s changed: %v, was %v", numbers[0], got, oldFirst)
		}
		after := centralOps(t, x)
		if len(after) != 5 {
			t.Fatalf("central holds %d operations; want 5: 3 from before the wipe, 2 after", len(after))
		}
		for seq, id := range held {
			if after[seq] != id {
				t.Errorf("operation %d changed at central: %s, was %s", seq, after[seq], id)
			}
		}
		rows, err := x.st.DB().QueryContext(ctx, `SELECT seq, op_id FROM outbox ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for rows.Next() {
			var seq int64
			var id string
			rows.Scan(&seq, &id)
			seqs = append(seqs, seq)
			if after[seq] != id {
				t.Errorf("operation %d (%s) here; central holds %q under that number", seq, id, after[seq])
			}
		}
		rows.Close()
		if !slices.Equal(seqs, []int64{4, 5}) {
			t.Errorf("the new database numbered its operations %v; want 4 and 5, after central's 3", seqs)
		}
		if ev := scene.CentralEvents(t, x.c, late); len(ev) != 2 {
			t.Errorf("case %s has %d steps at central; want its 2", late, len(ev))
		}
		// Enrolling the same, working database again changes none of its numbers.
		scene.Enrol(t, x.c, x.srv.URL, x.st, x.opt)
		x.relink(t)
		x.accept(t, "GA-001", 12)
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		if got := centralOps(t, x); len(got) != 6 || got[6] == "" {
			t.Errorf("after enrolling a working database again central holds %d operations; want 6, the new one as 6", len(got))
		}
	})
}

// centralOps is what central holds from the scene's terminal: sequence → id.
func centralOps(t *testing.T, x *term) map[int64]string {
	t.Helper()
	q := `SELECT seq, op_id FROM ops WHERE terminal = ?`
	if x.c.Backend() == "postgres" {
		q = `SELECT seq, op_id FROM ops WHERE terminal = $1`
	}
	rows, err := x.c.DB().Query(q, scene.Terminal)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var seq int64
		var id string
		rows.Scan(&seq, &id)
		out[seq] = id
	}
	return out
}
