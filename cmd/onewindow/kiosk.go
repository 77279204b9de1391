package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/app/selfservice"
	"onewindow/app/store"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/qrscanner"
	"onewindow/sync/hub"
	"onewindow/ui/kiosk"
	"onewindow/ui/voice"
)

func init() {
	register(command{
		name:    "kiosk",
		summary: "run the citizens' self-service kiosk: take a number, service guides, case progress, apply, rate",
		run:     runKiosk,
	})
}

const kioskUsage = `Usage:
  onewindow kiosk [-config FILE] [-windowed] [-sample] [-pin-file FILE]
  onewindow kiosk -set-pin [-config FILE] [-pin-file FILE] < pin

Starts the self-service kiosk full screen; citizens cannot close it. The
configuration's role must be kiosk; [hub] names the hall hub and its key,
[devices] the ID-card reader and the ticket printer (and a QR scanner, if
the kiosk has one).

The technician's status page opens with five quick taps on the hall's name
and a PIN; it shows the same report as onewindow doctor (each check, its
verdict and the next step), made by the running kiosk. There is no default PIN: set one at install with -set-pin, which
reads 6 to 12 digits from standard input and keeps only their hash in the
PIN file (by default technician.pin in the data folder). Without the file
the page says it is not set up.
`

func runKiosk(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return kioskMain(ctx, args, os.Stdin, stdout, stderr)
}

func kioskMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := commandFlags("kiosk", kioskUsage)
	f := addRoleFlags(fs, "load the built-in sample hall when the database has none (demo only)",
		"open in a window instead of full screen (for a technician's laptop); the window can then be closed")
	pinFile := fs.String("pin-file", "", "the technician PIN `file` (default: technician.pin in the data folder)")
	setPIN := fs.Bool("set-pin", false, "read a new technician PIN from standard input, store its hash and exit")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	fail := commandFailure(stderr, "kiosk")
	spec := bootSpec{role: config.RoleKiosk, what: "a kiosk", path: *f.config, screen: true, sample: f.sample}
	pinPath := func(cfg *config.Config) string {
		if *pinFile != "" {
			return *pinFile
		}
		return filepath.Join(cfg.Paths.DataDir, "technician.pin")
	}
	if *setPIN {
		// Setting the PIN is a technician's step at install: the kiosk
		// itself does not start.
		cfg, err := spec.load()
		if err != nil {
			return fail(err)
		}
		return setTechnicianPIN(pinPath(cfg), stdin, stdout, stderr)
	}
	t, err := bootTerminal(ctx, spec, stderr)
	if err != nil {
		return fail(err)
	}
	defer t.close()
	pinAt := pinPath(t.cfg)
	pin, err := readTechnicianPIN(pinAt)
	if err != nil {
		return fail(err)
	}
	if pin == "" {
		t.log.Warn("no technician PIN set: the status page stays shut; set one with onewindow kiosk -set-pin", "file", pinAt)
	}
	kioskKey, err := t.cfg.KioskKey()
	if err != nil {
		return fail(err)
	}
	if kioskKey == "" {
		t.log.Warn("no kiosk key configured: a missed ticket is re-queued by scanning it, not by the ID card; set hub.kiosk_key_file")
	}
	devs := openKioskDevices(t.cfg, t.log)
	defer devs.close()
	parts := kioskParts{
		store: t.store, hubURL: t.hubURL, hubCert: t.hubCert, hallKey: string(t.hallKey), kioskKey: string(kioskKey), terminal: t.cfg.Terminal,
		hall: t.cfg.Hall, public: t.cfg.Central.Public(),
		pin: pin, log: t.log, reader: devs.reader, printer: devs.printer, scanner: devs.scanner,
		health: technicianReport(t.path, &devs.serialDevices),
	}
	if parts.syncer, err = t.startSync(&devs.serialDevices, "self-service applications"); err != nil {
		return fail(err)
	}
	err = t.runScreen(f.windowed, func(a fyne.App) (fyne.Window, error) {
		w, err := startKiosk(t.ctx, a, parts)
		if err == nil {
			t.log.Info("kiosk started", "terminal", t.cfg.Terminal, "hub", t.cfg.Hub.Address)
		}
		return w, err
	})
	if err != nil {
		return fail(err)
	}
	return 0
}

// kioskParts are what a kiosk is wired from; devices and the syncer may be nil.
type kioskParts struct {
	store    *store.Store
	hubURL   string
	hubCert  []byte // the hall's hub certificate, pinned; nil for plain HTTP
	hallKey  string
	kioskKey string // keys app.WhoKey; never the hub's
	terminal string
	hall     string
	public   string // where tickets' and receipts' codes link (config.Central.Public)
	pin      app.TechnicianPIN
	log      *slog.Logger
	reader   *idreader.Reader
	printer  *escpos.Printer
	scanner  *qrscanner.Scanner
	syncer   app.Syncer
	// health makes the doctor's report for the technician page (the demo,
	// which has no configuration file, makes a shorter one); nil leaves the
	// page to the devices' own words.
	health func(context.Context) health.Report
}

