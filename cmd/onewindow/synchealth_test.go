package main

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app/config"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
)

// TestRunningTerminalReportsItsHealthToCentral: a window terminal wired as
// `onewindow window` wires it (its own serial ports, its link) sends its
// health with a sync over HTTP, and `central terminals -hall` lists it
// with its role, last sync and the failing check with the next step. The
// report carries none of the applicant's personal data that the terminal
// holds.
func TestRunningTerminalReportsItsHealthToCentral(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newBench(t)
	cfg := b.printerMissing(t)
	st, err := openTerminalStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.DiscardHandler)
	devs, err := openWindowDevices(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer devs.close()
	l, err := link.New(ctx, st, syncOptions(log, b.config, config.RoleWindow, &devs.serialDevices))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	applicant := scene.Applicant(1)
	scene.TakeIn(t, st, "GA-001", 1)
	if err := l.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runArgs(t, "central", "terminals", "-db", filepath.Join(b.dir, "central.db"), "-hall", scene.Hall)
	if code != 0 {
		t.Fatalf("central terminals: exit %d\n%s%s", code, out, errOut)
	}
	t.Log("\n" + out)
	lines := strings.Split(out, "\n")
	if len(lines) < 2 || !strings.Contains(lines[1], scene.Terminal) || !strings.Contains(lines[1], " window ") ||
		strings.Count(lines[1], "never") != 0 || !strings.Contains(lines[1], "FAIL: receipt printer") {
		t.Errorf("want the window terminal listed with its role, last seen and last sync, and the failing printer:\n%s", out)
	}
	for _, want := range []string{"[FAIL] receipt printer: could not be opened when the terminal started: receipt printer on " + filepath.Join(b.dir, "ttyNOPE"), "→ check the device's cable"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q under the terminal:\n%s", want, out)
		}
	}
	for _, ok := range []string{"ID-card reader", "queue bus", "hall hub", "outbox", "database integrity"} {
		if strings.Contains(out, "] "+ok+":") {
			t.Errorf("%s is listed as not well:\n%s", ok, out)
		}
	}
	// What central stored is the checks, without the applicant.
	var report string
	db, err := sql.Open("sqlite", filepath.Join(b.dir, "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT report FROM terminal_health WHERE terminal = ?`, scene.Terminal).Scan(&report); err != nil {
		t.Fatal(err)
	}
	for _, pd := range []string{applicant.Name, string(applicant.IDNumber), applicant.Phone} {
		if pd != "" && strings.Contains(report, pd) {
			t.Errorf("the health report holds personal data %q:\n%s", pd, report)
		}
	}
	if !strings.Contains(report, "quick_check ok") {
		t.Errorf("want the cheap database check in a running terminal's report:\n%s", report)
	}
	if code, _, errOut := runArgs(t, "central", "terminals", "-db", filepath.Join(b.dir, "central.db"), "-hall", "999999"); code != 1 || !strings.Contains(errOut, "no terminal of it was ever enrolled") {
		t.Errorf("a hall with no terminals: exit %d %q; want 1 saying so", code, errOut)
	}
}

// TestTerminalListSaysWhoIsSilent: a terminal not heard from for a while is
// marked so in the list, with the last health it reported.
func TestTerminalListSaysWhoIsSilent(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	writeTerminals(&out, []central.Terminal{
		{ID: "330106K01", Hall: "330106", LastSeen: time.Now().Add(-3 * time.Hour)},
		{ID: "330106K02", Hall: "330106", LastSeen: time.Now().Add(-time.Minute)},
		{ID: "330106K03", Hall: "330106"},
		{ID: "330106H01", Hall: "330106", EnrolledAs: central.RoleKiosk, Role: "hub"},
	})
	lines := strings.Split(out.String(), "\n")
	if !strings.Contains(lines[1], "silent for 3 hours; last: not reported") || strings.Contains(lines[2], "silent") || strings.Contains(lines[3], "silent") {
		t.Errorf("want only the terminal quiet for 3 hours marked silent:\n%s", out.String())
	}
	if !strings.Contains(lines[4], " kiosk ") || !strings.Contains(lines[4], "reports itself as hub") {
		t.Errorf("want a terminal enrolled as a kiosk that says it is the hub shown so:\n%s", out.String())
	}
}
