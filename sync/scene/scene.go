// Package scene builds the scene the sync tests play in: a central on
// SQLite and on PostgreSQL, hall terminals with their stores, enrolment
// between them, and the check that both sides agree once everything is
// sent and pulled.
//
// It is for tests only and must not be imported by anything the shipped
// binary links.
package scene

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/assets"
	"onewindow/internal/pgtest"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/wire"
)

// Start is a Monday morning in the hall.
var Start = time.Date(2026, 11, 23, 9, 30, 0, 0, app.HallZone)

// Hall and Terminal are the sample hall and a terminal in it. Role is
// what the terminal is enrolled as: its hall's hub, since the scene's
// terminal pushes queue events as well as cases, and central takes queue
// events from the hub only.
const (
	Hall     = "330106"
	Terminal = "330106K01"
	Role     = central.RoleHub
)

// Backends runs fn once on a central stored in SQLite and once in
// PostgreSQL, each as a subtest.
func Backends(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, filepath.Join(t.TempDir(), "central.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, pgtest.DSN(t))
	})
}

// Keys are fixed personal-data keys, so that tests (and the processes they
// start, which pass a nil t) may reopen stores.
func Keys(t testing.TB, b byte) *pii.Keys {
	enc, mac := make([]byte, 32), make([]byte, 32)
	for i := range enc {
		enc[i], mac[i] = b, b+1
	}
	k, err := pii.New(enc, mac)
	if err != nil {
		panic(err) // 32-byte keys always make keys
	}
	return k
}

// Central opens a central on dsn with the sample catalogue, hall and 2026
// calendar published, and closes it when the test ends.
func Central(t testing.TB, dsn string, clock app.Clock) *central.Central {
	t.Helper()
	ctx := context.Background()
	c, err := central.Open(ctx, dsn, central.Options{Keys: Keys(t, 7), Clock: clock, Suite: suitetest.Suite()})
	if err != nil {
		t.Fatalf("open central on %s: %v", dsn, err)
	}
	t.Cleanup(func() { c.Close() })
	PublishSample(t, c)
	return c
}

// PublishSample publishes the sample catalogue, hall and 2026 calendar at c.
func PublishSample(t testing.TB, c *central.Central) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.PublishCatalog(ctx, assets.SampleCatalog); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishHall(ctx, assets.SampleHall); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishCalendar(ctx, assets.Calendar2026); err != nil {
		t.Fatal(err)
	}
}

// Serve serves central's API on loopback until the test ends.
func Serve(t testing.TB, c *central.Central, opt central.ServerOptions) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(c.Handler(opt))
	t.Cleanup(srv.Close)
	return srv
}

