package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/desk"
	"onewindow/app/store"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/queuebus"
	"onewindow/sync/hub"
	"onewindow/ui/theme"
	"onewindow/ui/window"
)

func init() {
	register(command{
		name:    "window",
		summary: "run a clerk's service-window terminal: call numbers, take in cases, hand out results",
		run:     runWindow,
	})
}

const windowUsage = `Usage: onewindow window [-config FILE] [-windowed] [-sample]

Starts the window terminal full screen: the clerk logs in, calls numbers
through the hall hub, takes in cases against the catalogue, prints their
notices, hands out results and collects ratings. The configuration's role
must be window; [window] gives the window's number and queue categories,
[hub] the hub's address and hall key, [devices] the ID-card reader, the
receipt printer and the queue bus (display at the window's number, caller
keypad at 10 more, rating pad at 20 more). Without the hub or central the
window still takes in cases.
`

// samplePassword is what -sample gives staff who have none, so a demo hall
// can be logged into; a real hall's passwords come from central.
const samplePassword = "onewindow"

func runWindow(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("window", windowUsage)
	f := addRoleFlags(fs, "load the built-in sample hall when the database has none, and give its staff the password \""+samplePassword+"\" (demo only)",
		"open in a window instead of full screen (for a technician's laptop)")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	fail := commandFailure(stderr, "window")
	// A window's configuration is valid only with its [window] section.
	t, err := bootTerminal(ctx, bootSpec{role: config.RoleWindow, what: "a window", path: *f.config, screen: true,
		sample: f.sample, loadSample: loadSampleWithPasswords}, stderr)
	if err != nil {
		return fail(err)
	}
	defer t.close()
	if f.sample {
		fmt.Fprintf(stderr, "onewindow window: sample hall loaded; staff without a password log in with %q\n", samplePassword)
	}

	devs, err := openWindowDevices(t.ctx, t.cfg, t.log)
	if err != nil {
		return fail(err)
	}
	defer devs.close()
	d, err := windowDesk(t, devs)
	if err != nil {
		return fail(err)
	}
	cfg := t.cfg

	limitMemory()
	err = t.runScreen(f.windowed, func(a fyne.App) (fyne.Window, error) {
		tm := window.Open(t.ctx, a, d) // in the window terminal's theme
		if err := tm.SetLanguage(theme.Language(cfg.Window.Language)); err != nil {
			return nil, err
		}
		w := tm.Window()
		// A clerk's window closes only when the terminal stops (Ctrl-C,
		// the service manager); closing it by accident would leave the
		// window's queue without a clerk. With -windowed, closing it quits.
		w.SetCloseIntercept(func() {})
		go func() {
			// Starting up (the database, the font, the first frames) leaves
			// garbage the heap keeps for later; a terminal then idles for
			// hours, so hand it back to the system once.
			select {
			case <-t.ctx.Done():
			case <-time.After(20 * time.Second):
				debug.FreeOSMemory()
			}
		}()
		t.log.Info("window terminal started", "window", cfg.Window.Number, "hub", cfg.Hub.Address)
		return w, nil
	})
	if err != nil {
		return fail(err)
	}
	return 0
}

// windowDesk wires a window's desk (its use cases) from its terminal and
// devices, and starts its sync: everything of the window but its screen.
func windowDesk(t *terminal, devs *windowDevices) (*desk.Desk, error) {
	// The hall's cases are read and moved on at the hub; the window takes
	// in and keeps its staff itself.
	hubClient := t.hubClient(3 * time.Second)
	hall := hub.Records{Local: t.store, Hub: hubClient}
	svc := desk.Services{Store: struct {
		hub.Records
		app.StaffDirectory
	}{hall, t.store}, Hub: hubClient, Applications: hall, Clock: app.SystemClock{}, Log: t.log, NewRequestID: app.NewID}
	// Assigned one by one: a nil driver must become a nil interface, which
	// the desk reads as "not attached".
	if devs.printer != nil {
		svc.Printer = devs.printer
	}
	if devs.reader != nil {
		svc.Reader = devs.reader
	}
	if devs.bus != nil {
		svc.Bus = devs.bus
	}
	var err error
	if svc.Syncer, err = t.startSync(&devs.serialDevices, "cases"); err != nil {
		return nil, err
	}
	return desk.New(t.ctx, svc, desk.Config{Window: t.cfg.Window.Number, Categories: t.cfg.Window.Categories,
		Login: t.cfg.Window.LoginPolicy(), PublicURL: t.cfg.Central.Public()})
}

// limitMemory keeps the window terminal's Go heap close to what it holds
// (mostly the parsed CJK font): a window PC runs all day beside other
// software, and Go's default lets the heap grow to twice its live size
// between collections. GOGC and GOMEMLIMIT in the environment win.
func limitMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(40)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(80 << 20)
	}
}

// loadSampleWithPasswords loads the sample hall and gives its staff the
// demo password where they have none.
func loadSampleWithPasswords(ctx context.Context, s *store.Store) error {
	if err := store.LoadSample(ctx, s); err != nil {
		return err
	}
	h, err := s.Hall(ctx)
	if err != nil {
		return err
	}
	for _, m := range h.Staff {
		if m.PasswordHash != "" {
			continue
		}
		hash, err := app.HashPassword(samplePassword, app.DefaultPasswordParams)
		if err != nil {
			return err
		}
		if err := s.SetPassword(ctx, m.ID, hash); err != nil {
			return err
		}
	}
	return nil
}

// windowDevices are the serial devices of a window terminal; any may be nil.
type windowDevices struct {
	serialDevices
	printer *escpos.Printer
	reader  *idreader.Reader
	bus     *queuebus.Master
}

// openWindowDevices opens the ports named in [devices]. Without one the
// window still works (a clerk can type an ID number; a case is kept even
// unprinted) and the screen's corner shows the device as absent.
func openWindowDevices(ctx context.Context, cfg *config.Config, log *slog.Logger) (*windowDevices, error) {
	d := &windowDevices{serialDevices: serialDevices{log: log}}
	n := cfg.Window.Number
	if c := cfg.Devices.QueueBus; c != nil && 20+n > 247 {
		return nil, fmt.Errorf("window %d: its rating pad would be at queue-bus address %d, past the bus's 247; number the hall's windows 1–227", n, 20+n)
	}
	d.printer = d.openPrinter(cfg.Devices.Printer, "receipt printer")
	d.reader = d.openReader(cfg.Devices.IDCard)
	if c := cfg.Devices.QueueBus; c != nil {
		p := d.open("queue bus", c.Port, c.Baud)
		if p == nil {
			return d, nil
		}
		d.bus = queuebus.New(p, queuebus.Config{Log: log, Devices: []queuebus.Device{
			{Addr: n, Kind: queuebus.KindDisplay},
			{Addr: 10 + n, Kind: queuebus.KindCaller},
			{Addr: 20 + n, Kind: queuebus.KindRatingPad},
		}})
		go d.bus.Run(ctx)
	}
	return d, nil
}
