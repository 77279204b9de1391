package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kioskConfig writes a kiosk's configuration in a temporary folder.
func kioskConfig(t *testing.T) (path, dir string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "kiosk.toml")
	write(t, path, `role = "kiosk"
hall = "330106"
terminal = "K01"
[hub]
address = "127.0.0.1:7100"
hall_key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
[central]
url = "http://127.0.0.1:7200"
[paths]
data_dir = "data"
[devices.idcard]
port = "/dev/ttyUSB0"
[devices.printer]
port = "/dev/ttyUSB1"
`, 0o600)
	return path, dir
}

func TestKioskSetPINKeepsOnlyAHash(t *testing.T) {
	path, dir := kioskConfig(t)
	var out, errOut bytes.Buffer
	if code := kioskMain(context.Background(), []string{"-set-pin", "-config", path}, strings.NewReader("24681357\n"), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	file := filepath.Join(dir, "data", "technician.pin")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "24681357") {
		t.Fatalf("the PIN file holds the PIN itself: %q", data)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("the PIN file is %v, want 0600", st.Mode().Perm())
	}
	pin, err := readTechnicianPIN(file)
	if err != nil || !pin.Matches("24681357") || pin.Matches("24681358") {
		t.Errorf("the stored PIN does not match as it should (err %v)", err)
	}
	for _, bad := range []string{"1234", "12ab5678", ""} {
		errOut.Reset()
		if code := kioskMain(context.Background(), []string{"-set-pin", "-config", path}, strings.NewReader(bad+"\n"), &out, &errOut); code != 2 {
			t.Errorf("PIN %q: exit %d, want 2 (%s)", bad, code, errOut.String())
		}
	}
}

func TestNoPINFileMeansNoPIN(t *testing.T) {
	pin, err := readTechnicianPIN(filepath.Join(t.TempDir(), "technician.pin"))
	if err != nil || pin != "" {
		t.Errorf("a missing PIN file gave %q, %v; want no PIN and no error", pin, err)
	}
	bad := filepath.Join(t.TempDir(), "technician.pin")
	write(t, bad, "123456\n", 0o600)
	if _, err := readTechnicianPIN(bad); err == nil {
		t.Errorf("a PIN file holding a bare PIN was accepted")
	}
}

// TestScreensWithoutADisplaySayHowToRunUnderXvfb: a headless machine gets
// advice, not a crash in the graphics library.
func TestScreensWithoutADisplaySayHowToRunUnderXvfb(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	// As if already started under xvfb-run, which the demo otherwise does
	// itself (TestDemoStartsItselfUnderXvfb).
	t.Setenv("ONEWINDOW_DEMO_XVFB", "1")
	path, _ := kioskConfig(t)
	for _, args := range [][]string{{"demo"}, {"kiosk", "-config", path, "-sample"}} {
		code, _, errOut := runArgs(t, args...)
		if code != 1 || !strings.Contains(errOut, "xvfb-run") {
			t.Errorf("onewindow %s: exit %d, stderr %q; want 1 and the xvfb-run advice", args[0], code, errOut)
		}
	}
}
