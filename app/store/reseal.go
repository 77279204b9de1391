package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"onewindow/app/health"
	"onewindow/app/pii"
	"onewindow/app/suite"
)

// sealedTable is a table holding sealed values: how to page through it
// (order, a unique column, and a value before its first), what names each
// row's values (context: a value's pii context is its column's prefix,
// this, and the column's suffix) and which columns are sealed.
type sealedTable struct {
	table, order, context string
	first                 any
	columns               []sealedColumn
	idIndex               bool // cases: id_index is the index of id_sealed's value
}

type sealedColumn struct {
	name, prefix, suffix string
}

// sealedTables are every sealed value a terminal or hub keeps.
var sealedTables = []sealedTable{
	{table: "cases", order: "number", context: "number", first: "", idIndex: true, columns: []sealedColumn{
		{"name_sealed", "case/", "/name"}, {"id_sealed", "case/", "/id"}, {"phone_sealed", "case/", "/phone"}}},
	{table: "outbox", order: "seq", context: "op_id", first: -1, columns: []sealedColumn{{"payload", "outbox/", ""}}},
	{table: "ratings", order: "id", context: "id", first: "", columns: []sealedColumn{{"comment_sealed", "rating/", "/comment"}}},
	{table: "sync_link", order: "id", context: "''", first: -1, columns: []sealedColumn{{"secret_sealed", "sync/secret", ""}}},
	{table: "booking_plan", order: "id", context: "''", first: -1, columns: []sealedColumn{{"key_sealed", "hall/booking_key", ""}}},
}

// sealedRow is a row read for resealing: its order, its name in its
// values' contexts, its sealed values and then, for cases, its index.
type sealedRow struct {
	order  any
	name   string
	values [][]byte
}

// index is the row's present ID index; nil for a table with none.
func (r sealedRow) index(t sealedTable) []byte {
	if !t.idIndex {
		return nil
	}
	return r.values[len(t.columns)]
}

// contexts are the pii contexts of the row named name's values.
func (t sealedTable) contexts(name string) []string {
	out := make([]string, len(t.columns))
	for i, c := range t.columns {
		out[i] = c.prefix + name + c.suffix
	}
	return out
}

// idAt is which of t's values is the ID number, -1 for none.
func (t sealedTable) idAt() int {
	for i, c := range t.columns {
		if t.idIndex && c.name == "id_sealed" {
			return i
		}
	}
	return -1
}

// ResealProgress says how far a reseal has come in one table.
type ResealProgress struct {
	Table string
	Done  int // rows resealed so far in this run
	Left  int // rows still sealed under another suite
}

// Reseal seals every value kept under another suite again under the suite
// in use (the one central named), and indexes ID numbers again under it,
// batch rows to a transaction. A terminal's roles may run meanwhile: each
// batch reads and writes its rows in one write transaction, so no value
// changed or erased in between is written back. Killed at any point, it
// loses nothing (a batch commits whole or not at all) and a new run goes
// on from what is left. The timeline's hash chains are not touched: each
// link stays verifiable under the suite that made it. report, if not nil,
// is told after each batch.
func (s *Store) Reseal(ctx context.Context, batch int, report func(ResealProgress)) (int, error) {
	if batch < 1 {
		batch = 200
	}
	to := s.keys.Suite()
	total := 0
	for _, t := range sealedTables {
		p := ResealProgress{Table: t.table}
		left, err := s.countUnder(ctx, t, to) // once: what comes in meanwhile is under to already
		if err != nil {
			return total, err
		}
		after := t.first
		for {
			if err := ctx.Err(); err != nil {
				return total, err
			}
			var n int
			var last any
			err := s.tx(ctx, func(tx *sql.Tx) (err error) {
				n, last, err = s.resealBatch(ctx, tx, t, to, after, batch)
				return err
			})
			if err != nil {
				return total, fmt.Errorf("reseal %s: %w", t.table, err)
			}
			if n == 0 {
				break
			}
			p.Done += n
			total += n
			after = last
			if report != nil {
				p.Left = max(0, left-p.Done)
				report(p)
			}
		}
	}
	return total, nil
}

// ResealLeft counts the rows, in every table, holding a value sealed or
// indexed under a suite other than the one in use.
func (s *Store) ResealLeft(ctx context.Context) (int, error) {
	left := 0
	for _, t := range sealedTables {
		n, err := s.countUnder(ctx, t, s.keys.Suite())
		if err != nil {
			return 0, err
		}
		left += n
	}
	return left, nil
}

