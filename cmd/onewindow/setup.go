package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/setup"
	"onewindow/app/suite"
	"onewindow/device/probe"
	"onewindow/device/queuebus"
	"onewindow/sync/link"
	"onewindow/sync/tlcp"
	"onewindow/sync/wire"
	uisetup "onewindow/ui/setup"
	"onewindow/ui/theme"
)

func init() {
	register(command{
		name:    "setup",
		summary: "set up a terminal: write its configuration, find and test its devices, enrol it with central",
		run:     runSetup,
	})
}

const setupUsage = `Usage:
  onewindow setup -role ROLE -hall HALL -terminal CODE [flags]   write the configuration
  onewindow setup -discover [-ports GLOB]                         find which device is on which port
  onewindow setup -test DEVICE [-config FILE]                     test one configured device
  onewindow setup -enrol BUNDLE [-config FILE]                    enrol with central's one-time code
  onewindow setup -ui [-config FILE]                              the same steps in the set-up wizard

Everything the set-up wizard does, for a scripted roll-out. Writing the
configuration checks every answer first and writes nothing when one is
wrong; it writes the hall key into hall.key beside the configuration (mode
600), and on a kiosk the kiosk key into kiosk.key, and never replaces an
existing configuration without -force. The kiosk key is made once for the
hall (openssl rand -hex 32 > kiosk.key) and goes on every kiosk and on no
other machine: it keys the hash of an ID number the hub keeps, which the
hub must not be able to reverse. The hub's set-up makes the hall's hub
certificate (hub.pem, and its private key hub-key.pem, mode 600, which
stays on the hub); copy hub.pem to every terminal with the hall key and
give it with -hub-cert: the terminal then speaks TLS to the hub and trusts
only that certificate. In a province on the gm suite, the hub's set-up
takes -crypto-suite gm: hub.pem is then an SM2 double certificate, and the
hub and the terminals given it speak TLCP (国密, GM/T 0024) instead.

-auto fills in the devices not given by flags from a discovery of the
ports. DEVICE for -test is idcard (place a card), printer (prints a test
page), display (shows a number), caller or rating (press a key within
-wait), or scanner (scan a code within -wait). BUNDLE is the JSON that
'onewindow central enrol-code' prints, as a file.

Examples:
  onewindow setup -role kiosk -hall 330106 -terminal K01 -hub 192.168.10.2:7100 \
      -hall-key-file /media/usb/hall.key -kiosk-key-file /media/usb/kiosk.key \
      -hub-cert /media/usb/hub.pem -central https://central.example:8443 -auto
  onewindow setup -test printer
  onewindow setup -enrol /media/usb/K01.json
`

type setupFlags struct {
	config, role, hall, terminal, hub, hallKey, hallKeyFile, central, data string
	idcard, printer, queuebus, scanner, ports, test, enrol, categories     string
	kioskKeyFile, hubCert, suite                                           string
	window                                                                 int
	nativeQR, discover, auto, force, ui, windowed                          bool
	wait, timeout, probeTimeout                                            time.Duration
}

