package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"onewindow/app"
)

// OpTicket is the outbox kind of a ticket's change; central keeps the
// hall's queue statistics from it.
const OpTicket = "ticket"

// IssueRequest asks for a new queue number. It carries no personal data:
// the kiosk sends the age, the masked name and a keyed hash of the ID number.
type IssueRequest struct {
	RequestID string       `json:"request_id"` // the same id again returns the ticket first issued for it
	Category  string       `json:"category"`
	Claim     app.Priority `json:"priority,omitempty"` // disability or appointment, as the kiosk confirmed
	Age       int          `json:"age,omitempty"`      // from the ID card; 0 when none was read
	Who       string       `json:"who,omitempty"`      // the masked name, 张*
	WhoKey    string       `json:"who_key,omitempty"`  // app.WhoKey of the ID number
}

// Validate checks a request before anything is issued.
func (r IssueRequest) Validate() error {
	var p app.Problems
	if r.Claim != app.NoPriority && r.Claim != app.Disability && r.Claim != app.Appointment {
		p.Add("priority", fmt.Sprintf("%q is not a priority a citizen can claim", r.Claim))
	}
	if r.Age < 0 || r.Age > 150 {
		p.Add("age", fmt.Sprintf("%d is not an age", r.Age))
	}
	if r.Who != "" && (!strings.Contains(r.Who, "*") || utf8.RuneCountInString(r.Who) > 20) {
		p.Add("who", "send the masked name only, like 张*")
	}
	if r.WhoKey != "" && !isHexKey(r.WhoKey) {
		p.Add("who_key", "must be 64 hexadecimal characters")
	}
	return p.Err(app.ErrInvalidInput)
}

func isHexKey(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}

// QueueEvent is one change of the queue, in the order the hub made them.
type QueueEvent struct {
	Seq    int64      `json:"seq"`
	At     time.Time  `json:"at"`
	Kind   string     `json:"kind"` // issued, called, recalled, serving, finished, no_show, transferred, requeued, paused, resumed
	Ticket app.Ticket `json:"ticket,omitzero"`
	Window int        `json:"window,omitempty"`
	Reason string     `json:"reason,omitempty"`
}

// Issue gives out the next number of a category for today: A001, A002 …
// A full or closed category is refused with its own error.
func (s *Store) Issue(ctx context.Context, r IssueRequest) (app.Ticket, error) {
	if err := r.Validate(); err != nil {
		return app.Ticket{}, fmt.Errorf("issue: %w", err)
	}
	var t app.Ticket
	err := s.once(ctx, r.RequestID, &t, func(tx *sql.Tx) (any, error) {
		now := s.now()
		day := app.DateOf(now)
		var limit int
		var closes string
		err := s.rowTx(ctx, tx, `SELECT daily_limit, closes FROM categories WHERE prefix = ?`, r.Category).Scan(&limit, &closes)
		if err != nil {
			return nil, notFound(err, fmt.Sprintf("queue category %q", r.Category))
		}
		if now.In(app.HallZone).Format("15:04") >= closes {
			return nil, fmt.Errorf("category %s: %w (it closes at %s)", r.Category, app.ErrCategoryClosed, closes)
		}
		var last int
		if err := s.rowTx(ctx, tx, `SELECT COALESCE(MAX(seq), 0) FROM tickets WHERE day = ? AND issued_category = ?`, day, r.Category).Scan(&last); err != nil {
			return nil, err
		}
		if last >= limit {
			return nil, fmt.Errorf("category %s: %w of %d", r.Category, app.ErrCategoryFull, limit)
		}
		st, err := s.settingsIn(ctx, tx)
		if err != nil {
			return nil, err
		}
		t = app.Ticket{
			Day: day, Category: r.Category, Seq: last + 1, Code: app.TicketCode(r.Category, last+1),
			Priority: st.Queue.PriorityFor(r.Claim, r.Age), WhoMasked: r.Who,
			Issued: now, State: app.Waiting,
		}
		t.ID = string(day) + "/" + t.Code
		var who any // NULL when no card was read
		if r.WhoKey != "" {
			who = r.WhoKey
		}
		if _, err := s.execTx(ctx, tx, `INSERT INTO tickets (id, day, issued_category, category, seq, code, priority, who_masked,
			who_index, issued_at, queued_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting')`,
			t.ID, t.Day, t.Category, t.Category, t.Seq, t.Code, t.Priority, t.WhoMasked, who, stamp(now), stamp(now)); err != nil {
			return nil, err
		}
		if err := s.estimate(ctx, tx, &t, now); err != nil {
			return nil, err
		}
		return t, s.queueEvent(ctx, tx, "issued", t, 0, "")
	})
	return t, err
}

