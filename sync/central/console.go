package central

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/sync/wire"
)

// Central is the web console's store (app/console.Store): its accounts,
// sessions and audit log live in central's database, so that every central
// server behind a load balancer shares them.
var _ console.Store = (*Central)(nil)

// Catalog is the published catalogue.
func (c *Central) Catalog(ctx context.Context) (*app.Catalog, error) { return c.catalogNow(ctx) }

// Calendar is the published working-day calendar (the plain week when none
// was published).
func (c *Central) Calendar(ctx context.Context) (*app.Calendar, error) {
	var body string
	var days []app.CalendarDay
	err := c.q().row(ctx, `SELECT body FROM published WHERE name = 'calendar'`).Scan(&body)
	if err == nil {
		err = json.Unmarshal([]byte(body), &days)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return app.NewCalendar(days)
}

// Halls are the halls whose set-up central published, by code.
func (c *Central) Halls(ctx context.Context) ([]console.HallInfo, error) {
	rows, err := c.q().query(ctx, `SELECT body FROM published WHERE name LIKE 'hall/%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []console.HallInfo
	for rows.Next() {
		var body string
		var h app.Hall
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			return nil, fmt.Errorf("a published hall does not read back: %w", err)
		}
		out = append(out, console.HallInfo{Code: h.Code, Name: h.Name})
	}
	return out, rows.Err()
}

// caseFilter is the WHERE of the running cases of f.
func caseFilter(f console.CaseFilter) (string, []any) {
	where, args := placeFilter(f)
	where = append(where, `decision = ''`, `state IN ('accepted', 'in_review')`)
	if f.Undecided != "" {
		where = append(where, "NOT EXISTS (SELECT 1 FROM opinions o WHERE o.case_number = cases.number AND o.department = ?)")
		args = append(args, f.Undecided)
	}
	return strings.Join(where, " AND "), args
}

// placeFilter is the conditions of f on a case's hall and item.
func placeFilter(f console.CaseFilter) ([]string, []any) {
	where, args := []string{"1 = 1"}, []any{}
	if f.HallPrefix != "" {
		where, args = append(where, `hall LIKE ? ESCAPE '\'`), append(args, likePrefix(f.HallPrefix))
	}
	for _, in := range []struct {
		col    string
		values []string
	}{{"hall", f.Halls}, {"item_code", f.Items}} {
		if len(in.values) > 0 {
			where = append(where, in.col+" IN ("+marks(len(in.values))+")")
			for _, v := range in.values {
				args = append(args, v)
			}
		}
	}
	return where, args
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// likePrefix is a LIKE pattern for the values starting with p; hall codes
// hold no wildcard but '_', which is escaped.
func likePrefix(p string) string { return strings.ReplaceAll(p, "_", `\_`) + "%" }

// Running lists the running cases of f, due first.
func (c *Central) Running(ctx context.Context, f console.CaseFilter) ([]console.CaseRow, error) {
	where, args := caseFilter(f)
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := c.q().query(ctx, `SELECT number, hall, item_code, state, accepted_at, due_date, name_sealed FROM cases
		WHERE `+where+` ORDER BY due_date, number LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []console.CaseRow
	for rows.Next() {
		var r console.CaseRow
		var state, accepted, due string
		var name []byte
		if err := rows.Scan(&r.Number, &r.Hall, &r.ItemCode, &state, &accepted, &due, &name); err != nil {
			return nil, err
		}
		r.State, r.Due = app.CaseState(state), app.Date(due)
		r.Accepted, _ = parseStamp(accepted)
		full, _ := c.keys.Open(name, "case/"+r.Number+"/name")
		r.Applicant = app.MaskName(full)
		out = append(out, r)
	}
	return out, rows.Err()
}

// CaseFile is one case with its opinions and timeline; the applicant in
// full (app/console masks it).
func (c *Central) CaseFile(ctx context.Context, number string) (console.CaseFile, error) {
	var f console.CaseFile
	var state, accepted, due, received, missing, decision, doc string
	var name, id, phone []byte
	err := c.q().row(ctx, `SELECT number, hall, item_code, state, accepted_at, due_date, name_sealed, id_sealed, phone_sealed,
		received, missing, window_no, clerk, decision, applicant_document FROM cases WHERE number = ?`, number).
		Scan(&f.Number, &f.Hall, &f.ItemCode, &state, &accepted, &due, &name, &id, &phone, &received, &missing,
			&f.Window, &f.Clerk, &decision, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("case %s: %w", number, app.ErrNotFound)
	}
	if err != nil {
		return f, err
	}
	f.State, f.Due, f.Decision = app.CaseState(state), app.Date(due), app.CaseState(decision)
	f.Accepted, _ = parseStamp(accepted)
	for i, v := range []*string{&f.Applicant.Name, (*string)(&f.Applicant.IDNumber), &f.Applicant.Phone} {
		sealed, what := [][]byte{name, id, phone}[i], []string{"name", "id", "phone"}[i]
		if *v, err = c.keys.Open(sealed, "case/"+number+"/"+what); err != nil {
			return f, fmt.Errorf("case %s: the applicant's %s does not open: %w", number, what, err)
		}
	}
	f.Applicant.Document = app.IDDocument(doc)
	f.CaseRow.Applicant = app.MaskName(f.Applicant.Name)
	if err := json.Unmarshal([]byte(received), &f.Received); err != nil {
		return f, fmt.Errorf("case %s: its materials do not read back: %w", number, err)
	}
	if err := json.Unmarshal([]byte(missing), &f.Missing); err != nil {
		return f, fmt.Errorf("case %s: its missing materials do not read back: %w", number, err)
	}
	rows, err := c.q().query(ctx, `SELECT department, approve, reason, at FROM opinions WHERE case_number = ? ORDER BY at, department`, number)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var o console.Opinion
		var approve int
		var at string
		if err := rows.Scan(&o.Department, &approve, &o.Reason, &at); err != nil {
			rows.Close()
			return f, err
		}
		o.Approve = approve == 1
		o.At, _ = parseStamp(at)
		f.Opinions = append(f.Opinions, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, err
	}
	rows, err = c.q().query(ctx, `SELECT seq, actor, action, state, at, note, prev_hash, hash FROM case_events
		WHERE case_number = ? ORDER BY seq`, number)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		e := app.CaseEvent{Case: number}
		var state, at string
		if err := rows.Scan(&e.Seq, &e.Actor, &e.Action, &state, &at, &e.Note, &e.PrevHash, &e.Hash); err != nil {
			return f, err
		}
		e.State = app.CaseState(state)
		e.At, _ = parseStamp(at)
		f.Events = append(f.Events, e)
	}
	return f, rows.Err()
}

// Decide records a department's opinion (RecordOpinion), for the console.
func (c *Central) Decide(ctx context.Context, number, dept string, approve bool, reason string) error {
	_, err := c.RecordOpinion(ctx, wire.Opinion{Case: number, Department: dept, Approve: approve, Reason: reason})
	return err
}

// Trend counts the cases of f accepted and decided on each day from..to
// (hall days). The database counts each day's range of one indexed column
// (cases_accepted_at, cases_decided_at, which hold the hall and item too),
// every day of the period in one statement per column: no row per case
// leaves the database, and nothing is sorted.
func (c *Central) Trend(ctx context.Context, f console.CaseFilter, from, to app.Date) ([]console.DayCount, error) {
	start, err := from.Time()
	if err != nil {
		return nil, err
	}
	end, err := to.Time()
	if err != nil {
		return nil, err
	}
	end = end.AddDate(0, 0, 1)
	// The days' bounds as stored stamps compare (RFC 3339 in UTC, any
	// fraction of a second before the Z): a bound without its Z comes
	// before every stamp of its second, so that a case counts on the hall
	// day its time falls on. The period starts at stamp(start).
	var out []console.DayCount
	var bounds []string
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		out = append(out, console.DayCount{Day: app.DateOf(d)})
		bounds = append(bounds, d.UTC().Format("2006-01-02T15:04:05"))
	}
	if len(out) == 0 {
		return out, nil
	}
	bounds[0] = stamp(start)
	bounds = append(bounds, end.UTC().Format("2006-01-02T15:04:05"))
	where, args := placeFilter(f)
	// Both columns at once. On SQLite, which keeps no statistics here,
	// the period's range of the column's index is named: for a filter by
	// hall it would rather read a hall's every decided case through
	// cases_decided, ten times the reading.
	var counts [2][]int
	var errs [2]error
	var wg sync.WaitGroup
	for i, col := range []string{"accepted_at", "decided_at"} {
		table, extra := "cases", ""
		if c.d.name == "sqlite" {
			table += " INDEXED BY cases_" + col
		}
		if col == "decided_at" {
			extra = " AND decision <> ''"
		}
		day := fmt.Sprintf(`(SELECT count(*) FROM %s WHERE %s >= ? AND %s < ?%s AND %s)`, table, col, col, extra, strings.Join(where, " AND "))
		var cols []string
		var qargs []any
		for k := range out {
			cols = append(cols, day)
			qargs = append(append(qargs, bounds[k], bounds[k+1]), args...)
		}
		query := `SELECT ` + strings.Join(cols, ", ")
		wg.Go(func() {
			n, dest := make([]int, len(out)), make([]any, len(out))
			for k := range n {
				dest[k] = &n[k]
			}
			counts[i], errs[i] = n, c.q().row(ctx, query, qargs...).Scan(dest...)
		})
	}
	wg.Wait()
	for i := range counts {
		if errs[i] != nil {
			return nil, errs[i]
		}
	}
	for k := range out {
		out[k].Accepted, out[k].Decided = counts[0][k], counts[1][k]
	}
	return out, nil
}

// ratings are the ratings (r) of the terminals (t) of a hall matching where.
func (c *Central) ratings(ctx context.Context, where string, args ...any) ([]console.RatingRow, error) {
	rows, err := c.q().query(ctx, `SELECT r.id, t.hall, r.level, r.window_no, r.clerk, r.ticket, r.case_number, r.at, r.follow_up_due, r.resolved_at
		FROM ratings r JOIN terminals t ON t.id = r.terminal WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []console.RatingRow
	for rows.Next() {
		var r console.RatingRow
		var at, due, resolved string
		if err := rows.Scan(&r.ID, &r.Hall, &r.Level, &r.Window, &r.Clerk, &r.Ticket, &r.Case, &at, &due, &resolved); err != nil {
			return nil, err
		}
		r.Due = app.Date(due)
		r.At, _ = parseStamp(at)
		r.Resolved, _ = parseStamp(resolved)
		out = append(out, r)
	}
	return out, rows.Err()
}

// BadRatings are the bad ratings given since, of the halls whose codes
// start with hallPrefix, newest first.
func (c *Central) BadRatings(ctx context.Context, hallPrefix string, since time.Time) ([]console.RatingRow, error) {
	return c.ratings(ctx, `r.level <= 2 AND r.at >= ? AND t.hall LIKE ? ESCAPE '\' ORDER BY r.at DESC LIMIT 1000`,
		stamp(since), likePrefix(hallPrefix))
}

// Publish publishes a catalogue, a hall's set-up or the calendar.
func (c *Central) Publish(ctx context.Context, kind string, data []byte) (int64, error) {
	switch kind {
	case "catalog":
		return c.PublishCatalog(ctx, data)
	case "hall":
		return c.PublishHall(ctx, data)
	case "calendar":
		return c.PublishCalendar(ctx, data)
	}
	return 0, fmt.Errorf("%w: %q is not catalog, hall or calendar", app.ErrInvalidInput, kind)
}

// Publications lists what central publishes, by name.
func (c *Central) Publications(ctx context.Context) ([]console.Publication, error) {
	rows, err := c.q().query(ctx, `SELECT name, version, at FROM published ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []console.Publication
	for rows.Next() {
		var p console.Publication
		var at string
		if err := rows.Scan(&p.Name, &p.Version, &at); err != nil {
			return nil, err
		}
		p.At, _ = parseStamp(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// HallDay is a hall's tickets, ratings and cases of a day, and its bad
// ratings still waiting for a follow-up.
func (c *Central) HallDay(ctx context.Context, hall string, day app.Date) (console.HallDay, error) {
	d := console.HallDay{Hall: console.HallInfo{Code: hall}, Day: day}
	halls, err := c.Halls(ctx)
	if err != nil {
		return d, err
	}
	for _, h := range halls {
		if h.Code == hall {
			d.Hall = h
		}
	}
	start, err := day.Time()
	if err != nil {
		return d, fmt.Errorf("%w: %q is not a day (YYYY-MM-DD)", app.ErrInvalidInput, day)
	}
	end := start.AddDate(0, 0, 1)
	if err := c.bookingDay(ctx, hall, &d); err != nil { // bookings_console.go
		return d, err
	}
	// Each event row holds the ticket's state after it: the last row of a
	// ticket is where it stands.
	rows, err := c.q().query(ctx, `SELECT ticket, category, priority, state, window_no, issued_at, called_at, finished_at, clerk
		FROM ticket_events WHERE hall = ? AND day = ? ORDER BY at, kind`, hall, string(day))
	if err != nil {
		return d, err
	}
	last := map[string]int{}
	for rows.Next() {
		var t console.TicketRow
		var issued, called, finished string
		if err := rows.Scan(&t.Ticket, &t.Category, &t.Priority, &t.State, &t.Window, &issued, &called, &finished, &t.Clerk); err != nil {
			rows.Close()
			return d, err
		}
		t.Issued, _ = parseStamp(issued)
		t.Called, _ = parseStamp(called)
		t.Finished, _ = parseStamp(finished)
		if i, ok := last[t.Ticket]; ok {
			d.Tickets[i] = t
		} else {
			last[t.Ticket] = len(d.Tickets)
			d.Tickets = append(d.Tickets, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, err
	}
	if d.Ratings, err = c.ratings(ctx, `t.hall = ? AND r.at >= ? AND r.at < ? ORDER BY r.at`, hall, stamp(start), stamp(end)); err != nil {
		return d, err
	}
	if d.FollowUps, err = c.ratings(ctx, `t.hall = ? AND r.level <= 2 AND r.resolved_at = '' ORDER BY r.at`, hall); err != nil {
		return d, err
	}
	ts, err := c.Terminals(ctx, hall)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return d, err
	}
	for _, t := range ts {
		d.Terminals = append(d.Terminals, console.TerminalRow{ID: t.ID, Role: cmp.Or(t.EnrolledAs, t.Role), Version: t.Version,
			LastSeen: t.LastSeen, LastSync: t.LastSync, Revoked: !t.Revoked.IsZero(), Health: t.Health})
	}
	rows, err = c.q().query(ctx, `SELECT window_no, clerk, count(*) FROM cases WHERE accepted_at >= ? AND accepted_at < ? AND hall = ?
		GROUP BY window_no, clerk ORDER BY window_no, clerk`, stamp(start), stamp(end), hall)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var n console.ClerkCount
		if err := rows.Scan(&n.Window, &n.Clerk, &n.Cases); err != nil {
			return d, err
		}
		d.Cases = append(d.Cases, n)
	}
	return d, rows.Err()
}
