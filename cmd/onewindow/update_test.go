package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// fakeDpkg is a dpkg that records what it was asked to install.
func fakeDpkg(t *testing.T, dir string) (cmd, record string) {
	t.Helper()
	record = filepath.Join(dir, "dpkg-calls")
	cmd = filepath.Join(dir, "dpkg")
	write(t, cmd, "#!/bin/sh\necho \"$@\" >> "+record+"\nsha256sum \"$2\" | cut -c1-64 >> "+record+"\n", 0o755)
	return cmd, record
}

func TestUpdateFromUSBAndFromCentral(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prefix := filepath.Join(dir, "release")
	if code, out, errOut := runArgs(t, "update", "keygen", "-o", prefix); code != 0 {
		t.Fatalf("keygen: %d %s %s", code, out, errOut)
	}
	if fi, err := os.Stat(prefix + ".key"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the private key must be mode 600: %v %v", fi, err)
	}
	if code, _, errOut := runArgs(t, "update", "keygen", "-o", prefix); code != 1 || !strings.Contains(errOut, "never overwritten") {
		t.Errorf("keygen over an existing key: want refused, got %d %q", code, errOut)
	}
	deb := filepath.Join(dir, "onewindow_0.9.0_"+runtime.GOARCH+".deb")
	write(t, deb, "!<arch>\nthe new onewindow", 0o644)
	pkg := filepath.Join(dir, "update.owu")
	if code, out, errOut := runArgs(t, "update", "sign", "-key", prefix+".key", "-version", "0.9.0", "-o", pkg, deb); code != 0 {
		t.Fatalf("sign: %d %s %s", code, out, errOut)
	}
	dpkg, record := fakeDpkg(t, dir)

	// A package altered after signing: refused, dpkg never runs.
	data, _ := os.ReadFile(pkg)
	bad := filepath.Join(dir, "bad.owu")
	write(t, bad, strings.Replace(string(data), "the new onewindow", "the bad onewindow", 1), 0o644)
	code, _, errOut := runArgs(t, "update", "install", "-keys", prefix+".pub", "-dpkg", dpkg, bad)
	if code != 1 || !strings.Contains(errOut, "nothing was installed") || !strings.Contains(errOut, "signature") {
		t.Fatalf("an altered package: want exit 1, nothing installed, the signature named; got %d %q", code, errOut)
	}
	// Signed by a key the terminal does not trust: refused too.
	runArgs(t, "update", "keygen", "-o", filepath.Join(dir, "stranger"))
	if code, _, _ := runArgs(t, "update", "install", "-keys", filepath.Join(dir, "stranger.pub"), "-dpkg", dpkg, pkg); code != 1 {
		t.Fatalf("a package signed by an untrusted key: want exit 1, got %d", code)
	}
	if _, err := os.Stat(record); !os.IsNotExist(err) {
		t.Fatalf("dpkg ran for a refused package")
	}

	// From the USB stick.
	if code, out, errOut := runArgs(t, "update", "install", "-keys", prefix+".pub", "-dpkg", dpkg, pkg); code != 0 || !strings.Contains(out, "installed onewindow 0.9.0") {
		t.Fatalf("a good package: want it installed, got %d %s %s", code, out, errOut)
	}
	// From central: published there by its administrator, fetched by the
	// enrolled terminal with its own credentials.
	centralDB := filepath.Join(dir, "central.db")
	c := scene.Central(t, centralDB, app.SystemClock{})
	srv := scene.Serve(t, c, central.ServerOptions{})
	cfg := filepath.Join(dir, "onewindow.toml")
	write(t, cfg, "role = \"display\"\nhall = \"330106\"\nterminal = \"330106D01\"\n[hub]\naddress = \"127.0.0.1:7100\"\nhall_key = \""+benchHallKey+"\"\n[central]\nurl = \""+srv.URL+"\"\n[paths]\ndata_dir = \"data\"\n", 0o644)
	if code, _, errOut := runArgs(t, "update", "fetch", "-config", cfg, "-keys", prefix+".pub", "-dpkg", dpkg); code != 1 || !strings.Contains(errOut, "not enrolled") {
		t.Fatalf("fetch before enrolment: want exit 1 saying the terminal is not enrolled, got %d %q", code, errOut)
	}
	loaded, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := openTerminalStore(context.Background(), loaded)
	if err != nil {
		t.Fatal(err)
	}
	otc, _, _ := c.CreateEnrolCode(context.Background(), scene.Hall, "330106D01", central.RoleDisplay, time.Hour)
	if err := link.Enrol(context.Background(), st, wire.Bundle{Central: srv.URL, Terminal: "330106D01", Code: otc}, link.Options{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, _, errOut := runArgs(t, "update", "fetch", "-config", cfg, "-keys", prefix+".pub", "-dpkg", dpkg); code != 1 || !strings.Contains(errOut, "holds no update") {
		t.Fatalf("fetch before anything is published: want exit 1 saying so, got %d %q", code, errOut)
	}
	// The administrator cannot publish the altered package.
	if code, _, errOut := runArgs(t, "central", "publish-update", "-db", centralDB, "-update-keys", prefix+".pub", bad); code != 1 || !strings.Contains(errOut, "signature") || !strings.Contains(errOut, "nothing was published") {
		t.Fatalf("publishing an altered package: want exit 1 naming the signature, got %d %q", code, errOut)
	}
	if code, out, errOut := runArgs(t, "central", "publish-update", "-db", centralDB, "-update-keys", prefix+".pub", pkg); code != 0 || !strings.Contains(out, "published onewindow 0.9.0 for linux/"+runtime.GOARCH) {
		t.Fatalf("publish-update: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runArgs(t, "central", "updates", "-db", centralDB); code != 0 || !strings.Contains(out, "linux/"+runtime.GOARCH+" ") || !strings.Contains(out, "0.9.0") {
		t.Errorf("central updates: %d\n%s; want the published 0.9.0 listed", code, out)
	}
	if code, _, errOut := runArgs(t, "central", "publish-update", "-db", centralDB, "-update-keys", prefix+".pub", pkg); code != 1 || !strings.Contains(errOut, "not newer") {
		t.Fatalf("publishing the same version again: want refused as not newer, got %d %q", code, errOut)
	}
	if code, out, errOut := runArgs(t, "update", "fetch", "-config", cfg, "-keys", prefix+".pub", "-dpkg", dpkg); code != 0 || !strings.Contains(out, "installed onewindow 0.9.0") {
		t.Fatalf("fetch from central: want it installed, got %d %s %s", code, out, errOut)
	}
	calls, _ := os.ReadFile(record)
	lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "-i ") || lines[1] != lines[3] {
		t.Fatalf("want dpkg -i called twice with the same verified payload, got:\n%s", calls)
	}
	// A package altered at central (its disk, or on the way): the terminal
	// refuses it and dpkg does not run.
	if _, err := c.DB().Exec(`UPDATE updates SET package = ?`, []byte(strings.Replace(string(data), "the new onewindow", "the bad onewindow", 1))); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runArgs(t, "update", "fetch", "-config", cfg, "-keys", prefix+".pub", "-dpkg", dpkg); code != 1 || !strings.Contains(errOut, "nothing was installed") || !strings.Contains(errOut, "signature") {
		t.Fatalf("a package altered at central: want exit 1, nothing installed, the signature named; got %d %q", code, errOut)
	}
	if again, _ := os.ReadFile(record); string(again) != string(calls) {
		t.Fatalf("dpkg ran for the altered package:\n%s", again)
	}
}

func TestUpdateMigrateOnACurrentTerminal(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	if code, out, errOut := runArgs(t, "update", "migrate", "-config", b.config); code != 0 || out != "" {
		t.Fatalf("a current database: want exit 0 and nothing said, got %d %q %q", code, out, errOut)
	}
	absent := filepath.Join(t.TempDir(), "onewindow.toml")
	if code, out, _ := runArgs(t, "update", "migrate", "-config", absent); code != 0 || !strings.Contains(out, "nothing to migrate") {
		t.Errorf("a terminal not set up yet: the unit must still start (and show the wizard); got %d %q", code, out)
	}
	write(t, absent, "role = \"nonsense\"\n", 0o644)
	if code, _, _ := runArgs(t, "update", "migrate", "-config", absent); code != 1 {
		t.Errorf("a broken configuration: want exit 1, got %d", code)
	}
	if code, _, errOut := runArgs(t, "update"); code != 2 || !strings.Contains(errOut, "install, fetch, migrate") {
		t.Errorf("update alone: want exit 2 listing the subcommands, got %d %q", code, errOut)
	}
}

// TestUpdateSignedWithSM2: a province on the national algorithms makes an
// SM2 key, signs with it, and its terminals install what it signed; a
// package signed with another SM2 key is refused, saying so, and dpkg never
// runs. A keys file may hold the old ed25519 key beside the SM2 one.
func TestUpdateSignedWithSM2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	release, stranger, old := filepath.Join(dir, "release"), filepath.Join(dir, "stranger"), filepath.Join(dir, "old")
	for _, prefix := range []string{release, stranger} {
		if code, out, errOut := runArgs(t, "update", "keygen", "-suite", "gm", "-o", prefix); code != 0 || !strings.Contains(out, "sm2") {
			t.Fatalf("keygen -suite gm: %d %s %s", code, out, errOut)
		}
	}
	runArgs(t, "update", "keygen", "-o", old)
	if pub, _ := os.ReadFile(release + ".pub"); !strings.Contains(string(pub), "\nsm2:04") {
		t.Fatalf("an SM2 public key file: %q; want a line sm2:04...", pub)
	}
	if code, _, errOut := runArgs(t, "update", "keygen", "-suite", "sm2", "-o", filepath.Join(dir, "x")); code != 2 || !strings.Contains(errOut, "intl") {
		t.Errorf("keygen -suite sm2: want exit 2 naming the suites, got %d %q", code, errOut)
	}
	deb := filepath.Join(dir, "onewindow_0.9.0_"+runtime.GOARCH+".deb")
	write(t, deb, "!<arch>\nthe new onewindow", 0o644)
	pkg, evil := filepath.Join(dir, "update.owu"), filepath.Join(dir, "evil.owu")
	for key, out := range map[string]string{release: pkg, stranger: evil} {
		if code, stdout, errOut := runArgs(t, "update", "sign", "-key", key+".key", "-version", "0.9.0", "-o", out, deb); code != 0 || !strings.Contains(stdout, "signed with sm2") {
			t.Fatalf("sign with an SM2 key: %d %s %s", code, stdout, errOut)
		}
	}
	oldPub, _ := os.ReadFile(old + ".pub")
	newPub, _ := os.ReadFile(release + ".pub")
	both := filepath.Join(dir, "update-keys.pub")
	write(t, both, string(oldPub)+string(newPub), 0o644)
	dpkg, record := fakeDpkg(t, dir)

	code, _, errOut := runArgs(t, "update", "install", "-keys", both, "-dpkg", dpkg, evil)
	if code != 1 || !strings.Contains(errOut, "nothing was installed") || !strings.Contains(errOut, "not by the SM2 key this machine trusts") {
		t.Fatalf("a package signed with another SM2 key: want exit 1, nothing installed, saying so; got %d %q", code, errOut)
	}
	code, _, errOut = runArgs(t, "update", "install", "-keys", old+".pub", "-dpkg", dpkg, pkg)
	if code != 1 || !strings.Contains(errOut, "trusts no SM2 key") {
		t.Fatalf("an SM2 package on a terminal with only the ed25519 key: want exit 1 saying it trusts no SM2 key; got %d %q", code, errOut)
	}
	if _, err := os.Stat(record); !os.IsNotExist(err) {
		t.Fatalf("dpkg ran for a refused package")
	}
	if code, out, errOut := runArgs(t, "update", "install", "-keys", both, "-dpkg", dpkg, pkg); code != 0 || !strings.Contains(out, "installed onewindow 0.9.0") {
		t.Fatalf("an SM2 package, trusted: want it installed, got %d %s %s", code, out, errOut)
	}
}
