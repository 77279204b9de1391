package central

import (
	"context"
	"database/sql"
	"strings"

	"onewindow/sync/wire"
)

// RawRows are the rows a batch writes, built ahead, so that a benchmark can
// time central's bare insert rate for them.
type RawRows struct {
	c                  *Central
	ops, cases, events [][]any
}

// PrepareRaw builds the rows Push would write for b, without writing them.
func PrepareRaw(c *Central, terminal, hall string, b wire.PushBatch) RawRows {
	cat, err := c.catalogNow(context.Background())
	if err != nil {
		panic(err)
	}
	now := c.now()
	r := RawRows{c: c}
	for _, op := range b.Ops {
		p := c.prepare(op, nil, sender{terminal: terminal}, cat, now)
		if p.reject != "" || p.kase == nil {
			panic("PrepareRaw takes good case operations only: " + p.reject)
		}
		r.ops = append(r.ops, []any{terminal, op.Seq, op.ID, op.Kind, op.Entity, "", stamp(now)})
		r.cases = append(r.cases, caseRow(&p, hall, now))
		for _, e := range p.kase.Events {
			r.events = append(r.events, []any{e.Case, e.Seq, e.Actor, e.Action, string(e.State), stamp(e.At), e.Note, e.PrevHash, e.Hash})
		}
	}
	return r
}

// Insert writes the rows in one transaction with the statements Push uses.
func (r RawRows) Insert(ctx context.Context) error {
	return r.c.tx(ctx, func(x q) error {
		if err := x.bulk(ctx, `ops (terminal, seq, op_id, kind, entity, rejected, received_at)`, 7, r.ops, ``); err != nil {
			return err
		}
		if err := x.bulk(ctx, caseInto, caseCols, r.cases, `ON CONFLICT (number) DO NOTHING`); err != nil {
			return err
		}
		return x.bulk(ctx, `case_events (case_number, seq, actor, action, state, at, note, prev_hash, hash)`, 9, r.events,
			`ON CONFLICT (case_number, seq) DO NOTHING`)
	})
}

// Waiting is how many batches of terminal wait for the one before them.
func Waiting(c *Central, terminal string) int {
	g := c.gateFor(terminal)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}

// InsertEach writes the rows in one transaction a row at a time, with one
// prepared statement per table: the plain way to insert them.
func (r RawRows) InsertEach(ctx context.Context) error {
	return r.c.tx(ctx, func(x q) error {
		for _, t := range []struct {
			into string
			rows [][]any
			tail string
		}{
			{`ops (terminal, seq, op_id, kind, entity, rejected, received_at)`, r.ops, ``},
			{caseInto, r.cases, `ON CONFLICT (number) DO NOTHING`},
			{`case_events (case_number, seq, actor, action, state, at, note, prev_hash, hash)`, r.events, `ON CONFLICT (case_number, seq) DO NOTHING`},
		} {
			if len(t.rows) == 0 {
				continue
			}
			n := len(t.rows[0])
			st, err := x.tx.PrepareContext(ctx, x.d.rebind("INSERT INTO "+t.into+" VALUES ("+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+") "+t.tail))
			if err != nil {
				return err
			}
			for _, row := range t.rows {
				if _, err := st.ExecContext(ctx, row...); err != nil {
					st.Close()
					return err
				}
			}
			st.Close()
		}
		return nil
	})
}

// CreateSchemaOne makes the schema the first central wrote, in an empty
// SQLite database, for upgrade tests.
func CreateSchemaOne(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return runDDL(ctx, db, sqliteDialect, sqliteDialect.fill(ms[0].SQL), 0)
}

// HoldUpdateSlots takes every slot for sending update packages, as that
// many downloads in flight would, until release is called.
func HoldUpdateSlots(c *Central) (release func()) {
	for range cap(c.updateSlots) {
		c.updateSlots <- struct{}{}
	}
	return func() {
		for range cap(c.updateSlots) {
			<-c.updateSlots
		}
	}
}

// PrepareForTest checks one operation as a push from the scene's terminal
// (330106K01, enrolled as its role) does and returns why it is refused (""
// when it is not).
func (c *Central) PrepareForTest(op wire.Op) string {
	cat, err := c.catalogNow(context.Background())
	if err != nil {
		panic(err)
	}
	from, err := c.senderOf(context.Background(), "330106K01")
	if err != nil {
		panic(err)
	}
	return c.prepare(op, nil, from, cat, c.now()).reject
}
