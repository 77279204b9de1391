package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/device/sim/simctl"
)

// printerMissing moves the bench's receipt printer to a port that is not
// there, and loads the configuration so changed.
func (b *bench) printerMissing(t *testing.T) *config.Config {
	t.Helper()
	text, _ := os.ReadFile(b.config)
	write(t, b.config, strings.Replace(string(text), b.sims.Path(simctl.Printer), filepath.Join(b.dir, "ttyNOPE"), 1), 0o644)
	cfg, err := config.Load(b.config)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestTechnicianReportIsTheDoctors: the report a running terminal's
// technician page shows has the doctor's checks, in the doctor's order,
// with a device the terminal could not open failing with its next step,
// and the ports the terminal holds reported as held, not probed.
func TestTechnicianReportIsTheDoctors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newBench(t)
	cfg := b.printerMissing(t)
	devs, err := openWindowDevices(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer devs.close()

	page := technicianReport(b.config, &devs.serialDevices)(ctx)
	doctor, _ := b.doctor(t)

	names := func(r health.Report, devices bool) []string {
		var out []string
		for _, c := range r.Checks {
			isDevice := strings.Contains(c.Detail, "/dev/") || strings.Contains(c.Detail, b.dir) || strings.Contains(c.Next, "setup -discover")
			if isDevice == devices {
				out = append(out, c.Name)
			}
		}
		return out
	}
	if got, want := names(page, false), names(doctor, false); !slices.Equal(got, want) {
		t.Errorf("the page's checks other than devices should be the doctor's:\n page   %q\n doctor %q", got, want)
	}
	if page.Terminal != doctor.Terminal || page.Terminal == "" {
		t.Errorf("terminal: page %q, doctor %q", page.Terminal, doctor.Terminal)
	}
	var printer *health.Check
	for i, c := range page.Checks {
		if strings.Contains(c.Detail, "ttyNOPE") {
			printer = &page.Checks[i]
		}
	}
	if printer == nil || printer.Verdict != health.Fail || printer.Next == "" {
		t.Fatalf("the printer that could not be opened should fail with a next step: %+v", page.Checks)
	}
	if c := verdictOf(page, "ID-card reader"); c.Verdict != health.OK || !strings.Contains(c.Detail, "open and in use") {
		t.Errorf("the reader the terminal holds should be reported as held, not probed: %+v", c)
	}
	for _, name := range []string{"hall hub", "central platform", "outbox", "clock"} {
		if c := verdictOf(page, name); c.Verdict != health.OK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if !page.Failed() {
		t.Error("the page's report should fail as the doctor's would")
	}
}
