//go:build unix

package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onewindow/app/config"
	"onewindow/app/setup"
	"onewindow/device/sim/simctl"
	"onewindow/sync/hub"
)

// TestDemoConfigurationsAreATechnicians: the demo's terminals are
// configured through app/setup, as a technician's are: each configuration
// passes `onewindow config check`, names the demo's hall, hub and hall key
// and its own simulators, and boots as its role.
func TestDemoConfigurationsAreATechnicians(t *testing.T) {
	t.Parallel()
	ctx, h := startTestDemoHall(t)
	window, err := h.windowAnswers(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	kiosk := h.kioskAnswers()
	for _, a := range []setup.Answers{kiosk, window, h.answers(config.RoleDisplay, "D01")} {
		path, cfg, err := h.writeConfig(a)
		if err != nil {
			t.Errorf("%s: %v", a.Role, err)
			continue
		}
		if code, out, errOut := runArgs(t, "config", "check", path); code != 0 {
			t.Errorf("%s: config check %s: exit %d\n%s%s", a.Role, path, code, out, errOut)
		}
		key, err := cfg.HallKey()
		if cfg.Role != a.Role || cfg.Hall != demoHallCode || hub.URL(cfg.Hub.Address, true) != h.hubURL || err != nil || string(key) != h.hallKey {
			t.Errorf("%s: role %s, hall %s, hub %s, hall key %v; want the demo's", a.Role, cfg.Role, cfg.Hall, cfg.Hub.Address, err)
		}
		if a.Role == config.RoleKiosk {
			continue // it runs in the demo's process, on the demo's own store
		}
		term, err := bootTerminal(ctx, bootSpec{role: a.Role, what: string(a.Role), path: path, sample: true}, io.Discard)
		if err != nil {
			t.Errorf("%s: the configuration does not boot: %v", a.Role, err)
			continue
		}
		term.close()
	}

	made, err := kiosk.Config()
	if err != nil {
		t.Fatal(err)
	}
	if d := made.Devices; d.IDCard == nil || d.IDCard.Port != h.kioskSims.Path(simctl.IDReader) || d.IDCard.Baud != 115200 ||
		d.Printer == nil || d.Printer.Port != h.kioskSims.Path(simctl.Printer) || !d.Printer.NativeQR ||
		d.Scanner == nil || d.Scanner.Port != h.kioskSims.Path(simctl.Scanner) || d.Scanner.Baud != 9600 {
		t.Errorf("the kiosk's devices are %+v; want its simulators", d)
	}
	_, cfg, err := h.writeConfig(window)
	if err != nil {
		t.Fatal(err)
	}
	if w, d := cfg.Window, cfg.Devices; w.Number != 1 || len(w.Categories) == 0 ||
		d.QueueBus == nil || d.QueueBus.Port != h.windowSims[1].Path(simctl.QueueBus) ||
		d.Printer == nil || d.Printer.Port != h.windowSims[1].Path(simctl.Printer) || !d.Printer.NativeQR {
		t.Errorf("window %d, categories %v, devices %+v; want window 1's with the window simulators", w.Number, w.Categories, d)
	}
}

// startTestDemoHall starts the demo's hub and simulators in a temporary
// folder, closed when the test ends.
func startTestDemoHall(t *testing.T) (context.Context, *demoHall) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h, err := startDemoHall(ctx, t.TempDir(), "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.close)
	return ctx, h
}

// TestDemoRoutesCommandsToTheirTerminal: the prompt drives the windows'
// devices too. "rate 21 5" once went to the kiosk's bus, and window 1
// waited for its rating for ever.
func TestDemoRoutesCommandsToTheirTerminal(t *testing.T) {
	t.Parallel()
	ctx, h := startTestDemoHall(t)
	tests := []struct {
		line string
		want *simctl.Set
		cmd  string
	}{
		{"rate 21 5", h.windowSims[1], "rate 21 5"},
		{"rate 22 1", h.windowSims[2], "rate 22 1"},
		{"press 12 next", h.windowSims[2], "press 12 next"},
		{"w1 place 2", h.windowSims[1], "place 2"},
		{"W2 paper out", h.windowSims[2], "paper out"},
		{"place 2", h.kioskSims, "place 2"},
		{"rate 23 5", h.kioskSims, "rate 23 5"}, // window 3 has no terminal in the demo
		{"paper out", h.kioskSims, "paper out"},
	}
	for _, tt := range tests {
		got, cmd, err := h.route(tt.line)
		if err != nil || got != tt.want || cmd != tt.cmd {
			t.Errorf("%q went to %p as %q (%v); want %p as %q", tt.line, got, cmd, err, tt.want, tt.cmd)
		}
	}
	if _, _, err := h.route("w7 place 1"); err == nil {
		t.Error("a window without a terminal took a command")
	}
	// The rating reaches window 1's rating pad, not the kiosk's bus.
	var out strings.Builder
	in := strings.NewReader("w2 paper out\nrate 21 5\n")
	if err := h.console(ctx, in, &out); !errors.Is(err, io.EOF) {
		t.Fatalf("console: %v", err)
	}
	if shown, _ := h.windowSims[2].Exec("pages"); out.Len() == 0 || strings.Contains(out.String(), "error") {
		t.Errorf("the console answered %q (window 2's pages: %q)", out.String(), shown)
	}
	folders := h.pageFolders()
	for _, f := range folders {
		if st, err := os.Stat(f); err != nil || !st.IsDir() {
			t.Errorf("the pages folder %s: %v", f, err)
		}
	}
	if d := h.describePages(); !strings.Contains(d, folders[1]) || !strings.Contains(d, folders[2]) {
		t.Errorf("the demo names the windows' page folders as %q", d)
	}
}

// TestDemoStartsItselfUnderXvfb: without a display, the demo runs itself
// under xvfb-run when it is there, instead of telling the newcomer to.
func TestDemoStartsItselfUnderXvfb(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv(demoXvfbEnv, "")
	defer func(l func(string) (string, error), e func([]string, []string) error) { lookPath, execProgram = l, e }(lookPath, execProgram)
	lookPath = func(name string) (string, error) { return "/usr/bin/" + name, nil }
	var argv, env []string
	execProgram = func(a, e []string) error { argv, env = a, e; return errors.New("exec stopped by the test") }
	code, _, errOut := runArgs(t, "demo", "-no-central")
	exe, _ := os.Executable()
	want := []string{"/usr/bin/xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", exe, "demo", "-no-central"}
	if !slices.Equal(argv, want) || !slices.Contains(env, demoXvfbEnv+"=1") {
		t.Errorf("the demo ran %q; want %q with %s=1", argv, want, demoXvfbEnv)
	}
	if code != 1 || !strings.Contains(errOut, "virtual") || !strings.Contains(errOut, "exec stopped by the test") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	// Started so already and still no display: the advice, not a loop.
	t.Setenv(demoXvfbEnv, "1")
	argv = nil
	if code, _, errOut := runArgs(t, "demo"); code != 1 || argv != nil || !strings.Contains(errOut, "xvfb-run -a") {
		t.Errorf("under xvfb-run without a display: exit %d, ran %q, stderr %q", code, argv, errOut)
	}
}

// TestDemoKeepsPrintedPages: a demo without -dir keeps its printed pages
// past its temporary folder, and says where; with nothing printed it
// leaves no folder behind.
func TestDemoKeepsPrintedPages(t *testing.T) {
	t.Parallel()
	empty, printed := t.TempDir(), t.TempDir()
	for _, d := range []string{empty, printed} {
		if err := os.MkdirAll(filepath.Join(d, "window1"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(printed, "window1", "page-001.png"), "png", 0o644)
	var out strings.Builder
	keepPages(empty, &out)
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) || out.Len() != 0 {
		t.Errorf("with nothing printed: %v, said %q", err, out.String())
	}
	keepPages(printed, &out)
	if _, err := os.Stat(filepath.Join(printed, "window1", "page-001.png")); err != nil || !strings.Contains(out.String(), "printed pages (1) are kept in "+printed) {
		t.Errorf("with a page printed: %v, said %q", err, out.String())
	}
}