func (s *Store) countUnder(ctx context.Context, t sealedTable, to suite.Name) (int, error) {
	return countUnder(ctx, s.db, t, to)
}

func countUnder(ctx context.Context, db *sql.DB, t sealedTable, to suite.Name) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.table+` WHERE `+otherSuite(t, to)).Scan(&n)
	return n, err
}

// CheckCryptoSuite is the doctor's check of the crypto suite: the one
// central named for this terminal, and the records still sealed or indexed
// under the other, which 'update migrate-crypto' seals again.
func CheckCryptoSuite(ctx context.Context, file string) health.Check {
	c := health.Check{Name: "crypto suite"}
	db := openForCheck(&c, file)
	if db == nil {
		return c
	}
	defer db.Close()
	var named string
	err := db.QueryRowContext(ctx, `SELECT suite FROM sync_link WHERE id = 1`).Scan(&named)
	to := suite.Name(named).OrIntl()
	left := 0
	for _, t := range sealedTables {
		if err != nil {
			break
		}
		var n int
		n, err = countUnder(ctx, db, t, to)
		left += n
	}
	if err != nil {
		c.Verdict, c.Detail = health.Skip, "the records cannot be read (see database integrity; a database not yet brought up to date is when the terminal starts)"
		return c
	}
	c.Verdict, c.Detail = health.OK, map[suite.Name]string{suite.Intl: "intl (AES, SHA-256)", suite.GM: "gm, 国密 (SM4, SM3)"}[to]+", as central names it"
	if named == "" {
		c.Detail = "intl (AES, SHA-256): central has named none yet"
	}
	if left > 0 {
		c.Verdict = health.Warn
		c.Detail += fmt.Sprintf("; %d record(s) still sealed under the other suite", left)
		c.Next = "run 'onewindow update migrate-crypto' here (beside the running service; stopped, run it again)"
	}
	return c
}

// otherSuite is the SQL condition of a row with a value under a suite
// other than to: a GM value starts with pii.SealedMark, a GM index with
// pii.IndexMark; Intl values carry no mark.
func otherSuite(t sealedTable, to suite.Name) string {
	var or []string
	for _, c := range t.columns {
		or = append(or, marked(c.name, pii.SealedMark, to))
	}
	if t.idIndex {
		or = append(or, marked("id_index", pii.IndexMark, to))
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

func marked(col, mark string, to suite.Name) string {
	has := fmt.Sprintf("substr(%s, 1, %d) = CAST('%s' AS BLOB)", col, len(mark), mark)
	if to == suite.GM {
		return fmt.Sprintf("(length(%s) > 0 AND NOT %s)", col, has)
	}
	return has
}

// resealBatch reseals up to batch rows of t after the one ordered at
// after, and returns how many it did and the last one's order.
func (s *Store) resealBatch(ctx context.Context, tx *sql.Tx, t sealedTable, to suite.Name, after any, batch int) (int, any, error) {
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = c.name
	}
	if t.idIndex {
		cols = append(cols, "id_index")
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+t.order+`, `+t.context+`, `+strings.Join(cols, ", ")+` FROM `+t.table+
		` WHERE `+t.order+` > ? AND `+otherSuite(t, to)+` ORDER BY `+t.order+` LIMIT ?`, after, batch)
	if err != nil {
		return 0, nil, err
	}
	var pending []sealedRow // read first: the statement's rows are closed before the updates
	for rows.Next() {
		r := sealedRow{values: make([][]byte, len(cols))}
		dest := []any{&r.order, &r.name}
		for i := range r.values {
			dest = append(dest, &r.values[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return 0, nil, err
		}
		pending = append(pending, r)
	}
	if err := rows.Close(); err != nil {
		return 0, nil, err
	}
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = ?"
	}
	for _, r := range pending {
		sealed, index, err := s.keys.ResealRow(r.values[:len(t.columns)], t.contexts(r.name), t.idAt(), r.index(t))
		if err != nil {
			return 0, nil, fmt.Errorf("%s %s: %w", t.table, r.name, err)
		}
		var args []any
		for _, v := range sealed {
			args = append(args, nilIfEmpty(v))
		}
		if t.idIndex {
			args = append(args, index)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET `+strings.Join(set, ", ")+` WHERE `+t.order+` = ?`, append(args, r.order)...); err != nil {
			return 0, nil, err
		}
	}
	if len(pending) == 0 {
		return 0, nil, nil
	}
	return len(pending), pending[len(pending)-1].order, nil
}

func nilIfEmpty(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// Suite is the crypto suite the store seals, indexes and chains under.
func (s *Store) Suite() suite.Name { return s.keys.Suite() }
