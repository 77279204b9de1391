package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/app/store"
	"onewindow/device/probe"
	"onewindow/sync/netcheck"
)

func init() {
	register(command{
		name:    "doctor",
		summary: "check this terminal: configuration, database, disk, devices, hub, central, outbox, clock",
		run:     runDoctor,
	})
}

const doctorUsage = `Usage: onewindow doctor [-config FILE] [-json]

Checks this terminal and prints one line per item with its verdict (ok,
warn, FAIL, skip) and, under each that is not well, the next step:
configuration, database integrity, disk space, every configured device,
the hall hub, the central platform and its TLS pin, the outbox, and the
clock against central's. Exits 1 when any item fails, 0 otherwise, 2 when
called wrongly. It changes nothing: the database is opened read-only.
`

func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("doctor", doctorUsage)
	path := configFlag(fs)
	asJSON := fs.Bool("json", false, "print the report as JSON (for scripts and central)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long each network check may take")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	r := diagnose(ctx, *path, doctorOptions{net: netcheck.Options{Timeout: *timeout}})
	write := r.WriteText
	if *asJSON {
		write = r.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintf(stderr, "onewindow doctor: %v\n", err)
		return 1
	}
	if r.Failed() {
		return 1
	}
	return 0
}

// doctorOptions let tests shorten the device timeouts and fix the clock.
type doctorOptions struct {
	net   netcheck.Options
	probe probe.Options
	now   func() time.Time
	// devices, when set, checks the devices instead of probing them: a
	// running role holds its ports, and a probe would talk over its
	// conversation with the device (the technician page of a kiosk).
	devices func() []health.Check
}

// terminalDatabase is the terminal's database file in its data folder.
func terminalDatabase(cfg *config.Config) string {
	return filepath.Join(cfg.Paths.DataDir, "onewindow.db")
}

// diagnose runs every check in the order a technician fixes things: a
// terminal without a valid configuration cannot be examined further, and a
// device is worth testing only once the files are in order.
func diagnose(ctx context.Context, path string, opt doctorOptions) health.Report {
	if opt.now == nil {
		opt.now = time.Now
	}
	r := health.Report{At: opt.now()}
	cfgCheck, cfg := health.Config(path)
	r.Add(cfgCheck)
	if cfg == nil {
		for _, name := range []string{"database integrity", "disk space", "devices", "hall hub", "central platform", "outbox", "holiday calendar", "crypto suite", "clock"} {
			r.Add(health.Check{Name: name, Verdict: health.Skip, Detail: "not checked: the configuration is not valid"})
		}
		return r
	}
	r.Terminal = cfg.Terminal
	r.At = r.At.In(cfg.Zone()) // the report's time is the hall's, like every other
	if cfg.Hall != "" {
		r.Terminal += " in hall " + cfg.Hall
	}
	if cfg.Role == config.RoleCentral {
		r.Add(health.Disk(cfg.Paths.DataDir))
		return r
	}
	db := terminalDatabase(cfg)
	r.Add(store.CheckDatabase(ctx, db))
	r.Add(health.Disk(cfg.Paths.DataDir))
	if opt.devices != nil {
		r.Add(opt.devices()...)
	} else {
		r.Add(probe.Check(ctx, cfg, opt.probe)...)
	}
	r.Add(netcheck.Hub(ctx, cfg, opt.net))
	base, ca := cfg.Central.URL, []byte(nil)
	enr, enrolled, err := store.ReadEnrolment(ctx, db)
	if err == nil && enrolled {
		base, ca = enr.Central, enr.CAPEM
	}
	central := netcheck.CentralChecks(ctx, base, ca, enrolled, opt.net)
	if err != nil {
		// Without the enrolment the pin is unknown: saying "not enrolled"
		// would send the technician the wrong way.
		central[0] = health.Check{Name: "central platform", Verdict: health.Skip,
			Detail: "not checked: the enrolment cannot be read from the database (see database integrity)"}
	}
	r.Add(central[0])
	r.Add(store.CheckOutbox(ctx, db, opt.now()))
	if cfg.Role != config.RoleDisplay { // the hall screen counts no due dates and holds no cases
		r.Add(store.CheckCalendar(ctx, db, opt.now()))
		r.Add(store.CheckRetention(ctx, db, opt.now(), cfg.Paths.Retention()))
		r.Add(store.CheckCryptoSuite(ctx, db))
	}
	r.Add(central[1])
	return r
}