// Requeue puts a no-show ticket of today back in the queue, once, at its
// end. The citizen is recognised by the ticket's id (scanned from the
// ticket) or by reading the same ID card that took it (its app.WhoKey).
func (s *Store) Requeue(ctx context.Context, requestID, ticketID, whoKey string) (app.Ticket, error) {
	if ticketID == "" && !isHexKey(whoKey) {
		return app.Ticket{}, fmt.Errorf("requeue: %w: scan the ticket or read the ID card", app.ErrInvalidInput)
	}
	var t app.Ticket
	err := s.once(ctx, requestID, &t, func(tx *sql.Tx) (any, error) {
		day := app.DateOf(s.now())
		var row *sql.Row
		if ticketID != "" {
			row = s.rowTx(ctx, tx, `SELECT `+ticketColumns+` FROM tickets WHERE id = ? AND day = ?`, ticketID, day)
		} else {
			row = s.rowTx(ctx, tx, `SELECT `+ticketColumns+` FROM tickets WHERE day = ? AND who_index = ? AND state = 'no_show'
				ORDER BY issued_at DESC LIMIT 1`, day, whoKey)
		}
		var err error
		if t, err = scanTicket(row); err != nil {
			return nil, notFound(err, "a missed ticket of today")
		}
		switch {
		case t.State != app.NoShow:
			return nil, fmt.Errorf("ticket %s: %w: it was not missed (it is %s)", t.Code, app.ErrNotRequeueable, t.State)
		case t.Requeued:
			return nil, fmt.Errorf("ticket %s: %w: it was queued again once already; please take a new number", t.Code, app.ErrNotRequeueable)
		}
		now := s.now()
		t.State, t.Requeued, t.Recalls, t.Window, t.TargetWindow, t.Called = app.Waiting, true, 0, 0, 0, time.Time{}
		if _, err := s.execTx(ctx, tx, `UPDATE tickets SET state = 'waiting', requeued = 1, recalls = 0, window = 0,
			target_window = 0, called_at = '', queued_at = ? WHERE id = ?`, stamp(now), t.ID); err != nil {
			return nil, err
		}
		if err := s.estimate(ctx, tx, &t, now); err != nil {
			return nil, err
		}
		return t, s.queueEvent(ctx, tx, "requeued", t, 0, "")
	})
	return t, err
}

