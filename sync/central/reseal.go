package central

import (
	"context"
	"fmt"
	"strings"

	"onewindow/app/pii"
	"onewindow/app/suite"
)

// resealTable is a table of central's holding sealed values: order is a
// unique expression naming a row, each column's pii context is its prefix,
// that name and its suffix.
type resealTable struct {
	table, order string
	columns      []resealColumn
	idIndex      bool // id_index is the index of id_sealed's value
}

type resealColumn struct{ name, prefix, suffix string }

var personalColumns = []resealColumn{{"name_sealed", "", "/name"}, {"id_sealed", "", "/id"}, {"phone_sealed", "", "/phone"}}

func withPrefix(prefix string, cs []resealColumn) []resealColumn {
	out := make([]resealColumn, len(cs))
	for i, c := range cs {
		out[i] = resealColumn{c.name, prefix, c.suffix}
	}
	return out
}

// resealTables are every sealed value central keeps.
var resealTables = []resealTable{
	{table: "cases", order: "number", columns: withPrefix("case/", personalColumns), idIndex: true},
	{table: "ratings", order: "id", columns: []resealColumn{{"comment_sealed", "rating/", "/comment"}}},
	{table: "bookings", order: "hall || '/' || code", columns: withPrefix("booking/", personalColumns), idIndex: true},
}

// otherSuite is the condition of a row holding a value of another suite
// than the one in use, and its arguments.
func (c *Central) otherSuite(t resealTable) (string, []any) {
	var or []string
	var args []any
	add := func(col string, mark []byte) {
		if c.keys.Suite() == suite.GM {
			or = append(or, "(length("+col+") > 0 AND substr("+col+", 1, 4) <> ?)")
		} else {
			or = append(or, "(length("+col+") > 0 AND substr("+col+", 1, 4) = ?)")
		}
		args = append(args, mark)
	}
	for _, col := range t.columns {
		add(col.name, []byte(pii.SealedMark))
	}
	if t.idIndex {
		add("id_index", []byte(pii.IndexMark))
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// ResealLeft counts central's rows holding a value sealed or indexed
// under another suite than the one in use.
func (c *Central) ResealLeft(ctx context.Context) (int, error) {
	left := 0
	for _, t := range resealTables {
		cond, args := c.otherSuite(t)
		var n int
		if err := c.q().row(ctx, `SELECT COUNT(*) FROM `+t.table+` WHERE `+cond, args...).Scan(&n); err != nil {
			return 0, err
		}
		left += n
	}
	return left, nil
}

// Reseal seals central's values kept under another suite again under the
// one in use (its -crypto-suite), and indexes ID numbers again, batch rows
// to a transaction, beside the running servers: a row changed meanwhile
// (an applicant erased) is left for the next run, never written back.
// Killed at any point it loses nothing, and a new run goes on. report, if
// not nil, hears each table's rows done so far.
func (c *Central) Reseal(ctx context.Context, batch int, report func(table string, done int)) (int, error) {
	if batch < 1 {
		batch = 200
	}
	total := 0
	for _, t := range resealTables {
		done, after := 0, ""
		for {
			var n int
			var last string
			err := c.tx(ctx, func(x q) (err error) {
				n, last, err = c.resealBatch(ctx, x, t, after, batch)
				return err
			})
			if err != nil {
				return total, fmt.Errorf("reseal %s: %w", t.table, err)
			}
			if last == "" {
				break
			}
			done, total, after = done+n, total+n, last
			if report != nil {
				report(t.table, done)
			}
		}
	}
	return total, nil
}

// resealBatch reseals up to batch rows of t after the one named after; it
// returns how many it changed and the last row's name ("" when none was
// left).
func (c *Central) resealBatch(ctx context.Context, x q, t resealTable, after string, batch int) (int, string, error) {
	cols := make([]string, 0, len(t.columns)+1)
	for _, col := range t.columns {
		cols = append(cols, col.name)
	}
	if t.idIndex {
		cols = append(cols, "id_index")
	}
	cond, args := c.otherSuite(t)
	rows, err := x.query(ctx, `SELECT `+t.order+`, `+strings.Join(cols, ", ")+` FROM `+t.table+
		` WHERE `+t.order+` > ? AND `+cond+` ORDER BY `+t.order+` LIMIT ?`, append(append([]any{after}, args...), batch)...)
	if err != nil {
		return 0, "", err
	}
	type row struct {
		name   string
		values [][]byte // the sealed values, then the index if t has one
	}
	var pending []row // read first: the statement's rows are closed before the updates
	for rows.Next() {
		r := row{values: make([][]byte, len(cols))}
		dest := []any{&r.name}
		for i := range r.values {
			dest = append(dest, &r.values[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return 0, "", err
		}
		pending = append(pending, r)
	}
	if err := rows.Close(); err != nil || len(pending) == 0 {
		return 0, "", err
	}
	set, same := make([]string, len(cols)), make([]string, len(cols))
	for i, col := range cols {
		set[i], same[i] = col+" = ?", "coalesce("+col+", ?) = ?"
	}
	changed := 0
	for _, r := range pending {
		contexts := make([]string, len(t.columns))
		idAt := -1
		for i, col := range t.columns {
			contexts[i] = col.prefix + r.name + col.suffix
			if t.idIndex && col.name == "id_sealed" {
				idAt = i
			}
		}
		var index []byte
		if t.idIndex {
			index = r.values[len(t.columns)]
		}
		sealed, index, err := c.keys.ResealRow(r.values[:len(t.columns)], contexts, idAt, index)
		if err != nil {
			return 0, "", fmt.Errorf("%s %s: %w", t.table, r.name, err)
		}
		var news, olds []any
		for _, v := range sealed {
			if v == nil {
				news = append(news, nil) // NULL, not an empty value
			} else {
				news = append(news, v)
			}
		}
		if t.idIndex {
			news = append(news, index)
		}
		for _, v := range r.values {
			olds = append(olds, []byte{}, append([]byte{}, v...))
		}
		res, err := x.exec(ctx, `UPDATE `+t.table+` SET `+strings.Join(set, ", ")+` WHERE `+t.order+` = ? AND `+strings.Join(same, " AND "),
			append(append(news, r.name), olds...)...)
		if err != nil {
			return 0, "", err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			changed++
		}
	}
	return changed, pending[len(pending)-1].name, nil
}

// Suite is the crypto suite central seals under and names to terminals.
func (c *Central) Suite() suite.Name { return c.keys.Suite() }
