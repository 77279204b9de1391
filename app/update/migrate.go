package update

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"onewindow/app/store"
)

// Opener opens the database at file with the new version's store, which
// migrates it, and closes it again.
type Opener func(ctx context.Context, file string) error

// MigrateResult says what Migrate did.
type MigrateResult struct {
	From, To int
	Backup   string // the untouched original, kept; empty when nothing was done
}

// Migrate brings the database at file up to this version's schema without
// touching it until that has worked:
//
//  1. VACUUM INTO makes a consistent copy (the write-ahead log included);
//  2. open migrates the copy;
//  3. the original is kept as a backup (file.schemaN.bak) and the migrated
//     copy renamed over it, with the folder synced.
//
// If any step before the last fails, the copy is removed and the original
// is as it was, so the old version of onewindow still runs on it. The
// terminal's services must be stopped (systemd's ExecStartPre runs this
// before the service starts). A database that is missing or current is left
// alone. Two roles sharing a data folder (a hub and its hall screen) start
// at once after an update: a lock file beside the database makes the second
// wait for the first, and then find nothing left to do.
func Migrate(ctx context.Context, file string, open Opener) (MigrateResult, error) {
	unlock, err := lock(ctx, file+".migrate.lock")
	if err != nil {
		return MigrateResult{}, fmt.Errorf("migrate %s: %w", file, err)
	}
	defer unlock()
	want := store.SchemaVersion()
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		return MigrateResult{From: 0, To: want}, nil
	}
	have, err := schemaVersion(ctx, file)
	if err != nil {
		return MigrateResult{}, fmt.Errorf("migrate %s: %w", file, err)
	}
	res := MigrateResult{From: have, To: have}
	if have >= want {
		// Current, or newer: the store itself refuses a newer one with
		// app.ErrSchemaTooNew when the service opens it.
		return res, nil
	}
	copyFile := file + ".migrating"
	cleanup := func() {
		for _, s := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(copyFile + s)
		}
	}
	cleanup()
	if err := vacuumInto(ctx, file, copyFile); err != nil {
		cleanup()
		return res, fmt.Errorf("migrate %s: copying it: %w", file, err)
	}
	if err := open(ctx, copyFile); err != nil {
		cleanup()
		return res, fmt.Errorf("migrate %s from schema %d to %d failed, and the database was left as it was (the old version still runs on it): %w", file, have, want, err)
	}
	got, err := schemaVersion(ctx, copyFile)
	if err != nil || got != want {
		cleanup()
		return res, fmt.Errorf("migrate %s: the migrated copy is at schema %d, not %d; the database was left as it was", file, got, want)
	}
	backup := fmt.Sprintf("%s.schema%d.bak", file, have)
	if err := vacuumInto(ctx, file, backup+".tmp"); err != nil {
		cleanup()
		return res, fmt.Errorf("migrate %s: backing it up: %w", file, err)
	}
	if err := os.Rename(backup+".tmp", backup); err != nil {
		cleanup()
		return res, fmt.Errorf("migrate %s: backing it up: %w", file, err)
	}
	// The original's log, if any, is in the copy and the backup already;
	// left beside the new file it would be replayed into it.
	for _, s := range []string{"-wal", "-shm"} {
		if err := os.Remove(file + s); err != nil && !errors.Is(err, os.ErrNotExist) {
			cleanup()
			return res, fmt.Errorf("migrate %s: %w", file, err)
		}
	}
	if err := os.Rename(copyFile, file); err != nil {
		cleanup()
		return res, fmt.Errorf("migrate %s: putting the migrated copy in place: %w (the backup %s is the original)", file, err, backup)
	}
	if d, err := os.Open(filepath.Dir(file)); err == nil {
		d.Sync()
		d.Close()
	}
	res.To, res.Backup = want, backup
	return res, nil
}

// openDB opens an existing database. Read-write even to read: a read-only
// connection to a database in WAL mode leaves its -wal and -shm files
// behind, while the last read-write one to close removes them, so the
// folder is left as it was found.
func openDB(file string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "rw")
	q.Add("_pragma", "busy_timeout(10000)")
	return sql.Open("sqlite", "file:"+file+"?"+q.Encode())
}

func schemaVersion(ctx context.Context, file string) (int, error) {
	db, err := openDB(file)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v int
	err = db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// vacuumInto writes a consistent, compact copy of file to dst.
func vacuumInto(ctx context.Context, file, dst string) error {
	os.Remove(dst)
	db, err := openDB(file)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", dst)
	return err
}

// Lock timing: a migration of a hall's database takes seconds; one whose
// lock is older than staleLock died half-way (its copy is thrown away and
// the original is intact), so the lock is taken over.
const (
	staleLock = 10 * time.Minute
	lockPoll  = 200 * time.Millisecond
)

// lock takes the lock file at path, waiting while another migration holds
// it, until ctx ends.
func lock(ctx context.Context, path string) (func(), error) {
	for {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > staleLock {
			os.Remove(path)
			continue
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("another migration holds %s: %w", path, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}
