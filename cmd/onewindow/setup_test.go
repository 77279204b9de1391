package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/device/sim/simctl"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

func TestSetupDiscoversTheSimulatedDevices(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sims, err := simctl.Start(simctl.Config{Dir: dir, PaperDots: 576})
	if err != nil {
		t.Fatal(err)
	}
	defer sims.Close()
	code, out, errOut := runArgs(t, "setup", "-discover", "-ports", filepath.Join(dir, "*"), "-probe-timeout", "100ms")
	if code != 0 {
		t.Fatalf("setup -discover: exit %d, %s", code, errOut)
	}
	for _, want := range []string{
		sims.Path(simctl.IDReader) + "  ID-card reader at 115200 baud (security module",
		sims.Path(simctl.Printer) + "   ticket printer at 9600 baud (status: ready)",
		sims.Path(simctl.QueueBus) + "  queue bus at 9600 baud (1 window display",
		"11 caller keypad", "23 rating pad",
		sims.Path(simctl.Scanner) + "   no answer as ticket printer at 9600/115200",
		"a QR scanner never answers",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in the discovery, got:\n%s", want, out)
		}
	}
}

func TestSetupWritesAValidConfigurationOrNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sims, err := simctl.Start(simctl.Config{Dir: dir, PaperDots: 576})
	if err != nil {
		t.Fatal(err)
	}
	defer sims.Close()
	cfgPath := filepath.Join(dir, "etc", "onewindow.toml")
	base := []string{"setup", "-config", cfgPath, "-role", "window", "-hall", "330106", "-hub", "192.168.10.2:7100",
		"-hall-key", benchHallKey, "-central", "https://central.example.org", "-data", filepath.Join(dir, "data"),
		"-window", "1", "-categories", "A,H", "-scanner", sims.Path(simctl.Scanner)}

	// A bad terminal code and a bad rate: each named, nothing written.
	code, out, _ := runArgs(t, append(base, "-terminal", "w-1", "-printer", "/dev/ttyUSB1@9601")...)
	if code != 1 || !strings.Contains(out, "nothing was written") || !strings.Contains(out, "-terminal (terminal)") || !strings.Contains(out, "9601 is not a rate") {
		t.Fatalf("bad answers: want exit 1 naming -terminal and the rate, got %d:\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "etc")); !os.IsNotExist(err) {
		t.Fatalf("bad answers must write nothing, yet %s/etc exists (%v)", dir, err)
	}

	code, out, errOut := runArgs(t, append(base, "-terminal", "W01", "-auto", "-ports", filepath.Join(dir, "*"), "-probe-timeout", "100ms")...)
	if code != 0 {
		t.Fatalf("good answers: want exit 0, got %d:\n%s%s", code, out, errOut)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatalf("the written configuration does not load: %v", err)
	}
	if cfg.Devices.IDCard == nil || cfg.Devices.IDCard.Port != sims.Path(simctl.IDReader) || cfg.Devices.QueueBus.Port != sims.Path(simctl.QueueBus) {
		t.Errorf("-auto: want the discovered reader and bus in the configuration, got %+v", cfg.Devices)
	}
	raw, _ := os.ReadFile(cfgPath)
	if strings.Contains(string(raw), benchHallKey) {
		t.Errorf("the hall key must go to hall.key, not into the configuration:\n%s", raw)
	}
	if fi, err := os.Stat(filepath.Join(dir, "etc", "hall.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("hall.key: want mode 600, got %v %v", fi, err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "etc", ".*.tmp")); len(m) > 0 {
		t.Errorf("temporary files left behind: %v", m)
	}

	// Once written, it is not replaced without -force.
	code, _, errOut = runArgs(t, append(base, "-terminal", "W02", "-idcard", "/dev/ttyUSB0", "-printer", "/dev/ttyUSB1", "-queuebus", "/dev/ttyUSB2")...)
	if code != 1 || !strings.Contains(errOut, "-force") {
		t.Errorf("second set-up without -force: want exit 1 pointing at -force, got %d %q", code, errOut)
	}
	if c, _ := config.Load(cfgPath); c == nil || c.Terminal != "W01" {
		t.Errorf("the configuration changed without -force: %+v", c)
	}

	// The device tests, against the simulators.
	sims.Exec("place 0")
	if code, out, _ := runArgs(t, "setup", "-config", cfgPath, "-test", "idcard", "-wait", "5s"); code != 0 || !strings.Contains(out, "ok: read the card of ") || !strings.Contains(out, "*") {
		t.Errorf("-test idcard: want a masked card, got %d:\n%s", code, out)
	}
	pages := len(sims.Printer.Pages())
	if code, out, _ := runArgs(t, "setup", "-config", cfgPath, "-test", "printer"); code != 0 || len(sims.Printer.Pages()) != pages+1 {
		t.Errorf("-test printer: want one more page printed, got exit %d, %d pages:\n%s", code, len(sims.Printer.Pages())-pages, out)
	}
	if code, out, _ := runArgs(t, "setup", "-config", cfgPath, "-test", "display"); code != 0 || sims.Bus.Shown(1) != "A001 请到1号窗口" {
		t.Errorf("-test display: want A001 on display 1, got %q (exit %d):\n%s", sims.Bus.Shown(1), code, out)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		sims.Exec("press 11 next")
	}()
	if code, out, _ := runArgs(t, "setup", "-config", cfgPath, "-test", "caller", "-wait", "10s"); code != 0 || !strings.Contains(out, `key "call next"`) {
		t.Errorf("-test caller: want the key pressed, got %d:\n%s", code, out)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		sims.Exec("rate 21 5")
	}()
	if code, out, _ := runArgs(t, "setup", "-config", cfgPath, "-test", "rating", "-wait", "10s"); code != 0 || !strings.Contains(out, "rating 5 (非常满意") {
		t.Errorf("-test rating: want rating 5, got %d:\n%s", code, out)
	}
	if code, out, _ := runArgs(t, "setup", "-config", cfgPath, "-test", "caller", "-wait", "500ms"); code != 1 || !strings.Contains(out, "no key was pressed") {
		t.Errorf("-test caller with nobody pressing: want exit 1 saying so, got %d:\n%s", code, out)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		sims.Exec("scan https://zwfw.example/case/330106K01-20261123-0001")
	}()
	if code, out, _ := runArgs(t, "setup", "-config", cfgPath, "-test", "scanner", "-wait", "10s"); code != 0 || !strings.Contains(out, "scanned a code of") {
		t.Errorf("-test scanner: want the scan seen, got %d:\n%s", code, out)
	}
}

func TestSetupEnrol(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	// A second terminal of the same hall, not yet enrolled.
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "onewindow.toml")
	if code, out, errOut := runArgs(t, "setup", "-config", cfgPath, "-role", "display", "-hall", scene.Hall, "-terminal", "330106D01",
		"-hub", "192.168.10.2:7100", "-hall-key", benchHallKey, "-data", filepath.Join(dir, "data")); code != 0 {
		t.Fatalf("writing the display's configuration: %d %s %s", code, out, errOut)
	}
	c := scene.Central(t, filepath.Join(dir, "central.db"), app.SystemClock{})
	srv := scene.Serve(t, c, central.ServerOptions{})
	code, _, err := c.CreateEnrolCode(context.Background(), scene.Hall, "330106D01", central.RoleDisplay, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bundle := func(name string, bd wire.Bundle) string {
		p := filepath.Join(dir, name)
		data, _ := json.Marshal(bd)
		write(t, p, string(data), 0o600)
		return p
	}
	good := bundle("good.json", wire.Bundle{Central: srv.URL, Terminal: "330106D01", Hall: scene.Hall, Code: code})
	tests := []struct {
		name, bundle string
		want         int
		say          string
	}{
		{"not a bundle", bundle("junk.json", wire.Bundle{}), 1, "is not an enrolment bundle"},
		{"another terminal's bundle", bundle("other.json", wire.Bundle{Central: srv.URL, Terminal: "330106K09", Code: code}), 1, "is for terminal 330106K09"},
		{"central unreachable", bundle("dead.json", wire.Bundle{Central: b.central.URL + "0", Terminal: "330106D01", Code: code}), 1, "central cannot be reached"},
		{"wrong code", bundle("wrong.json", wire.Bundle{Central: srv.URL, Terminal: "330106D01", Code: "AAAA-BBBB-CCCC-DDDD"}), 1, "refused the one-time code"},
		{"right code", good, 0, "enrolled terminal 330106D01"},
		{"used code", good, 1, "used already"},
	}
	for _, tt := range tests {
		got, out, errOut := runArgs(t, "setup", "-config", cfgPath, "-enrol", tt.bundle, "-timeout", "3s")
		if got != tt.want || !strings.Contains(out, tt.say) {
			t.Errorf("%s: want exit %d saying %q, got %d:\n%s%s", tt.name, tt.want, tt.say, got, out, errOut)
		}
	}
	// The terminal's log tells the story, without the one-time code.
	logText, err := os.ReadFile(filepath.Join(dir, "data", "logs", "onewindow.log"))
	if err != nil || !strings.Contains(string(logText), "enrolled with central") || !strings.Contains(string(logText), "enrolment failed") {
		t.Errorf("want the enrolments logged in the terminal's log, got %v:\n%s", err, logText)
	}
	if strings.Contains(string(logText), code) || strings.Contains(string(logText), strings.ReplaceAll(code, "-", "")) {
		t.Errorf("the log holds the one-time code:\n%s", logText)
	}
}

func TestSetupUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"setup"}, {"setup", "-discover", "-test", "printer"}, {"setup", "extra"}} {
		if code, _, errOut := runArgs(t, args...); code != 2 || !strings.Contains(errOut, "onewindow setup -h") {
			t.Errorf("%v: want exit 2 pointing at the help, got %d %q", args, code, errOut)
		}
	}
}
