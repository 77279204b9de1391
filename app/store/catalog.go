package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"onewindow/app"
)

// ReplaceCatalog installs a published catalogue in place of the one held. It
// is validated first; an invalid catalogue, or one no newer than the
// version held, is refused and nothing is changed.
func (s *Store) ReplaceCatalog(ctx context.Context, c *app.Catalog) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return s.replaceCatalogTx(ctx, tx, c) })
}

// replaceCatalogTx installs c inside tx, refusing a version no newer than
// the one held. c must have been validated.
func (s *Store) replaceCatalogTx(ctx context.Context, tx *sql.Tx, c *app.Catalog) error {
	var held int64
	err := tx.QueryRowContext(ctx, `SELECT version FROM catalog_version`).Scan(&held)
	if err != nil && err != errNoRows {
		return err
	}
	if c.Version <= held {
		return fmt.Errorf("catalogue version %d: %w (version %d is in use)", c.Version, app.ErrStaleCatalog, held)
	}
	for _, q := range []string{`DELETE FROM items`, `DELETE FROM categories`, `DELETE FROM departments`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	for _, d := range c.Departments {
		if _, err := tx.ExecContext(ctx, `INSERT INTO departments (code, name_zh, name_en) VALUES (?, ?, ?)`,
			d.Code, d.Name.Zh, d.Name.En); err != nil {
			return fmt.Errorf("department %s: %w", d.Code, err)
		}
	}
	for _, k := range c.Categories {
		if _, err := tx.ExecContext(ctx, `INSERT INTO categories (prefix, name_zh, name_en, daily_limit, closes) VALUES (?, ?, ?, ?, ?)`,
			k.Prefix, k.Name.Zh, k.Name.En, k.DailyLimit, k.Closes); err != nil {
			return fmt.Errorf("category %s: %w", k.Prefix, err)
		}
	}
	for i, it := range c.Items {
		body, err := json.Marshal(it)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO items (code, position, category, self_service, body) VALUES (?, ?, ?, ?, ?)`,
			it.Code, i, it.Category, it.SelfService, string(body)); err != nil {
			return fmt.Errorf("item %s: %w", it.Code, err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO catalog_version (id, version, loaded_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, loaded_at = excluded.loaded_at`,
		c.Version, stamp(s.now()))
	return err
}

// Catalog returns the catalogue held, in published order. With none loaded
// it returns app.ErrNotFound. The catalogue is read from its tables once per
// load (catalog_version's version and time) and then shared: callers must
// not change it.
func (s *Store) Catalog(ctx context.Context) (*app.Catalog, error) {
	var version int64
	var loaded string
	err := s.db.QueryRowContext(ctx, `SELECT version, loaded_at FROM catalog_version`).Scan(&version, &loaded)
	if err != nil {
		return nil, notFound(err, "service catalogue")
	}
	key := fmt.Sprint(version, "@", loaded)
	s.catMu.Lock()
	cat := s.cat
	if s.catLoaded != key {
		cat = nil
	}
	s.catMu.Unlock()
	if cat != nil {
		return cat, nil
	}
	// Read under the same key in one read transaction, so that a load in
	// between cannot pair one catalogue with another's key.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT version, loaded_at FROM catalog_version`).Scan(&version, &loaded); err != nil {
		return nil, notFound(err, "service catalogue")
	}
	if cat, err = catalogOf(ctx, tx); err != nil {
		return nil, err
	}
	s.catMu.Lock()
	s.cat, s.catLoaded = cat, fmt.Sprint(version, "@", loaded)
	s.catMu.Unlock()
	return cat, nil
}

func catalogOf(ctx context.Context, q querier) (*app.Catalog, error) {
	c := &app.Catalog{}
	err := q.QueryRowContext(ctx, `SELECT version FROM catalog_version`).Scan(&c.Version)
	if err != nil {
		return nil, notFound(err, "service catalogue")
	}
	rows, err := q.QueryContext(ctx, `SELECT code, name_zh, name_en FROM departments ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d app.Department
		if err := rows.Scan(&d.Code, &d.Name.Zh, &d.Name.En); err != nil {
			rows.Close()
			return nil, err
		}
		c.Departments = append(c.Departments, d)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT prefix, name_zh, name_en, daily_limit, closes FROM categories ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k app.Category
		if err := rows.Scan(&k.Prefix, &k.Name.Zh, &k.Name.En, &k.DailyLimit, &k.Closes); err != nil {
			rows.Close()
			return nil, err
		}
		c.Categories = append(c.Categories, k)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT body FROM items ORDER BY position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		c.Items = append(c.Items, it)
	}
	return c, rows.Err()
}

// Item returns one item of the catalogue held.
func (s *Store) Item(ctx context.Context, code string) (app.Item, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT body FROM items WHERE code = ?`, code))
	return it, notFound(err, "service item "+strconv.Quote(code))
}

func scanItem(r interface{ Scan(...any) error }) (app.Item, error) {
	var body string
	var it app.Item
	if err := r.Scan(&body); err != nil {
		return it, err
	}
	err := json.Unmarshal([]byte(body), &it)
	return it, err
}