func runSetup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("setup", setupUsage)
	var f setupFlags
	fs.StringVar(&f.config, "config", defaultConfigPath, "the configuration `file` to write, test or enrol")
	fs.StringVar(&f.role, "role", "", "what this terminal is: kiosk, window, display or hub")
	fs.StringVar(&f.hall, "hall", "", "the hall's `code`, the same on every terminal of the hall")
	fs.StringVar(&f.terminal, "terminal", "", "this terminal's `code`, like K01 or W05")
	fs.StringVar(&f.hub, "hub", "", "the hub's `address` host:port (on the hub: the address it listens on, like :7100)")
	fs.StringVar(&f.hallKeyFile, "hall-key-file", "", "a `file` holding the hall key, copied to hall.key (safer than -hall-key, which other users can see in the process list)")
	fs.StringVar(&f.hallKey, "hall-key", "", "the hall `key` itself")
	fs.StringVar(&f.kioskKeyFile, "kiosk-key-file", "", "kiosks only: a `file` holding the hall's kiosk key, copied to kiosk.key")
	fs.StringVar(&f.hubCert, "hub-cert", "", "the hall's hub certificate `file` (hub.pem, made by the hub's set-up), copied beside the configuration: the terminal then speaks TLS to the hub and trusts only it")
	fs.StringVar(&f.suite, "crypto-suite", "intl", "the hub only: the province's crypto `suite` (central's -crypto-suite), for the hall's hub certificate: intl makes an ECDSA one, for TLS; gm an SM2 double certificate, for TLCP (国密)")
	fs.StringVar(&f.central, "central", "", "the central platform's `URL`")
	fs.StringVar(&f.data, "data", "", "the data `folder` (default "+config.DefaultDataDir+")")
	fs.StringVar(&f.idcard, "idcard", "", "the ID-card reader's `port`, as PORT or PORT@BAUD")
	fs.StringVar(&f.printer, "printer", "", "the printer's `port`, as PORT or PORT@BAUD")
	fs.BoolVar(&f.nativeQR, "native-qr", true, "the printer draws QR codes itself")
	fs.StringVar(&f.queuebus, "queuebus", "", "the queue bus's `port`, as PORT or PORT@BAUD")
	fs.StringVar(&f.scanner, "scanner", "", "the QR scanner's `port`, as PORT or PORT@BAUD")
	fs.IntVar(&f.window, "window", 0, "the window's `number` (window terminals)")
	fs.StringVar(&f.categories, "categories", "", "the queue `categories` the window serves, in calling order, like A,C")
	fs.BoolVar(&f.auto, "auto", false, "fill in the devices not given from a discovery of the ports")
	fs.BoolVar(&f.force, "force", false, "replace an existing configuration (kept as FILE.old)")
	fs.BoolVar(&f.discover, "discover", false, "list the serial ports and which device answers on each, and stop")
	fs.StringVar(&f.ports, "ports", "", "probe only the ports matching this `glob` (one port, or a simulator's folder: /tmp/sim/*)")
	fs.DurationVar(&f.probeTimeout, "probe-timeout", 200*time.Millisecond, "how long discovery waits for each answer; longer for slow devices")
	fs.StringVar(&f.test, "test", "", "test one configured `device`: idcard, printer, display, caller, rating or scanner")
	fs.DurationVar(&f.wait, "wait", 30*time.Second, "how long a test waits for a card, a key or a scan")
	fs.StringVar(&f.enrol, "enrol", "", "enrol with central using the enrolment bundle `file`")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "how long each request to central may take")
	fs.BoolVar(&f.ui, "ui", false, "show the set-up wizard, full screen (the first screen of a terminal with no configuration)")
	fs.BoolVar(&f.windowed, "windowed", false, "with -ui: in a window instead of full screen")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	modes := 0
	for _, on := range []bool{f.discover, f.test != "", f.enrol != "", f.role != "", f.ui} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		fmt.Fprintf(stderr, "onewindow setup: give exactly one of -role (write the configuration), -discover, -test, -enrol or -ui; run 'onewindow setup -h' for help\n")
		return 2
	}
	switch {
	case f.ui:
		return setupWizard(ctx, f, stderr)
	case f.discover:
		return setupDiscover(ctx, f, stdout)
	case f.test != "":
		return setupTest(ctx, f, stdout, stderr)
	case f.enrol != "":
		return setupEnrol(ctx, f, stdout, stderr)
	}
	return setupWrite(ctx, fs, f, stdout, stderr)
}

// portsToProbe are the machine's serial ports, or with -ports only the
// paths matching its glob (a simulator's folder, or one suspect port).
func portsToProbe(f setupFlags) []string {
	if f.ports == "" {
		return probe.Ports()
	}
	m, _ := filepath.Glob(f.ports)
	return probe.Devices(m)
}

func setupDiscover(ctx context.Context, f setupFlags, stdout io.Writer) int {
	ports := portsToProbe(f)
	fmt.Fprintf(stdout, "probing %d serial ports (a printer may print a line of odd characters: tear it off)\n", len(ports))
	fmt.Fprint(stdout, probe.Describe(probe.Discover(ctx, ports, probe.Options{Timeout: f.probeTimeout})))
	return 0
}

