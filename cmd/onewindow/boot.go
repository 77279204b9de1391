package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/sync/hub"
)

// Every running role of a hall's machine (kiosk, window, display, hub)
// starts the same way, here: its flags -config and -sample (and a screen's
// -windowed), its configuration checked to be one of that role's, its
// hall key, its log, its store with the sample hall if asked, and a
// context that ends on a signal or when the role returns. bootTerminal is
// that headless part; a screen then runs its Fyne window with
// terminal.runScreen. The role's file keeps only what makes the role
// different: its devices, its use cases, its window or listener.

// defaultConfigPath is where an installed terminal keeps its configuration:
// every command that reads or writes one takes it by default.
const defaultConfigPath = "/etc/onewindow/onewindow.toml"

// roleFlags are the flags every running role takes.
type roleFlags struct {
	config   *string
	sample   bool
	windowed bool // screens only
}

// addRoleFlags defines -config, -sample with the role's sampleHelp and,
// unless windowedHelp is empty (the hub has no window), -windowed.
func addRoleFlags(fs *flag.FlagSet, sampleHelp, windowedHelp string) *roleFlags {
	f := &roleFlags{config: configFlag(fs)}
	fs.BoolVar(&f.sample, "sample", false, sampleHelp)
	if windowedHelp != "" {
		fs.BoolVar(&f.windowed, "windowed", false, windowedHelp)
	}
	return f
}

// configFlag defines -config, the terminal's configuration file.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", defaultConfigPath, "the terminal's configuration `file`")
}

// bootSpec says how a role boots.
type bootSpec struct {
	role config.Role
	what string // the role as a sentence names it ("a kiosk"), for a file of another role
	path string // the configuration file
	// screen: the role draws a window, so it needs a display, which is
	// checked before anything is opened.
	screen bool
	// sample loads the built-in sample hall into the store when the
	// database has none (-sample); loadSample does it, store.LoadSample
	// when nil.
	sample     bool
	loadSample func(context.Context, *store.Store) error
	// storeOptional: a store that cannot be opened (terminal.store is
	// then nil) or filled is a warning, not an error: the hall screen only
	// reads the hall's name from it.
	storeOptional bool
}

// terminal is a booted terminal: what a role is wired from.
type terminal struct {
	// ctx ends on a signal (SIGINT, SIGTERM: main's context) or when the
	// role returns and closes the terminal.
	ctx     context.Context
	path    string // the configuration file
	cfg     *config.Config
	log     *slog.Logger
	hallKey config.Secret
	hubURL  string       // where the hall's hub is reached: hub.URL of [hub] address
	hubCert []byte       // the hall's hub certificate, pinned; nil for a hub on plain HTTP
	store   *store.Store // nil only with bootSpec.storeOptional

	cancel, closeLog func()
}

// bootTerminal boots the terminal of spec's role. On an error nothing is
// left open, and a configuration that is missing, invalid or another
// role's changes nothing on disk: neither the log nor the store is opened
// before the configuration, its hall key and (for a screen) the display
// are known to be good.
func bootTerminal(ctx context.Context, spec bootSpec, stderr io.Writer) (_ *terminal, err error) {
	cfg, err := spec.load()
	if err != nil {
		return nil, err
	}
	key, err := cfg.HallKey()
	if err == nil && key == "" {
		err = fmt.Errorf("the configuration names no hall key ([hub] hall_key_file); %s does not start without one", spec.what)
	}
	if err != nil {
		return nil, err
	}
	if spec.screen {
		if err := needDisplay(); err != nil {
			return nil, err
		}
	}
	cert, err := cfg.HubCertificate()
	if err != nil {
		return nil, err
	}
	t := &terminal{path: spec.path, cfg: cfg, hallKey: key, hubURL: hub.URL(cfg.Hub.Address, cert != nil), hubCert: cert}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	t.log, t.closeLog = roleLogger(cfg, stderr)
	s, err := openTerminalStore(ctx, cfg)
	switch {
	case err != nil && spec.storeOptional:
		t.log.Warn("the terminal's database cannot be opened; working without it", "err", err)
	case err != nil:
		return nil, err
	default:
		t.store = s
		if err := spec.fill(ctx, s); err != nil {
			if !spec.storeOptional {
				return nil, err
			}
			t.log.Warn("working without the sample hall", "err", err)
		}
	}
	t.ctx, t.cancel = context.WithCancel(ctx)
	return t, nil
}

// load loads the configuration of spec's role.
func (spec bootSpec) load() (*config.Config, error) {
	return loadRoleConfig(spec.path, spec.role, spec.what)
}

