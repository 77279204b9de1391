// Package pgtest gives tests a PostgreSQL database: the one named by
// ONEWINDOW_TEST_PG_DSN, or else a throw-away cluster it starts from
// Debian's postgresql package (initdb and pg_ctl under
// /usr/lib/postgresql/*/bin) in a temporary folder, listening on a unix
// socket only, once per test binary. Each test gets its own schema.
//
// It is for tests only: nothing the shipped binary links may import it, and
// it must never touch a cluster it did not start, beyond the schemas it
// creates in the one it is given.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvDSN names an existing PostgreSQL server to test against instead.
const EnvDSN = "ONEWINDOW_TEST_PG_DSN"

var (
	once     sync.Once
	baseDSN  string
	startErr error
	stopFn   func()
	schemas  atomic.Int64
)

// Main runs a package's tests and then stops the cluster if one was
// started; call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the cluster this binary started, if any, and removes its files.
func Stop() {
	if stopFn != nil {
		stopFn()
		stopFn = nil
	}
}

// DSN returns a DSN whose search path is a fresh schema, dropped when the
// test ends. Without PostgreSQL the test is skipped, or fails when the
// environment variable CI is set: CI must not skip silently.
func DSN(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if startErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL tests cannot run and CI is set: %v", startErr)
		}
		t.Skipf("PostgreSQL tests skipped: %v", startErr)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), schemas.Add(1))
	db, err := sql.Open("pgx", baseDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", baseDSN)
		if err != nil {
			return
		}
		defer db.Close()
		db.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE")
	})
	return withSearchPath(baseDSN, name)
}

func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}

func start() {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		baseDSN = dsn
		return
	}
	bin, err := findBin()
	if err != nil {
		startErr = err
		return
	}
	reap(bin)
	dir, err := os.MkdirTemp("", "onewindow-pg-")
	if err != nil {
		startErr = err
		return
	}
	asPostgres, err := owner(dir)
	if err != nil {
		os.RemoveAll(dir)
		startErr = err
		return
	}
	data := filepath.Join(dir, "data")
	run := func(name string, args ...string) error {
		path := filepath.Join(bin, name)
		var cmd *exec.Cmd
		if asPostgres {
			cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
		} else {
			cmd = exec.Command(path, args...)
		}
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out)
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"); err != nil {
		os.RemoveAll(dir)
		startErr = err
		return
	}
	// A unix socket only, in the folder: no port to collide with. fsync
	// off: the cluster is thrown away, and tests should not wait on disks.
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", dir)
	if err := run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		os.RemoveAll(dir)
		startErr = err
		return
	}
	os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644)
	baseDSN = fmt.Sprintf("host=%s user=postgres dbname=postgres sslmode=disable", dir)
	stopFn = func() {
		run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	// pg_ctl -w has waited until the server takes connections.
	db, err := sql.Open("pgx", baseDSN)
	if err == nil {
		defer db.Close()
		err = db.Ping()
	}
	if err != nil {
		startErr = fmt.Errorf("the test cluster does not answer: %w", err)
	}
}

// reap stops and removes the clusters of test binaries that were killed
// before they could stop their own (a timeout, a SIGKILL).
func reap(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "onewindow-pg-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue // starting, or not ours
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || syscall.Kill(pid, 0) == nil {
			continue // its owner still runs
		}
		stop := exec.Command(filepath.Join(bin, "pg_ctl"), "-D", filepath.Join(dir, "data"), "-m", "immediate", "-w", "stop")
		if os.Geteuid() == 0 {
			stop = exec.Command("runuser", "-u", "postgres", "--", stop.Path, "-D", filepath.Join(dir, "data"), "-m", "immediate", "-w", "stop")
		}
		stop.Run()
		os.RemoveAll(dir)
	}
}

// findBin finds the newest PostgreSQL server's binaries.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var ok []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			ok = append(ok, d)
		}
	}
	if len(ok) == 0 {
		return "", errors.New("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install Debian's postgresql package (packaging/apt-packages.txt lists it), or set " + EnvDSN)
	}
	sort.Slice(ok, func(i, j int) bool { return version(ok[i]) < version(ok[j]) })
	return ok[len(ok)-1], nil
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// owner makes dir the postgres user's when running as root, since
// PostgreSQL refuses to run as root; it reports whether the binaries must
// run as that user.
func owner(dir string) (bool, error) {
	if os.Geteuid() != 0 {
		return false, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return false, fmt.Errorf("running as root, PostgreSQL needs the postgres user, which does not exist: %w", err)
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		return false, errors.New("running as root, the test cluster needs runuser (util-linux) to start PostgreSQL as postgres")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return true, os.Chown(dir, uid, gid)
}