// kioskSelfService wires a kiosk's use cases: the queue, the hall's cases
// and ratings are the hall hub's; the catalogue and the hall's set-up are
// the kiosk's own copy, and it takes in applications itself (its outbox
// carries them to the hub).
func kioskSelfService(ctx context.Context, p kioskParts, hall app.Hall, settings app.Settings) (*selfservice.Service, error) {
	hubClient := hub.NewClient(p.hubURL, p.hallKey, 3*time.Second, hub.Pinned(p.hubCert))
	return selfservice.New(ctx, selfservice.Services{
		Queue: hubClient, Tickets: hubClient, Catalogue: p.store, Intake: p.store, Hall: p.store,
		Bookings: hubClient, BookingPlans: p.store, // 预约签到: the hub checks in, the store has the plan and key
		Progress: hub.Progress{Hub: hubClient}, Ratings: hub.Ratings{Hub: hubClient},
		Clock: app.SystemClock{}, Log: p.log, NewRequestID: app.NewID,
	}, selfservice.Config{HallName: hall.Name, KioskKey: []byte(p.kioskKey), Suite: p.store.Suite, Terminal: p.terminal, Rules: settings.Queue,
		Hall: p.hall, PublicURL: p.public})
}

// startKiosk makes the kiosk's window in a and starts it watching its
// devices and the hub. The window is not shown yet.
func startKiosk(ctx context.Context, a fyne.App, p kioskParts) (fyne.Window, error) {
	hall, err := p.store.Hall(ctx)
	if err != nil {
		return nil, fmt.Errorf("the hall set-up (enrol the kiosk, or start it with -sample): %w", err)
	}
	settings, err := p.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	self, err := kioskSelfService(ctx, p, hall, settings)
	if err != nil {
		return nil, err
	}
	cfg := kiosk.Config{Self: self, PIN: p.pin, Log: p.log, Voice: kioskVoice(p.log), Health: p.health}
	// Assigned one by one: a nil driver must become a nil interface, which
	// the kiosk reads as "not set up".
	if p.reader != nil {
		cfg.Reader = p.reader
	}
	if p.printer != nil {
		cfg.Printer = p.printer
	}
	if p.scanner != nil {
		cfg.Scanner = p.scanner
	}
	if p.syncer != nil {
		cfg.Syncer = p.syncer
	}
	w := a.NewWindow("onewindow · " + hall.Name.Zh)
	w.Resize(fyne.NewSize(1280, 1024))
	k, err := kiosk.New(w, cfg)
	if err != nil {
		return nil, err
	}
	k.Run(ctx)
	return w, nil
}

// kioskVoice is the voice of elderly mode's prompts, or nil without a
// sound device.
func kioskVoice(log *slog.Logger) kiosk.Voice {
	sp := voice.Open(log)
	if !sp.Available() {
		return nil
	}
	pack, err := voice.DefaultPack()
	if err != nil {
		log.Error("voice pack", "err", err)
		return nil
	}
	return &voice.Announcer{Pack: pack, Speaker: sp, Log: log}
}

// kioskDevices are a kiosk's serial devices; any may be nil.
type kioskDevices struct {
	serialDevices
	reader  *idreader.Reader
	printer *escpos.Printer
	scanner *qrscanner.Scanner
}

// openKioskDevices opens the ports named in [devices]. Without one the
// kiosk still shows guides and issues numbers to photograph.
func openKioskDevices(cfg *config.Config, log *slog.Logger) *kioskDevices {
	d := &kioskDevices{serialDevices: serialDevices{log: log}}
	d.printer = d.openPrinter(cfg.Devices.Printer, "ticket printer")
	d.reader = d.openReader(cfg.Devices.IDCard)
	if c := cfg.Devices.Scanner; c != nil {
		if p := d.open("QR scanner", c.Port, c.Baud); p != nil {
			d.scanner = qrscanner.New(p, qrscanner.Config{Log: log})
		}
	}
	return d
}

// readTechnicianPIN reads the PIN file; a missing file is no PIN.
func readTechnicianPIN(path string) (app.TechnicianPIN, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return app.ParseTechnicianPIN(string(data))
}

// setTechnicianPIN stores the hash of the PIN read from in.
func setTechnicianPIN(path string, in io.Reader, stdout, stderr io.Writer) int {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(stderr, "onewindow kiosk -set-pin: %v\n", err)
		return 1
	}
	pin, err := app.NewTechnicianPIN(strings.TrimSpace(line))
	if err != nil {
		fmt.Fprintf(stderr, "onewindow kiosk -set-pin: %v\n", err)
		return 2
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fmt.Fprintf(stderr, "onewindow kiosk -set-pin: %v\n", err)
		return 1
	}
	if err := os.WriteFile(path, []byte(string(pin)+"\n"), 0o600); err != nil {
		fmt.Fprintf(stderr, "onewindow kiosk -set-pin: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "technician PIN set in %s\n", path)
	return 0
}