// fill loads the sample hall into s if the role was asked to.
func (spec bootSpec) fill(ctx context.Context, s *store.Store) error {
	if !spec.sample {
		return nil
	}
	load := spec.loadSample
	if load == nil {
		load = store.LoadSample
	}
	if err := load(ctx, s); err != nil {
		return fmt.Errorf("loading the sample hall: %w", err)
	}
	return nil
}

// hubClient talks to the hall's hub with the hall key.
func (t *terminal) hubClient(timeout time.Duration) *hub.Client {
	return hub.NewClient(t.hubURL, string(t.hallKey), timeout, hub.Pinned(t.hubCert))
}

// close ends the terminal's context, so that what runs on it stops before
// the store and then the log close under it.
func (t *terminal) close() {
	if t.cancel != nil {
		t.cancel()
	}
	if t.store != nil {
		t.store.Close()
	}
	if t.closeLog != nil {
		t.closeLog()
	}
}

// startSync starts the terminal's link with central (see startSync); the
// syncer is nil, not a nil *link.Link, when the terminal is not enrolled.
//
// A kiosk's or window's records go to the hall's hub, which relays them to
// central: its pusher runs whether or not the terminal is enrolled, and
// the link to central only pulls, reports and updates.
func (t *terminal) startSync(devs *serialDevices, waits string) (app.Syncer, error) {
	opt := syncOptions(t.log, t.path, t.cfg.Role, devs)
	if opt.Relayed = relayed(t.cfg.Role); opt.Relayed {
		p := hub.NewPusher(t.store, t.hubClient(10*time.Second), t.cfg.Terminal, t.cfg.Hall, t.log)
		go p.Run(t.ctx, time.Second)
		t.startPurge()
	}
	l, err := startSync(t.ctx, t.store, opt, waits)
	if l == nil {
		return nil, err
	}
	return l, nil
}

// runScreen is the windowed part of a screen's start: it makes the role's
// Fyne app, has open make the window in it, shows that full screen (in a
// window with -windowed, where closing it quits) and runs until the app
// quits or the terminal's context ends.
func (t *terminal) runScreen(windowed bool, open func(fyne.App) (fyne.Window, error)) error {
	a := fyneapp.NewWithID("cn.gov.onewindow." + string(t.cfg.Role))
	w, err := open(a)
	if err != nil {
		return err
	}
	w.SetFullScreen(!windowed)
	if windowed {
		w.SetCloseIntercept(a.Quit)
	}
	go func() {
		<-t.ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

// commandFailure prints a command's fatal error as "onewindow NAME: …"
// and gives its exit code.
func commandFailure(stderr io.Writer, name string) func(error) int {
	return func(err error) int {
		fmt.Fprintf(stderr, "onewindow %s: %v\n", name, err)
		return 1
	}
}

// loadRoleConfig loads the configuration a screen or service was started
// with and checks that it is one of that role's: a kiosk started with a
// window's file would otherwise half-work with the wrong devices.
func loadRoleConfig(path string, role config.Role, what string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if cfg.Role != role {
		return nil, fmt.Errorf("%s is the configuration of a %s terminal, not of %s (role = %q)", path, cfg.Role, what, role)
	}
	app.SetHallZone(cfg.Zone()) // the hall's time on screen and paper, whatever the machine's zone
	return cfg, nil
}

// openTerminalStore opens the terminal's database in its data folder, with
// the personal-data key from the configuration.
func openTerminalStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	keys, err := pii.LoadOrCreate(cfg.Paths.KeyFile)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, terminalDatabase(cfg), store.Options{Terminal: cfg.Terminal, Keys: keys, HallHub: relayed(cfg.Role)})
}

// relayed says whether a role's records go to the hall's hub, which holds
// the hall's records, brings central's decisions in and relays the records
// to central (DESIGN.md §4a): kiosks and windows. The hub itself pushes to
// central, and the hall screen writes no records.
func relayed(r config.Role) bool { return r == config.RoleKiosk || r == config.RoleWindow }

// needDisplay says how to run without a screen instead of letting the
// graphics library crash: the screens (kiosk, window terminal, hall
// screen) and the demo need X11 (or Wayland).
func needDisplay() error {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" || os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	return errors.New("there is no display (DISPLAY is not set). On a machine without a screen run it under a virtual one:\n" +
		"  xvfb-run -a -s '-screen 0 1920x1080x24' onewindow ...\n" +
		"(Debian package xvfb); the screens can then be captured with packaging/screenshots.sh")
}