// CallNext calls the next citizen to a window (see app.PickNext). A ticket
// the window is serving is finished first; a ticket still only called must
// be recalled, skipped or served before the next call.
func (s *Store) CallNext(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	var t app.Ticket
	err := s.once(ctx, requestID, &t, func(tx *sql.Tx) (any, error) {
		ws, err := s.windowOf(ctx, tx, window)
		if err != nil {
			return nil, err
		}
		if ws.Paused {
			return nil, fmt.Errorf("window %d: %w", window, app.ErrWindowPaused)
		}
		now := s.now()
		if cur, err := s.current(ctx, tx, window); err == nil {
			if cur.State == app.Called {
				return nil, fmt.Errorf("window %d: %w (%s): recall it, mark it missed, or start serving", window, app.ErrWindowBusy, cur.Code)
			}
			if err := s.finish(ctx, tx, cur, now); err != nil {
				return nil, err
			}
		} else if !errors.Is(err, app.ErrNoTicket) {
			return nil, err
		}
		cands, err := s.lineHeads(ctx, tx, app.DateOf(now), window, ws.Categories)
		if err != nil {
			return nil, err
		}
		st, err := s.settingsIn(ctx, tx)
		if err != nil {
			return nil, err
		}
		i := app.PickNext(cands, ws.Categories, ws.Streak, st.Queue.PriorityCap)
		if i < 0 {
			return nil, fmt.Errorf("window %d: %w", window, app.ErrNoneWaiting)
		}
		streak := 0
		if cands[i].Priority != app.NoPriority {
			streak = ws.Streak + 1
		}
		if _, err := s.execTx(ctx, tx, `UPDATE window_state SET priority_streak = ? WHERE window = ?`, streak, window); err != nil {
			return nil, err
		}
		if _, err := s.execTx(ctx, tx, `UPDATE tickets SET state = 'called', window = ?, target_window = 0, called_at = ?
			WHERE id = ?`, window, stamp(now), cands[i].ID); err != nil {
			return nil, err
		}
		if t, err = scanTicket(s.rowTx(ctx, tx, ticketByIDQuery, cands[i].ID)); err != nil {
			return nil, err
		}
		return t, s.queueEvent(ctx, tx, "called", t, window, "")
	})
	return t, err
}

// Recall calls the window's current ticket again. After the hall's number of
// recalls, one more makes it a no-show and frees the window.
func (s *Store) Recall(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (string, error) {
		if t.State != app.Called {
			return "", fmt.Errorf("%w: %s is being served, not waiting to be called", app.ErrInvalidInput, t.Code)
		}
		st, err := s.settingsIn(ctx, tx)
		if err != nil {
			return "", err
		}
		if t.Recalls >= st.Queue.MaxRecalls {
			t.State = app.NoShow
			_, err := s.execTx(ctx, tx, `UPDATE tickets SET state = 'no_show', finished_at = ? WHERE id = ?`, stamp(now), t.ID)
			return "no_show", err
		}
		t.Recalls++
		_, err = s.execTx(ctx, tx, `UPDATE tickets SET recalls = ?, called_at = ? WHERE id = ?`, t.Recalls, stamp(now), t.ID)
		return "recalled", err
	})
}

// Skip marks the window's called ticket as a no-show at once (过号).
func (s *Store) Skip(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (string, error) {
		if t.State != app.Called {
			return "", fmt.Errorf("%w: %s is already being served; finish or transfer it", app.ErrInvalidInput, t.Code)
		}
		t.State = app.NoShow
		_, err := s.execTx(ctx, tx, `UPDATE tickets SET state = 'no_show', finished_at = ? WHERE id = ?`, stamp(now), t.ID)
		return "no_show", err
	})
}

// StartServing records that the called citizen has come to the window.
func (s *Store) StartServing(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (string, error) {
		if t.State != app.Called {
			return "", fmt.Errorf("%w: %s is already being served", app.ErrInvalidInput, t.Code)
		}
		t.State, t.Served = app.Serving, now
		_, err := s.execTx(ctx, tx, `UPDATE tickets SET state = 'serving', served_at = ? WHERE id = ?`, stamp(now), t.ID)
		return "serving", err
	})
}

// Finish ends the service of the window's current ticket.
func (s *Store) Finish(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (string, error) {
		if err := s.finish(ctx, tx, *t, now); err != nil {
			return "", err
		}
		t.State, t.Finished = app.Done, now
		if t.Served.IsZero() {
			t.Served = now
		}
		return "", nil // finish wrote its own event
	})
}

