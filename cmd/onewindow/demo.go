//go:build unix

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/app/pii"
	"onewindow/app/setup"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/device/sim/idreadersim"
	"onewindow/device/sim/simctl"
	"onewindow/sync/hub"
	"onewindow/ui/simpanel"
)

func init() {
	register(command{
		name:    "demo",
		summary: "run a whole hall on this machine: central, hub, simulated devices, kiosk, window terminal, hall screen",
		run:     runDemo,
	})
}

const demoUsage = `Usage: onewindow demo [-dir FOLDER] [-no-central] [-screen all|kiosk|display]

Runs a whole service hall on one machine, wired together as in a real
hall: an embedded central platform with the sample catalogue, the hall
hub, a simulator for every device (on pseudo-terminals), a kiosk, two
clerks' window terminals (windows 1 and 2) and the hall screen, each in its
own window, and a control panel that plays the hardware's part, at the
kiosk or at a window: place an ID card, run the printer out of paper, press
a window's caller key, rate a clerk. Commands on standard input do the same
(type help): "w1 place 2" is window 1's card reader, "rate 21 5" window
1's rating pad, and the rest the kiosk's devices.

Everything is kept in FOLDER (default: a new temporary folder, removed on
exit); printed tickets and receipts are drawn as PNG files in a folder for
each terminal under FOLDER/pages (without -dir, in a temporary folder that
is kept when something was printed). Quitting ends every terminal the demo
started. On a machine without a display the demo runs itself under
xvfb-run when it is installed (Debian package xvfb).
`

// demoHallCode is the sample hall's code (assets/hall/sample.json).
const demoHallCode = "330106"

// demoWindows are the windows whose caller keys the control panel offers.
var demoWindows = []int{1, 2, 3, 5}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return demoMain(ctx, args, os.Stdin, stdout, stderr)
}

func demoMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := commandFlags("demo", demoUsage)
	dir := fs.String("dir", "", "the `folder` for the demo's databases, device links and printed pages")
	noCentral := fs.Bool("no-central", false, "run without the embedded central platform (the kiosk then shows it offline)")
	named := fs.String("crypto-suite", string(suite.Intl), "the embedded central's crypto `suite`: intl, or gm for 国密 (SM4, SM3, HMAC-SM3), which the enrolled terminals record under")
	screen := fs.String("screen", "all", "which screens to show: all, or only kiosk or display, full screen (for screenshots)")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 0 || *screen != "all" && *screen != "kiosk" && *screen != "display" {
		fmt.Fprintf(stderr, "onewindow demo: takes no arguments, and -screen all, kiosk or display; run 'onewindow demo -h' for help\n")
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "onewindow demo: %v\n", err)
		return 1
	}
	cryptoSuite, err := suite.Parse(*named)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow demo: -crypto-suite: %v\n", err)
		return 2
	}
	if err := needDisplay(); err != nil {
		if xvfb, ok := demoUnderXvfb(args); ok {
			// Never returns unless the exec fails.
			fmt.Fprintln(stderr, "onewindow demo: there is no display here: the demo runs on a virtual one (xvfb-run); 'shot FILE' takes a screenshot of it")
			err = execProgram(xvfb, append(os.Environ(), demoXvfbEnv+"=1"))
		}
		return fail(err)
	}
	pages := ""
	if *dir == "" {
		d, err := os.MkdirTemp("", "onewindow-demo-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(d)
		*dir = d
		// The printed pages outlive the demo's temporary folder.
		if pages, err = os.MkdirTemp("", "onewindow-demo-pages-"); err != nil {
			return fail(err)
		}
		defer keepPages(pages, stdout)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	h, err := startDemoHall(ctx, *dir, pages, log)
	if err != nil {
		return fail(err)
	}
	defer h.close()
	if !*noCentral {
		syncer, url, enrol, decide, err := startDemoCentral(ctx, *dir, cryptoSuite, h.kioskStore, h.hubStore, h.hub, log)
		if err != nil {
			log.Warn("the demo runs without central: the kiosk shows it offline", "err", err)
		} else {
			h.syncer, h.centralURL, h.enrol, h.decide = syncer, url, enrol, decide
		}
	}

	a := fyneapp.NewWithID("cn.gov.onewindow.demo")
	kioskConfig, err := h.kioskAnswers().Config()
	if err != nil {
		return fail(err)
	}
	devs := openKioskDevices(kioskConfig, log)
	defer devs.close()
	pin, err := app.NewTechnicianPIN(demoPIN)
	if err != nil {
		return fail(err)
	}
	kioskDB := filepath.Join(*dir, "kiosk.db")
	kw, err := startKiosk(ctx, a, kioskParts{store: h.kioskStore, hubURL: h.hubURL, hubCert: h.hubCert, hallKey: h.hallKey, kioskKey: h.kioskKey,
		terminal: "K01", hall: demoHallCode, public: h.centralURL, log: log.With("role", "kiosk"), reader: devs.reader, printer: devs.printer,
		scanner: devs.scanner, syncer: h.syncer, pin: pin,
		health: func(ctx context.Context) health.Report {
			r := demoHealth(kioskDB, *dir)(ctx)
			r.Terminal = "K01"
			r.Add(devs.checks()...)
			return r
		}})
	if err != nil {
		return fail(err)
	}
	if *screen != "kiosk" {
		if err := startDemoDisplay(h, stderr, *screen == "display"); err != nil {
			log.Warn("the demo runs without the hall screen", "err", err)
		}
	}
	if *screen == "all" {
		for _, n := range clerkWindows {
			if err := startDemoWindow(ctx, h, stderr, n); err != nil {
				log.Warn("the demo runs without a window terminal", "window", n, "err", err)
			}
		}
	}
	panel := a.NewWindow("onewindow demo · 模拟设备 simulators")
	panel.SetContent(simpanel.New(simpanel.Config{
		Kiosk: h.kioskSims.Exec, Cards: demoCards(), Call: h.callNext, Windows: demoWindows,
		WindowDevices: h.windowExecs(),
	}).Content())
	panel.Resize(fyne.NewSize(720, 860))
	// In the demo the kiosk and the panel may be closed; closing either
	// ends the demo, and with it the other terminals.
	for _, w := range []fyne.Window{kw, panel} {
		w.SetCloseIntercept(a.Quit)
	}

	fmt.Fprintf(stdout, "onewindow demo: the hall runs in %s\n", *dir)
	fmt.Fprintf(stdout, "  hub %s (its web console: the hall's manager M2001, password %q; the certificate is the hall's own)\n", h.hubURL, samplePassword)
	fmt.Fprint(stdout, h.describePages())
	fmt.Fprint(stdout, indent(h.kioskSims.Describe()))
	fmt.Fprintf(stdout, "  window 1's clerk logs in as S1001, window 2's as S1002, with the password %q\n", samplePassword)
	if h.centralURL != "" {
		var logins []string
		for _, a := range demoConsoleLogins {
			logins = append(logins, a.Login)
		}
		fmt.Fprintf(stdout, "  web console %s: departments decide there; log in as %s, password %q\n",
			h.centralURL, strings.Join(logins, ", "), demoConsolePassword)
		fmt.Fprintln(stdout, "  (or here: decide CASE DEPT approve|deny [REASON])")
		fmt.Fprintf(stdout, "  citizens' pages: the QR code of a printed ticket or receipt opens its page at %s; 办件公示 %s/gs/%s\n",
			h.centralURL, h.centralURL, demoHallCode)
	}
	fmt.Fprintf(stdout, "  the kiosk's technician page: tap the hall's name five times, PIN %s\n", demoPIN)
	fmt.Fprintln(stdout, "  the control panel window drives the devices, the kiosk's and each window's; so do commands here:")
	fmt.Fprintln(stdout, "  'w1 place 2' places a card on window 1's reader, 'rate 21 5' rates at window 1 (help lists them)")
	go func() {
		if err := h.console(ctx, stdin, stdout); errors.Is(err, simctl.ErrQuit) {
			fyne.Do(a.Quit)
		}
	}()
	ran := make(chan struct{}) // closed when the app has quit, or will not run
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-ran: // Fyne's loop is over: nothing to quit
		}
	}()
	switch *screen {
	case "kiosk":
		kw.SetFullScreen(true)
		kw.Show()
	case "display":
		// The hall screen is its own process; this one keeps the hall
		// running behind it with no window of its own.
		close(ran)
		<-ctx.Done()
		return 0
	default:
		kw.Show()
		panel.Show()
	}
	a.Run()
	close(ran)
	// The kiosk's loops end before its devices and the hall close under
	// them (its scanner's loop warned that the port was gone).
	cancel()
	return 0
}

