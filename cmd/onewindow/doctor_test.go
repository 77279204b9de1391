package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/app/pii"
	"onewindow/app/setup"
	"onewindow/app/store"
	"onewindow/device/probe"
	"onewindow/device/sim/simctl"
	"onewindow/sync/central"
	"onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/scene"
)

// bench is a window terminal on a test bench: simulated devices on ptys, a
// real hub over httptest, a real central on loopback, and the terminal's
// configuration file pointing at all of them.
type bench struct {
	dir, config string
	sims        *simctl.Set
	hub         *httptest.Server
	central     *httptest.Server
	cfg         *config.Config
}

const benchHallKey = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"

func newBench(t *testing.T) *bench {
	t.Helper()
	b := &bench{dir: t.TempDir()}
	sims, err := simctl.Start(simctl.Config{Dir: b.dir, PaperDots: 576})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sims.Close)
	b.sims = sims

	hubStore, err := store.Open(context.Background(), filepath.Join(b.dir, "hub.db"), store.Options{Terminal: "H01", Keys: scene.Keys(t, 5)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hubStore.Close() })
	if err := store.LoadSample(context.Background(), hubStore); err != nil {
		t.Fatal(err)
	}
	h, err := hub.New(hubStore, benchHallKey, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	// The hub speaks TLS with the hall's certificate, as set-up makes it.
	var certPEM []byte
	b.hub, certPEM = scene.ServeHubTLS(t, h.Handler())
	write(t, filepath.Join(b.dir, setup.HubCertFileName), string(certPEM), 0o644)

	c := scene.Central(t, filepath.Join(b.dir, "central.db"), app.SystemClock{})
	b.central = scene.Serve(t, c, central.ServerOptions{})

	write(t, filepath.Join(b.dir, "hall.key"), benchHallKey+"\n", 0o600)
	b.config = filepath.Join(b.dir, "onewindow.toml")
	write(t, b.config, fmt.Sprintf(`role = "window"
hall = %q
terminal = %q
[hub]
address = %q
hall_key_file = "hall.key"
certificate_file = "hub.pem"
[central]
url = %q
[paths]
data_dir = "data"
[devices.idcard]
port = %q
[devices.printer]
port = %q
[devices.queuebus]
port = %q
[devices.scanner]
port = %q
[window]
number = 1
categories = ["A"]
`, scene.Hall, scene.Terminal, strings.TrimPrefix(b.hub.URL, "https://"), b.central.URL,
		sims.Path(simctl.IDReader), sims.Path(simctl.Printer), sims.Path(simctl.QueueBus), sims.Path(simctl.Scanner)), 0o644)
	if b.cfg, err = config.Load(b.config); err != nil {
		t.Fatal(err)
	}
	// The terminal, a window, has run once and been enrolled.
	st, err := openTerminalStore(context.Background(), b.cfg)
	if err != nil {
		t.Fatal(err)
	}
	scene.EnrolAs(t, c, b.central.URL, st, link.Options{}, central.RoleWindow)
	// Its holiday calendar covers this year and the next, whenever the
	// test runs (the doctor fails a calendar that ends within 60 days).
	this := time.Now().Year()
	if err := st.ReplaceCalendar(context.Background(), calendarOf(this, this+1)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return b
}

// calendarOf is a holiday calendar of the years given: New Year's Day off
// in each, which is enough for the calendar to cover them.
func calendarOf(years ...int) []app.CalendarDay {
	var days []app.CalendarDay
	for _, y := range years {
		days = append(days, app.CalendarDay{Date: app.Date(fmt.Sprintf("%04d-01-01", y)), Kind: app.Holiday, Name: app.Text{Zh: "元旦", En: "New Year's Day"}})
	}
	return days
}

// oldCalendar leaves the terminal with last year's calendar only.
func oldCalendar(t *testing.T, b *bench) {
	t.Helper()
	st, err := openTerminalStore(context.Background(), b.cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.ReplaceCalendar(context.Background(), calendarOf(time.Now().Year()-1)); err != nil {
		t.Fatal(err)
	}
}

func (b *bench) doctor(t *testing.T) (health.Report, string) {
	t.Helper()
	r := diagnose(context.Background(), b.config, doctorOptions{probe: fastProbe})
	var out strings.Builder
	r.WriteText(&out)
	return r, out.String()
}

func verdictOf(r health.Report, name string) health.Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return health.Check{Name: name, Verdict: -1, Detail: "not in the report"}
}

func TestDoctorOnAHealthyTerminal(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	code, out, errOut := runArgs(t, "doctor", "-config", b.config)
	if code != 0 {
		t.Fatalf("a healthy terminal: want exit 0, got %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"[ok  ] configuration", "[ok  ] database integrity", "[ok  ] disk space",
		"[ok  ] ID-card reader", "[ok  ] ticket printer", "[ok  ] queue bus", "[ok  ] QR scanner",
		"[ok  ] hall hub", "[ok  ] central platform", "[ok  ] outbox", "[ok  ] holiday calendar", "[ok  ] clock",
		"[ok  ] personal data retention", "[ok  ] crypto suite", "All 14 checks passed.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in doctor's output, got:\n%s", want, out)
		}
	}
	t.Log("\n" + out)
	// -json says the same to a script.
	code, out, _ = runArgs(t, "doctor", "-config", b.config, "-json")
	var r health.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || len(r.Checks) != 14 || r.Worst() != health.OK {
		t.Fatalf("doctor -json: want 14 ok checks and exit 0, got exit %d, %v, %s", code, err, out)
	}
}