func setupWrite(ctx context.Context, fs *flag.FlagSet, f setupFlags, stdout, stderr io.Writer) int {
	a := setup.Answers{Role: config.Role(f.role), Hall: f.hall, Terminal: f.terminal, HubAddress: f.hub,
		CentralURL: f.central, DataDir: f.data, NativeQR: f.nativeQR, Window: f.window}
	if f.categories != "" {
		for _, c := range strings.Split(f.categories, ",") {
			a.Categories = append(a.Categories, strings.TrimSpace(c))
		}
	}
	switch {
	case f.hallKey != "" && f.hallKeyFile != "":
		fmt.Fprintf(stderr, "onewindow setup: give the hall key once, with -hall-key-file or -hall-key, not both\n")
		return 2
	case f.hallKeyFile != "":
		b, err := os.ReadFile(f.hallKeyFile)
		if err != nil {
			fmt.Fprintf(stderr, "onewindow setup: reading the hall key: %v\n", err)
			return 1
		}
		a.HallKey = config.Secret(strings.TrimSpace(string(b)))
	case f.hallKey != "":
		a.HallKey = config.Secret(f.hallKey)
	}
	if f.hubCert != "" {
		b, err := os.ReadFile(f.hubCert)
		if err != nil {
			fmt.Fprintf(stderr, "onewindow setup: reading the hub's certificate: %v\n", err)
			return 1
		}
		a.HubCert = b
	}
	if f.kioskKeyFile != "" {
		b, err := os.ReadFile(f.kioskKeyFile)
		if err != nil {
			fmt.Fprintf(stderr, "onewindow setup: reading the kiosk key: %v\n", err)
			return 1
		}
		a.KioskKey = config.Secret(strings.TrimSpace(string(b)))
	}
	named, err := suite.Parse(f.suite)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "onewindow setup: -crypto-suite: %v\n", err)
		return 2
	case named == suite.GM && a.Role != config.RoleHub:
		fmt.Fprintf(stderr, "onewindow setup: -crypto-suite is the hub's (its certificate); a terminal learns the suite from central at enrolment, and speaks TLCP to a hub whose -hub-cert is SM2\n")
		return 2
	case named == suite.GM:
		// The hall's hub in TLCP: an SM2 double certificate, the signing
		// certificate first in hub.pem (what the terminals pin).
		m, err := tlcp.MakeSelfSigned("onewindow hub of hall "+a.Hall, []string{"onewindow-hub"}, time.Now())
		if err != nil {
			fmt.Fprintf(stderr, "onewindow setup: the hub's SM2 certificates: %v\n", err)
			return 1
		}
		a.HubCert, a.HubKey = m.Joined()
	}
	for _, d := range []struct {
		flag string
		to   **setup.Device
	}{{f.idcard, &a.IDCard}, {f.printer, &a.Printer}, {f.queuebus, &a.QueueBus}, {f.scanner, &a.Scanner}} {
		if *d.to, err = setup.ParseDevice(d.flag); err != nil {
			fmt.Fprintf(stderr, "onewindow setup: %v\n", err)
			return 2
		}
	}
	if f.auto {
		results := probe.Discover(ctx, portsToProbe(f), probe.Options{Timeout: f.probeTimeout})
		fmt.Fprint(stdout, probe.Describe(results))
		found := probe.ByKind(results)
		for kind, to := range map[probe.Kind]**setup.Device{probe.IDCard: &a.IDCard, probe.Printer: &a.Printer, probe.QueueBus: &a.QueueBus} {
			if fd, ok := found[kind]; ok && *to == nil {
				*to = &setup.Device{Port: fd.Port, Baud: fd.Baud}
			}
		}
	}
	err = saveConfig(f.config, a, f.force)
	var pe *app.ProblemsError
	switch {
	case errors.As(err, &pe):
		fmt.Fprintf(stdout, "nothing was written: %d problem(s) with the answers:\n", len(pe.Problems))
		for _, p := range pe.Problems {
			fmt.Fprintf(stdout, "  %s\n", setupWords(p))
		}
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "onewindow setup: %v\n", err)
		return 1
	}
	cfg, _ := config.Load(f.config)
	fmt.Fprintf(stdout, "wrote %s:\n", f.config)
	for _, line := range strings.Split(strings.TrimRight(cfg.Summary(), "\n"), "\n") {
		fmt.Fprintf(stdout, "  %s\n", line)
	}
	fmt.Fprintf(stdout, "next: test each device ('onewindow setup -test printer' …), enrol ('onewindow setup -enrol BUNDLE'), then 'onewindow doctor'\n")
	return 0
}