// console reads the simulators' commands on in, and two more: "issue A"
// takes a number as a kiosk would, "call N" presses window N's caller key.
// demoPIN opens the demo kiosk's technician page. A real kiosk has no PIN
// until one is set at install (onewindow kiosk -set-pin).
const demoPIN = "135790"

func (h *demoHall) console(ctx context.Context, in io.Reader, out io.Writer) error {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case line, ok := <-lines:
			if !ok {
				return io.EOF
			}
			f := strings.Fields(line)
			var msg string
			var err error
			switch {
			case len(f) == 0:
				continue
			case f[0] == "quit" || f[0] == "exit":
				return simctl.ErrQuit
			case f[0] == "help":
				msg = simctl.Help() + "\n  issue CATEGORY                take a number in CATEGORY (A–H) as a kiosk would\n  call N                        press window N's caller key (the hub calls the next citizen)" +
					"\n  decide CASE DEPT approve|deny [REASON]   a department's opinion at central (并联审批: each department of the item)" +
					"\n" + demoRoutingHelp
			case f[0] == "shot" && len(f) == 2:
				msg, err = screenshot(f[1])
			case f[0] == "decide" && len(f) >= 4:
				msg, err = h.decideCase(ctx, f[1], f[2], f[3], strings.Join(f[4:], " "))
			case f[0] == "issue" && len(f) == 2:
				msg, err = h.issue(f[1])
			case f[0] == "call" && len(f) == 2:
				var n int
				if n, err = strconv.Atoi(f[1]); err == nil {
					msg, err = h.callNext(n)
				}
			default:
				var sims *simctl.Set
				if sims, line, err = h.route(line); err == nil {
					msg, err = sims.Exec(line)
				}
			}
			if err != nil {
				fmt.Fprintln(out, "error:", err)
			} else if msg != "" {
				fmt.Fprintln(out, msg)
			}
		}
	}
}

// decideCase records a department's opinion at the demo's central; the
// hub brings it into the hall on its next pull.
func (h *demoHall) decideCase(ctx context.Context, number, dept, verdict, reason string) (string, error) {
	if h.decide == nil {
		return "", errors.New("the demo runs without central (-no-central): nobody decides")
	}
	if verdict != "approve" && verdict != "deny" {
		return "", fmt.Errorf("say approve or deny, not %q", verdict)
	}
	ans, err := h.decide(ctx, number, dept, verdict == "approve", reason)
	if err != nil {
		return "", err
	}
	if len(ans.Waiting) > 0 {
		return fmt.Sprintf("%s: %s gave its opinion; waiting for %s", number, dept, strings.Join(ans.Waiting, ", ")), nil
	}
	return fmt.Sprintf("%s: %s (the hall learns it within seconds)", number, ans.Decision), nil
}

// demoHall is the hall's back room in the demo: the hub, its store, the
// kiosk's store and the simulators.
type demoHall struct {
	dir        string
	pages      string // the printed pages, in a folder for each terminal (pagesOf)
	keys       *pii.Keys
	hallKey    string
	kioskKey   string // the kiosk's, never the hub's
	hubAddress string // as [hub] address names it
	hubURL     string // hub.URL(hubAddress, true)
	hubCert    []byte // the hall's hub certificate, which every terminal pins
	hubStore   *store.Store
	kioskStore *store.Store
	kioskSims  *simctl.Set
	windowSims map[int]*simctl.Set // each demo window's own devices
	syncer     app.Syncer
	centralURL string
	enrol      enrolFunc // nil without central
	hub        *hub.Server
	decide     decideFunc // nil without central
	server     *http.Server
	// windowRunning holds the windows whose terminal's process started:
	// their caller keypad is then on their simulators' bus.
	windowRunning map[int]bool
	procs         demoProcs // the terminals' processes, which end with the demo
	log           *slog.Logger
}

