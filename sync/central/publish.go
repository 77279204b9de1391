package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"onewindow/app"
	"onewindow/sync/wire"
)

// catalogNow is the catalogue central has published, or ErrNotReady.
func (c *Central) catalogNow(ctx context.Context) (*app.Catalog, error) {
	return c.catalogIn(ctx, c.q())
}

func (c *Central) catalogIn(ctx context.Context, x q) (*app.Catalog, error) {
	var version int64
	err := x.row(ctx, `SELECT version FROM published WHERE name = 'catalog'`).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotReady
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	cached := c.catalog
	c.mu.Unlock()
	if cached != nil && cached.Version == version {
		return cached, nil
	}
	var body string
	if err := x.row(ctx, `SELECT body FROM published WHERE name = 'catalog'`).Scan(&body); err != nil {
		return nil, err
	}
	cat, err := app.ParseCatalog([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("the published catalogue does not read back: %w", err)
	}
	c.mu.Lock()
	if c.catalog == nil || c.catalog.Version < cat.Version {
		c.catalog = cat
	}
	c.mu.Unlock()
	return cat, nil
}

// PublishCatalog publishes a new catalogue from its JSON. A file that does
// not parse or validate is refused with the field named, and so is a
// version no newer than the one published; either way nothing changes.
func (c *Central) PublishCatalog(ctx context.Context, data []byte) (int64, error) {
	cat, err := app.ParseCatalog(data)
	if err != nil {
		return 0, err
	}
	body, _ := json.Marshal(cat)
	var version int64
	err = c.tx(ctx, func(x q) error {
		var held int64
		err := x.row(ctx, `SELECT version FROM published WHERE name = 'catalog'`).Scan(&held)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if cat.Version <= held {
			return fmt.Errorf("catalogue version %d: %w (version %d is published)", cat.Version, app.ErrStaleCatalog, held)
		}
		version, err = c.publish(ctx, x, "catalog", cat.Version, "", wire.ChangeCatalog, body)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("publish catalogue: %w", err)
	}
	c.log.Info("catalogue published", "catalog_version", cat.Version, "change", version)
	return version, nil
}

// PublishHall publishes a hall's set-up (windows and staff) from its JSON,
// checked against the published catalogue.
func (c *Central) PublishHall(ctx context.Context, data []byte) (int64, error) {
	var h app.Hall
	if err := strictJSON(data, &h); err != nil {
		return 0, fmt.Errorf("publish hall set-up: %w", err)
	}
	h.BookingKey = "" // central's own, never published (bookings_sync.go)
	var version int64
	err := c.tx(ctx, func(x q) error {
		cat, err := c.catalogIn(ctx, x)
		if err != nil {
			return fmt.Errorf("a hall set-up is checked against the catalogue; publish that first: %w", err)
		}
		if err := h.Validate(cat); err != nil {
			return err
		}
		// A set-up file carries no passwords: each member keeps the one
		// the hall manager or the clerk set, whichever is held here.
		if before, err := c.publishedHall(ctx, x, h.Code); err == nil {
			keepPasswords(&h, before)
		} else if !errors.Is(err, app.ErrNotFound) {
			return err
		}
		body, _ := json.Marshal(h)
		version, err = c.publish(ctx, x, "hall/"+h.Code, 0, h.Code, wire.ChangeHall, body)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("publish hall set-up: %w", err)
	}
	c.log.Info("hall set-up published", "hall", h.Code, "change", version)
	return version, nil
}

// PublishCalendar publishes the holiday calendar from its JSON: a list of
// days that differ from the plain Monday–Friday week, for one year or more
// (the State Council's notice of a year). The years the file holds replace
// those years' days in the calendar published before; other years stay, so
// publishing next year's notice extends the calendar, and publishing a
// year again corrects it. The halls get the whole calendar.
func (c *Central) PublishCalendar(ctx context.Context, data []byte) (int64, error) {
	var days []app.CalendarDay
	if err := strictJSON(data, &days); err != nil {
		return 0, fmt.Errorf("publish holiday calendar: %w", err)
	}
	if len(days) == 0 {
		return 0, fmt.Errorf("publish holiday calendar: %w: the file holds no list of days", app.ErrInvalidInput)
	}
	if _, err := app.NewCalendar(days); err != nil {
		return 0, fmt.Errorf("publish holiday calendar: %w", err)
	}
	var version int64
	var merged []app.CalendarDay
	err := c.tx(ctx, func(x q) error {
		var err error
		if merged, err = c.mergeCalendar(ctx, x, days); err != nil {
			return err
		}
		body, _ := json.Marshal(merged)
		version, err = c.publish(ctx, x, "calendar", 0, "", wire.ChangeCalendar, body)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("publish holiday calendar: %w", err)
	}
	c.log.Info("holiday calendar published", "days", len(days), "calendar_days", len(merged), "change", version)
	return version, nil
}

// mergeCalendar is the published calendar with the years of days replaced
// by days, in date order.
func (c *Central) mergeCalendar(ctx context.Context, x q, days []app.CalendarDay) ([]app.CalendarDay, error) {
	lock := ""
	if c.d.name == "postgres" {
		lock = " FOR UPDATE" // two publications of different years must not lose one
	}
	var body string
	var old []app.CalendarDay
	err := x.row(ctx, `SELECT body FROM published WHERE name = 'calendar'`+lock).Scan(&body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal([]byte(body), &old); err != nil {
			return nil, fmt.Errorf("the published calendar does not read back: %w", err)
		}
	}
	year := func(d app.CalendarDay) string { return string(d.Date)[:4] }
	given := map[string]bool{}
	for _, d := range days {
		given[year(d)] = true
	}
	merged := slices.Clone(days)
	for _, d := range old {
		if len(d.Date) >= 4 && !given[year(d)] {
			merged = append(merged, d)
		}
	}
	slices.SortFunc(merged, func(a, b app.CalendarDay) int { return strings.Compare(string(a.Date), string(b.Date)) })
	if _, err := app.NewCalendar(merged); err != nil {
		return nil, err
	}
	return merged, nil
}

// publish writes a publication and its change under one new version.
func (c *Central) publish(ctx context.Context, x q, name string, own int64, hall, kind string, body []byte) (int64, error) {
	v, err := x.bumpVersion(ctx)
	if err != nil {
		return 0, err
	}
	if own == 0 {
		own = v
	}
	now := stamp(c.now())
	if _, err := x.exec(ctx, `INSERT INTO published (name, version, body, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET version = excluded.version, body = excluded.body, at = excluded.at`,
		name, own, string(body), now); err != nil {
		return 0, err
	}
	if _, err := x.exec(ctx, `INSERT INTO changes (version, hall, kind, body, at) VALUES (?, ?, ?, ?, ?)`,
		v, hall, kind, string(body), now); err != nil {
		return 0, err
	}
	return v, nil
}

func strictJSON(data []byte, v any) error {
	if err := app.DecodeStrict(data, v); err != nil {
		return fmt.Errorf("%w: %v", app.ErrInvalidInput, err)
	}
	return nil
}

// Changes returns the changes for a hall after the cursor since, at most
// limit of them, and the cursor to ask from next. A cursor older than the
// changes kept, or newer than any written, is ErrCursorGone: the terminal
// must resync in full.
func (c *Central) Changes(ctx context.Context, hall string, since int64, limit int) (wire.ChangesAnswer, error) {
	if limit <= 0 || limit > wire.MaxChanges {
		limit = wire.MaxChanges
	}
	x := c.q()
	var top, floor int64
	// Read the newest version first: every version up to it has committed
	// (bumpVersion), so nothing at or below it can still appear later.
	if err := x.row(ctx, `SELECT value FROM meta WHERE name = 'version'`).Scan(&top); err != nil {
		return wire.ChangesAnswer{}, err
	}
	if since == top { // nothing new, the answer to almost every ask: one row read
		return wire.ChangesAnswer{Cursor: top, Changes: []wire.Change{}}, nil
	}
	if err := x.row(ctx, `SELECT value FROM meta WHERE name = 'floor'`).Scan(&floor); err != nil {
		return wire.ChangesAnswer{}, err
	}
	if since < floor || since > top || since < 0 {
		return wire.ChangesAnswer{}, fmt.Errorf("%w (cursor %d; central keeps %d to %d)", ErrCursorGone, since, floor, top)
	}
	rows, err := x.query(ctx, `SELECT version, kind, body FROM changes
		WHERE version > ? AND version <= ? AND (hall = '' OR hall = ?) ORDER BY version LIMIT ?`, since, top, hall, limit+1)
	if err != nil {
		return wire.ChangesAnswer{}, err
	}
	defer rows.Close()
	ans := wire.ChangesAnswer{Cursor: top, Changes: []wire.Change{}}
	for rows.Next() {
		var ch wire.Change
		var body string
		if err := rows.Scan(&ch.Version, &ch.Kind, &body); err != nil {
			return wire.ChangesAnswer{}, err
		}
		if len(ans.Changes) == limit {
			ans.More = true
			ans.Cursor = ans.Changes[limit-1].Version
			break
		}
		ch.Body = json.RawMessage(body)
		ans.Changes = append(ans.Changes, ch)
	}
	return ans, rows.Err()
}

// Snapshot is everything a hall needs for a full resync, consistent with
// the cursor it carries.
func (c *Central) Snapshot(ctx context.Context, hall string) (wire.Snapshot, error) {
	// One snapshot: SQLite's transactions are, PostgreSQL's need asking.
	var opts *sql.TxOptions
	if c.d.name == "postgres" {
		opts = &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	var snap wire.Snapshot
	tx, err := c.db.BeginTx(ctx, opts)
	if err != nil {
		return snap, err
	}
	defer tx.Rollback()
	x := q{d: c.d, tx: tx}
	if err := x.row(ctx, `SELECT value FROM meta WHERE name = 'version'`).Scan(&snap.Cursor); err != nil {
		return snap, err
	}
	rows, err := x.query(ctx, `SELECT name, body FROM published WHERE name IN ('catalog', 'calendar', ?)`, "hall/"+hall)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		var name, body string
		if err := rows.Scan(&name, &body); err != nil {
			rows.Close()
			return snap, err
		}
		switch name {
		case "catalog":
			err = json.Unmarshal([]byte(body), &snap.Catalog)
		case "calendar":
			err = json.Unmarshal([]byte(body), &snap.Calendar)
		default:
			err = json.Unmarshal([]byte(body), &snap.Hall)
		}
		if err != nil {
			rows.Close()
			return snap, fmt.Errorf("published %s does not read back: %w", name, err)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return snap, err
	}
	// Every department's opinion, in the order given; the last of a
	// decided case carries the decision, the others leave it in review.
	rows, err = x.query(ctx, `SELECT o.case_number, o.department, o.approve, o.reason, o.at, c.decision
		FROM opinions o JOIN cases c ON c.number = o.case_number
		WHERE c.hall = ? ORDER BY o.case_number, o.at, o.department`, hall)
	if err != nil {
		return snap, err
	}
	defer rows.Close()
	snap.Decisions = []app.CentralDecision{}
	for rows.Next() {
		var d app.CentralDecision
		var at, decision string
		var approve int
		if err := rows.Scan(&d.Case, &d.Department, &approve, &d.Note, &at, &decision); err != nil {
			return snap, err
		}
		d.Approve, d.State = approve == 1, app.CaseState(decision)
		d.At, _ = parseStamp(at)
		if n := len(snap.Decisions); n > 0 && snap.Decisions[n-1].Case == d.Case {
			snap.Decisions[n-1].State = app.InReview // not the last of its case
		}
		if d.State == "" {
			d.State = app.InReview
		}
		snap.Decisions = append(snap.Decisions, d)
	}
	return snap, rows.Err()
}

// Compact forgets the changes up to and including version upTo. A hall
// whose cursor is older gets ErrCursorGone and resyncs in full.
func (c *Central) Compact(ctx context.Context, upTo int64) (int64, error) {
	var n int64
	err := c.tx(ctx, func(x q) error {
		var top int64
		if err := x.row(ctx, `SELECT value FROM meta WHERE name = 'version'`).Scan(&top); err != nil {
			return err
		}
		upTo = min(upTo, top)
		res, err := x.exec(ctx, `DELETE FROM changes WHERE version <= ?`, upTo)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = x.exec(ctx, `UPDATE meta SET value = ? WHERE name = 'floor' AND value < ?`, upTo, upTo)
		return err
	})
	return n, err
}

// takeStaffPassword puts a clerk's own new password into the hall's
// published set-up when it is newer than the one there, and publishes the
// set-up again, so every terminal of the hall takes it over a one-time
// password. A member of staff the hall does not have changes nothing.
func (c *Central) takeStaffPassword(ctx context.Context, x q, hall string, sp app.StaffPasswordPayload) error {
	h, err := c.publishedHall(ctx, x, hall)
	if errors.Is(err, app.ErrNotFound) {
		return nil // a hall run on its own set-up: its terminals keep the password
	}
	if err != nil {
		return err
	}
	for i, m := range h.Staff {
		if m.ID != sp.Staff {
			continue
		}
		mine := app.Staff{PasswordHash: sp.Hash, PasswordSet: sp.Set}
		if !mine.NewerPassword(m) {
			return nil
		}
		h.Staff[i].PasswordHash, h.Staff[i].PasswordSet, h.Staff[i].MustChange = sp.Hash, sp.Set, false
		body, _ := json.Marshal(h)
		_, err := c.publish(ctx, x, "hall/"+hall, 0, hall, wire.ChangeHall, body)
		return err
	}
	return nil
}

// publishedHall is a hall's published set-up. Inside a transaction on
// PostgreSQL the row stays locked until it ends, so that two writers of a
// hall's set-up (a manager's change, a clerk's password, a publication)
// never write a body built from what the other replaced.
func (c *Central) publishedHall(ctx context.Context, x q, hall string) (app.Hall, error) {
	var h app.Hall
	var body string
	lock := ""
	if x.tx != nil && c.d.name == "postgres" {
		lock = " FOR UPDATE"
	}
	err := x.row(ctx, `SELECT body FROM published WHERE name = ?`+lock, "hall/"+hall).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("hall %s: %w: its set-up was never published", hall, app.ErrNotFound)
	}
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		return h, fmt.Errorf("hall %s: its published set-up does not read back: %w", hall, err)
	}
	return h, nil
}

// keepPasswords gives each member of h the newer of its password and the
// one the same member had in before, and keeps a member disabled.
func keepPasswords(h *app.Hall, before app.Hall) {
	had := map[string]app.Staff{}
	for _, m := range before.Staff {
		had[m.ID] = m
	}
	for i, m := range h.Staff {
		old, ok := had[m.ID]
		if !ok {
			continue
		}
		if old.NewerPassword(m) {
			h.Staff[i].PasswordHash, h.Staff[i].PasswordSet, h.Staff[i].MustChange = old.PasswordHash, old.PasswordSet, old.MustChange
		}
		// A file cannot say "still disabled" (the field is left out when
		// false): a member the manager disabled stays disabled; enabling
		// is the manager's act in the console.
		h.Staff[i].Disabled = m.Disabled || old.Disabled
	}
}

// UpdateHall changes a hall's published set-up with fn and publishes it,
// in one transaction: two managers' changes never overwrite each other.
func (c *Central) UpdateHall(ctx context.Context, hall string, fn func(*app.Hall) error) (int64, error) {
	var version int64
	err := c.tx(ctx, func(x q) error {
		h, err := c.publishedHall(ctx, x, hall)
		if err != nil {
			return err
		}
		if err := fn(&h); err != nil {
			return err
		}
		cat, err := c.catalogIn(ctx, x)
		if err != nil {
			return err
		}
		if err := h.Validate(cat); err != nil {
			return err
		}
		body, _ := json.Marshal(h)
		version, err = c.publish(ctx, x, "hall/"+hall, 0, hall, wire.ChangeHall, body)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("hall %s set-up: %w", hall, err)
	}
	c.log.Info("hall set-up changed", "hall", hall, "change", version)
	return version, nil
}

// HallSetup is a hall's published set-up.
func (c *Central) HallSetup(ctx context.Context, hall string) (app.Hall, error) {
	return c.publishedHall(ctx, c.q(), hall)
}
