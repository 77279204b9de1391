package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/config"
)

// tree lists every file under dir with its contents.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			files[p+"/"] = ""
			return err
		}
		data, err := os.ReadFile(p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestBootRefusesABadConfigurationAndChangesNothing: a terminal started
// with a missing, invalid or another role's configuration, or a screen
// with no display, says what is wrong and leaves the disk as it was: no
// log folder, no data folder, no database, no key.
func TestBootRefusesABadConfigurationAndChangesNothing(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	kiosk, dir := kioskConfig(t)
	bad := filepath.Join(dir, "bad.toml")
	write(t, bad, strings.Replace(readFile(t, kiosk), `terminal = "K01"`, `terminal = "k 1"`, 1), 0o600)
	tests := []struct {
		name string
		spec bootSpec
		want []string // each must be in the error
		is   error
	}{
		{"no file", bootSpec{role: config.RoleKiosk, what: "a kiosk", path: filepath.Join(dir, "missing.toml")},
			[]string{"reading the configuration", "missing.toml"}, os.ErrNotExist},
		{"invalid", bootSpec{role: config.RoleKiosk, what: "a kiosk", path: bad, sample: true},
			[]string{"terminal", `"k 1"`}, app.ErrInvalidConfig},
		{"another role's", bootSpec{role: config.RoleWindow, what: "a window", path: kiosk, sample: true},
			[]string{kiosk, "configuration of a kiosk terminal, not of a window"}, nil},
		{"the hub with a kiosk's", bootSpec{role: config.RoleHub, what: "the hub", path: kiosk},
			[]string{"configuration of a kiosk terminal, not of the hub"}, nil},
		{"a screen without a display", bootSpec{role: config.RoleKiosk, what: "a kiosk", path: kiosk, screen: true, sample: true},
			[]string{"no display", "xvfb-run"}, nil},
	}
	for _, tt := range tests {
		before := tree(t, dir)
		term, err := bootTerminal(context.Background(), tt.spec, io.Discard)
		if err == nil {
			term.close()
			t.Errorf("%s: booted; want an error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: the error %q does not say %q", tt.name, err, w)
			}
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: the error %q is not %v", tt.name, err, tt.is)
		}
		after := tree(t, dir)
		for p := range after {
			if _, ok := before[p]; !ok {
				t.Errorf("%s: the failed boot made %s", tt.name, p)
			}
		}
		for p, data := range before {
			if after[p] != data {
				t.Errorf("%s: the failed boot changed or removed %s", tt.name, p)
			}
		}
	}
}

// TestBootGivesTheRoleWhatItNeeds: a good configuration boots into its
// configuration, log, hall key, hub address, store (with the sample hall
// when asked) and a context that ends with the process's (a signal) and
// when the terminal closes.
func TestBootGivesTheRoleWhatItNeeds(t *testing.T) {
	t.Parallel()
	path, dir := kioskConfig(t)
	ctx, signal := context.WithCancel(context.Background())
	defer signal()
	term, err := bootTerminal(ctx, bootSpec{role: config.RoleKiosk, what: "a kiosk", path: path, sample: true}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer term.close()
	if term.cfg.Terminal != "K01" || term.path != path || term.log == nil ||
		term.hallKey != "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" ||
		term.hubURL != "http://127.0.0.1:7100" {
		t.Errorf("booted %+v", term)
	}
	if h, err := term.store.Hall(term.ctx); err != nil || h.Name.Zh == "" {
		t.Errorf("the sample hall is not in the store: %+v, %v", h, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "onewindow.db")); err != nil {
		t.Errorf("the store is not in the data folder: %v", err)
	}
	if term.ctx.Err() != nil {
		t.Fatal("the terminal's context ended at boot")
	}
	signal()
	<-term.ctx.Done()

	// Closing ends the context of a terminal that was not signalled.
	again, err := bootTerminal(context.Background(), bootSpec{role: config.RoleKiosk, what: "a kiosk", path: path}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	again.close()
	if again.ctx.Err() == nil {
		t.Error("closing the terminal left its context running")
	}
}

// TestBootOfAHallScreenWorksWithoutItsStore: the hall screen only reads
// the hall's name from its store, so a data folder it cannot use is a
// warning in its log, not a refusal.
func TestBootOfAHallScreenWorksWithoutItsStore(t *testing.T) {
	t.Parallel()
	kiosk, dir := kioskConfig(t)
	path := filepath.Join(dir, "display.toml")
	write(t, path, strings.Replace(readFile(t, kiosk), `role = "kiosk"`, `role = "display"`, 1), 0o600)
	// A folder where the database should be: the store cannot open.
	if err := os.MkdirAll(filepath.Join(dir, "data", "onewindow.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	term, err := bootTerminal(context.Background(), bootSpec{role: config.RoleDisplay, what: "a hall screen", path: path,
		storeOptional: true}, &log)
	if err != nil {
		t.Fatal(err)
	}
	defer term.close()
	if term.store != nil || !strings.Contains(log.String(), "working without it") {
		t.Errorf("store %v, log %q; want no store and a warning", term.store, log.String())
	}
	if _, err := bootTerminal(context.Background(), bootSpec{role: config.RoleDisplay, what: "a hall screen", path: path}, io.Discard); err == nil {
		t.Error("a role that needs its store booted without it")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
