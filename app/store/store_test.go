package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/assets"

	"modernc.org/sqlite"
)

// start is a Monday morning in the hall.
var start = time.Date(2026, 11, 23, 9, 30, 0, 0, app.HallZone)

type fixture struct {
	*Store
	path  string
	keys  *pii.Keys
	clock *app.ManualClock
}

// open opens a store on a real file in a fresh temporary directory, with
// the sample catalogue, hall and 2026 calendar loaded, and closes it when
// the test ends.
func open(t testing.TB) *fixture {
	t.Helper()
	f := load(t, t.TempDir())
	t.Cleanup(func() { f.Close() })
	return f
}

// load is open in a given directory, leaving the closing to the caller.
func load(t testing.TB, dir string) *fixture {
	t.Helper()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{path: filepath.Join(dir, "hall.db"), keys: keys, clock: app.NewManualClock(start)}
	f.reopen(t)
	if err := LoadSample(context.Background(), f.Store); err != nil {
		t.Fatal(err)
	}
	return f
}

// reopen closes the store (if open) and opens the same file again, as a
// restart of the terminal would.
func (f *fixture) reopen(t testing.TB) {
	t.Helper()
	if f.Store != nil {
		f.Store.Close()
	}
	s, err := Open(context.Background(), f.path, Options{Terminal: "330106K01", Keys: f.keys, Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	f.Store = s
}

// raw opens the database file directly, as someone with the file would.
func (f *fixture) raw(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+f.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (f *fixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Fictitious applicants with valid check digits.
var (
	zhang = app.Applicant{Name: "张伟", IDNumber: "11010519491231002X", Phone: "13812345678"}
	wang  = app.Applicant{Name: "王堃", IDNumber: "330106198807150031", Phone: "13900001111"}
)

// all ticks every material of an item.
func all(t testing.TB, s *Store, code string) []int {
	t.Helper()
	it, err := s.Item(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return it.AllMaterials()
}

func accepted(t testing.TB, f *fixture, who app.Applicant) app.Case {
	t.Helper()
	c, err := f.TakeIn(context.Background(), app.Intake{ItemCode: "GA-001", Applicant: who, Received: all(t, f.Store, "GA-001"),
		Window: 2, Actor: "S1002", Ticket: "A001", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenSetsDurability(t *testing.T) {
	t.Parallel()
	f := open(t)
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000",
		"wal_autocheckpoint": "10000",
	} {
		var got string
		if err := f.DB().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	if runtime.GOOS == "linux" && !sqlite.FdatasyncEnabled() {
		t.Error("commits sync with fsync, not fdatasync as SQLite does on Linux")
	}
	var v int
	f.DB().QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() || v < 1 {
		t.Errorf("schema version %d, want %d", v, SchemaVersion())
	}
}

func TestNewerSchemaIsRefusedUntouched(t *testing.T) {
	t.Parallel()
	f := open(t)
	accepted(t, f, zhang)
	f.Close()
	raw := f.raw(t)
	if _, err := raw.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, _ := os.ReadFile(f.path)
	_, err := Open(context.Background(), f.path, Options{Terminal: "330106K01", Keys: f.keys})
	if !errors.Is(err, app.ErrSchemaTooNew) || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("Open of a version-99 database: %v; want ErrSchemaTooNew naming version 99", err)
	}
	if after, _ := os.ReadFile(f.path); string(before) != string(after) {
		t.Error("the refused database file was changed")
	}
}

func TestCatalogStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	want, _ := app.ParseCatalog(assets.SampleCatalog)
	got, err := f.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("the catalogue read back differs from the one stored")
	}
	// The same version again, or an older one, is refused.
	if err := f.ReplaceCatalog(ctx, want); !errors.Is(err, app.ErrStaleCatalog) {
		t.Errorf("replacing with the same version: %v; want ErrStaleCatalog", err)
	}
	// A newer but invalid catalogue changes nothing.
	bad, _ := app.ParseCatalog(assets.SampleCatalog)
	bad.Version = 2
	bad.Items = bad.Items[:3]
	bad.Items[2].Category = "Q"
	if err := f.ReplaceCatalog(ctx, bad); !errors.Is(err, app.ErrInvalidCatalog) {
		t.Errorf("replacing with an invalid catalogue: %v; want ErrInvalidCatalog", err)
	}
	if got, _ := f.Catalog(ctx); got.Version != 1 || len(got.Items) != len(want.Items) {
		t.Errorf("after a refused replacement: version %d with %d items; want the old one intact", got.Version, len(got.Items))
	}
	// A valid newer one replaces it whole.
	next, _ := app.ParseCatalog(assets.SampleCatalog)
	next.Version = 2
	next.Items = next.Items[:5]
	if err := f.ReplaceCatalog(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Catalog(ctx); got.Version != 2 || len(got.Items) != 5 {
		t.Errorf("after replacement: version %d with %d items; want 2 with 5", got.Version, len(got.Items))
	}
	if _, err := f.Item(ctx, want.Items[10].Code); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("an item dropped from the catalogue: %v; want ErrNotFound", err)
	}
}

func TestHallStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	var want app.Hall
	json.Unmarshal(assets.SampleHall, &want)
	got, err := f.Hall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hall read back:\n%+v\nwant\n%+v", got, want)
	}
	bad := want
	bad.Windows = append([]app.Window(nil), want.Windows...)
	bad.Windows[0].Categories = []string{"Q"}
	if err := f.ReplaceHall(ctx, bad); err == nil || !strings.Contains(err.Error(), `window 1 (No. 1): categories: queue category "Q"`) {
		t.Errorf("a window serving an unknown category: %v", err)
	}
	if m, err := f.StaffMember(ctx, "S1003"); err != nil || m.Name != "赵敏" || m.Role != app.RoleClerk {
		t.Errorf("StaffMember(S1003) = %+v, %v", m, err)
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	if st, _ := f.Settings(ctx); st != app.DefaultSettings {
		t.Errorf("settings before any are set = %+v, want the defaults", st)
	}
	if err := f.SetSettings(ctx, app.Settings{WarnDays: 3, FollowUpDays: 0, Queue: app.DefaultQueueRules}); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("a follow-up limit of 0 days: %v; want ErrInvalidInput", err)
	}
	want := app.Settings{WarnDays: 3, FollowUpDays: 7, Queue: app.QueueRules{ElderlyAge: 60, PriorityCap: 2, MaxRecalls: 1}}
	if err := f.SetSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	if st, _ := f.Settings(ctx); st != want {
		t.Errorf("settings after a restart = %+v, want %+v", st, want)
	}
}

// TestGroupCommitKeepsWritesApart runs writes that succeed and writes that
// fail inside their transaction at the same time: the group commit must
// commit every good one and none of the bad ones.
func TestGroupCommitKeepsWritesApart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang)
	events := f.count(t, "case_events")
	var wg sync.WaitGroup
	good, bad := make(chan error, 20), make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := f.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: wang, Received: all(t, f.Store, "GA-001"), Actor: "S1001", Outcome: app.Accepted})
			good <- err
		}()
		go func() {
			defer wg.Done()
			// Fails inside the transaction, after reading the case.
			_, err := f.Decide(ctx, c.Number, app.Decision{To: app.Closed, Actor: "S1002"})
			bad <- err
		}()
	}
	wg.Wait()
	close(good)
	close(bad)
	for err := range good {
		if err != nil {
			t.Errorf("a good write failed: %v", err)
		}
	}
	for err := range bad {
		if !errors.Is(err, app.ErrIllegalTransition) {
			t.Errorf("a bad write: %v; want ErrIllegalTransition", err)
		}
	}
	if n := f.count(t, "cases"); n != 21 {
		t.Errorf("%d cases; want 21", n)
	}
	if got, want := f.count(t, "case_events"), events+20*2; got != want {
		t.Errorf("%d events; want %d (none from the refused moves)", got, want)
	}
	if err := f.Verify(ctx, c.Number); err != nil {
		t.Error(err)
	}
}