// OpenStore opens (or reopens) a terminal's store in dir, empty of central's
// data until it pulls.
func OpenStore(t testing.TB, dir string, clock app.Clock) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "terminal.db"), store.Options{Terminal: Terminal, Keys: Keys(t, 3), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Enrol makes an enrolment code at central for the scene's terminal as
// Role and enrols the store with it.
func Enrol(t testing.TB, c *central.Central, url string, st *store.Store, opt link.Options) {
	t.Helper()
	EnrolAs(t, c, url, st, opt, Role)
}

// EnrolAs is Enrol with the terminal enrolled as role.
func EnrolAs(t testing.TB, c *central.Central, url string, st *store.Store, opt link.Options, role string) {
	t.Helper()
	ctx := context.Background()
	code, exp, err := c.CreateEnrolCode(ctx, Hall, Terminal, role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := link.Enrol(ctx, st, wire.Bundle{Central: url, Terminal: Terminal, Hall: Hall, Code: code, Expires: exp}, opt); err != nil {
		t.Fatal(err)
	}
}

// NoSleep is a link's Sleep that advances clock instead of waiting, and
// records what it was asked to wait.
type NoSleep struct {
	Clock *app.ManualClock
	Waits []time.Duration
}

// Sleep advances the clock by d at once.
func (n *NoSleep) Sleep(ctx context.Context, d time.Duration) error {
	n.Waits = append(n.Waits, d)
	n.Clock.Advance(d)
	return ctx.Err()
}

// Applicant is the i-th of many fictitious applicants with valid ID numbers.
func Applicant(i int) app.Applicant {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%20000)
	first := fmt.Sprintf("330106%s%03d", birth.Format("20060102"), (i/20000)%1000)
	c, _ := app.IDCheckDigit(first)
	return app.Applicant{Name: "测试" + fmt.Sprint(i%97), IDNumber: app.IDNumber(first + string(c)), Phone: "13800000000"}
}

// All ticks every material of an item.
func All(t testing.TB, st *store.Store, code string) []int {
	t.Helper()
	it, err := st.Item(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, len(it.Materials))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// Agree checks that central and the terminal agree: central holds every
// operation the terminal has sent exactly once, under the same id and with
// the same refusals; central holds every case's timeline as the terminal
// chained it, the steps of central's own decisions included, with the same
// hashes; and every decision central made is on the terminal's case.
func Agree(t testing.TB, c *central.Central, st *store.Store) {
	t.Helper()
	AgreeAs(t, c, st, Terminal)
}

// AgreeAs is Agree for the store of the terminal with that code.
func AgreeAs(t testing.TB, c *central.Central, st *store.Store, terminal string) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.SyncCredentials(ctx); err == nil && st.Suite() != suitetest.Suite() {
		t.Errorf("terminal %s records under %s; the tests run under %s", terminal, st.Suite(), suitetest.Suite())
	}
	type op struct {
		id, state, reason string
	}
	local := map[int64]op{}
	refused := map[string]bool{} // cases with a refused operation: central holds only part of them
	rows, err := st.DB().QueryContext(ctx, `SELECT seq, op_id, state, reason, kind, entity FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var seq int64
		var o op
		var kind, entity string
		if err := rows.Scan(&seq, &o.id, &o.state, &o.reason, &kind, &entity); err != nil {
			t.Fatal(err)
		}
		local[seq] = o
		if o.state == "rejected" && kind == app.OpCase {
			refused[entity] = true
		}
	}
	rows.Close()
	remote := map[int64]op{}
	q := `SELECT seq, op_id, rejected FROM ops WHERE terminal = ?`
	if c.Backend() == "postgres" {
		q = `SELECT seq, op_id, rejected FROM ops WHERE terminal = $1`
	}
	rows, err = c.DB().QueryContext(ctx, q, terminal)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var seq int64
		var o op
		if err := rows.Scan(&seq, &o.id, &o.reason); err != nil {
			t.Fatal(err)
		}
		if _, dup := remote[seq]; dup {
			t.Errorf("central holds operation %d twice", seq)
		}
		remote[seq] = o
	}
	rows.Close()
	for seq, l := range local {
		r, ok := remote[seq]
		switch {
		case l.state == "pending":
			t.Errorf("operation %d is still pending at the terminal; the test should have drained it", seq)
		case !ok:
			t.Errorf("operation %d (%s) is %s at the terminal but central does not hold it", seq, l.id, l.state)
		case r.id != l.id:
			t.Errorf("operation %d: central holds id %s, the terminal %s", seq, r.id, l.id)
		case (l.state == "rejected") != (r.reason != ""):
			t.Errorf("operation %d: the terminal has it %s (%q), central refused it with %q", seq, l.state, l.reason, r.reason)
		}
	}
	for seq := range remote {
		if _, ok := local[seq]; !ok {
			t.Errorf("central holds operation %d that the terminal never wrote", seq)
		}
	}
	// Case steps and decisions.
	cases, err := st.DB().QueryContext(ctx, `SELECT number, state FROM cases`)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]app.CaseState{}
	for cases.Next() {
		var n string
		var s app.CaseState
		cases.Scan(&n, &s)
		states[n] = s
	}
	cases.Close()
	for number, state := range states {
		if refused[number] {
			continue
		}
		events, err := st.Events(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Verify(ctx, number); err != nil {
			t.Errorf("case %s at the terminal: %v", number, err)
		}
		remoteEvents := CentralEvents(t, c, number)
		for _, e := range events {
			if h, ok := remoteEvents[e.Seq]; !ok || h != e.Hash {
				t.Errorf("case %s step %d (%s by %s): central has hash %q, the terminal %q", number, e.Seq, e.Action, e.Actor, h, e.Hash)
			}
		}
		if len(remoteEvents) != len(events) {
			t.Errorf("case %s: central holds %d steps of its timeline, the terminal %d", number, len(remoteEvents), len(events))
		}
		var cstate, decision string
		qq := `SELECT state, decision FROM cases WHERE number = ?`
		if c.Backend() == "postgres" {
			qq = `SELECT state, decision FROM cases WHERE number = $1`
		}
		if err := c.DB().QueryRowContext(ctx, qq, number).Scan(&cstate, &decision); err != nil {
			t.Errorf("case %s: not at central: %v", number, err)
			continue
		}
		want := []app.CaseState{app.CaseState(cstate)}
		if decision != "" {
			want = append(want, app.CaseState(decision))
		}
		if !slices.Contains(want, state) {
			t.Errorf("case %s is %s at the terminal; central has it %s with decision %q", number, state, cstate, decision)
		}
		if decision == string(app.Approved) || decision == string(app.Denied) {
			if state == app.Accepted || state == app.InReview {
				t.Errorf("case %s: central decided %s but the terminal still has it %s", number, decision, state)
			}
		}
	}
}

// CentralEvents is central's timeline of a case: step → hash.
func CentralEvents(t testing.TB, c *central.Central, number string) map[int]string {
	t.Helper()
	q := `SELECT seq, hash FROM case_events WHERE case_number = ?`
	if c.Backend() == "postgres" {
		q = `SELECT seq, hash FROM case_events WHERE case_number = $1`
	}
	rows, err := c.DB().QueryContext(context.Background(), q, number)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var seq int
		var h string
		rows.Scan(&seq, &h)
		out[seq] = h
	}
	return out
}

// TakeIn takes in an accepted case of item at the terminal for applicant i.
func TakeIn(t testing.TB, st *store.Store, item string, i int) app.Case {
	t.Helper()
	c, err := st.TakeIn(context.Background(), app.Intake{ItemCode: item, Applicant: Applicant(i),
		Received: All(t, st, item), Window: 1, Actor: "S1001", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FillOutbox queues one real intake and n more case operations at a
// terminal opened with OpenStore, as n accepted cases would, in one
// transaction: a backlog of a week offline, made in seconds. Each is a copy
// of the real one with its own case number, applicant and re-chained
// steps, sealed as the store seals its outbox.
func FillOutbox(t testing.TB, st *store.Store, n int) {
	keys := Keys(t, 3)
	keys.Use(st.Suite()) // the suite the store seals its outbox under
	t.Helper()
	ctx := context.Background()
	first := TakeIn(t, st, "GA-001", 0)
	ops, err := st.PendingOperations(ctx, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var template map[string]json.RawMessage
	for _, op := range ops {
		if op.Entity == first.Number {
			json.Unmarshal(op.Payload, &template)
		}
	}
	var events []app.CaseEvent
	if err := json.Unmarshal(template["events"], &events); err != nil {
		t.Fatal(err)
	}
	prefix, _, _ := strings.Cut(first.Number, "-"+first.Submitted.In(app.HallZone).Format("20060102"))
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO outbox (op_id, kind, entity, payload, created_at) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	created := first.Submitted.UTC().Format(time.RFC3339Nano)
	for i := 1; i <= n; i++ {
		number := fmt.Sprintf("%s-%s-%06d", prefix, first.Submitted.In(app.HallZone).Format("20060102"), 100000+i)
		a := Applicant(i)
		prev := ""
		for j := range events {
			events[j].Case, events[j].PrevHash = number, prev
			events[j].Hash = events[j].ComputeHash()
			prev = events[j].Hash
		}
		p := maps.Clone(template)
		p["number"], _ = json.Marshal(number)
		p["applicant_name"], _ = json.Marshal(a.Name)
		p["applicant_id"], _ = json.Marshal(a.IDNumber)
		p["events"], _ = json.Marshal(events)
		body, _ := json.Marshal(p)
		id := fmt.Sprintf("%032x", i)
		if _, err := stmt.ExecContext(ctx, id, app.OpCase, number, keys.Seal(string(body), "outbox/"+id), created); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
