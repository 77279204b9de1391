package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"onewindow/app"
)

// ReplaceHall installs the hall set-up central published: the hall's name,
// its windows and its staff. It is checked against the catalogue held.
func (s *Store) ReplaceHall(ctx context.Context, h app.Hall) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := replaceHallTx(ctx, tx, h); err != nil {
			return err
		}
		return s.replaceBookingPlanTx(ctx, tx, h) // bookings.go
	})
}

// replaceHallTx checks h against the catalogue held in tx and installs it.
func replaceHallTx(ctx context.Context, tx *sql.Tx, h app.Hall) error {
	cat, err := catalogOf(ctx, tx)
	if err != nil {
		return fmt.Errorf("hall set-up needs the catalogue first: %w", err)
	}
	if err := h.Validate(cat); err != nil {
		return err
	}
	// A member who stays keeps the password held here unless the set-up
	// carries a newer one (a manager's reset): a password the clerk
	// changed since is never overwritten.
	kept := map[string]app.Staff{}
	rows, err := tx.QueryContext(ctx, `SELECT `+staffCols+` FROM staff WHERE password_hash <> ''`)
	if err != nil {
		return err
	}
	for rows.Next() {
		m, err := scanStaff(rows)
		if err != nil {
			rows.Close()
			return err
		}
		kept[m.ID] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM window_categories`, `DELETE FROM windows`, `DELETE FROM staff`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO hall (id, code, name_zh, name_en) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET code = excluded.code, name_zh = excluded.name_zh, name_en = excluded.name_en`,
		h.Code, h.Name.Zh, h.Name.En); err != nil {
		return err
	}
	for _, w := range h.Windows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO windows (number, name_zh, name_en) VALUES (?, ?, ?)`,
			w.Number, w.Name.Zh, w.Name.En); err != nil {
			return err
		}
		for i, c := range w.Categories {
			if _, err := tx.ExecContext(ctx, `INSERT INTO window_categories (window, position, category) VALUES (?, ?, ?)`,
				w.Number, i, c); err != nil {
				return err
			}
		}
	}
	for _, m := range h.Staff {
		if had, ok := kept[m.ID]; ok && !m.NewerPassword(had) {
			m.PasswordHash, m.PasswordSet, m.MustChange = had.PasswordHash, had.PasswordSet, had.MustChange
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO staff (`+staffCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.Name, m.Role, m.PasswordHash, stamp(m.PasswordSet), flag(m.MustChange), flag(m.Disabled)); err != nil {
			return err
		}
	}
	if h.NearCall == 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('near_call', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(h.NearCall)) // 即将叫到您 on citizens' phones
	return err
}

// Hall returns the hall set-up held.
func (s *Store) Hall(ctx context.Context) (app.Hall, error) {
	var h app.Hall
	err := s.db.QueryRowContext(ctx, `SELECT code, name_zh, name_en FROM hall`).Scan(&h.Code, &h.Name.Zh, &h.Name.En)
	if err != nil {
		return h, notFound(err, "hall set-up")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT w.number, w.name_zh, w.name_en, c.category
		FROM windows w LEFT JOIN window_categories c ON c.window = w.number
		ORDER BY w.number, c.position`)
	if err != nil {
		return h, err
	}
	for rows.Next() {
		var w app.Window
		var cat sql.NullString
		if err := rows.Scan(&w.Number, &w.Name.Zh, &w.Name.En, &cat); err != nil {
			rows.Close()
			return h, err
		}
		if n := len(h.Windows); n == 0 || h.Windows[n-1].Number != w.Number {
			h.Windows = append(h.Windows, w)
		}
		if cat.Valid {
			last := &h.Windows[len(h.Windows)-1]
			last.Categories = append(last.Categories, cat.String)
		}
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT `+staffCols+` FROM staff ORDER BY rowid`)
	if err != nil {
		return h, err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanStaff(rows)
		if err != nil {
			return h, err
		}
		h.Staff = append(h.Staff, m)
	}
	return h, rows.Err()
}

const staffCols = `id, name, role, password_hash, password_set, must_change, disabled`