// A write alone in its commit has no savepoint of its own: when it fails,
// the whole transaction must go, and nothing it did may stay.
func TestFailedWriteAloneChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	boom := errors.New("refused halfway")
	err := f.tx(ctx, func(tx *sql.Tx) error {
		if _, err := next(ctx, tx, "halfway"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("the failing write returned %v, want its own error", err)
	}
	var n int
	f.DB().QueryRow(`SELECT count(*) FROM counters WHERE name = 'halfway'`).Scan(&n)
	if n != 0 {
		t.Error("the failed write's counter was committed")
	}
	// The writer goes on: the next write commits.
	if err := f.tx(ctx, func(tx *sql.Tx) error { _, err := next(ctx, tx, "after"); return err }); err != nil {
		t.Fatal(err)
	}
}

// The writer checkpoints the write-ahead log when it is idle, so the log
// restarts from its beginning instead of growing to SQLite's own limit.
func TestWriterCheckpointsWhenIdle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	walSize := func() int64 {
		st, err := os.Stat(f.path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	burst := func() {
		for i := 0; i < checkpointAfter; i++ {
			if err := f.tx(ctx, func(tx *sql.Tx) error { _, err := next(ctx, tx, "burst"); return err }); err != nil {
				t.Fatal(err)
			}
		}
	}
	burst()
	first := walSize()
	for round := 0; round < 3; round++ {
		time.Sleep(250 * checkpointIdle) // idle: the writer checkpoints
		burst()
	}
	// Without idle checkpoints four bursts take four times the log.
	if got := walSize(); got > first+first/2 {
		t.Errorf("the log grew to %d bytes after four bursts (%d after one): it was not checkpointed between them", got, first)
	}
}

func TestClosedStoreRefusesWrites(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.Close()
	if _, _, err := f.Rate(context.Background(), app.Rating{Level: app.Satisfied, Ticket: "A001"}); err == nil {
		t.Error("a write to a closed store succeeded")
	}
}

func TestStampsSortAsTime(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 23, 1, 30, 5, 0, time.UTC)
	times := []time.Time{base, base.Add(100 * time.Millisecond), base.Add(450 * time.Millisecond), base.Add(time.Second)}
	for i := 1; i < len(times); i++ {
		if a, b := stamp(times[i-1]), stamp(times[i]); a >= b {
			t.Errorf("stamp %s does not sort before %s", a, b)
		}
		if back, err := unstamp(stamp(times[i])); err != nil || !back.Equal(times[i]) {
			t.Errorf("unstamp(stamp(%v)) = %v, %v", times[i], back, err)
		}
	}
}
