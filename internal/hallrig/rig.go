// Package hallrig builds the world a window terminal lives in, for its tests,
// its benchmark and its screenshots: a real store with the sample hall in a
// temporary folder, a real hall hub over HTTP on a loopback port, and the
// real drivers of the printer, the queue bus and the ID-card reader talking
// to their simulators over pseudo-terminals. Nothing in it is a mock.
//
// It is test equipment: the onewindow binary must not import it.
package hallrig

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"time"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/queuebus"
	"onewindow/device/serialport"
	"onewindow/device/sim"
	"onewindow/device/sim/idreadersim"
	"onewindow/device/sim/printersim"
	"onewindow/device/sim/queuesim"
	"onewindow/internal/suitetest"
	"onewindow/sync/hub"
)

// Start is a Monday morning in the hall, when every rig's clock starts.
var Start = time.Date(2026, 11, 23, 9, 30, 0, 0, app.HallZone)

// HallKey is the rig's hall key.
const HallKey = "0123456789abcdef0123456789abcdef"

// Clerk is the sample hall's clerk the rig gives a password.
const (
	Clerk    = "S1001"
	Password = "window-pass-1"
	Window   = 1 // serves H, A and B in the sample hall
)

// Rig is one window terminal's world.
type Rig struct {
	Dir   string
	Clock *app.ManualClock
	Store *store.Store // the window terminal's own database
	Hub   *hub.Client
	// HubServer is the hall hub; Close it to take the hub off the LAN.
	HubServer *httptest.Server
	HubStore  *store.Store // the hub's database: the hall's queue and records

	Printer    *escpos.Printer
	PrinterSim *printersim.Sim
	Bus        *queuebus.Master
	BusSim     *queuesim.Sim
	Reader     *idreader.Reader
	ReaderSim  *idreadersim.Sim

	closers []func()
	cancel  context.CancelFunc
}

// New builds a rig in dir (a fresh temporary folder).
func New(dir string) (r *Rig, err error) {
	r = &Rig{Dir: dir, Clock: app.NewManualClock(Start)}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel

	if r.Store, err = openStore(ctx, filepath.Join(dir, "window"), "330106W01", r.Clock); err != nil {
		return r, err
	}
	r.closers = append(r.closers, func() { r.Store.Close() })
	// Small argon2 costs: the login's rules are the same and the tests fast.
	h, err := app.HashPassword(Password, app.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		return r, err
	}
	for _, id := range []string{Clerk, "S1002", "M2001"} {
		if err := r.Store.SetPassword(ctx, id, h); err != nil {
			return r, err
		}
	}

	if r.HubStore, err = openStore(ctx, filepath.Join(dir, "hub"), "330106H01", r.Clock); err != nil {
		return r, err
	}
	r.closers = append(r.closers, func() { r.HubStore.Close() })
	srv, err := hub.New(r.HubStore, HallKey, nil)
	if err != nil {
		return r, err
	}
	r.HubServer = httptest.NewServer(srv.Handler())
	r.closers = append(r.closers, r.HubServer.Close)
	r.Hub = hub.NewClient(r.HubServer.URL, HallKey, 2*time.Second)

	port := func(l *sim.Link, name string, baud int) (*serialport.Port, error) {
		p, err := serialport.Open(serialport.Config{Device: name, Path: l.Path(), Baud: baud,
			ReadTimeout: 50 * time.Millisecond, ReopenEvery: 50 * time.Millisecond})
		if err == nil {
			r.closers = append(r.closers, func() { p.Close() })
		}
		return p, err
	}
	link := func(name string) (*sim.Link, error) {
		l, err := sim.Open(dir, name, nil)
		if err == nil {
			r.closers = append(r.closers, func() { l.Close() })
		}
		return l, err
	}

	pl, err := link("printer")
	if err != nil {
		return r, err
	}
	render, err := printersim.NewRenderer("")
	if err != nil {
		return r, err
	}
	opts := escpos.DefaultOptions()
	r.PrinterSim = printersim.New(pl, render, 576, "", nil)
	go r.PrinterSim.Serve()
	pp, err := port(pl, "receipt printer", 115200)
	if err != nil {
		return r, err
	}
	r.Printer = escpos.New(pp, escpos.Config{Options: opts, StatusTimeout: 400 * time.Millisecond, Retries: 1})

	bl, err := link("queuebus")
	if err != nil {
		return r, err
	}
	r.BusSim = queuesim.New(bl, nil, queuesim.DefaultDevices()...)
	go r.BusSim.Serve()
	bp, err := port(bl, "queue bus", 9600)
	if err != nil {
		return r, err
	}
	var devs []queuebus.Device
	for _, d := range r.BusSim.Devices() {
		devs = append(devs, queuebus.Device{Addr: d.Addr, Kind: d.Kind})
	}
	r.Bus = queuebus.New(bp, queuebus.Config{Devices: devs, Timeout: 300 * time.Millisecond, Retries: 1,
		PollEvery: 20 * time.Millisecond, CheckEvery: 500 * time.Millisecond, OfflineEvery: 500 * time.Millisecond})
	go r.Bus.Run(ctx)

	rl, err := link("idreader")
	if err != nil {
		return r, err
	}
	r.ReaderSim = idreadersim.New(rl, nil)
	go r.ReaderSim.Serve()
	rp, err := port(rl, "ID-card reader", 115200)
	if err != nil {
		return r, err
	}
	r.Reader = idreader.New(rp, idreader.Config{ControlTimeout: 500 * time.Millisecond, ReadTimeout: time.Second,
		Retries: 1, PollEvery: 50 * time.Millisecond, Clock: r.Clock})
	return r, nil
}

func openStore(ctx context.Context, dir, terminal string, clock app.Clock) (*store.Store, error) {
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		return nil, err
	}
	keys.Use(suitetest.Suite())
	s, err := store.Open(ctx, filepath.Join(dir, "onewindow.db"), store.Options{Terminal: terminal, Keys: keys, Clock: clock})
	if err != nil {
		return nil, err
	}
	if err := store.LoadSample(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Services are the rig's parts as a desk takes them.
func (r *Rig) Services() desk.Services {
	return desk.Services{Store: r.Store, Hub: r.Hub, Printer: r.Printer, Bus: r.Bus, Reader: r.Reader,
		Clock: r.Clock, NewRequestID: app.NewID}
}

// Config is window 1 of the sample hall, with a refresh slow enough that
// tests decide when the hub is asked.
func (r *Rig) Config() desk.Config {
	return desk.Config{Window: Window, Categories: []string{"H", "A", "B"}, DeviceTimeout: 3 * time.Second,
		RefreshEvery: time.Hour}
}

// Issue takes a queue number in a category, as a kiosk would.
func (r *Rig) Issue(ctx context.Context, category string) (app.Ticket, error) {
	return r.Hub.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: category})
}

// WaitFor polls cond every few milliseconds until it holds or d passes.
func WaitFor(d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(2 * time.Millisecond)
	}
	return nil
}

// PrintedText is every line of the pages printed so far, page by page.
func (r *Rig) PrintedText() [][]string {
	var out [][]string
	for _, p := range r.PrinterSim.Pages() {
		out = append(out, p.Lines)
	}
	return out
}

// Close stops everything the rig started.
func (r *Rig) Close() {
	if r.cancel != nil {
		r.cancel()
	}
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i]()
	}
	r.closers = nil
}

// String names the rig's device links, for a failing test's message.
func (r *Rig) String() string { return fmt.Sprintf("rig in %s (hub %s)", r.Dir, r.HubServer.URL) }
