package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/app/store"
	"onewindow/device/serialport"
	"onewindow/sync/link"
	"onewindow/sync/netcheck"
)

// triedPort is a serial port a running role asked for, and what came of it.
type triedPort struct {
	name, path string
	port       *serialport.Port // nil when it could not be opened
	err        error
}

// checks says of each port the role asked for whether it holds it now.
// A running role owns its ports, so they are not probed as the doctor
// probes them (that would talk over the role's own conversation with the
// device): a port that was opened and has not vanished is in use.
func (d *serialDevices) checks() []health.Check {
	if d == nil || len(d.tried) == 0 {
		return []health.Check{{Name: "devices", Verdict: health.Skip, Detail: "this terminal has no serial devices configured"}}
	}
	var out []health.Check
	for _, t := range d.tried {
		c := health.Check{Name: t.name}
		switch {
		case t.port == nil:
			c.Verdict = health.Fail
			c.Detail = "could not be opened when the terminal started"
			if t.err != nil {
				c.Detail += ": " + t.err.Error() // names the port
			}
			c.Next = "check the device's cable and power and that " + t.path + " is the right port ('onewindow setup -discover'), then restart the terminal's service"
		case t.port.Gone():
			c.Verdict = health.Fail
			c.Detail = t.path + " vanished (unplugged or powered off); the terminal reopens it when it is back"
			c.Next = "plug the device in again and switch it on; it is taken up again within seconds"
		default:
			c.Verdict = health.OK
			c.Detail = t.path + " open and in use"
			if n := t.port.Reopened(); n > 0 {
				c.Detail += fmt.Sprintf("; it came back after vanishing %d time(s)", n)
			}
		}
		out = append(out, c)
	}
	return out
}

// runningHealth is the health a running role reports to central with its
// syncs: the doctor's checks that are cheap enough to run every few
// minutes beside the role (quick_check rather than the full
// integrity_check, the role's own ports rather than probes), without the
// central checks, which the sync that carries the report makes. Like the
// doctor's, no check carries personal data.
func runningHealth(cfgPath string, devs *serialDevices) func(ctx context.Context) health.Report {
	return func(ctx context.Context) health.Report {
		r := health.Report{At: time.Now()}
		cfgCheck, cfg := health.Config(cfgPath)
		r.Add(cfgCheck)
		if cfg == nil {
			return r
		}
		r.Terminal = cfg.Terminal
		db := terminalDatabase(cfg)
		r.Add(store.CheckDatabaseQuick(ctx, db))
		r.Add(health.Disk(cfg.Paths.DataDir))
		if cfg.Role != config.RoleHub {
			r.Add(devs.checks()...)
		}
		r.Add(netcheck.Hub(ctx, cfg, netcheck.Options{Timeout: 3 * time.Second}))
		r.Add(store.CheckOutbox(ctx, db, time.Now()))
		return r
	}
}

// syncOptions are a running role's link options: its log, and the health
// it reports with its syncs.
func syncOptions(log *slog.Logger, cfgPath string, role config.Role, devs *serialDevices) link.Options {
	return link.Options{Logger: log, Role: string(role), Version: buildVersion(), Health: runningHealth(cfgPath, devs)}
}

// startSync starts the terminal's link with central, syncing until ctx
// ends. A terminal not enrolled yet works on without one (nil, nil): what
// it does waits in its outbox, which the warning names (waits: "cases").
func startSync(ctx context.Context, s *store.Store, opt link.Options, waits string) (*link.Link, error) {
	l, err := link.New(ctx, s, opt)
	switch {
	case err == nil:
		go l.Run(ctx)
		return l, nil
	case errors.Is(err, app.ErrNotFound):
		opt.Logger.Warn(fmt.Sprintf("%s is not enrolled with central; %s wait in the outbox until it is", opt.Role, waits))
		return nil, nil
	}
	return nil, err
}
