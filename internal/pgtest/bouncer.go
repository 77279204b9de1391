package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Database returns the DSN of a fresh database in the test cluster,
// dropped when the test ends: for what cannot be given a schema by its
// search path (a connection through PgBouncer in transaction mode, which
// keeps no session's settings). Skipped or failed as DSN is.
func Database(t testing.TB) string {
	t.Helper()
	DSN(t) // starts the cluster, or skips
	name := fmt.Sprintf("d%d_%d", os.Getpid(), schemas.Add(1))
	db, err := sql.Open("pgx", baseDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", baseDSN)
		if err != nil {
			return
		}
		defer db.Close()
		db.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)")
	})
	if !strings.Contains(baseDSN, "dbname=postgres") {
		t.Fatalf("a database of its own needs the throw-away cluster's key=value DSN, not %s's", EnvDSN)
	}
	return strings.Replace(baseDSN, "dbname=postgres", "dbname="+name, 1)
}

// Bouncer starts Debian's pgbouncer in transaction mode in front of the
// test cluster for the test's life and returns the DSN of database (a
// Database's) through it, in the form pgx needs there: no statement kept
// prepared (default_query_exec_mode=exec). Without pgbouncer the test is
// skipped, or fails under CI.
func Bouncer(t testing.TB, database string) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/pgbouncer"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("pgbouncer is missing: packaging/apt-packages.txt lists it")
			}
			t.Skip("pgbouncer is not installed")
		}
	}
	socket := field(baseDSN, "host")
	name := field(database, "dbname")
	dir, err := os.MkdirTemp("", "onewindow-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	asPostgres, err := owner(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ini := fmt.Sprintf(`[databases]
%s = host=%s dbname=%s
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
`, name, socket, name, port, filepath.Join(dir, "users.txt"))
	for file, body := range map[string]string{"pgbouncer.ini": ini, "users.txt": `"postgres" ""` + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	if asPostgres {
		cmd = exec.Command("runuser", "-u", "postgres", "--", bin, filepath.Join(dir, "pgbouncer.ini"))
	}
	out, _ := os.Create(filepath.Join(dir, "log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); out.Close() })
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&default_query_exec_mode=exec", port, name)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return dsn
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Fatalf("pgbouncer does not answer: %v\n%s", err, log)
		}
	}
}

// field is a key=value DSN's value of key.
func field(dsn, key string) string {
	for _, f := range strings.Fields(dsn) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	return ""
}
