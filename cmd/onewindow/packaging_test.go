package main

// Cheap checks of packaging/ and the Fyne metadata, run by make test. The
// slow ones (cross builds, installing the .deb into a debootstrap root and
// systemd-analyze verify) are make dist and make dist-test.

import (
	"bufio"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"onewindow/app/config"
)

func TestFyneAppMetadata(t *testing.T) {
	t.Parallel()
	var meta struct {
		Website string
		Details struct {
			Icon, Name, ID, Version string
			Build                   int
		}
		LinuxAndBSD struct {
			GenericName, Comment string
			Categories, Keywords []string
		}
	}
	md, err := toml.DecodeFile("FyneApp.toml", &meta)
	if err != nil {
		t.Fatalf("FyneApp.toml: %v", err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Errorf("FyneApp.toml has keys fyne does not know: %v", u)
	}
	d := meta.Details
	if d.Name != "onewindow" || !strings.Contains(d.ID, ".") || d.Build < 1 || len(strings.Split(d.Version, ".")) != 3 {
		t.Errorf("FyneApp.toml [Details]: want name onewindow, a reverse-domain id, a build and a x.y.z version, got %+v", d)
	}
	f, err := os.Open(d.Icon)
	if err != nil {
		t.Fatalf("the icon FyneApp.toml names: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", d.Icon, err)
	}
	if b := img.Bounds(); b.Dx() != b.Dy() || b.Dx() < 256 {
		t.Errorf("%s is %v; fyne package wants a square icon of at least 256 px", d.Icon, b.Size())
	}
}

// unit is a systemd unit file as sections of key → values.
type unit map[string]map[string][]string

func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unit{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			u[section] = map[string][]string{}
		case section == "":
			t.Errorf("%s:%d: %q comes before any [section]", path, n, line)
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(k) == "" || strings.HasSuffix(line, "\\") {
				t.Errorf("%s:%d: %q is not key=value on one line", path, n, line)
				continue
			}
			u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return u
}

func TestSystemdUnits(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(moduleRoot(t), "packaging", "systemd")
	var roles []string
	for _, r := range config.Roles {
		roles = append(roles, string(r))
	}
	for _, role := range roles {
		path := filepath.Join(dir, "onewindow-"+role+".service")
		u := parseUnit(t, path)
		for _, s := range []string{"Unit", "Service", "Install"} {
			if u[s] == nil {
				t.Errorf("%s: no [%s] section", path, s)
			}
		}
		svc := u["Service"]
		if got := svc["Restart"]; !slices.Equal(got, []string{"always"}) {
			t.Errorf("%s: want Restart=always, so a crash brings the role back; got %v", path, got)
		}
		if got := svc["User"]; !slices.Equal(got, []string{"onewindow"}) {
			t.Errorf("%s: want User=onewindow (postinst makes it), got %v", path, got)
		}
		for _, key := range []string{"ExecStartPre", "ExecStart"} {
			for _, line := range svc[key] {
				args := strings.Fields(line)
				if !filepath.IsAbs(args[0]) {
					t.Errorf("%s: %s=%s: systemd wants an absolute path", path, key, line)
				}
				// Every onewindow subcommand a unit starts must exist.
				if args[0] == "/usr/bin/onewindow" {
					if _, ok := commands[args[1]]; !ok {
						t.Errorf("%s: %s runs 'onewindow %s', which is not a subcommand", path, key, args[1])
					}
				}
			}
		}
		if role == "kiosk" || role == "window" || role == "display" {
			start := strings.Join(svc["ExecStart"], " ")
			for _, want := range []string{"/usr/lib/onewindow/screen-session " + role + " ", "-nocursor", "-s 0", "-dpms"} {
				if !strings.Contains(start, want) {
					t.Errorf("%s: the screen's ExecStart should hold %q (full screen, pointer hidden, no blanking), got %q", path, want, start)
				}
			}
			if !slices.Contains(u["Unit"]["Conflicts"], "getty@tty1.service") {
				t.Errorf("%s: the screen must take tty1 from the login prompt (Conflicts=getty@tty1.service)", path)
			}
		}
		if role != "central" && !slices.Contains(svc["ExecStartPre"], "/usr/bin/onewindow update migrate -config /etc/onewindow/onewindow.toml") {
			t.Errorf("%s: a terminal's unit must migrate the database safely before it starts (ExecStartPre=… update migrate)", path)
		}
	}
}

func TestScreenSession(t *testing.T) {
	t.Parallel()
	script := filepath.Join(moduleRoot(t), "packaging", "screen-session")
	if out, err := exec.Command("sh", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("sh -n %s: %v %s", script, err, out)
	}
	cmd := exec.Command("sh", script, "nonsense")
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), "not a screen role") {
		t.Errorf("screen-session nonsense: want exit 2 naming the mistake, got %v %s", err, out)
	}
}

