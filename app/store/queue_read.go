package store

// What the queue's readers see: a window's and the hall's queue, the
// events a listener missed, the estimates of wait; and the forgetting of
// old requests and events. The changes are in queue.go.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"onewindow/app"
)

// Window returns a window's queue state.
func (s *Store) Window(ctx context.Context, window int) (app.WindowStatus, error) {
	var out app.WindowStatus
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		ws, err := s.windowOf(ctx, tx, window)
		if err != nil {
			return err
		}
		out = app.WindowStatus{Window: window, Categories: ws.Categories, Paused: ws.Paused, PauseReason: ws.Reason, Clerk: ws.Clerk}
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

// Queue returns the waiting count and estimated wait per category and the
// last calls made, newest first.
func (s *Store) Queue(ctx context.Context, lastCalls int) (app.QueueStatus, error) {
	var out app.QueueStatus
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
			var c app.CategoryStatus
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
func (s *Store) QueueEvents(ctx context.Context, after int64, limit int) ([]app.QueueEvent, error) {
	return queueEvents(ctx, s.db, `WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

func queueEvents(ctx context.Context, q querier, where string, args ...any) ([]app.QueueEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, body FROM queue_events `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.QueueEvent
	for rows.Next() {
		var e app.QueueEvent
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

// estimate fills in how many will be called before a ticket that joined
// the line at queued (app.LineAhead: a priority ticket passes the ordinary
// ones), and for how long it waits.
func (s *Store) estimate(ctx context.Context, tx *sql.Tx, t *app.Ticket, queued time.Time) error {
	st, err := s.settingsIn(ctx, tx)
	if err != nil {
		return err
	}
	l := app.LineAhead{Cap: st.Queue.PriorityCap}
	before := `day = ?1 AND category = ?2 AND state = 'waiting' AND id <> ?3 AND queued_at <= ?4`
	err = s.rowTx(ctx, tx, `SELECT `+waitingCount(before)+`, `+countLines(before, priorityLine, windowLine)+`, `+
		countLines(`day = ?1 AND category = ?2 AND state = 'waiting' AND id <> ?3`, ordinaryLine),
		t.Day, t.Category, t.ID, stamp(queued)).Scan(&l.Before, &l.PriorityBefore, &l.Ordinary)
	if err != nil {
		return err
	}
	if l.Headroom, err = s.headroom(ctx, tx, t.Category, l.Cap); err != nil {
		return err
	}
	t.Ahead = l.Ahead(t.Priority)
	per, open, err := s.serviceRate(ctx, tx, t.Category, t.Day)
	if err != nil {
		return err
	}
	t.Wait = app.EstimateWait(t.Ahead, open, per)
	return nil
}

// headroom is how many priority calls the windows serving category may
// still make in a row: each may make cap, less those it has just made; a
// category no window serves yet counts as one fresh window's.
func (s *Store) headroom(ctx context.Context, tx *sql.Tx, category string, cap int) (int, error) {
	var windows, room int
	err := s.rowTx(ctx, tx, `SELECT count(*), COALESCE(SUM(MAX(0, ? - COALESCE(s.priority_streak, 0))), 0)
		FROM window_categories c LEFT JOIN window_state s ON s.window = c.window WHERE c.category = ?`,
		cap, category).Scan(&windows, &room)
	if windows == 0 {
		room = cap
	}
	return room, err
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

// readTx runs fn in a read transaction, so what it reads is one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}