// startDemoHall starts the demo's hub and simulators in dir; the printers
// draw their pages in pages (default: dir/pages), in a folder for each
// terminal.
func startDemoHall(ctx context.Context, dir, pages string, log *slog.Logger) (*demoHall, error) {
	if pages == "" {
		pages = filepath.Join(dir, "pages")
	}
	h := &demoHall{dir: dir, pages: pages, log: log, windowSims: map[int]*simctl.Set{}, windowRunning: map[int]bool{}, procs: demoProcs{log: log}}
	var err error
	if h.keys, err = pii.LoadOrCreate(filepath.Join(dir, "personal-data.key")); err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	rand.Read(b)
	// Written to hall.key beside each terminal's configuration, as setup
	// writes it.
	h.hallKey = hex.EncodeToString(b)
	rand.Read(b)
	h.kioskKey = hex.EncodeToString(b) // kiosk.key, beside the kiosk's only

	if h.hubStore, err = store.Open(ctx, filepath.Join(dir, "hub.db"), store.Options{Terminal: "HUB", Keys: h.keys}); err != nil {
		return nil, err
	}
	if h.kioskStore, err = store.Open(ctx, filepath.Join(dir, "kiosk.db"), store.Options{Terminal: "K01", Keys: h.keys, HallHub: true}); err != nil {
		h.close()
		return nil, err
	}
	for _, s := range []*store.Store{h.hubStore, h.kioskStore} {
		load := store.LoadSample
		if s == h.hubStore { // the hall's manager logs in to the hub's console
			load = loadSampleWithPasswords
		}
		if err := load(ctx, s); err != nil {
			h.close()
			return nil, fmt.Errorf("loading the sample hall: %w", err)
		}
	}
	srv, err := hub.New(h.hubStore, h.hallKey, log.With("role", "hub"))
	if err != nil {
		h.close()
		return nil, err
	}
	h.hub = srv
	if srv.Console, err = hallConsole(ctx, h.hubStore, log.With("role", "hub-console")); err != nil {
		h.close()
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.close()
		return nil, err
	}
	// The hall's hub certificate, made as set-up makes it: the hub speaks
	// TLS and every terminal pins it.
	certPEM, keyPEM, err := setup.MakeHubCertificate(demoHallCode, time.Now())
	if err != nil {
		l.Close()
		h.close()
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		l.Close()
		h.close()
		return nil, err
	}
	h.hubCert = certPEM
	h.hubAddress = l.Addr().String()
	h.hubURL = hub.URL(h.hubAddress, true)
	h.server = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go h.server.Serve(tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))
	// The kiosk's applications reach the hall's records at the hub.
	go hub.NewPusher(h.kioskStore, h.hubClient(10*time.Second), "K01", demoHallCode, log.With("role", "kiosk")).
		Run(ctx, time.Second)

	quiet := log.With("role", "sim")
	for _, s := range []struct {
		name, pages string
		set         **simctl.Set
	}{{"kiosk-devices", "kiosk", &h.kioskSims}, {windowName(1) + "-devices", "window1", new(*simctl.Set)}, {windowName(2) + "-devices", "window2", new(*simctl.Set)}} {
		d := filepath.Join(dir, s.name)
		pd := filepath.Join(h.pages, s.pages)
		for _, f := range []string{d, pd} {
			if err := os.MkdirAll(f, 0o755); err != nil {
				h.close()
				return nil, err
			}
		}
		set, err := simctl.Start(simctl.Config{Dir: d, PagesDir: pd, PaperDots: 576, Log: quiet})
		if err != nil {
			h.close()
			return nil, fmt.Errorf("starting the device simulators: %w", err)
		}
		*s.set = set
		for _, n := range clerkWindows {
			if s.name == windowName(n)+"-devices" {
				h.windowSims[n] = set
			}
		}
	}
	return h, nil
}