func scanStaff(r interface{ Scan(...any) error }) (app.Staff, error) {
	var m app.Staff
	var set string
	var must, disabled int
	if err := r.Scan(&m.ID, &m.Name, &m.Role, &m.PasswordHash, &set, &must, &disabled); err != nil {
		return m, err
	}
	m.PasswordSet, _ = unstamp(set)
	m.MustChange, m.Disabled = must == 1, disabled == 1
	return m, nil
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// StaffMember returns one member of staff.
func (s *Store) StaffMember(ctx context.Context, id string) (app.Staff, error) {
	m, err := scanStaff(s.db.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE id = ?`, id))
	return m, notFound(err, "staff "+strconv.Quote(id))
}

// ChangeOwnPassword stores the new password a member of staff chose
// (app.HashPassword) and queues it for the hall's hub and central, so that
// every window of the hall takes it over the one-time password.
func (s *Store) ChangeOwnPassword(ctx context.Context, id, hash string) error {
	now := s.now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.execTx(ctx, tx, `UPDATE staff SET password_hash = ?, password_set = ?, must_change = 0 WHERE id = ?`,
			hash, stamp(now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("change the password of staff %q: %w", id, app.ErrNotFound)
		}
		return s.enqueue(ctx, tx, app.OpStaffPassword, id, app.StaffPasswordPayload{Staff: id, Hash: hash, Set: now.UTC()})
	})
}

// applyStaffPassword takes a clerk's new password sent by another window
// when it is newer than the one held; an older one changes nothing.
func (s *Store) applyStaffPassword(ctx context.Context, tx *sql.Tx, p app.StaffPasswordPayload) (string, error) {
	if p.Hash == "" || p.Set.IsZero() {
		return "the new password has no hash or no time", nil
	}
	m, err := scanStaff(tx.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE id = ?`, p.Staff))
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Sprintf("staff %q is not of this hall", p.Staff), nil
	}
	if err != nil {
		return "", err
	}
	if !(app.Staff{PasswordHash: p.Hash, PasswordSet: p.Set}).NewerPassword(m) {
		return "", nil
	}
	_, err = s.execTx(ctx, tx, `UPDATE staff SET password_hash = ?, password_set = ?, must_change = 0 WHERE id = ?`,
		p.Hash, stamp(p.Set), p.Staff)
	return "", err
}

// ReplaceCalendar installs the holiday calendar central published.
func (s *Store) ReplaceCalendar(ctx context.Context, days []app.CalendarDay) error {
	if _, err := app.NewCalendar(days); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return replaceCalendarTx(ctx, tx, days) })
}

// replaceCalendarTx installs checked calendar days inside tx.
func replaceCalendarTx(ctx context.Context, tx *sql.Tx, days []app.CalendarDay) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days`); err != nil {
		return err
	}
	for _, d := range days {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (date, kind, name_zh, name_en) VALUES (?, ?, ?, ?)`,
			d.Date, d.Kind, d.Name.Zh, d.Name.En); err != nil {
			return err
		}
	}
	return nil
}

// Calendar returns the working-day calendar held. With no official days
// loaded it is the plain Monday–Friday week.
func (s *Store) Calendar(ctx context.Context) (*app.Calendar, error) {
	return calendarOf(ctx, s.db)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func calendarOf(ctx context.Context, q querier) (*app.Calendar, error) {
	rows, err := q.QueryContext(ctx, `SELECT date, kind, name_zh, name_en FROM calendar_days`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var days []app.CalendarDay
	for rows.Next() {
		var d app.CalendarDay
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name.Zh, &d.Name.En); err != nil {
			return nil, err
		}
		days = append(days, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return app.NewCalendar(days)
}

// Settings returns the hall's rules, with defaults for any not set.
func (s *Store) Settings(ctx context.Context) (app.Settings, error) {
	return scanSettings(s.db.QueryContext(ctx, settingsQuery))
}

// settingsIn reads the settings inside a write, prepared once.
func (s *Store) settingsIn(ctx context.Context, tx *sql.Tx) (app.Settings, error) {
	return scanSettings(s.rowsTx(ctx, tx, settingsQuery))
}

const settingsQuery = `SELECT key, value FROM settings`

func scanSettings(rows *sql.Rows, err error) (app.Settings, error) {
	st := app.DefaultSettings
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return st, err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return st, fmt.Errorf("setting %s: %q is not a number", k, v)
		}
		if f := settingField(&st, k); f != nil {
			*f = n
		}
	}
	return st, rows.Err()
}

// settingField maps a settings key to its field.
func settingField(st *app.Settings, key string) *int {
	switch key {
	case "warn_days":
		return &st.WarnDays
	case "follow_up_days":
		return &st.FollowUpDays
	case "elderly_age":
		return &st.Queue.ElderlyAge
	case "priority_cap":
		return &st.Queue.PriorityCap
	case "max_recalls":
		return &st.Queue.MaxRecalls
	case "near_call":
		return &st.Queue.NearCall
	}
	return nil
}

var settingKeys = []string{"warn_days", "follow_up_days", "elderly_age", "priority_cap", "max_recalls", "near_call"}

// SetSettings stores the hall's rules; settings out of range are refused.
func (s *Store) SetSettings(ctx context.Context, st app.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, k := range settingKeys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, strconv.Itoa(*settingField(&st, k))); err != nil {
				return err
			}
		}
		return nil
	})
}