// setupWords names a configuration key by the flag that sets it, so a
// problem points at what the technician typed.
func setupWords(problem string) string {
	for key, flag := range map[string]string{
		"role": "-role", "hall": "-hall", "terminal": "-terminal", "hub.address": "-hub", "hub.hall_key": "-hall-key",
		"hub.hall_key_file": "-hall-key-file", "hub.kiosk_key": "-kiosk-key-file", "central.url": "-central", "paths.data_dir": "-data",
		"devices.idcard": "-idcard", "devices.printer": "-printer", "devices.queuebus": "-queuebus", "devices.scanner": "-scanner",
		"window.number": "-window", "window.categories": "-categories", "window": "-window",
	} {
		if rest, ok := strings.CutPrefix(problem, key+":"); ok {
			return flag + " (" + key + "):" + rest
		}
	}
	return problem
}

func setupTest(ctx context.Context, f setupFlags, stdout, stderr io.Writer) int {
	cfg, err := config.Load(f.config)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow setup -test: %v\n", err)
		return 1
	}
	window := 0
	if cfg.Window != nil {
		window = cfg.Window.Number
	}
	if prompt := testPrompt(f.test, f.wait); prompt != "" {
		fmt.Fprintln(stdout, prompt)
	}
	msg, err := deviceTest(ctx, probe.FromConfig(cfg), window, cfg.Terminal, f.test, f.wait)
	var missing errMissingDevice
	switch {
	case errors.Is(err, app.ErrInvalidInput):
		fmt.Fprintf(stderr, "onewindow setup -test: %v\n", err)
		return 2
	case errors.As(err, &missing):
		fmt.Fprintf(stderr, "onewindow setup -test %s: %s has no %s configured; add it with 'onewindow setup -force …' or edit it\n", f.test, f.config, string(missing))
		return 1
	case err != nil:
		fmt.Fprintf(stdout, "FAIL: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %s\n", msg)
	return 0
}

// errMissingDevice names a device a test needs and the terminal lacks.
type errMissingDevice string

func (e errMissingDevice) Error() string { return "no " + string(e) + " is configured" }

// testPrompt is what the technician must do during a test, said first.
func testPrompt(test string, wait time.Duration) string {
	switch test {
	case "idcard":
		return fmt.Sprintf("place an ID card on the reader (waiting %s)…", wait)
	case "caller", "rating":
		return fmt.Sprintf("press a key on the %s pad (waiting %s)…", test, wait)
	case "scanner":
		return fmt.Sprintf("scan any QR code (waiting %s)…", wait)
	}
	return ""
}

// deviceTest runs one device's test on the devices given; the command and
// the wizard share it.
func deviceTest(ctx context.Context, devs []probe.Configured, window int, terminal, test string, wait time.Duration) (string, error) {
	get := func(k probe.Kind) (probe.Configured, bool) {
		for _, d := range devs {
			if d.Kind == k {
				if d.Baud == 0 {
					d.Baud = probe.Bauds[k][0]
				}
				return d, true
			}
		}
		return probe.Configured{}, false
	}
	if window == 0 {
		window = 1
	}
	display, caller, rating := probe.BusAddrs(window)
	need := map[string]probe.Kind{"idcard": probe.IDCard, "printer": probe.Printer, "display": probe.QueueBus,
		"caller": probe.QueueBus, "rating": probe.QueueBus, "scanner": probe.Scanner}
	k, known := need[test]
	if !known {
		return "", fmt.Errorf("%w: %q is not a device test; use idcard, printer, display, caller, rating or scanner", app.ErrInvalidInput, test)
	}
	d, ok := get(k)
	if !ok {
		return "", errMissingDevice(k.Words())
	}
	switch test {
	case "idcard":
		return probe.ReadCard(ctx, d.Port, d.Baud, wait)
	case "printer":
		if err := probe.PrintTestPage(ctx, d.Port, d.Baud, d.NativeQR, terminal, time.Now()); err != nil {
			return "", err
		}
		return "printed a test page: check the Chinese text, the QR code and the cut", nil
	case "display":
		text := fmt.Sprintf("A%03d 请到%d号窗口", window, window)
		if err := probe.ShowNumber(ctx, d.Port, d.Baud, display, text); err != nil {
			return "", err
		}
		return fmt.Sprintf("the display at address %d should now show %q", display, text), nil
	case "caller":
		return probe.WaitKey(ctx, d.Port, d.Baud, caller, queuebus.KindCaller, wait)
	case "rating":
		return probe.WaitKey(ctx, d.Port, d.Baud, rating, queuebus.KindRatingPad, wait)
	}
	return probe.WaitScan(ctx, d.Port, d.Baud, wait)
}

