package main

import (
	"context"
	"time"

	"onewindow/app/health"
	"onewindow/sync/netcheck"
)

// technicianReport makes, for a running terminal's technician page, the
// report `onewindow doctor` prints: the same checks in the same order and
// words (configuration, database integrity, disk, devices, hub, central
// and its TLS pin, outbox, clock), made in the terminal's own process.
// One difference, for the devices: the role holds their ports, so each is
// reported as the role holds it (open, vanished, never opened) instead of
// probed, which would talk over the role's own conversation with the
// device. The database is opened read-only beside the role's connection.
func technicianReport(cfgPath string, devs *serialDevices) func(ctx context.Context) health.Report {
	return func(ctx context.Context) health.Report {
		return diagnose(ctx, cfgPath, doctorOptions{net: netcheck.Options{Timeout: 5 * time.Second}, devices: devs.checks})
	}
}
