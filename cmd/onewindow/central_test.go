package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/assets"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestCentralUsage: every subcommand documents each of its flags under -h,
// and a wrong call exits 2 saying what was wrong.
func TestCentralUsage(t *testing.T) {
	for _, sub := range []string{"serve", "enrol-code", "revoke", "publish", "publish-update", "updates", "decide", "terminals", "compact"} {
		code, out, errOut := runArgs(t, "central", sub, "-h")
		if code != 0 || !strings.Contains(out, "Usage: onewindow central "+sub) {
			t.Errorf("central %s -h: exit %d, stdout %q, stderr %q; want 0 and its usage", sub, code, out, errOut)
		}
		for _, name := range []string{"db", "keys"} {
			if !strings.Contains(out, "-"+name) {
				t.Errorf("central %s -h does not document -%s:\n%s", sub, name, out)
			}
		}
	}
	code, out, _ := runArgs(t, "central", "serve", "-h")
	for _, f := range []string{"-listen", "-cert", "-key", "-admin-token-file", "-log-level"} {
		if code != 0 || !strings.Contains(out, f) {
			t.Errorf("central serve -h does not document %s", f)
		}
	}
	code, out, _ = runArgs(t, "central", "enrol-code", "-h")
	for _, f := range []string{"-hall", "-terminal", "-role", "-url", "-ca", "-valid"} {
		if code != 0 || !strings.Contains(out, f) {
			t.Errorf("central enrol-code -h does not document %s", f)
		}
	}
	db := filepath.Join(t.TempDir(), "central.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"central"}, "say what to do"},
		{[]string{"central", "frob"}, `unknown subcommand "frob"`},
		{[]string{"central", "serve", "-nosuch"}, "-nosuch"},
		{[]string{"central", "serve", "-cert", "a.pem"}, "-cert and -key go together"},
		{[]string{"central", "serve", "-log-level", "loud"}, "-log-level"},
		{[]string{"central", "enrol-code", "-db", db, "-hall", "330106"}, "give -hall, -terminal, -role and -url"},
		{[]string{"central", "enrol-code", "-db", db, "-hall", "330106", "-terminal", "K1", "-role", "kiosk", "-url", "https://c:8443"}, "needs -ca"},
		{[]string{"central", "enrol-code", "-db", db, "-hall", "330106", "-terminal", "K1", "-role", "boss", "-url", "http://c:8443"}, "not a terminal's role"},
		{[]string{"central", "revoke", "-db", db}, "wanted one TERMINAL"},
		{[]string{"central", "publish", "-db", db, "staff", "x.json"}, `"staff"`},
		{[]string{"central", "publish", "-db", db, "catalog"}, "got 1 arguments"},
		{[]string{"central", "decide", "-db", db, "C-1", "gongan", "maybe"}, `"maybe": say approve or deny`},
		{[]string{"central", "terminals", "-db", db, "extra"}, "takes no arguments"},
		{[]string{"central", "compact", "-db", db, "soon"}, "wanted one VERSION"},
	} {
		code, _, errOut := runArgs(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("onewindow %s: exit %d, stderr %q; want 2 saying %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}

// TestCentralAdmin drives the admin subcommands against one SQLite file.
func TestCentralAdmin(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "central.db")
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cat := write("catalog.json", assets.SampleCatalog)
	hall := write("hall.json", assets.SampleHall)
	cal := write("calendar.json", assets.Calendar2026)
	bad := write("bad-catalog.json", []byte(strings.Replace(string(assets.SampleCatalog), `"version": 1`, `"version": 2, "colour": "red"`, 1)))
	pki := scene.NewPKI(t)
	ca := write("ca.pem", pki.CAPEM)
	steps := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"publish", "hall", hall}, 1, "publish that first"},
		{[]string{"publish", "catalog", cat}, 0, "catalog published"},
		{[]string{"publish", "catalog", bad}, 1, `unknown field "colour"`},
		{[]string{"publish", "catalog", cat}, 1, "not newer"},
		{[]string{"publish", "hall", hall}, 0, "hall published"},
		{[]string{"publish", "calendar", cal}, 0, "calendar published"},
		{[]string{"enrol-code", "-hall", "330106", "-terminal", "330106K01", "-role", "kiosk", "-url", "https://central.example:8443", "-ca", ca}, 0, `"code"`},
		{[]string{"terminals"}, 0, "no terminal was ever enrolled"},
		{[]string{"revoke", "330106K01"}, 1, "not found"},
		{[]string{"decide", "330106K01-20261123-000001", "gongan", "deny"}, 1, "a denial must give its reason"},
		{[]string{"decide", "330106K01-20261123-000001", "gongan", "approve"}, 1, "not found"},
		{[]string{"compact", "2"}, 0, "2 changes forgotten"},
	}
	for _, s := range steps {
		args := append([]string{"central", s.args[0], "-db", db}, s.args[1:]...)
		code, out, errOut := runArgs(t, args...)
		if code != s.code || !strings.Contains(out+errOut, s.says) {
			t.Errorf("onewindow %s: exit %d, stdout %q, stderr %q; want %d saying %q", strings.Join(args, " "), code, out, errOut, s.code, s.says)
		}
		if s.args[0] == "enrol-code" && code == 0 {
			var b wire.Bundle
			if err := json.Unmarshal([]byte(out), &b); err != nil || len(b.Code) != 19 || b.CAPEM != string(pki.CAPEM) {
				t.Errorf("the enrolment bundle %q does not carry a code and the CA: %v", out, err)
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "central-personal-data.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the personal-data key beside the database: %v, %v; want a 0600 file", fi, err)
	}
}

// TestCentralServesTLS starts `central serve` with a certificate and talks
// to it pinning the CA, then stops it by cancelling, as SIGTERM would.
func TestCentralServesTLS(t *testing.T) {
	dir := t.TempDir()
	pki := scene.NewPKI(t)
	os.WriteFile(filepath.Join(dir, "cert.pem"), pki.CertPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), pki.KeyPEM, 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"central", "serve", "-db", filepath.Join(dir, "central.db"), "-listen", "127.0.0.1:0",
			"-cert", filepath.Join(dir, "cert.pem"), "-key", filepath.Join(dir, "key.pem")}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("central serve said nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[3], "https://127.0.0.1:") {
		t.Fatalf("central serve said %q; want the https address it serves on", line)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.CAPEM)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(fields[3] + wire.PathHealth)
	if err != nil {
		t.Fatalf("health over TLS: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"store":"sqlite"`) {
		t.Errorf("health: %d %s; want 200 from the SQLite store", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("central serve exited %d after the signal; want 0", code)
	}
}

// TestShippedBinaryLeavesOutTestLibraries: the fault-injecting proxy and the
// test scaffolding are for tests only (tailscale's deps_test habit).
func TestShippedBinaryLeavesOutTestLibraries(t *testing.T) {
	t.Parallel()
	deps := strings.Fields(string(goList(t, "-deps", "./cmd/onewindow")))
	if len(deps) < 10 {
		t.Fatalf("go list -deps ./cmd/onewindow listed %d packages; the check would prove nothing", len(deps))
	}
	for _, d := range deps {
		for _, bad := range []string{"github.com/Shopify/toxiproxy", "github.com/prometheus/", "github.com/rs/zerolog", "onewindow/internal/pgtest", "onewindow/sync/scene"} {
			if strings.HasPrefix(d, bad) {
				t.Errorf("the shipped binary depends on %s; it is for tests only", d)
			}
		}
	}
	for _, want := range []string{"onewindow/sync/central", "github.com/jackc/pgx/v5/stdlib"} {
		found := false
		for _, d := range deps {
			found = found || d == want
		}
		if !found {
			t.Errorf("the shipped binary does not include %s; the central subcommand needs it", want)
		}
	}
}

// TestBackOfficeTokensAreOnePerDepartment: the token file gives each
// department's back office its own token; a line without its department,
// a short token or a department twice is refused with the line's number.
func TestBackOfficeTokensAreOnePerDepartment(t *testing.T) {
	got, err := backOfficeTokens([]byte("# the departments' back offices\ngongan 0123456789abcdef01\n\nyibao  fedcba9876543210fe # 医保\n"))
	if err != nil || len(got) != 2 || got["gongan"] != "0123456789abcdef01" || got["yibao"] != "fedcba9876543210fe" {
		t.Fatalf("tokens: %v, %v", got, err)
	}
	for file, want := range map[string]string{
		"0123456789abcdef0123\n": "line 1: want 'DEPARTMENT TOKEN'",
		"gongan short\n":         "line 1: the token of gongan is shorter",
		"gongan 0123456789abcdef\ngongan fedcba9876543210": "line 2: department gongan has a token already",
		"# nothing\n": "no token in it",
	} {
		if _, err := backOfficeTokens([]byte(file)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want %q", file, err, want)
		}
	}
}