// TestDebPackage builds the .deb from packaging/nfpm.yaml with a stand-in
// binary and lists what it installs. nfpm is the module's Go tool, so this
// needs no network once the module cache holds it.
func TestDebPackage(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb is not on this machine (not Debian): the .deb is checked by make dist-test")
	}
	root := moduleRoot(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "onewindow")
	write(t, bin, "#!/bin/sh\n", 0o755)
	deb := filepath.Join(dir, "onewindow.deb")
	// The stand-in binary instead of make dist's dist/onewindow.
	spec, err := os.ReadFile(filepath.Join(root, "packaging", "nfpm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(spec), "src: dist/onewindow\n") {
		t.Fatalf("packaging/nfpm.yaml should take the binary from dist/onewindow, where make dist puts it")
	}
	conf := filepath.Join(dir, "nfpm.yaml")
	write(t, conf, strings.Replace(string(spec), "src: dist/onewindow\n", "src: "+bin+"\n", 1), 0o644)
	cmd := exec.Command(goTool(t), "tool", "nfpm", "package", "--config", conf, "--packager", "deb", "--target", deb)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "ARCH=amd64", "VERSION=0.0.1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go tool nfpm package: %v\n%s", err, out)
	}
	list, err := exec.Command("dpkg-deb", "--contents", deb).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"./usr/bin/onewindow", "./usr/lib/onewindow/screen-session",
		"./lib/systemd/system/onewindow-kiosk.service", "./lib/systemd/system/onewindow-window.service",
		"./lib/systemd/system/onewindow-display.service", "./lib/systemd/system/onewindow-hub.service",
		"./lib/systemd/system/onewindow-central.service", "./usr/share/icons/hicolor/512x512/apps/onewindow.png",
	} {
		if !strings.Contains(string(list), want) {
			t.Errorf("the .deb should install %s; it holds:\n%s", want, list)
		}
	}
	info, err := exec.Command("dpkg-deb", "--info", deb).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Package: onewindow", "Depends: adduser, xinit", "postinst", "prerm"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("the .deb's control should hold %q; got:\n%s", want, info)
		}
	}
}

// TestBuildsLeaveOutEmojiFont: every build that ships (make build, make
// dist) carries the no_emoji tag, and with it Fyne embeds no colour-emoji
// font, which it would otherwise parse once per text style (BENCHMARKS.md,
// kiosk idle memory).
func TestBuildsLeaveOutEmojiFont(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^TAGS := no_emoji$`).Match(makefile) || !strings.Contains(string(makefile), "go build -tags $(TAGS) -o bin/onewindow") {
		t.Error("the Makefile's build does not use -tags no_emoji")
	}
	dist, err := os.ReadFile(filepath.Join(root, "packaging", "dist.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(dist), "go build -trimpath -tags no_emoji") {
		t.Error("packaging/dist.sh does not build with -tags no_emoji")
	}
	with := string(goList(t, "-tags", "no_emoji", "-f", "{{.EmbedFiles}}", "fyne.io/fyne/v2/theme"))
	without := string(goList(t, "-f", "{{.EmbedFiles}}", "fyne.io/fyne/v2/theme"))
	if !strings.Contains(without, "Emoji") {
		t.Fatalf("Fyne's theme no longer embeds an emoji font (%s); this check proves nothing, drop the tag", without)
	}
	if strings.Contains(with, "Emoji") {
		t.Errorf("with -tags no_emoji Fyne still embeds %s", with)
	}
}
