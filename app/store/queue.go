package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"onewindow/app"
)

// The store is the hub's queue.
var _ app.QueueStore = (*Store)(nil)

// Issue gives out the next number of a category for today: A001, A002 …
// A full or closed category is refused with its own error.
func (s *Store) Issue(ctx context.Context, r app.IssueRequest) (app.Ticket, error) {
	if err := r.Validate(); err != nil {
		return app.Ticket{}, fmt.Errorf("issue: %w", err)
	}
	var t app.Ticket
	err := s.once(ctx, "issue", r.RequestID, &t, func(tx *sql.Tx) (any, error) {
		now := s.now()
		day := app.DateOf(now)
		var limit, last int
		var closes string
		err := s.rowTx(ctx, tx, `SELECT daily_limit, closes, (SELECT COALESCE(MAX(seq), 0) FROM tickets
			WHERE day = ? AND issued_category = prefix) FROM categories WHERE prefix = ?`, day, r.Category).Scan(&limit, &closes, &last)
		if err != nil {
			return nil, notFound(err, fmt.Sprintf("queue category %q", r.Category))
		}
		if err := app.CheckIssue(r.Category, now, closes, last, limit); err != nil {
			return nil, err
		}
		t = app.NewTicket(r, day, last+1, now)
		var who any // NULL when no card was read
		if r.WhoKey != "" {
			who = r.WhoKey
		}
		if _, err := s.execTx(ctx, tx, `INSERT INTO tickets (id, day, issued_category, category, seq, code, priority, who_masked,
			who_index, issued_at, queued_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.Day, t.Category, t.Category, t.Seq, t.Code, t.Priority, t.WhoMasked, who, stamp(now), stamp(now), t.State); err != nil {
			return nil, err
		}
		if err := s.estimate(ctx, tx, &t, now); err != nil {
			return nil, err
		}
		return t, s.queueEvent(ctx, tx, app.EventIssued, t, 0, "")
	})
	return t, err
}

// Requeue puts a no-show ticket of today back in the queue, once, at its
// end (app.Ticket.Requeue). The citizen is recognised by the ticket's id
// (scanned from the ticket) or by reading the same ID card that took it
// (its app.WhoKey; whoKeyAlt, if not empty, is the card's under the other
// crypto suite, which a ticket taken before the hall moved carries).
func (s *Store) Requeue(ctx context.Context, requestID, ticketID, whoKey, whoKeyAlt string) (app.Ticket, error) {
	if ticketID == "" && (!app.ValidWhoKey(whoKey) || whoKeyAlt != "" && !app.ValidWhoKey(whoKeyAlt)) {
		return app.Ticket{}, fmt.Errorf("requeue: %w: scan the ticket or read the ID card", app.ErrInvalidInput)
	}
	var t app.Ticket
	err := s.once(ctx, "requeue", requestID, &t, func(tx *sql.Tx) (any, error) {
		day := app.DateOf(s.now())
		var row *sql.Row
		if ticketID != "" {
			row = s.rowTx(ctx, tx, `SELECT `+ticketColumns+` FROM tickets WHERE id = ? AND day = ?`, ticketID, day)
		} else {
			row = s.rowTx(ctx, tx, `SELECT `+ticketColumns+` FROM tickets WHERE day = ? AND who_index IN (?, ?) AND state = 'no_show'
				ORDER BY issued_at DESC LIMIT 1`, day, whoKey, whoKeyAlt)
		}
		var err error
		if t, err = scanTicket(row); err != nil {
			return nil, notFound(err, "a missed ticket of today")
		}
		if err := t.Requeue(); err != nil {
			return nil, err
		}
		now := s.now()
		if err := s.saveTicket(ctx, tx, t, now); err != nil {
			return nil, err
		}
		if err := s.estimate(ctx, tx, &t, now); err != nil {
			return nil, err
		}
		return t, s.queueEvent(ctx, tx, app.EventRequeued, t, 0, "")
	})
	return t, err
}

// CallNext calls the next citizen to a window (see app.PickNext). A ticket
// the window is serving is finished first; a ticket still only called must
// be recalled, skipped or served before the next call (app.CheckCall).
func (s *Store) CallNext(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	var t app.Ticket
	err := s.once(ctx, fmt.Sprintf("call at window %d", window), requestID, &t, func(tx *sql.Tx) (any, error) {
		ws, err := s.windowOf(ctx, tx, window)
		if err != nil {
			return nil, err
		}
		now := s.now()
		var current *app.Ticket
		if cur, err := s.current(ctx, tx, window); err == nil {
			current = &cur
		} else if !errors.Is(err, app.ErrNoTicket) {
			return nil, err
		}
		if err := app.CheckCall(window, ws.Paused, current); err != nil {
			return nil, err
		}
		if current != nil {
			if err := s.finish(ctx, tx, *current, now); err != nil {
				return nil, err
			}
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
		streak := app.NextStreak(ws.Streak, cands[i].Priority)
		if _, err := s.execTx(ctx, tx, `UPDATE window_state SET priority_streak = ? WHERE window = ?`, streak, window); err != nil {
			return nil, err
		}
		if t, err = scanTicket(s.rowTx(ctx, tx, ticketByIDQuery, cands[i].ID)); err != nil {
			return nil, err
		}
		if err := t.Call(window, now); err != nil {
			return nil, err
		}
		if err := s.saveTicket(ctx, tx, t, time.Time{}); err != nil {
			return nil, err
		}
		return t, s.queueEvent(ctx, tx, app.EventCalled, t, window, "")
	})
	return t, err
}

// Recall calls the window's current ticket again. After the hall's number of
// recalls, one more makes it a no-show and frees the window.
func (s *Store) Recall(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, "recall", requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (app.QueueEventKind, error) {
		st, err := s.settingsIn(ctx, tx)
		if err != nil {
			return "", err
		}
		return t.Recall(st.Queue, now)
	})
}

// Skip marks the window's called ticket as a no-show at once (过号).
func (s *Store) Skip(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, "skip", requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (app.QueueEventKind, error) {
		return app.EventNoShow, t.Skip(now)
	})
}

// StartServing records that the called citizen has come to the window.
func (s *Store) StartServing(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, "start", requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (app.QueueEventKind, error) {
		return app.EventServing, t.StartServing(now)
	})
}

// Finish ends the service of the window's current ticket.
func (s *Store) Finish(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return s.windowAction(ctx, "finish", requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (app.QueueEventKind, error) {
		return app.EventFinished, t.Finish(now)
	})
}

// Transfer sends the window's current ticket to another category, or to
// one window, keeping its place: it waits there by its original time.
func (s *Store) Transfer(ctx context.Context, requestID string, window int, toCategory string, toWindow int) (app.Ticket, error) {
	if err := app.CheckTransfer(window, toCategory, toWindow); err != nil {
		return app.Ticket{}, err
	}
	return s.windowAction(ctx, "transfer", requestID, window, func(tx *sql.Tx, t *app.Ticket, now time.Time) (app.QueueEventKind, error) {
		if toCategory != "" {
			if err := s.rowTx(ctx, tx, `SELECT prefix FROM categories WHERE prefix = ?`, toCategory).Scan(new(string)); err != nil {
				return "", notFound(err, fmt.Sprintf("queue category %q", toCategory))
			}
		} else if _, err := s.windowOf(ctx, tx, toWindow); err != nil {
			return "", err
		}
		return app.EventTransferred, t.Transfer(window, toCategory, toWindow)
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
	op := "resume"
	if paused {
		op = "pause"
	}
	return s.once(ctx, fmt.Sprintf("%s at window %d", op, window), requestID, &done, func(tx *sql.Tx) (any, error) {
		if _, err := s.windowOf(ctx, tx, window); err != nil {
			return nil, err
		}
		if _, err := s.execTx(ctx, tx, `UPDATE window_state SET paused = ?, pause_reason = ? WHERE window = ?`, paused, reason, window); err != nil {
			return nil, err
		}
		kind := app.EventResumed
		if paused {
			kind = app.EventPaused
		}
		return true, s.queueEvent(ctx, tx, kind, app.Ticket{}, window, reason)
	})
}

// --- inside the transactions ---

type windowRow struct {
	Categories []string
	Paused     bool
	Reason     string
	Streak     int
	Clerk      string
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
	err = s.rowTx(ctx, tx, `SELECT paused, pause_reason, priority_streak, clerk FROM window_state WHERE window = ?`, window).
		Scan(&w.Paused, &w.Reason, &w.Streak, &w.Clerk)
	return w, err
}

const ticketColumns = `id, day, category, seq, code, priority, who_masked, issued_at, called_at, served_at, finished_at,
	window, target_window, recalls, requeued, state, clerk`

const ticketByIDQuery = `SELECT ` + ticketColumns + ` FROM tickets WHERE id = ?`

func scanTicket(r interface{ Scan(...any) error }) (app.Ticket, error) {
	var t app.Ticket
	var issued, called, served, finished string
	err := r.Scan(&t.ID, &t.Day, &t.Category, &t.Seq, &t.Code, &t.Priority, &t.WhoMasked, &issued, &called, &served,
		&finished, &t.Window, &t.TargetWindow, &t.Recalls, &t.Requeued, &t.State, &t.Clerk)
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
	if err := t.Finish(now); err != nil {
		return err
	}
	if err := s.saveTicket(ctx, tx, t, time.Time{}); err != nil {
		return err
	}
	return s.queueEvent(ctx, tx, app.EventFinished, t, t.Window, "")
}

// saveTicket writes what a move may have changed of a ticket; a non-zero
// queued is the time it joined its line again.
func (s *Store) saveTicket(ctx context.Context, tx *sql.Tx, t app.Ticket, queued time.Time) error {
	q, args := `UPDATE tickets SET category = ?, state = ?, window = ?, target_window = ?, recalls = ?, requeued = ?,
		called_at = ?, served_at = ?, finished_at = ?`, []any{t.Category, t.State, t.Window, t.TargetWindow, t.Recalls,
		t.Requeued, stamp(t.Called), stamp(t.Served), stamp(t.Finished)}
	if !queued.IsZero() {
		q, args = q+`, queued_at = ?`, append(args, stamp(queued))
	}
	_, err := s.execTx(ctx, tx, q+` WHERE id = ?`, append(args, t.ID)...)
	return err
}

// windowAction runs a move of the window's current ticket (fn changes the
// ticket and names the event), stores it and records the event.
func (s *Store) windowAction(ctx context.Context, op, requestID string, window int, fn func(*sql.Tx, *app.Ticket, time.Time) (app.QueueEventKind, error)) (app.Ticket, error) {
	var t app.Ticket
	err := s.once(ctx, fmt.Sprintf("%s at window %d", op, window), requestID, &t, func(tx *sql.Tx) (any, error) {
		ws, err := s.windowOf(ctx, tx, window)
		if err != nil {
			return nil, err
		}
		if t, err = s.current(ctx, tx, window); err != nil {
			return nil, err
		}
		kind, err := fn(tx, &t, s.now())
		if err != nil {
			return nil, fmt.Errorf("window %d: %w", window, err)
		}
		if err := s.saveTicket(ctx, tx, t, time.Time{}); err != nil {
			return nil, err
		}
		if ws.Clerk != "" {
			if _, err := s.execTx(ctx, tx, `UPDATE tickets SET clerk = ? WHERE id = ?`, ws.Clerk, t.ID); err != nil {
				return nil, err
			}
			t.Clerk = ws.Clerk
		}
		return t, s.queueEvent(ctx, tx, kind, t, window, "")
	})
	return t, err
}

// queueEvent records a queue change for listeners and for central.
func (s *Store) queueEvent(ctx context.Context, tx *sql.Tx, kind app.QueueEventKind, t app.Ticket, window int, reason string) error {
	e := app.QueueEvent{At: s.now().UTC(), Kind: kind, Window: window, Reason: reason}
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
	return s.enqueue(ctx, tx, app.OpTicket, t.ID, e)
}

// once runs fn, the action op, in a transaction unless requestID was
// already carried out, in which case the first answer is decoded into out
// and fn does not run: a retried request must not issue or call twice. A
// request id is bound to its action: the same id for another action (or at
// another window) is app.ErrRequestReused, and nothing runs. An empty
// requestID always runs.
func (s *Store) once(ctx context.Context, op, requestID string, out any, fn func(*sql.Tx) (any, error)) error {
	if len(requestID) > 100 {
		return fmt.Errorf("%w: the request id is longer than 100 characters", app.ErrInvalidInput)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if requestID != "" {
			var prior string
			err := s.rowTx(ctx, tx, `SELECT response FROM queue_requests WHERE request_id = ?`, requestID).Scan(&prior)
			if err == nil {
				var was carriedOut
				if json.Unmarshal([]byte(prior), &was) != nil || was.Op == "" {
					return json.Unmarshal([]byte(prior), out) // kept before answers named their action
				}
				if was.Op != op {
					return fmt.Errorf("%w: request id %s was used for %s, not %s; a new action needs a new id", app.ErrRequestReused, requestID, was.Op, op)
				}
				return json.Unmarshal(was.Answer, out)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		res, err := fn(tx)
		if err != nil {
			return err
		}
		answer, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(answer, out); err != nil {
			return err
		}
		if requestID == "" {
			return nil
		}
		body, _ := json.Marshal(carriedOut{Op: op, Answer: answer})
		_, err = s.execTx(ctx, tx, `INSERT INTO queue_requests (request_id, at, response) VALUES (?, ?, ?)`,
			requestID, stamp(s.now()), string(body))
		return err
	})
}

// carriedOut is a request carried out, as queue_requests keeps it: the
// action and its answer.
type carriedOut struct {
	Op     string          `json:"op"`
	Answer json.RawMessage `json:"answer"`
}

// SetClerk records who is logged in at a window, for the tickets it moves.
func (s *Store) SetClerk(ctx context.Context, window int, clerk string) error {
	if len(clerk) > 32 {
		return fmt.Errorf("%w: a staff id is at most 32 characters", app.ErrInvalidInput)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.windowOf(ctx, tx, window); err != nil {
			return err
		}
		_, err := s.execTx(ctx, tx, `UPDATE window_state SET clerk = ? WHERE window = ?`, clerk, window)
		return err
	})
}