func TestDoctorNamesEachFaultAndTheNextStep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		breakIt func(t *testing.T, b *bench)
		check   string
		want    health.Verdict
		next    string
	}{
		{"paper out", func(t *testing.T, b *bench) { b.sims.Exec("paper out") }, "ticket printer", health.Fail, "new paper roll"},
		{"paper near end", func(t *testing.T, b *bench) { b.sims.Exec("paper near") }, "ticket printer", health.Warn, "nearly used up"},
		{"card reader unplugged", func(t *testing.T, b *bench) { b.sims.Exec("vanish idreader") }, "ID-card reader", health.Fail, "setup -discover"},
		{"caller keypad off", func(t *testing.T, b *bench) { b.sims.Exec("power 11 off") }, "queue bus", health.Fail, "caller +10"},
		{"reader not answering", func(t *testing.T, b *bench) { b.sims.Exec("fault idreader noreply 10") }, "ID-card reader", health.Fail, "switch the device on"},
		{"hub down", func(t *testing.T, b *bench) { b.hub.Close() }, "hall hub", health.Fail, "LAN cable"},
		{"central down", func(t *testing.T, b *bench) { b.central.Close() }, "central platform", health.Warn, "WAN"},
		{"database damaged", func(t *testing.T, b *bench) { damage(t, terminalDatabase(b.cfg)) }, "database integrity", health.Fail, "restore"},
		{"outbox stuck for days", func(t *testing.T, b *bench) { oldOutbox(t, b.cfg, 4*24*time.Hour) }, "outbox", health.Fail, "days"},
		{"calendar ended", oldCalendar, "holiday calendar", health.Fail, "central publish calendar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBench(t)
			tt.breakIt(t, b)
			r, out := b.doctor(t)
			t.Log("\n" + out)
			c := verdictOf(r, tt.check)
			if c.Verdict != tt.want || !strings.Contains(c.Next, tt.next) {
				t.Errorf("%s: want %s with a next step mentioning %q, got %+v\n%s", tt.check, tt.want, tt.next, c, out)
			}
			if tt.want == health.Fail && !r.Failed() {
				t.Errorf("want the report to fail")
			}
			if tt.want == health.Fail && !strings.Contains(out, "→ "+c.Next) {
				t.Errorf("want the next step printed under the item, got:\n%s", out)
			}
		})
	}
}

func TestDoctorOnBadConfigurations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	write(t, bad, "role = \"kiosk\"\nterminal = \"k-1\"\n", 0o644)
	notToml := filepath.Join(dir, "garbage.toml")
	write(t, notToml, "\x00\x01 this is = = not toml", 0o644)
	for _, tt := range []struct{ path, detail, next string }{
		{bad, "problem(s)", "onewindow config check " + bad},
		{notToml, "problem(s)", "onewindow config check"},
		{filepath.Join(dir, "absent.toml"), "does not exist", "onewindow setup"},
	} {
		code, out, _ := runArgs(t, "doctor", "-config", tt.path)
		if code != 1 || !strings.Contains(out, "[FAIL] configuration") || !strings.Contains(out, tt.detail) || !strings.Contains(out, tt.next) {
			t.Errorf("doctor -config %s: want exit 1 and a failed configuration saying %q and %q, got exit %d:\n%s", tt.path, tt.detail, tt.next, code, out)
		}
		if !strings.Contains(out, "[skip] database integrity  not checked") {
			t.Errorf("doctor -config %s: want the other checks skipped, got:\n%s", tt.path, out)
		}
	}
	if code, _, errOut := runArgs(t, "doctor", "extra"); code != 2 || !strings.Contains(errOut, "onewindow doctor -h") {
		t.Errorf("doctor extra: want exit 2 and a pointer to the help, got %d %q", code, errOut)
	}
}

// damage overwrites pages in the middle of a SQLite file, as a failing
// disk or a power cut during a write without FULL sync would.
func damage(t *testing.T, file string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for off := int64(4096 * 2); off+int64(len(junk)) < fi.Size(); off += 4096 * 3 {
		f.WriteAt(junk, off)
	}
}

// oldOutbox puts an operation in the terminal's outbox that has waited age.
func oldOutbox(t *testing.T, cfg *config.Config, age time.Duration) {
	t.Helper()
	clock := app.NewManualClock(time.Now().Add(-age))
	keys, err := pii.LoadOrCreate(cfg.Paths.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), terminalDatabase(cfg), store.Options{Terminal: cfg.Terminal, Keys: keys, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := store.LoadSample(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	scene.TakeIn(t, st, "GA-001", 0)
}

// fastProbe keeps a silent device from costing the tests seconds.
var fastProbe = probe.Options{Timeout: 300 * time.Millisecond}