func (h *demoHall) close() {
	// The terminals first, while the hub still answers them.
	h.procs.stop(5 * time.Second)
	if h.server != nil {
		h.server.Close()
	}
	for _, s := range append([]*simctl.Set{h.kioskSims}, slices.Collect(maps.Values(h.windowSims))...) {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range []*store.Store{h.kioskStore, h.hubStore} {
		if s != nil {
			s.Close()
		}
	}
}

// callNext is a window's caller key. The demo windows' keys are on their
// simulated queue buses, so their terminals hear them; the other windows
// have no terminal in the demo, so their key asks the hub directly.
func (h *demoHall) callNext(window int) (string, error) {
	if h.windowRunning[window] {
		return h.windowSims[window].Exec(fmt.Sprintf("press %d next", 10+window))
	}
	c := h.hubClient(3 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// A window still serving its last ticket finishes it first, as a
	// clerk does before calling the next.
	if st, err := c.Window(ctx, window); err == nil && st.Current != nil {
		if _, err := c.Finish(ctx, app.NewID(), window); err != nil && !errors.Is(err, app.ErrNoTicket) {
			return "", err
		}
	}
	t, err := c.Call(ctx, app.NewID(), window)
	if errors.Is(err, app.ErrNoneWaiting) {
		return fmt.Sprintf("window %d: nobody is waiting", window), nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("window %d calls %s", window, t.Code), nil
}

// issue takes a number in a category, as a kiosk without a card does.
func (h *demoHall) issue(category string) (string, error) {
	c := h.hubClient(3 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	t, err := c.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: strings.ToUpper(category)})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("issued %s, %d ahead", t.Code, t.Ahead), nil
}

// demoCards are the sample cards the panel offers, the refused ones last.
func demoCards() []simpanel.Card {
	var out []simpanel.Card
	for i, c := range idreadersim.SampleCards() {
		out = append(out, simpanel.Card{Index: i, Label: c.Label})
	}
	return out
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

// clerkWindows are the windows whose clerks' terminals the demo opens, each
// on its own simulators (its caller keypad on their queue bus): a case
// taken in at one is handed out at the other (统一出件).
var clerkWindows = []int{1, 2}

// windowName names a demo window's files: window (window 1's
// configuration, data and devices), window2, …
func windowName(n int) string {
	if n == clerkWindows[0] {
		return "window"
	}
	return fmt.Sprintf("window%d", n)
}

// The window terminal and the hall screen run as processes of their own,
// as on a real hall's machines: Fyne's theme and language belong to a whole
// process, and the kiosk's citizen switching to English or to large text
// must not switch the clerk's screen or the hall screen too.

// startDemoWindow is where the demo starts a clerk's window terminal, for
// window n: `onewindow window` with the configuration a technician would
// write for it, on its simulators, enrolled with central.
func startDemoWindow(ctx context.Context, h *demoHall, stderr io.Writer, n int) error {
	a, err := h.windowAnswers(ctx, n)
	if err != nil {
		return err
	}
	path, cfg, err := h.writeConfig(a)
	if err != nil {
		return err
	}
	if err := h.enrolTerminal(ctx, cfg); err != nil {
		h.log.Warn("the window terminal is not enrolled: its cases wait in its outbox", "err", err)
	}
	if err := h.spawn("window", path, stderr, "-windowed", "-sample"); err != nil {
		return err
	}
	h.windowRunning[n] = true
	return nil
}

// enrolTerminal enrols the store that the terminal of cfg will open before
// its process starts, as a technician does at install.
func (h *demoHall) enrolTerminal(ctx context.Context, cfg *config.Config) error {
	if h.enrol == nil {
		return nil
	}
	s, err := openTerminalStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	return h.enrol(ctx, s, cfg.Terminal, string(cfg.Role))
}

// startDemoDisplay starts the hall screen: `onewindow display`.
func startDemoDisplay(h *demoHall, stderr io.Writer, fullScreen bool) error {
	path, _, err := h.writeConfig(h.answers(config.RoleDisplay, "D01"))
	if err != nil {
		return err
	}
	args := []string{"-sample"}
	if !fullScreen {
		args = append(args, "-windowed")
	}
	return h.spawn("display", path, stderr, args...)
}

// answers are what a technician answers at set-up for one of the demo's
// terminals: the demo's hall, hub, hall key and central, and a data folder
// of its own in the demo's folder.
func (h *demoHall) answers(role config.Role, terminal string) setup.Answers {
	central := h.centralURL
	if central == "" {
		central = "http://127.0.0.1:9" // no central: the terminal finds it offline
	}
	return setup.Answers{Role: role, Hall: demoHallCode, Terminal: terminal, HubAddress: h.hubAddress,
		HallKey: config.Secret(h.hallKey), CentralURL: central, DataDir: string(role) + "-data", HubCert: h.hubCert}
}

// kioskAnswers are the kiosk's, on the kiosk simulators. The kiosk runs in
// the demo's own process, on the store the demo keeps for it: of its
// configuration it takes the devices.
func (h *demoHall) kioskAnswers() setup.Answers {
	a := h.answers(config.RoleKiosk, "K01")
	a.DataDir, a.KioskKey = h.dir, config.Secret(h.kioskKey)
	a.IDCard = &setup.Device{Port: h.kioskSims.Path(simctl.IDReader)}
	a.Printer, a.NativeQR = &setup.Device{Port: h.kioskSims.Path(simctl.Printer)}, true
	a.Scanner = &setup.Device{Port: h.kioskSims.Path(simctl.Scanner)}
	return a
}

// windowAnswers are window n's, on its simulators, with the queue
// categories the sample hall gives that window.
func (h *demoHall) windowAnswers(ctx context.Context, n int) (setup.Answers, error) {
	hall, err := h.kioskStore.Hall(ctx)
	if err != nil {
		return setup.Answers{}, err
	}
	a := h.answers(config.RoleWindow, fmt.Sprintf("W%02d", n))
	a.DataDir = windowName(n) + "-data"
	for _, w := range hall.Windows {
		if w.Number == n {
			a.Categories = w.Categories
		}
	}
	a.Window = n
	sims := h.windowSims[n]
	a.IDCard = &setup.Device{Port: sims.Path(simctl.IDReader)}
	a.Printer, a.NativeQR = &setup.Device{Port: sims.Path(simctl.Printer)}, true
	a.QueueBus = &setup.Device{Port: sims.Path(simctl.QueueBus)}
	return a, nil
}

// writeConfig writes the configuration of the answers a as `onewindow
// setup` does, to ROLE.toml (window2.toml for window 2) in the demo's folder with the hall key beside
// it, and reads it back as the terminal will. A demo run again in its
// folder replaces its configurations (the last kept as .old).
func (h *demoHall) writeConfig(a setup.Answers) (path string, cfg *config.Config, err error) {
	name := string(a.Role)
	if a.Role == config.RoleWindow {
		name = windowName(a.Window)
	}
	path = filepath.Join(h.dir, name+".toml")
	if err := setup.Write(path, a, true); err != nil {
		return "", nil, err
	}
	cfg, err = config.Load(path)
	return path, cfg, err
}

// spawn runs `onewindow ROLE -config FILE ARGS…` until the demo ends
// (h.close stops it). Each terminal keeps Fyne's preferences in a folder
// of its own beside its configuration (window-fyne/, window2-fyne/), as on
// its own machine: two window terminals sharing one file read each other's
// half-written saves ("Fyne error: Preferences load error: EOF").
func (h *demoHall) spawn(role, path string, stderr io.Writer, args ...string) error {
	prefs := strings.TrimSuffix(path, ".toml") + "-fyne"
	_, err := h.procs.start(append([]string{role, "-config", path}, args...), []string{"XDG_CONFIG_HOME=" + prefs}, stderr)
	return err
}

// hubClient talks to the demo's hub as its terminals do.
func (h *demoHall) hubClient(timeout time.Duration) *hub.Client {
	return hub.NewClient(h.hubURL, h.hallKey, timeout, hub.Pinned(h.hubCert))
}