// Transfer sends the window's current ticket to another category, or to
// one window, keeping its place: it waits there by its original time.
func (s *Store) Transfer(ctx context.Context, requestID string, window int, toCategory string, toWindow int) (app.Ticket, error) {
	if (toCategory == "") == (toWindow == 0) {
		return app.Ticket{}, fmt.Errorf("transfer: %w: name either a category or a window", app.ErrInvalidInput)
	}
	return s.windowAction(ctx, requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (string, error) {
		if toCategory != "" {
			if err := s.rowTx(ctx, tx, `SELECT prefix FROM categories WHERE prefix = ?`, toCategory).Scan(new(string)); err != nil {
				return "", notFound(err, fmt.Sprintf("queue category %q", toCategory))
			}
			t.Category = toCategory
		} else {
			if _, err := s.windowOf(ctx, tx, toWindow); err != nil {
				return "", err
			}
			if toWindow == window {
				return "", fmt.Errorf("%w: the ticket is already at window %d", app.ErrInvalidInput, window)
			}
			t.TargetWindow = toWindow
		}
		t.State, t.Window, t.Called, t.Served, t.Recalls = app.Waiting, toWindow, time.Time{}, time.Time{}, 0
		_, err := s.execTx(ctx, tx, `UPDATE tickets SET state = 'waiting', category = ?, window = ?, target_window = ?,
			called_at = '', served_at = '', recalls = 0 WHERE id = ?`, t.Category, toWindow, t.TargetWindow, t.ID)
		return "transferred", err
	})
}

// Pause stops a window from being called to, with a reason from
// app.PauseReasons; Resume opens it again.
func (s *Store) Pause(ctx context.Context, requestID string, window int, reason string) error {
	if !app.ValidPauseReason(reason) {
		return fmt.Errorf("pause: %w: %q is not a reason on the list", app.ErrInvalidInput, reason)
	}
	return s.setPaused(ctx, requestID, window, true, reason)
}

// Resume opens a paused window again.
func (s *Store) Resume(ctx context.Context, requestID string, window int) error {
	return s.setPaused(ctx, requestID, window, false, "")
}

func (s *Store) setPaused(ctx context.Context, requestID string, window int, paused bool, reason string) error {
	var done bool
	return s.once(ctx, requestID, &done, func(tx *sql.Tx) (any, error) {
		if _, err := s.windowOf(ctx, tx, window); err != nil {
			return nil, err
		}
		if _, err := s.execTx(ctx, tx, `UPDATE window_state SET paused = ?, pause_reason = ? WHERE window = ?`, paused, reason, window); err != nil {
			return nil, err
		}
		kind := "resumed"
		if paused {
			kind = "paused"
		}
		return true, s.queueEvent(ctx, tx, kind, app.Ticket{}, window, reason)
	})
}

// WindowStatus is what a window terminal shows of its own queue.
type WindowStatus struct {
	Window      int         `json:"window"`
	Categories  []string    `json:"categories"`
	Paused      bool        `json:"paused"`
	PauseReason string      `json:"pause_reason,omitempty"`
	Current     *app.Ticket `json:"current,omitempty"`
	Waiting     int         `json:"waiting"` // tickets this window could call now
}

// Window returns a window's queue state.
func (s *Store) Window(ctx context.Context, window int) (WindowStatus, error) {
	var out WindowStatus
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		ws, err := s.windowOf(ctx, tx, window)
		if err != nil {
			return err
		}
		out = WindowStatus{Window: window, Categories: ws.Categories, Paused: ws.Paused, PauseReason: ws.Reason}
		if cur, err := s.current(ctx, tx, window); err == nil {
			out.Current = &cur
		} else if !errors.Is(err, app.ErrNoTicket) {
			return err
		}
		for _, c := range ws.Categories {
			var n int
			if err := s.rowTx(ctx, tx, `SELECT `+countLines(`day = ?1 AND category = ?2 AND state = 'waiting'`,
				ordinaryLine, priorityLine), app.DateOf(s.now()), c).Scan(&n); err != nil {
				return err
			}
			out.Waiting += n
		}
		var n int
		err = s.rowTx(ctx, tx, `SELECT count(*) FROM tickets WHERE day = ? AND state = 'waiting' AND target_window = ?
			AND target_window <> 0`,
			app.DateOf(s.now()), window).Scan(&n)
		out.Waiting += n
		return err
	})
	return out, err
}

