package update

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"onewindow/app/pii"
	"onewindow/app/store"
)

var linux = Target{OS: "linux", Arch: "amd64", Current: "0.8.0"}

func signed(t *testing.T, key PrivateKey, version string, payload []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Sign(&buf, key, Manifest{Version: version, OS: "linux", Arch: "amd64"}, "onewindow_"+version+"_amd64.deb", payload, time.Now()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVerify(t *testing.T) {
	t.Parallel()
	pub, priv, _ := GenerateKey()
	otherPub, otherPriv, _ := GenerateKey()
	payload := []byte("!<arch>\ndebian-binary the new onewindow")
	good := signed(t, priv, "0.9.0", payload)

	v, err := Verify(bytes.NewReader(good), []PublicKey{otherPub, pub}, linux)
	if err != nil || !bytes.Equal(v.Payload, payload) || v.Manifest.Version != "0.9.0" {
		t.Fatalf("a good package: want it verified, got %v", err)
	}

	flip := func(b []byte, at func([]byte) int) []byte {
		c := bytes.Clone(b)
		c[at(c)] ^= 1
		return c
	}
	tests := []struct {
		name string
		pkg  []byte
		keys []PublicKey
		t    Target
		want error
	}{
		{"signed by another key", signed(t, otherPriv, "0.9.0", payload), []PublicKey{pub}, linux, ErrBadSignature},
		{"payload altered", flip(good, func(b []byte) int { return bytes.Index(b, []byte("the new")) }), []PublicKey{pub}, linux, ErrBadSignature},
		{"manifest altered", flip(good, func(b []byte) int { return bytes.Index(b, []byte(`"0.9.0"`)) + 3 }), []PublicKey{pub}, linux, ErrBadSignature},
		{"not a package", []byte("MZ this is an exe"), []PublicKey{pub}, linux, ErrBadPackage},
		{"cut short", good[:len(good)/2], []PublicKey{pub}, linux, ErrBadPackage},
		{"no trusted keys", good, nil, linux, ErrNoKeys},
		{"another architecture", good, []PublicKey{pub}, Target{OS: "linux", Arch: "arm64"}, ErrWrongTarget},
		{"older than installed", signed(t, priv, "0.7.9", payload), []PublicKey{pub}, linux, ErrOlder},
		{"same as installed", signed(t, priv, "0.8.0", payload), []PublicKey{pub}, linux, ErrOlder},
	}
	for _, tt := range tests {
		if _, err := Verify(bytes.NewReader(tt.pkg), tt.keys, tt.t); !errors.Is(err, tt.want) {
			t.Errorf("%s: want %v, got %v", tt.name, tt.want, err)
		}
	}
	down := linux
	down.Downgrade = true
	if _, err := Verify(bytes.NewReader(signed(t, priv, "0.7.9", payload)), []PublicKey{pub}, down); err != nil {
		t.Errorf("a signed downgrade asked for: want it verified, got %v", err)
	}
}

// TestBadSignatureChangesNothing: the installer is never called and no
// file is left in the folder.
func TestBadSignatureChangesNothing(t *testing.T) {
	t.Parallel()
	pub, priv, _ := GenerateKey()
	_, evil, _ := GenerateKey()
	dir := t.TempDir()
	var installed []string
	install := func(file string, m Manifest) error {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		installed = append(installed, fmt.Sprintf("%s %x", m.Version, sha256.Sum256(data)))
		return nil
	}
	if _, err := Install(bytes.NewReader(signed(t, evil, "9.9.9", []byte("rootkit"))), []PublicKey{pub}, linux, dir, install); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("a package signed by an unknown key: want ErrBadSignature, got %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(installed) != 0 || len(entries) != 0 {
		t.Fatalf("a bad signature must change nothing: installed %v, files %v", installed, entries)
	}
	m, err := Install(bytes.NewReader(signed(t, priv, "0.9.0", []byte("good deb"))), []PublicKey{pub}, linux, dir, install)
	if err != nil || m.Version != "0.9.0" || len(installed) != 1 || !strings.HasPrefix(installed[0], fmt.Sprintf("0.9.0 %x", sha256.Sum256([]byte("good deb")))) {
		t.Fatalf("a good package: want the payload installed once, got %v %v", installed, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the payload's temporary file was left behind: %v", entries)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	pub, priv, _ := GenerateKey()
	keys, err := ParsePublicKeys("# the province's release key\n" + pub.String() + "\n\n")
	if err != nil || len(keys) != 1 || !keys[0].Equal(pub) {
		t.Fatalf("ParsePublicKeys: %v %v", keys, err)
	}
	if _, err := ParsePublicKeys(pub.String() + "\nnot-a-key\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a file with a bad line: want it refused naming line 2, got %v", err)
	}
	if _, err := ParsePublicKeys("# nothing\n"); !errors.Is(err, ErrNoKeys) {
		t.Errorf("no keys: want ErrNoKeys, got %v", err)
	}
	back, err := ParsePrivateKey(priv.Encode())
	if err != nil || back.Encode() != priv.Encode() || !back.Public().Equal(pub) || back.Algorithm() != Ed25519 {
		t.Errorf("ParsePrivateKey(seed): %v", err)
	}
}

func TestCompareVersions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{{"0.10.0", "0.9.1", 1}, {"0.9.0", "0.9.0", 0}, {"v1.0", "1.0.0", 0}, {"0.9.0", "0.9.0-rc1", 1}, {"0.9.0-rc1", "0.9.0-rc2", -1}, {"1.2.3", "1.2.10", -1}} {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// oldDatabase makes a database as an older onewindow left it: the first
// upTo migrations, some records, and extra SQL (to make a later migration
// fail).
func oldDatabase(t *testing.T, file string, upTo int, extra string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join("..", "store", "migrations", "*.sql"))
	sort.Strings(names)
	if len(names) < upTo+1 {
		t.Fatalf("want at least %d migrations to test with, found %d", upTo+1, len(names))
	}
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, n := range names[:upTo] {
		body, _ := os.ReadFile(n)
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", upTo)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO counters (name, value) VALUES ('cases/20261123', 41)` + ";" + extra); err != nil {
		t.Fatal(err)
	}
}

func opener(t *testing.T) Opener {
	keys, err := pii.LoadOrCreate(filepath.Join(t.TempDir(), "pd.key"))
	if err != nil {
		t.Fatal(err)
	}
	return func(ctx context.Context, file string) error {
		st, err := store.Open(ctx, file, store.Options{Terminal: "K01", Keys: keys})
		if err != nil {
			return err
		}
		return st.Close()
	}
}

func counter(t *testing.T, file string) int {
	t.Helper()
	db, err := openDB(file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT value FROM counters WHERE name = 'cases/20261123'`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrateForward(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "onewindow.db")
	oldDatabase(t, file, 2, "")
	res, err := Migrate(ctx, file, opener(t))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := schemaVersion(ctx, file); res.From != 2 || res.To != store.SchemaVersion() || v != res.To {
		t.Fatalf("want the database migrated from 2 to %d, got %+v (file at %d)", store.SchemaVersion(), res, v)
	}
	if counter(t, file) != 41 || counter(t, res.Backup) != 41 {
		t.Errorf("the records must survive in both the migrated database and the backup")
	}
	if v, _ := schemaVersion(ctx, res.Backup); v != 2 {
		t.Errorf("the backup must be the original, at schema 2; it is at %d", v)
	}
	// The next start finds it current and does nothing.
	if again, err := Migrate(ctx, file, opener(t)); err != nil || again.Backup != "" {
		t.Errorf("a current database: want nothing done, got %+v %v", again, err)
	}
}

func TestFailedMigrationLeavesTheDatabaseUntouched(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "onewindow.db")
	// A table in the way of migration 3, as a hand-made repair might leave.
	oldDatabase(t, file, 2, "CREATE TABLE sync_link (x INTEGER)")
	before := snapshot(t, dir)
	_, err := Migrate(ctx, file, opener(t))
	if err == nil || !strings.Contains(err.Error(), "left as it was") {
		t.Fatalf("a failing migration: want an error saying the database was left as it was, got %v", err)
	}
	if after := snapshot(t, dir); after != before {
		t.Fatalf("a failed migration changed the folder:\nbefore %s\nafter  %s", before, after)
	}
	// The old version (schema 2) still runs on it: intact, at its schema,
	// with its records.
	if v, _ := schemaVersion(ctx, file); v != 2 || counter(t, file) != 41 {
		t.Fatalf("want the database at schema 2 with its records, got schema %d", v)
	}
	db, _ := openDB(file)
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check after the failed migration: %q %v", ok, err)
	}
}

// snapshot names every file in dir with its content's hash.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out = append(out, fmt.Sprintf("%s:%x", e.Name(), sha256.Sum256(data)))
	}
	return strings.Join(out, " ")
}

func TestMigrationsTakeTurns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "onewindow.db")
	oldDatabase(t, file, 2, "")
	// Another role's migration holds the lock.
	if err := os.WriteFile(file+".migrate.lock", []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Migrate(ctx, file, opener(t))
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Migrate ran while another held the lock (%v)", err)
	case <-time.After(3 * lockPoll):
	}
	if v, _ := schemaVersion(ctx, file); v != 2 {
		t.Fatalf("the database changed under another's lock: schema %d", v)
	}
	os.Remove(file + ".migrate.lock")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Migrate did not go on once the lock was free")
	}
	if v, _ := schemaVersion(ctx, file); v != store.SchemaVersion() {
		t.Errorf("want the database migrated once the lock was free, got schema %d", v)
	}
	if _, err := os.Stat(file + ".migrate.lock"); !os.IsNotExist(err) {
		t.Errorf("the lock must be gone after the migration: %v", err)
	}
}