// maxBundle bounds an enrolment bundle: a few lines of JSON and a CA.
const maxBundle = 64 << 10

func setupEnrol(ctx context.Context, f setupFlags, stdout, stderr io.Writer) int {
	msg, err := enrolTerminal(ctx, f.config, f.enrol, f.timeout)
	if err != nil {
		fmt.Fprintf(stdout, "enrolment failed: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, msg)
	return 0
}

// enrolTerminal enrols the terminal configured in cfgPath with the bundle
// file; its errors are worded for the technician. The command and the
// wizard share it.
func enrolTerminal(ctx context.Context, cfgPath, bundlePath string, timeout time.Duration) (string, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return "", fmt.Errorf("write the configuration first ('onewindow setup -role …'): %w", err)
	}
	b, err := readBundle(bundlePath)
	if err != nil {
		return "", err
	}
	switch {
	case b.Terminal != "" && b.Terminal != cfg.Terminal:
		return "", fmt.Errorf("the bundle is for terminal %s, and this is %s: use the bundle made for %s", b.Terminal, cfg.Terminal, cfg.Terminal)
	case b.Hall != "" && b.Hall != cfg.Hall:
		return "", fmt.Errorf("the bundle is for hall %s, and this terminal is in hall %s", b.Hall, cfg.Hall)
	}
	st, err := openTerminalStore(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer st.Close()
	log, closeLog := openTerminalLog(cfg)
	defer closeLog()
	if err := link.EnrolChecked(ctx, st, b, link.Options{Timeout: timeout}); err != nil {
		log.Warn("enrolment failed", "terminal", cfg.Terminal, "central", b.Central, "error", err)
		return "", errors.New(enrolWords(err, b))
	}
	log.Info("enrolled with central", "terminal", cfg.Terminal, "hall", cfg.Hall, "central", b.Central)
	return fmt.Sprintf("enrolled terminal %s of hall %s with central at %s", cfg.Terminal, cfg.Hall, b.Central), nil
}

func readBundle(path string) (wire.Bundle, error) {
	var b wire.Bundle
	f, err := os.Open(path)
	if err != nil {
		return b, fmt.Errorf("cannot read the bundle: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBundle+1))
	if err != nil || len(data) > maxBundle {
		return b, fmt.Errorf("%s is not an enrolment bundle (too large or unreadable)", filepath.Base(path))
	}
	if err := json.Unmarshal(data, &b); err != nil || b.Central == "" || b.Code == "" {
		return b, fmt.Errorf("%s is not an enrolment bundle: it should be the JSON that 'onewindow central enrol-code' prints, with central and code", filepath.Base(path))
	}
	return b, nil
}

// enrolWords is each enrolment failure with what to do about it.
func enrolWords(err error, b wire.Bundle) string {
	switch {
	case errors.Is(err, link.ErrCode):
		return fmt.Sprintf("central refused the one-time code (%v). A code works once and expires: ask central's administrator for a new bundle ('onewindow central enrol-code -terminal %s')", err, b.Terminal)
	case errors.Is(err, link.ErrClock):
		return fmt.Sprintf("this terminal's clock is far off (%v). Set the date and time ('timedatectl set-time \"YYYY-MM-DD HH:MM\"' or turn on NTP), then enrol again", err)
	case errors.Is(err, link.ErrTLS):
		return fmt.Sprintf("TLS problem (%v). The CA in the bundle does not vouch for central's certificate: get a fresh bundle, and if it persists ask whether a proxy on the network intercepts HTTPS", err)
	case errors.Is(err, link.ErrOffline):
		return fmt.Sprintf("central cannot be reached at %s (%v). Check the WAN link (政务外网) and that this address is allowed through the hall's firewall; 'onewindow doctor' tests the same", b.Central, err)
	}
	return err.Error()
}

// setupWizard shows the set-up wizard, its steps wired to the same
// functions as the flags.
func setupWizard(ctx context.Context, f setupFlags, stderr io.Writer) int {
	svc := uisetup.Services{
		Discover: func(ctx context.Context) ([]uisetup.Found, string) {
			results := probe.Discover(ctx, portsToProbe(f), probe.Options{Timeout: f.probeTimeout})
			var found []uisetup.Found
			for k, d := range probe.ByKind(results) {
				found = append(found, uisetup.Found{Kind: string(k), Port: d.Port, Baud: d.Baud})
			}
			return found, probe.Describe(results)
		},
		Test: func(ctx context.Context, a setup.Answers, device string) (string, error) {
			return deviceTest(ctx, answerDevices(a), a.Window, a.Terminal, device, f.wait)
		},
		Save: func(a setup.Answers) error { return saveConfig(f.config, a, f.force) },
		Enrol: func(ctx context.Context, bundle string) error {
			_, err := enrolTerminal(ctx, f.config, bundle, f.timeout)
			return err
		},
	}
	a := fyneapp.NewWithID("cn.gov.onewindow.setup")
	theme.Apply(a, theme.New(theme.Compact))
	w := a.NewWindow("onewindow setup")
	wiz := uisetup.New(ctx, svc)
	w.SetContent(wiz.Content())
	w.Resize(fyne.NewSize(1024, 720))
	w.SetFullScreen(!f.windowed)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return 0
}

// answerDevices are the wizard's devices as the tests take them.
func answerDevices(a setup.Answers) []probe.Configured {
	var out []probe.Configured
	for _, d := range []struct {
		k   probe.Kind
		dev *setup.Device
	}{{probe.IDCard, a.IDCard}, {probe.Printer, a.Printer}, {probe.QueueBus, a.QueueBus}, {probe.Scanner, a.Scanner}} {
		if d.dev != nil {
			out = append(out, probe.Configured{Kind: d.k, Port: d.dev.Port, Baud: d.dev.Baud, NativeQR: a.NativeQR})
		}
	}
	return out
}

// serviceUser is the user the .deb's units run as.
const serviceUser = "onewindow"

// saveConfig writes the configuration and, when set-up runs as root on a
// machine with the service user, hands the hall key file to that user:
// the services run as it and must read the key, which is private to its
// owner.
func saveConfig(path string, a setup.Answers, replace bool) error {
	if err := setup.Write(path, a, replace); err != nil {
		return err
	}
	if a.HallKey == "" || runtime.GOOS == "windows" || os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup(serviceUser)
	if err != nil {
		return nil // not installed from the .deb: whoever runs it owns the key
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(filepath.Join(filepath.Dir(path), setup.HallKeyFileName), uid, gid); err != nil {
		return fmt.Errorf("giving the hall key to the %s user: %w", serviceUser, err)
	}
	if a.KioskKey != "" {
		if err := os.Chown(filepath.Join(filepath.Dir(path), setup.KioskKeyFileName), uid, gid); err != nil {
			return fmt.Errorf("giving the kiosk key to the %s user: %w", serviceUser, err)
		}
	}
	if a.Role == config.RoleHub {
		if err := os.Chown(filepath.Join(filepath.Dir(path), setup.HubKeyFileName), uid, gid); err != nil {
			return fmt.Errorf("giving the hub's private key to the %s user: %w", serviceUser, err)
		}
	}
	return nil
}