// CategoryStatus is the waiting line of one category.
type CategoryStatus struct {
	Prefix  string        `json:"prefix"`
	Name    app.Text      `json:"name"`
	Waiting int           `json:"waiting"`
	Wait    time.Duration `json:"wait_ns"` // estimated for someone taking a number now
	Issued  int           `json:"issued"`  // numbers given out today
	Limit   int           `json:"limit"`
	Closes  string        `json:"closes"`
	Open    bool          `json:"open"` // still issuing numbers now
}

// QueueStatus is the hall's queue at a glance: the hall screen and the kiosk.
type QueueStatus struct {
	Categories []CategoryStatus `json:"categories"`
	Calls      []QueueEvent     `json:"calls"` // the latest calls and recalls, newest first
}

// Queue returns the waiting count and estimated wait per category and the
// last calls made, newest first.
func (s *Store) Queue(ctx context.Context, lastCalls int) (QueueStatus, error) {
	var out QueueStatus
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		day := app.DateOf(now)
		rows, err := s.rowsTx(ctx, tx, `SELECT c.prefix, c.name_zh, c.name_en, c.daily_limit, c.closes, `+
			waitingCount(`day = ?1 AND category = c.prefix AND state = 'waiting'`)+`,
			(SELECT COALESCE(MAX(seq), 0) FROM tickets t WHERE t.day = ?1 AND t.issued_category = c.prefix)
			FROM categories c ORDER BY c.rowid`, day)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c CategoryStatus
			if err := rows.Scan(&c.Prefix, &c.Name.Zh, &c.Name.En, &c.Limit, &c.Closes, &c.Waiting, &c.Issued); err != nil {
				rows.Close()
				return err
			}
			c.Open = c.Issued < c.Limit && now.In(app.HallZone).Format("15:04") < c.Closes
			out.Categories = append(out.Categories, c)
		}
		rows.Close()
		for i := range out.Categories {
			c := &out.Categories[i]
			per, open, err := s.serviceRate(ctx, tx, c.Prefix, day)
			if err != nil {
				return err
			}
			c.Wait = app.EstimateWait(c.Waiting, open, per)
		}
		out.Calls, err = queueEvents(ctx, tx, `WHERE kind IN ('called', 'recalled') ORDER BY seq DESC LIMIT ?`, lastCalls)
		return err
	})
	return out, err
}

// ForgetQueue deletes the carried-out requests and the queue's events older
// than keep. Both grow by a row with every issue and call, and neither is
// needed for long: a terminal retries a request within seconds (a request
// id older than keep would be carried out again), and a listener resumes
// the events of today. Tickets, and the outbox for central, are kept.
//
// It deletes forgetChunk rows to a commit, so that the first run on a hub
// that has gathered years of them does not hold up its queue.
func (s *Store) ForgetQueue(ctx context.Context, keep time.Duration) (requests, events int64, err error) {
	cutoff := stamp(s.now().Add(-keep))
	after := "" // requests are stored in id order: go through them once
	forgetRequests := func(tx *sql.Tx) (n int64, err error) {
		rows, err := tx.QueryContext(ctx, `DELETE FROM queue_requests WHERE request_id IN (SELECT request_id
			FROM queue_requests WHERE request_id > ? AND at < ? ORDER BY request_id LIMIT ?) RETURNING request_id`,
			after, cutoff, forgetChunk)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return n, err
			}
			after = max(after, id)
			n++
		}
		return n, rows.Err()
	}
	forgetEvents := func(tx *sql.Tx) (int64, error) {
		// Events are appended in time order: the old ones are the first.
		res, err := tx.ExecContext(ctx, `DELETE FROM queue_events WHERE seq IN (SELECT seq FROM queue_events
			WHERE at < ? ORDER BY seq LIMIT ?)`, cutoff, forgetChunk)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	if requests, err = s.inChunks(ctx, forgetRequests); err != nil {
		return requests, 0, err
	}
	events, err = s.inChunks(ctx, forgetEvents)
	return requests, events, err
}

