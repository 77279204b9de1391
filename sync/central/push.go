package central

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/sync/wire"
)

// prepared is one operation decoded and checked, ready to write.
type prepared struct {
	op       wire.Op
	reject   string
	kase     *app.CasePayload
	sealed   [4][]byte // a case's name, ID number and phone sealed, and the ID's look-up hash
	rating   *app.RatingPayload
	followUp *app.FollowUpPayload
	ticket   *app.QueueEvent
	staff    *app.StaffPasswordPayload
	checkIn  *app.BookingCheckInPayload // bookings_sync.go
	issuer   string                     // the terminal that numbered a case
}

// Push applies a terminal's batch in one transaction. Operations central
// already holds (by sequence or by operation id) are skipped; a batch that
// starts after a gap is refused with *GapError; an operation that cannot
// be applied is recorded as refused, with the reason, and counts as held,
// so the terminal shows it to staff instead of sending it forever.
func (c *Central) Push(ctx context.Context, terminal string, b wire.PushBatch) (wire.PushAnswer, error) {
	return c.push(ctx, terminal, b, nil)
}

// push is Push with the payloads decoded already (decodeBatch), or nil to
// decode each from its operation.
func (c *Central) push(ctx context.Context, terminal string, b wire.PushBatch, decoded []payload) (wire.PushAnswer, error) {
	if err := b.Validate(); err != nil {
		return wire.PushAnswer{}, err
	}
	if b.Terminal != terminal {
		return wire.PushAnswer{}, fmt.Errorf("%w: the batch names terminal %s but terminal %s sent it", app.ErrInvalidInput, b.Terminal, terminal)
	}
	cat, err := c.catalogNow(ctx)
	if err != nil {
		return wire.PushAnswer{}, err
	}
	now := c.now()
	from, err := c.senderOf(ctx, terminal)
	if err != nil {
		return wire.PushAnswer{}, err
	}
	preps := c.prepareAll(b.Ops, decoded, from, cat, now)
	g := c.gateFor(terminal)
	load := func() (int64, error) {
		var held int64
		err := c.q().row(ctx, `SELECT last_seq FROM terminals WHERE id = ?`, terminal).Scan(&held)
		return held, err
	}
	if err := g.enter(ctx, b.Ops[0].Seq, load); err != nil {
		return wire.PushAnswer{}, err
	}
	var ans wire.PushAnswer
	err = c.tx(ctx, func(x q) error {
		ans = wire.PushAnswer{}
		var last, reenrolled int64
		var hall string
		err := x.row(ctx, `UPDATE terminals SET last_seen = ? WHERE id = ? RETURNING last_seq, hall, reenrolled_after`, stamp(now), terminal).
			Scan(&last, &hall, &reenrolled)
		if err != nil {
			return fmt.Errorf("terminal %s: %w", terminal, err)
		}
		first, final := b.Ops[0].Seq, b.Ops[len(b.Ops)-1].Seq
		if first > last+1 {
			return &GapError{Expected: last + 1}
		}
		ans.Held = max(last, final)
		// What central held already is checked against the batch (a
		// terminal restored from an old backup reuses sequences), and its
		// refusals are told again: the answer that carried them may be the
		// one that was lost.
		if first <= last {
			rows, err := x.query(ctx, `SELECT seq, op_id, rejected FROM ops WHERE terminal = ? AND seq >= ? AND seq <= ? ORDER BY seq`,
				terminal, first, min(last, final))
			if err != nil {
				return err
			}
			for rows.Next() {
				var r wire.Rejected
				if err := rows.Scan(&r.Seq, &r.ID, &r.Reason); err != nil {
					rows.Close()
					return err
				}
				if sent := b.Ops[r.Seq-first].ID; sent != r.ID {
					rows.Close()
					return fmt.Errorf("%w: operation %d is %s here but the terminal now sends %s under that number; its database may have been restored from an old backup", ErrConflict, r.Seq, r.ID, sent)
				}
				if r.Reason != "" {
					ans.Rejected = append(ans.Rejected, r)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		fresh := preps[:0:0]
		for _, p := range preps {
			if p.op.Seq > last {
				fresh = append(fresh, p)
			} else {
				ans.Skipped++
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		if err := c.checkFollowUps(ctx, x, fresh); err != nil {
			return err
		}
		if err := c.checkChains(ctx, x, fresh, reenrolled > 0); err != nil {
			return err
		}
		if err := c.checkCheckIns(ctx, x, hall, fresh); err != nil {
			return err
		}
		// The operations first: one that central holds under another
		// sequence (its id is unique) is not inserted, and so not applied.
		received := stamp(now)
		opRows := make([][]any, len(fresh))
		for i, p := range fresh {
			opRows[i] = []any{terminal, p.op.Seq, p.op.ID, p.op.Kind, p.op.Entity, p.reject, received}
		}
		n, err := x.bulkCount(ctx, `ops (terminal, seq, op_id, kind, entity, rejected, received_at)`, 7, opRows, `ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		inserted := func(string) bool { return true }
		if n < int64(len(opRows)) {
			// Some ids were held already under other sequences: the rows
			// this batch wrote are the ones under its own sequences.
			mine, err := existing(ctx, x, `SELECT op_id FROM ops WHERE terminal = ? AND seq >= ? AND op_id IN `, []any{terminal, fresh[0].op.Seq}, func(yield func(string) bool) {
				for _, p := range fresh {
					if !yield(p.op.ID) {
						return
					}
				}
			})
			if err != nil {
				return err
			}
			inserted = func(id string) bool { return mine[id] }
		}
		var caseRows, eventRows, ratingRows, ticketRows [][]any
		lastOfCase := map[string]int{}
		for i := range fresh {
			p := &fresh[i]
			if !inserted(p.op.ID) {
				p.reject, p.kase, p.rating, p.followUp, p.ticket, p.staff, p.checkIn = "", nil, nil, nil, nil, nil, nil
				ans.Skipped++
				continue
			}
			if p.reject != "" {
				ans.Rejected = append(ans.Rejected, wire.Rejected{Seq: p.op.Seq, ID: p.op.ID, Reason: p.reject})
				continue
			}
			ans.Applied++
			switch {
			case p.kase != nil:
				if j, ok := lastOfCase[p.kase.Number]; ok {
					caseRows[j] = caseRow(p, hall, now)
				} else {
					lastOfCase[p.kase.Number] = len(caseRows)
					caseRows = append(caseRows, caseRow(p, hall, now))
				}
				for _, e := range p.kase.Events {
					eventRows = append(eventRows, []any{e.Case, e.Seq, e.Actor, e.Action, string(e.State), stamp(e.At), e.Note, e.PrevHash, e.Hash})
				}
			case p.rating != nil:
				r, fu := p.rating.Rating, p.rating.FollowUp
				reasons, _ := json.Marshal(r.Reasons)
				if r.Reasons == nil {
					reasons = []byte("[]")
				}
				due := ""
				if fu != nil {
					due = string(fu.Due)
				}
				ratingRows = append(ratingRows, []any{r.ID, terminal, int(r.Level), string(reasons),
					c.keys.Seal(r.Comment, "rating/"+r.ID+"/comment"), r.Ticket, r.Case, r.Window, r.Clerk, stamp(r.At), due})
			case p.ticket != nil:
				ticketRows = append(ticketRows, ticketRow(p, terminal, hall))
			}
		}
		if err := x.bulk(ctx, caseInto, caseCols, caseRows, `ON CONFLICT (number) DO UPDATE SET item_code = excluded.item_code, name_sealed = excluded.name_sealed,
			id_sealed = excluded.id_sealed, phone_sealed = excluded.phone_sealed, id_index = excluded.id_index,
			received = excluded.received, missing = excluded.missing, reason = excluded.reason, state = excluded.state,
			window_no = excluded.window_no, clerk = excluded.clerk, ticket = excluded.ticket, submitted_at = excluded.submitted_at,
			accepted_at = excluded.accepted_at, due_date = excluded.due_date, statutory_date = excluded.statutory_date,
			updated_at = excluded.updated_at, applicant_document = excluded.applicant_document`); err != nil {
			return err
		}
		if err := x.bulk(ctx, `case_events (case_number, seq, actor, action, state, at, note, prev_hash, hash)`, 9, eventRows,
			`ON CONFLICT (case_number, seq) DO NOTHING`); err != nil {
			return err
		}
		if err := x.bulk(ctx, `ratings (id, terminal, level, reasons, comment_sealed, ticket, case_number, window_no, clerk, at, follow_up_due)`,
			11, ratingRows, `ON CONFLICT (id) DO NOTHING`); err != nil {
			return err
		}
		if err := x.bulk(ctx, `ticket_events (op_id, terminal, hall, ticket, day, category, kind, at, window_no, priority, state,
			issued_at, called_at, finished_at, recalls, clerk)`, 16, ticketRows, `ON CONFLICT (op_id) DO NOTHING`); err != nil {
			return err
		}
		for _, p := range fresh {
			if p.checkIn != nil && p.reject == "" {
				if err := c.applyCheckIn(ctx, x, hall, *p.checkIn); err != nil {
					return err
				}
			}
			if p.staff != nil && p.reject == "" {
				if err := c.takeStaffPassword(ctx, x, hall, *p.staff); err != nil {
					return err
				}
			}
			if p.followUp == nil || p.reject != "" {
				continue
			}
			if _, err := x.exec(ctx, `UPDATE ratings SET resolved_at = ?, resolution = ? WHERE id = ?`,
				stamp(p.followUp.Resolved), p.followUp.Actor+": "+p.followUp.Note, p.followUp.Rating); err != nil {
				return err
			}
		}
		_, err = x.exec(ctx, `UPDATE terminals SET last_seq = ? WHERE id = ?`, ans.Held, terminal)
		return err
	})
	var gap *GapError
	switch {
	case err == nil:
		g.leave(ans.Held)
	case errors.As(err, &gap):
		g.leave(gap.Expected - 1)
	default:
		g.leave(-1)
	}
	if err != nil {
		return wire.PushAnswer{}, fmt.Errorf("push from %s: %w", terminal, err)
	}
	c.log.Debug("batch applied", "terminal", terminal, "held", ans.Held, "applied", ans.Applied,
		"skipped", ans.Skipped, "rejected", len(ans.Rejected))
	return ans, nil
}

// prepareAll prepares a batch's operations on every core: decoding,
// checking and sealing are most of a batch's work, and each operation's is
// its own.
func (c *Central) prepareAll(ops []wire.Op, decoded []payload, from sender, cat *app.Catalog, now time.Time) []prepared {
	preps := make([]prepared, len(ops))
	workers := min(runtime.GOMAXPROCS(0), (len(ops)+63)/64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ops); i += workers {
				var d *payload
				if decoded != nil {
					d = &decoded[i]
				}
				preps[i] = c.prepare(ops[i], d, from, cat, now)
			}
		}()
	}
	wg.Wait()
	return preps
}

// prepare decodes and checks one operation; what is wrong with it becomes
// its refusal reason, in words staff at the hall understand.
func (c *Central) prepare(op wire.Op, decoded *payload, from sender, cat *app.Catalog, now time.Time) prepared {
	p := prepared{op: op}
	if op.Oversize {
		p.reject = fmt.Sprintf("the operation is larger than %d bytes and cannot be taken in", wire.MaxOpPayload)
		return p
	}
	reject := func(format string, args ...any) prepared {
		p.reject = fmt.Sprintf(format, args...)
		p.kase, p.rating, p.followUp, p.ticket = nil, nil, nil, nil
		return p
	}
	var pl payload
	switch {
	case !knownKind(op.Kind):
		return reject("unknown operation kind %q", op.Kind)
	case decoded != nil:
		pl = *decoded
	default:
		var err error
		if pl, err = decodePayload(op.Kind, op.Payload); err != nil {
			return reject("the %s payload is malformed: %v", strings.ReplaceAll(op.Kind, "_", "-"), err)
		}
	}
	switch op.Kind {
	case app.OpCase:
		k := *pl.kase
		p.kase = &k
		if k.Number != op.Entity {
			return reject("the payload is case %q but the operation names %q", k.Number, op.Entity)
		}
		if p.issuer = from.issuerOf(k.Number); p.issuer == "" {
			return reject("case number %q was not issued by terminal %s nor by another terminal of its hall", k.Number, from.terminal)
		}
		item, ok := cat.Item(k.Item)
		if !ok {
			return reject("unknown item code %q: it is not in central's catalogue (version %d)", k.Item, cat.Version)
		}
		if why := k.Check(item, now); why != "" {
			return reject("%s", why)
		}
		p.sealed = [4][]byte{
			c.keys.Seal(k.Name, "case/"+k.Number+"/name"),
			c.keys.Seal(k.IDNumber, "case/"+k.Number+"/id"),
			c.keys.Seal(k.Phone, "case/"+k.Number+"/phone"),
			c.keys.Index("id", k.IDNumber),
		}
	case app.OpRating:
		r := *pl.rating
		p.rating = &r
		if r.Rating.ID != op.Entity {
			return reject("the payload is rating %q but the operation names %q", r.Rating.ID, op.Entity)
		}
		if err := r.Rating.Validate(); err != nil {
			return reject("rating %s: %v", r.Rating.ID, strings.ReplaceAll(err.Error(), "\n", " "))
		}
	case app.OpFollowUp:
		f := *pl.followUp
		p.followUp = &f
		if f.Rating != op.Entity {
			return reject("the payload is the follow-up of rating %q but the operation names %q", f.Rating, op.Entity)
		}
		if strings.TrimSpace(f.Note) == "" || f.Actor == "" || f.Resolved.IsZero() {
			return reject("follow-up of rating %s: who, what and when must all be given", f.Rating)
		}
	case app.OpStaffPassword:
		if why := from.notAWindow(); why != "" {
			return reject("%s", why)
		}
		sp := *pl.staff
		p.staff = &sp
		switch {
		case sp.Staff != op.Entity:
			return reject("the payload is staff %q but the operation names %q", sp.Staff, op.Entity)
		case !strings.HasPrefix(sp.Hash, "$argon2id$") || len(sp.Hash) > 200:
			return reject("staff %s: the new password is not an argon2id hash", sp.Staff)
		case sp.Set.IsZero() || sp.Set.After(now.Add(time.Hour)):
			return reject("staff %s: the time the password was set is missing or in the future", sp.Staff)
		}
	case app.OpBookingCheckIn:
		return prepareCheckIn(p, pl.checkIn, from)
	case app.OpTicket:
		if why := from.notTheHub(); why != "" {
			return reject("%s", why)
		}
		e := *pl.ticket
		p.ticket = &e
		t := e.Ticket
		switch {
		case t.ID != op.Entity:
			return reject("the payload is ticket %q but the operation names %q", t.ID, op.Entity)
		case !e.Kind.Valid():
			return reject("ticket %s: %q is not a queue event", t.ID, e.Kind)
		case e.At.IsZero() || t.Issued.IsZero():
			return reject("ticket %s: the time of the event or of the issue is missing", t.ID)
		case t.Code == "" || len(t.Code) > 16:
			return reject("ticket %s: the number is missing or too long", t.ID)
		case !knownCategory(cat, t.Category):
			return reject("ticket %s: %q is not a queue category of central's catalogue", t.ID, t.Category)
		case !t.State.Valid() || !t.Priority.Valid():
			return reject("ticket %s: its state %q or priority %q is not one the queue knows", t.ID, t.State, t.Priority)
		case len(t.Clerk) > 32:
			return reject("ticket %s: the clerk's staff id is longer than 32 characters", t.ID)
		case t.Seq < 0 || t.Recalls < 0 || t.Window < 0 || t.TargetWindow < 0 || e.Window < 0 || e.Seq < 0:
			return reject("ticket %s: a number in it is negative", t.ID)
		case t.Day != "":
			if _, err := t.Day.Time(); err != nil {
				return reject("ticket %s: %q is not a day", t.ID, t.Day)
			}
		}
	}
	return p
}

// ticketRow is a queue event as central keeps it: no name, masked or not.
func ticketRow(p *prepared, terminal, hall string) []any {
	e, t := p.ticket, p.ticket.Ticket
	return []any{p.op.ID, terminal, hall, t.ID, string(t.Day), t.Category, e.Kind, stamp(e.At), max(e.Window, t.Window),
		string(t.Priority), string(t.State), stamp(t.Issued), stamp(t.Called), stamp(t.Finished), t.Recalls, t.Clerk}
}

// checkFollowUps refuses a follow-up of a rating central does not hold and
// that the batch does not bring before it.
func (c *Central) checkFollowUps(ctx context.Context, x q, fresh []prepared) error {
	var want []string
	for _, p := range fresh {
		if p.followUp != nil && p.reject == "" {
			want = append(want, p.followUp.Rating)
		}
	}
	if len(want) == 0 {
		return nil
	}
	held, err := existing(ctx, x, `SELECT id FROM ratings WHERE id IN `, nil, slices.Values(want))
	if err != nil {
		return err
	}
	for i := range fresh {
		p := &fresh[i]
		if p.rating != nil && p.reject == "" {
			held[p.rating.Rating.ID] = true
		}
		if p.followUp != nil && p.reject == "" && !held[p.followUp.Rating] {
			p.reject = fmt.Sprintf("follow-up of rating %s: central does not hold that rating", p.followUp.Rating)
			p.followUp = nil
		}
	}
	return nil
}

// checkChains refuses a case operation whose steps do not follow the
// timeline central holds for that case number: its first step must come
// after the last step central holds, chained to it. A step missing or
// different means the number now names another case (a terminal whose
// database was replaced and issued the number again before it was
// enrolled anew) or an edited history; applying it would write one
// citizen's case over another's. New cases (a first step 1) are checked
// only from terminals enrolled again after their operations reached
// central: no other terminal can reuse a number, and a drain of new cases
// pays for no look-up.
func (c *Central) checkChains(ctx context.Context, x q, fresh []prepared, reenrolled bool) error {
	var want []string
	for _, p := range fresh {
		if p.kase != nil && p.reject == "" && (p.kase.Events[0].Seq > 1 || reenrolled) {
			want = append(want, p.kase.Number)
		}
	}
	if len(want) == 0 {
		return nil
	}
	type step struct {
		seq  int
		hash string
	}
	heads := map[string]step{} // case → its last step at central
	slices.Sort(want)
	want = slices.Compact(want)
	for rest := want; len(rest) > 0; {
		n := min(len(rest), 1000)
		rows, err := x.query(ctx, `SELECT case_number, seq, hash FROM case_events WHERE case_number IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+`)`, anys(rest[:n])...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var number string
			var s step
			if err := rows.Scan(&number, &s.seq, &s.hash); err != nil {
				rows.Close()
				return err
			}
			if s.seq > heads[number].seq {
				heads[number] = s
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rest = rest[n:]
	}
	refused := map[string]string{} // a case refused in this batch refuses its later operations too
	for i := range fresh {
		p := &fresh[i]
		if p.kase == nil || p.reject != "" {
			continue
		}
		k := p.kase
		first := k.Events[0]
		head, held := heads[k.Number]
		switch why, done := refused[k.Number]; {
		case done:
			p.reject = why
		case first.Seq == 1 && !reenrolled:
		case first.Seq == 1 && held:
			p.reject = fmt.Sprintf("case number %s is held at central for another case; this terminal issued it again "+
				"(its database was replaced before it was enrolled anew): tell the applicant the case must be taken in again", k.Number)
		case first.Seq > 1 && head.seq != first.Seq-1:
			p.reject = fmt.Sprintf("case %s: step %d does not follow the timeline central holds (%d steps): "+
				"an earlier operation of the case is missing at central", k.Number, first.Seq, head.seq)
		case first.Seq > 1 && head.hash != first.PrevHash:
			p.reject = fmt.Sprintf("case %s: step %d does not follow step %d as central holds it; the number names another case, "+
				"or its timeline was altered", k.Number, first.Seq, head.seq)
		}
		if p.reject != "" {
			refused[k.Number] = p.reject
			p.kase = nil
			continue
		}
		last := k.Events[len(k.Events)-1]
		heads[k.Number] = step{seq: last.Seq, hash: last.Hash}
	}
	return nil
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// existing returns which of the keys the query (ending in IN, after the
// parameters in prefix) finds.
func existing(ctx context.Context, x q, query string, prefix []any, keys iter.Seq[string]) (map[string]bool, error) {
	var args []any
	for k := range keys {
		args = append(args, k)
	}
	found := map[string]bool{}
	for len(args) > 0 {
		n := min(len(args), 1000)
		rows, err := x.query(ctx, query+"("+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+")", append(slices.Clip(prefix), args[:n]...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			found[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		args = args[n:]
	}
	return found, nil
}

// caseInto and caseCols are the columns caseRow fills.
const (
	caseInto = `cases (number, terminal, hall, item_code, name_sealed, id_sealed, phone_sealed, id_index,
			received, missing, reason, state, window_no, clerk, ticket, submitted_at, accepted_at, due_date, statutory_date, updated_at,
			applicant_document)`
	caseCols = 21
)

func caseRow(p *prepared, hall string, now time.Time) []any {
	k := p.kase
	accepted := ""
	if k.Accepted != nil {
		accepted = stamp(*k.Accepted)
	}
	return []any{k.Number, p.issuer, hall, k.Item, p.sealed[0], p.sealed[1], p.sealed[2], p.sealed[3],
		jsonInts(k.Received), jsonInts(k.Missing), k.Reason, string(k.State), k.Window, k.Clerk, k.Ticket,
		stamp(k.Submitted), accepted, string(k.Due), string(k.Statutory), stamp(now), string(k.Document)}
}

func jsonInts(xs []int) string {
	if len(xs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

// knownCategory reports whether prefix is a queue category of cat.
func knownCategory(cat *app.Catalog, prefix string) bool {
	_, ok := cat.Category(prefix)
	return ok
}