// inChunks runs del, one commit each, until it deletes fewer than
// forgetChunk rows, and adds up what it deleted.
func (s *Store) inChunks(ctx context.Context, del func(*sql.Tx) (int64, error)) (total int64, err error) {
	for {
		var n int64
		err := s.tx(ctx, func(tx *sql.Tx) (err error) {
			n, err = del(tx)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < forgetChunk {
			return total, nil
		}
	}
}

// forgetChunk is how many rows ForgetQueue deletes in one commit.
const forgetChunk = 1000

// QueueEvents returns the queue's changes after seq, oldest first: what a
// window or the hall screen missed while its connection was down.
func (s *Store) QueueEvents(ctx context.Context, after int64, limit int) ([]QueueEvent, error) {
	return queueEvents(ctx, s.db, `WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

func queueEvents(ctx context.Context, q querier, where string, args ...any) ([]QueueEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, body FROM queue_events `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueEvent
	for rows.Next() {
		var e QueueEvent
		var seq int64
		var body string
		if err := rows.Scan(&seq, &body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			return nil, fmt.Errorf("queue event %d is damaged: %w", seq, err)
		}
		e.Seq = seq
		out = append(out, e)
	}
	return out, rows.Err()
}

// --- inside the transactions ---

type windowRow struct {
	Categories []string
	Paused     bool
	Reason     string
	Streak     int
}

func (s *Store) windowOf(ctx context.Context, tx *sql.Tx, window int) (windowRow, error) {
	var w windowRow
	rows, err := s.rowsTx(ctx, tx, `SELECT category FROM window_categories WHERE window = ? ORDER BY position`, window)
	if err != nil {
		return w, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return w, err
		}
		w.Categories = append(w.Categories, c)
	}
	rows.Close()
	if len(w.Categories) == 0 {
		return w, fmt.Errorf("window %d: %w in the hall set-up", window, app.ErrNotFound)
	}
	// The row is made on first use, so a window added later just works.
	if _, err := s.execTx(ctx, tx, `INSERT INTO window_state (window) VALUES (?) ON CONFLICT DO NOTHING`, window); err != nil {
		return w, err
	}
	err = s.rowTx(ctx, tx, `SELECT paused, pause_reason, priority_streak FROM window_state WHERE window = ?`, window).
		Scan(&w.Paused, &w.Reason, &w.Streak)
	return w, err
}

const ticketColumns = `id, day, category, seq, code, priority, who_masked, issued_at, called_at, served_at, finished_at,
	window, target_window, recalls, requeued, state`

const ticketByIDQuery = `SELECT ` + ticketColumns + ` FROM tickets WHERE id = ?`

func scanTicket(r interface{ Scan(...any) error }) (app.Ticket, error) {
	var t app.Ticket
	var issued, called, served, finished string
	err := r.Scan(&t.ID, &t.Day, &t.Category, &t.Seq, &t.Code, &t.Priority, &t.WhoMasked, &issued, &called, &served,
		&finished, &t.Window, &t.TargetWindow, &t.Recalls, &t.Requeued, &t.State)
	if err != nil {
		return t, err
	}
	for _, f := range []struct {
		s string
		t *time.Time
	}{{issued, &t.Issued}, {called, &t.Called}, {served, &t.Served}, {finished, &t.Finished}} {
		if *f.t, err = unstamp(f.s); err != nil {
			return t, fmt.Errorf("ticket %s: a time is damaged: %w", t.ID, err)
		}
	}
	return t, nil
}

// current is the ticket a window has called or is serving today.
func (s *Store) current(ctx context.Context, tx *sql.Tx, window int) (app.Ticket, error) {
	t, err := scanTicket(s.rowTx(ctx, tx, `SELECT `+ticketColumns+` FROM tickets
		WHERE day = ? AND window = ? AND state IN ('called', 'serving') ORDER BY called_at DESC LIMIT 1`,
		app.DateOf(s.now()), window))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("window %d: %w", window, app.ErrNoTicket)
	}
	return t, err
}

func (s *Store) finish(ctx context.Context, tx *sql.Tx, t app.Ticket, now time.Time) error {
	served := t.Served
	if served.IsZero() {
		served = now
	}
	if _, err := s.execTx(ctx, tx, `UPDATE tickets SET state = 'done', served_at = ?, finished_at = ? WHERE id = ?`,
		stamp(served), stamp(now), t.ID); err != nil {
		return err
	}
	t.State, t.Served, t.Finished = app.Done, served, now
	return s.queueEvent(ctx, tx, "finished", t, t.Window, "")
}

// windowAction runs a change on the window's current ticket and records it.
func (s *Store) windowAction(ctx context.Context, requestID string, window int, fn func(*sql.Tx, *app.Ticket, time.Time) (string, error)) (app.Ticket, error) {
	var t app.Ticket
	err := s.once(ctx, requestID, &t, func(tx *sql.Tx) (any, error) {
		if _, err := s.windowOf(ctx, tx, window); err != nil {
			return nil, err
		}
		var err error
		if t, err = s.current(ctx, tx, window); err != nil {
			return nil, err
		}
		kind, err := fn(tx, &t, s.now())
		if err != nil {
			return nil, fmt.Errorf("window %d: %w", window, err)
		}
		if kind != "" {
			if err := s.queueEvent(ctx, tx, kind, t, window, ""); err != nil {
				return nil, err
			}
		}
		return t, nil
	})
	return t, err
}

// lineHeads are the only tickets the call rule needs to see, in queue
// order: for each category the window serves, its first ordinary and its
// first priority ticket, and the first ticket sent to this window. Each is
// one step down an index, however long the lines are.
func (s *Store) lineHeads(ctx context.Context, tx *sql.Tx, day app.Date, window int, categories []string) ([]app.Candidate, error) {
	type head struct {
		c      app.Candidate
		queued string
		seq    int
	}
	var heads []head
	add := func(q string, args ...any) error {
		var h head
		var target int
		err := s.rowTx(ctx, tx, `SELECT id, category, priority, target_window, queued_at, seq FROM tickets `+q+
			` ORDER BY queued_at, seq LIMIT 1`, args...).Scan(&h.c.ID, &h.c.Category, &h.c.Priority, &target, &h.queued, &h.seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		h.c.Targeted = target != 0
		heads = append(heads, h)
		return err
	}
	if err := add(`WHERE day = ? AND target_window = ? AND state = 'waiting' AND `+windowLine, day, window); err != nil {
		return nil, err
	}
	for _, c := range categories {
		if err := add(`WHERE day = ? AND category = ? AND state = 'waiting' AND `+ordinaryLine, day, c); err != nil {
			return nil, err
		}
		if err := add(`WHERE day = ? AND category = ? AND state = 'waiting' AND `+priorityLine, day, c); err != nil {
			return nil, err
		}
	}
	sort.Slice(heads, func(i, j int) bool {
		if heads[i].queued != heads[j].queued {
			return heads[i].queued < heads[j].queued
		}
		return heads[i].seq < heads[j].seq
	})
	out := make([]app.Candidate, len(heads))
	for i, h := range heads {
		out[i] = h.c
	}
	return out, nil
}

// estimate fills in how many wait ahead of a ticket that joined the line at
// queued, and for how long.
func (s *Store) estimate(ctx context.Context, tx *sql.Tx, t *app.Ticket, queued time.Time) error {
	err := s.rowTx(ctx, tx, `SELECT `+waitingCount(
		`day = ?1 AND category = ?2 AND state = 'waiting' AND id <> ?3 AND queued_at <= ?4`),
		t.Day, t.Category, t.ID, stamp(queued)).Scan(&t.Ahead)
	if err != nil {
		return err
	}
	per, open, err := s.serviceRate(ctx, tx, t.Category, t.Day)
	if err != nil {
		return err
	}
	t.Wait = app.EstimateWait(t.Ahead, open, per)
	return nil
}

// The lines a waiting ticket can be in, each matching one partial index of
// tickets: the ordinary line, the priority line, and those sent to one window.
const (
	ordinaryLine = `priority = '' AND target_window = 0`
	priorityLine = `priority <> '' AND target_window = 0`
	windowLine   = `target_window <> 0`
)

// countLines is an SQL expression counting the tickets that match where in
// each of lines, each counted down its own partial index. One count(*) over
// them all would walk every ticket of the day, and issuing a number would
// slow down as the day goes on.
func countLines(where string, lines ...string) string {
	counts := make([]string, len(lines))
	for i, line := range lines {
		counts[i] = `(SELECT count(*) FROM tickets WHERE ` + where + ` AND ` + line + `)`
	}
	return strings.Join(counts, " + ")
}

// waitingCount is countLines over all three lines.
func waitingCount(where string) string {
	return countLines(where, ordinaryLine, priorityLine, windowLine)
}

// serviceRate is the average service time of the category's last ten
// tickets today and the number of windows open for it.
func (s *Store) serviceRate(ctx context.Context, tx *sql.Tx, category string, day app.Date) (time.Duration, int, error) {
	rows, err := s.rowsTx(ctx, tx, `SELECT called_at, finished_at FROM tickets
		WHERE day = ? AND category = ? AND state = 'done' ORDER BY finished_at DESC LIMIT 10`, day, category)
	if err != nil {
		return 0, 0, err
	}
	var total time.Duration
	n := 0
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			rows.Close()
			return 0, 0, err
		}
		ta, err1 := unstamp(a)
		tb, err2 := unstamp(b)
		if err1 == nil && err2 == nil && !ta.IsZero() && tb.After(ta) {
			total += tb.Sub(ta)
			n++
		}
	}
	rows.Close()
	per := app.DefaultServiceTime
	if n > 0 {
		per = total / time.Duration(n)
	}
	var open int
	err = s.rowTx(ctx, tx, `SELECT count(*) FROM window_categories c
		LEFT JOIN window_state s ON s.window = c.window
		WHERE c.category = ? AND COALESCE(s.paused, 0) = 0`, category).Scan(&open)
	return per, open, err
}

// queueEvent records a queue change for listeners and for central.
func (s *Store) queueEvent(ctx context.Context, tx *sql.Tx, kind string, t app.Ticket, window int, reason string) error {
	e := QueueEvent{At: s.now().UTC(), Kind: kind, Window: window, Reason: reason}
	if t.ID != "" {
		e.Ticket = t
	}
	if t.State == app.Waiting {
		// Every window and the hall screen see these: no clerk learns who waits.
		e.Ticket.WhoMasked = ""
	}
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := s.execTx(ctx, tx, `INSERT INTO queue_events (at, kind, ticket, window, body) VALUES (?, ?, ?, ?, ?)`,
		stamp(e.At), kind, t.ID, window, string(body)); err != nil {
		return err
	}
	if t.ID == "" {
		return nil
	}
	return s.enqueue(ctx, tx, OpTicket, t.ID, e)
}

// once runs fn in a transaction unless requestID was already carried out,
// in which case the first answer is decoded into out and fn does not run:
// a retried request must not issue or call twice. An empty requestID always runs.
func (s *Store) once(ctx context.Context, requestID string, out any, fn func(*sql.Tx) (any, error)) error {
	if len(requestID) > 100 {
		return fmt.Errorf("%w: the request id is longer than 100 characters", app.ErrInvalidInput)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if requestID != "" {
			var prior string
			err := s.rowTx(ctx, tx, `SELECT response FROM queue_requests WHERE request_id = ?`, requestID).Scan(&prior)
			if err == nil {
				return json.Unmarshal([]byte(prior), out)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		res, err := fn(tx)
		if err != nil {
			return err
		}
		body, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(body, out); err != nil {
			return err
		}
		if requestID == "" {
			return nil
		}
		_, err = s.execTx(ctx, tx, `INSERT INTO queue_requests (request_id, at, response) VALUES (?, ?, ?)`,
			requestID, stamp(s.now()), string(body))
		return err
	})
}

// readTx runs fn in a read transaction, so what it reads is one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}
