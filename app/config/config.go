// Package config reads, checks and describes a terminal's configuration file:
// which role the terminal plays in the hall, which hall it belongs to, where
// the hub and the central platform are, which serial ports its devices hang
// on, and where it keeps its data and keys.
//
// A configuration is refused as a whole, with every problem named by the key
// a technician would edit, so one run of `onewindow config check` shows all
// there is to fix. The package reads files but never writes them, and it
// knows nothing of devices, networks or screens beyond their settings.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
)

// Role is the part a terminal plays in the hall (DESIGN.md §2).
type Role string

// The roles a configuration may name.
const (
	RoleKiosk   Role = "kiosk"   // citizens' self-service machine
	RoleWindow  Role = "window"  // a clerk's service window
	RoleDisplay Role = "display" // the hall screen that calls numbers
	RoleHub     Role = "hub"     // the hall's queue authority
	RoleCentral Role = "central" // the reference central platform
)

// Roles lists every role in the order a technician meets them.
var Roles = []Role{RoleKiosk, RoleWindow, RoleDisplay, RoleHub, RoleCentral}

// Defaults for what a configuration may leave out.
const (
	DefaultDataDir      = "/var/lib/onewindow"
	DefaultKeyFileName  = "personal-data.key" // inside the data directory
	DefaultLogLevel     = "info"
	DefaultIDCardBaud   = 115200 // idcard.md: the usual reader link
	DefaultPrinterBaud  = 9600   // escpos.md: thermal printers ship at 9600
	DefaultQueueBusBaud = 9600   // queuebus.md: RS-485 at 9600 8N1
	DefaultScannerBaud  = 9600   // serial-mode QR scanners ship at 9600
	// A window terminal's screen speaks Chinese unless told otherwise.
	DefaultLanguage = "zh"
)

// Languages are the languages a window terminal's screen may start in.
var Languages = []string{"zh", "en"}

// The login limits of a window terminal: what is left out is
// app.DefaultLoginPolicy (5 wrong passwords lock the staff id for 15
// minutes; 5 idle minutes lock the screen), and each setting must lie in
// its range.
var (
	DefaultMaxFailedLogins = app.DefaultLoginPolicy.MaxFailures
	DefaultLockMinutes     = int(app.DefaultLoginPolicy.LockFor / time.Minute)
	DefaultIdleLockMinutes = int(app.DefaultLoginPolicy.IdleLock / time.Minute)
)

// The ranges of the login limits: at most 20 tries (more is guessing), a
// lock of at most a day, an idle lock of at most a working day.
const (
	maxFailedLogins = 20
	maxLockMinutes  = 24 * 60
	maxIdleMinutes  = 8 * 60
)

// Secret is a value that must never reach a log line or a screen. Printing it
// with fmt shows that it is set, not what it is.
type Secret string

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "(hidden)"
}

// GoString hides the secret from %#v as well.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// Config is one terminal's configuration file.
type Config struct {
	Role     Role    `toml:"role"`
	Hall     string  `toml:"hall"`     // the hall's code, shared by its terminals
	Terminal string  `toml:"terminal"` // this terminal's code; part of every case number it issues
	LogLevel string  `toml:"log_level"`
	Hub      Hub     `toml:"hub"`
	Central  Central `toml:"central"`
	Paths    Paths   `toml:"paths"`
	Devices  Devices `toml:"devices"`
	// Window is set only on a window terminal.
	Window *Window `toml:"window"`
}

// Hub says how a terminal reaches the hall hub, or where the hub listens.
type Hub struct {
	Address string `toml:"address"` // host:port
	// The hall key authenticates every terminal to the hub. It is given
	// either inline or as a file; there is no default.
	HallKey     Secret `toml:"hall_key"`
	HallKeyFile string `toml:"hall_key_file"`
}

// Central says where the central platform is.
type Central struct {
	URL string `toml:"url"`
}

// Paths are where the terminal keeps its records and its personal-data key.
type Paths struct {
	DataDir string `toml:"data_dir"`
	// KeyFile holds the key that encrypts personal data at rest. The store
	// creates it on first run; it never lives in the database.
	KeyFile string `toml:"key_file"`
}

// Devices are the serial devices attached to the terminal. A nil device is
// not attached.
type Devices struct {
	IDCard   *Serial  `toml:"idcard"`
	Printer  *Printer `toml:"printer"`
	QueueBus *Serial  `toml:"queuebus"`
	Scanner  *Serial  `toml:"scanner"`
}

// Serial is a device on a serial port.
type Serial struct {
	Port string `toml:"port"`
	Baud int    `toml:"baud"`
}

// Printer is the ticket and receipt printer.
type Printer struct {
	Port string `toml:"port"`
	Baud int    `toml:"baud"`
	// NativeQR says the printer draws QR codes itself (GS ( k). Without it a
	// QR code is sent as a raster image, which costs kilobytes and seconds.
	NativeQR bool `toml:"native_qr"`
}

// Window is a clerk's service window.
type Window struct {
	Number int `toml:"number"`
	// Categories are the queue categories the window serves, by ticket
	// prefix, in the order it calls them.
	Categories []string `toml:"categories"`
	// Language is what the screen speaks when the terminal starts, zh or
	// en; the clerk can switch on the login screen. Printed notices are
	// always Chinese.
	Language string `toml:"language"`
	// MaxFailedLogins wrong passwords in a row lock the staff id for
	// LockMinutes; IdleLockMinutes without a key, click, card or keypad
	// press lock the screen.
	MaxFailedLogins int `toml:"max_failed_logins"`
	LockMinutes     int `toml:"lock_minutes"`
	IdleLockMinutes int `toml:"idle_lock_minutes"`
}

// LoginPolicy is the window's login limits as app's login uses them.
func (w *Window) LoginPolicy() app.LoginPolicy {
	return app.LoginPolicy{
		MaxFailures: w.MaxFailedLogins,
		LockFor:     time.Duration(w.LockMinutes) * time.Minute,
		IdleLock:    time.Duration(w.IdleLockMinutes) * time.Minute,
	}
}

// maxFileSize bounds what Load reads: a configuration is a few kilobytes, and
// anything much larger is the wrong file.
const maxFileSize = 1 << 20

// Load reads, completes and checks the configuration file at path. Relative
// paths inside the file are taken from the file's own folder, so a
// configuration and its key file can travel together. Beyond what Validate
// checks, Load looks at the files the configuration names: the hall key file
// must exist, be private to its owner and hold a key; a personal-data key file
// or data directory that already exists must be of the right kind.
//
// Every problem is reported at once in an error wrapping app.ErrInvalidConfig.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	if len(data) > maxFileSize {
		var p app.Problems
		p.Add(path, "is larger than 1 MiB; a configuration file is a few kilobytes, so this is probably the wrong file")
		return nil, p.Err(app.ErrInvalidConfig)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	return parse(data, filepath.Dir(abs), true)
}

// Parse decodes, completes and checks a configuration. Relative paths stay
// relative to the working directory and the files they name are not looked
// at; use Load for a file on disk.
func Parse(data []byte) (*Config, error) {
	return parse(data, "", false)
}

func parse(data []byte, base string, checkFiles bool) (*Config, error) {
	c, md, p, bad := decode(data)
	if md == nil { // not TOML at all: nothing more can be said
		return nil, p.Err(app.ErrInvalidConfig)
	}
	if base != "" {
		c.resolve(base)
	}
	c.fillDefaults(md.IsDefined)
	later := c.problems()
	if checkFiles {
		later = append(later, c.fileProblems()...)
	}
	// A value that could not be read was left empty; saying so again
	// ("is missing", "0 is not a baud rate") would only blur the real problem.
	for _, prob := range later {
		if !slices.ContainsFunc(bad, func(key string) bool { return under(prob, key) }) {
			p = append(p, prob)
		}
	}
	if err := p.Err(app.ErrInvalidConfig); err != nil {
		return nil, err
	}
	return c, nil
}

// under reports whether the problem prob is about key or something inside it.
func under(prob, key string) bool {
	rest, ok := strings.CutPrefix(prob, key)
	return ok && rest != "" && strings.ContainsRune(":.[", rune(rest[0]))
}

// resolve makes the paths in c absolute, taking relative ones from base.
func (c *Config) resolve(base string) {
	for _, p := range []*string{&c.Hub.HallKeyFile, &c.Paths.DataDir, &c.Paths.KeyFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(base, *p)
		}
	}
}

// fillDefaults completes what the file left out. A baud rate written as 0 is
// kept, so that Validate names it instead of quietly replacing it.
func (c *Config) fillDefaults(defined func(key ...string) bool) {
	if c.LogLevel == "" && !defined("log_level") {
		c.LogLevel = DefaultLogLevel
	}
	if c.Paths.DataDir == "" && !defined("paths", "data_dir") {
		c.Paths.DataDir = DefaultDataDir
	}
	if c.Paths.KeyFile == "" && !defined("paths", "key_file") && c.Paths.DataDir != "" {
		c.Paths.KeyFile = filepath.Join(c.Paths.DataDir, DefaultKeyFileName)
	}
	baud := func(b *int, name string, def int) {
		if *b == 0 && !defined("devices", name, "baud") {
			*b = def
		}
	}
	if w := c.Window; w != nil {
		if w.Language == "" && !defined("window", "language") {
			w.Language = DefaultLanguage
		}
		limit := func(v *int, name string, def int) {
			if *v == 0 && !defined("window", name) {
				*v = def
			}
		}
		limit(&w.MaxFailedLogins, "max_failed_logins", DefaultMaxFailedLogins)
		limit(&w.LockMinutes, "lock_minutes", DefaultLockMinutes)
		limit(&w.IdleLockMinutes, "idle_lock_minutes", DefaultIdleLockMinutes)
	}
	d := &c.Devices
	if d.IDCard != nil {
		baud(&d.IDCard.Baud, "idcard", DefaultIDCardBaud)
	}
	if d.Printer != nil {
		baud(&d.Printer.Baud, "printer", DefaultPrinterBaud)
	}
	if d.QueueBus != nil {
		baud(&d.QueueBus.Baud, "queuebus", DefaultQueueBusBaud)
	}
	if d.Scanner != nil {
		baud(&d.Scanner.Baud, "scanner", DefaultScannerBaud)
	}
}

// Validate checks the configuration as it stands, without looking at the
// files it names, and names every problem with its key.
func (c *Config) Validate() error {
	return c.problems().Err(app.ErrInvalidConfig)
}

// needs is what a role cannot work without.
type needs struct {
	hall, terminal, hub, central bool
	devices                      []string // keys under [devices]
	// noDevices marks a role that runs on no terminal of the hall, so a
	// [devices] section means the file was written for another machine.
	noDevices bool
}

var roleNeeds = map[Role]needs{
	RoleKiosk:   {hall: true, terminal: true, hub: true, central: true, devices: []string{"idcard", "printer"}},
	RoleWindow:  {hall: true, terminal: true, hub: true, central: true, devices: []string{"idcard", "printer", "queuebus"}},
	RoleDisplay: {hall: true, terminal: true, hub: true},
	RoleHub:     {hall: true, terminal: true, hub: true},
	RoleCentral: {noDevices: true},
}

var (
	hallRe     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)
	terminalRe = regexp.MustCompile(`^[A-Z0-9]{1,12}$`)
	prefixRe   = regexp.MustCompile(`^[A-Z]$`)
	comPortRe  = regexp.MustCompile(`^(\\\\\.\\)?COM[1-9][0-9]{0,2}$`)
)

// BaudRates are the rates the hall's serial devices are set to.
var BaudRates = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400}

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// minKeyLen is the shortest hall key accepted: 32 characters is 128 bits of
// hex, the least a key guarding a hall's queue should carry.
const minKeyLen = 32

func (c *Config) problems() app.Problems {
	var p app.Problems
	n, known := roleNeeds[c.Role]
	roleNames := joinRoles()
	switch {
	case c.Role == "":
		p.Add("role", "is missing; say what this terminal is: "+roleNames)
	case !known:
		p.Add("role", fmt.Sprintf("%q is not a role; use one of %s", c.Role, roleNames))
	}
	if !known {
		// Without a role nothing can be said about what is required, but
		// what is present can still be checked.
		n = needs{}
	}
	what := roleWhat(c.Role)

	switch {
	case c.Hall == "" && n.hall:
		p.Add("hall", fmt.Sprintf("is missing; %s belongs to a hall, give the hall's code", what))
	case c.Hall != "" && !hallRe.MatchString(c.Hall):
		p.Add("hall", fmt.Sprintf("%q must be 1–32 letters, digits, '-' or '_', starting with a letter or digit", c.Hall))
	}
	switch {
	case c.Terminal == "" && n.terminal:
		p.Add("terminal", "is missing; give this terminal's code, like K01 or W05 (it goes into every case number the terminal issues)")
	case c.Terminal != "" && !terminalRe.MatchString(c.Terminal):
		p.Add("terminal", fmt.Sprintf("%q must be 1–12 capital letters or digits, like K01 or W05 (it goes into every case number)", c.Terminal))
	}
	if _, ok := logLevels[c.LogLevel]; !ok {
		p.Add("log_level", fmt.Sprintf("%q is not a log level; use debug, info, warn or error", c.LogLevel))
	}

	c.hubProblems(&p, n, what)
	c.centralProblems(&p, n, what)

	if c.Paths.DataDir == "" {
		p.Add("paths.data_dir", "is empty; name the folder where the terminal keeps its records, or leave the line out for "+DefaultDataDir)
	}
	if c.Paths.KeyFile == "" {
		p.Add("paths.key_file", "is empty; name the file for the personal-data key, or leave the line out for one inside the data folder")
	}
	if c.Paths.KeyFile != "" && c.Paths.KeyFile == c.Hub.HallKeyFile {
		p.Add("paths.key_file", "is the same file as hub.hall_key_file; the personal-data key and the hall key must be two different files")
	}

	c.deviceProblems(&p, n, what)

	switch {
	case c.Role == RoleWindow && c.Window == nil:
		p.Add("window", "is missing; a window terminal needs a [window] section with its number and the categories it serves")
	case c.Window != nil && known && c.Role != RoleWindow:
		p.Add("window", fmt.Sprintf("only a window terminal has a [window] section, and this is %s; remove it or change the role", what))
	case c.Window != nil:
		c.Window.problems(&p)
	}
	return p
}

func (c *Config) hubProblems(p *app.Problems, n needs, what string) {
	h := c.Hub
	if h.Address == "" {
		if n.hub {
			if c.Role == RoleHub {
				p.Add("hub.address", "is missing; give the address the hub listens on, like :7100 or 192.168.10.2:7100")
			} else {
				p.Add("hub.address", fmt.Sprintf("is missing; %s needs the hall hub's address, like 192.168.10.2:7100", what))
			}
		}
	} else if host, port, err := net.SplitHostPort(h.Address); err != nil {
		p.Add("hub.address", fmt.Sprintf("%q must be host:port, like 192.168.10.2:7100", h.Address))
	} else {
		if !validPort(port) {
			p.Add("hub.address", fmt.Sprintf("%q: the port must be a number from 1 to 65535", h.Address))
		}
		if host == "" && c.Role != RoleHub && n.hub {
			p.Add("hub.address", fmt.Sprintf("%q names no host; %s must say where the hub is, like 192.168.10.2:7100", h.Address, what))
		}
	}
	switch {
	case h.HallKey != "" && h.HallKeyFile != "":
		p.Add("hub", "gives the hall key twice; keep either hall_key or hall_key_file, not both")
	case h.HallKey == "" && h.HallKeyFile == "" && n.hub:
		p.Add("hub.hall_key_file", fmt.Sprintf("is missing; %s needs the hall key and there is no default: put the hall's key in a file readable only by its owner and name it here (or give it inline as hub.hall_key)", what))
	case h.HallKey != "":
		if k := len(strings.TrimSpace(string(h.HallKey))); k < minKeyLen {
			p.Add("hub.hall_key", fmt.Sprintf("is %d characters long; a hall key needs at least %d (make one with: openssl rand -hex 32)", k, minKeyLen))
		}
	}
}

func (c *Config) centralProblems(p *app.Problems, n needs, what string) {
	raw := c.Central.URL
	if raw == "" {
		if n.central {
			p.Add("central.url", fmt.Sprintf("is missing; %s sends its cases to the central platform, give its address, like https://central.example.org/onewindow", what))
		}
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		p.Add("central.url", fmt.Sprintf("%q is not a web address like https://central.example.org/onewindow", raw))
		return
	}
	if u.User != nil {
		p.Add("central.url", "must not hold a user name or password; a terminal proves who it is by its enrolment")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		p.Add("central.url", fmt.Sprintf("%q must not end in a query (?…) or fragment (#…)", raw))
	}
	if port := u.Port(); port != "" && !validPort(port) {
		p.Add("central.url", fmt.Sprintf("%q: the port must be a number from 1 to 65535", raw))
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		p.Add("central.url", fmt.Sprintf("%q uses plain http, which is allowed only to this same machine (localhost); over the network use https", raw))
	}
}

// deviceNames are the [devices] keys in the order they are reported, with
// the words a technician knows them by.
var deviceNames = []struct{ key, words string }{
	{"idcard", "an ID-card reader"},
	{"printer", "a ticket printer"},
	{"queuebus", "a queue bus (window display, caller and rating keypads)"},
	{"scanner", "a QR scanner"},
}

func (c *Config) deviceProblems(p *app.Problems, n needs, what string) {
	d := c.Devices
	ports := map[string]string{} // port → the device key that took it first
	for _, dev := range deviceNames {
		key := "devices." + dev.key
		port, baud, present := d.get(dev.key)
		if !present {
			if slices.Contains(n.devices, dev.key) {
				p.Add(key, fmt.Sprintf("is missing; %s needs %s: add a [%s] section with its port", what, dev.words, key))
			}
			continue
		}
		if n.noDevices {
			p.Add(key, fmt.Sprintf("%s has no serial devices; remove [%s]", what, key))
			continue
		}
		switch {
		case port == "":
			p.Add(key+".port", "is missing; give the serial port the device is plugged into, like /dev/ttyUSB0 (COM3 on Windows)")
		case !validSerialPort(port):
			p.Add(key+".port", fmt.Sprintf("%q is not a serial port; give its path, like /dev/ttyUSB0 (COM3 on Windows)", port))
		case ports[port] != "":
			p.Add(key+".port", fmt.Sprintf("%s is already the port of devices.%s; two devices cannot share one port", port, ports[port]))
		default:
			ports[port] = dev.key
		}
		if !slices.Contains(BaudRates, baud) {
			p.Add(key+".baud", fmt.Sprintf("%d is not a rate serial devices use; use one of %s (leave it out for the usual rate)", baud, joinInts(BaudRates)))
		}
	}
}

// get returns the port and baud rate of the device under key, and whether it
// is attached at all.
func (d Devices) get(key string) (port string, baud int, present bool) {
	switch key {
	case "idcard":
		if d.IDCard != nil {
			return d.IDCard.Port, d.IDCard.Baud, true
		}
	case "printer":
		if d.Printer != nil {
			return d.Printer.Port, d.Printer.Baud, true
		}
	case "queuebus":
		if d.QueueBus != nil {
			return d.QueueBus.Port, d.QueueBus.Baud, true
		}
	case "scanner":
		if d.Scanner != nil {
			return d.Scanner.Port, d.Scanner.Baud, true
		}
	}
	return "", 0, false
}

func (w *Window) problems(p *app.Problems) {
	switch {
	case w.Number == 0:
		p.Add("window.number", "is missing or 0; give the window's number, from 1 to 999")
	case w.Number < 1 || w.Number > 999:
		p.Add("window.number", fmt.Sprintf("%d must be the window's number, from 1 to 999", w.Number))
	}
	if len(w.Categories) == 0 {
		p.Add("window.categories", `is empty; list the queue categories this window serves, in the order it calls them, like ["A", "C"]`)
	}
	seen := map[string]bool{}
	for i, cat := range w.Categories {
		where := fmt.Sprintf("window.categories[%d]", i+1)
		switch {
		case !prefixRe.MatchString(cat):
			p.Add(where, fmt.Sprintf("%q must be a category's ticket prefix, one capital letter A–Z", cat))
		case seen[cat]:
			p.Add(where, fmt.Sprintf("%q is listed twice", cat))
		}
		seen[cat] = true
	}
	if !slices.Contains(Languages, w.Language) {
		p.Add("window.language", fmt.Sprintf("%q is not a language of the screens; use \"zh\" (中文) or \"en\" (English), or leave the line out for zh", w.Language))
	}
	if n := w.MaxFailedLogins; n < 1 || n > maxFailedLogins {
		p.Add("window.max_failed_logins", fmt.Sprintf("%d must be from 1 to %d: the wrong passwords in a row that lock a staff id (leave it out for %d)", n, maxFailedLogins, DefaultMaxFailedLogins))
	}
	if n := w.LockMinutes; n < 1 || n > maxLockMinutes {
		p.Add("window.lock_minutes", fmt.Sprintf("%d must be from 1 to %d: the minutes a staff id stays locked (leave it out for %d)", n, maxLockMinutes, DefaultLockMinutes))
	}
	if n := w.IdleLockMinutes; n < 1 || n > maxIdleMinutes {
		p.Add("window.idle_lock_minutes", fmt.Sprintf("%d must be from 1 to %d: the idle minutes before the screen locks (leave it out for %d)", n, maxIdleMinutes, DefaultIdleLockMinutes))
	}
}

// fileProblems looks at the files the configuration names. It runs after
// resolve, so every path it sees is absolute.
func (c *Config) fileProblems() app.Problems {
	var p app.Problems
	if f := c.Hub.HallKeyFile; f != "" {
		switch data, err := readPrivate(f, true); {
		case err != nil:
			p.Add("hub.hall_key_file", err.Error())
		case len(bytes.TrimSpace(data)) < minKeyLen:
			p.Add("hub.hall_key_file", fmt.Sprintf("%s holds %d characters; a hall key needs at least %d (make one with: openssl rand -hex 32 > %s)", f, len(bytes.TrimSpace(data)), minKeyLen, f))
		}
	}
	if f := c.Paths.KeyFile; f != "" {
		// The store creates this key on first run, so its absence is fine.
		if _, err := readPrivate(f, false); err != nil && !errors.Is(err, os.ErrNotExist) {
			p.Add("paths.key_file", err.Error())
		}
	}
	if d := c.Paths.DataDir; d != "" {
		if fi, err := os.Stat(d); err == nil && !fi.IsDir() {
			p.Add("paths.data_dir", d+" is a file, not a folder")
		}
	}
	return p
}

// maxKeyFileSize bounds a key file: a key is a line of text.
const maxKeyFileSize = 4096

// readPrivate reads a key file and refuses one that other users could read.
// Its errors are sentences about the file, fit for a technician. With
// mustExist false a missing file gives an error that wraps os.ErrNotExist.
func readPrivate(path string, mustExist bool) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if mustExist {
			return nil, fmt.Errorf("%s does not exist", path)
		}
		return nil, fmt.Errorf("%s does not exist: %w", path, os.ErrNotExist)
	case err != nil:
		return nil, fmt.Errorf("%s cannot be looked at: %v", path, errors.Unwrap(err))
	case fi.IsDir():
		return nil, fmt.Errorf("%s is a folder, not a key file", path)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a plain file", path)
	case fi.Size() > maxKeyFileSize:
		return nil, fmt.Errorf("%s is %d bytes; a key file holds one short line, so this is probably the wrong file", path, fi.Size())
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0:
		// Windows has no such bits; there the installer sets the ACL.
		return nil, fmt.Errorf("%s can be read by other users (mode %04o); make it private with: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read: %v", path, errors.Unwrap(err))
	}
	return data, nil
}

// HallKey returns the hall key, from the file or inline.
func (c *Config) HallKey() (Secret, error) {
	if c.Hub.HallKeyFile == "" {
		if c.Hub.HallKey == "" {
			return "", fmt.Errorf("%w: hub: no hall key is configured", app.ErrInvalidConfig)
		}
		return Secret(strings.TrimSpace(string(c.Hub.HallKey))), nil
	}
	data, err := readPrivate(c.Hub.HallKeyFile, true)
	if err != nil {
		return "", fmt.Errorf("%w: hub.hall_key_file: %v", app.ErrInvalidConfig, err)
	}
	return Secret(bytes.TrimSpace(data)), nil
}

// Level is the configured log level as slog understands it.
func (c *Config) Level() slog.Level { return logLevels[c.LogLevel] }

// Summary describes the configuration in a few lines for a technician. It
// never shows the hall key, only where it comes from.
func (c *Config) Summary() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	who := roleWhat(c.Role)
	if c.Terminal != "" {
		who += " " + c.Terminal
	}
	if c.Hall != "" {
		who += " in hall " + c.Hall
	}
	if w := c.Window; w != nil {
		who += fmt.Sprintf(", window %d serving %s", w.Number, strings.Join(w.Categories, ", "))
	}
	line("%s", who)
	if w := c.Window; w != nil {
		lang := "Chinese"
		if w.Language == "en" {
			lang = "English"
		}
		line("screen in %s; %d wrong passwords in a row lock a staff id for %d min; the screen locks after %d idle min",
			lang, w.MaxFailedLogins, w.LockMinutes, w.IdleLockMinutes)
	}
	if c.Hub.Address != "" {
		key := "inline hall key"
		if c.Hub.HallKeyFile != "" {
			key = "hall key in " + c.Hub.HallKeyFile
		}
		if c.Role == RoleHub {
			line("hub listens on %s (%s)", c.Hub.Address, key)
		} else {
			line("hub at %s (%s)", c.Hub.Address, key)
		}
	}
	if c.Central.URL != "" {
		line("central platform at %s", c.Central.URL)
	}
	line("records in %s, personal-data key in %s", c.Paths.DataDir, c.Paths.KeyFile)
	d := c.Devices
	if d.IDCard != nil {
		line("ID-card reader on %s at %d baud", d.IDCard.Port, d.IDCard.Baud)
	}
	if d.Printer != nil {
		qr := "QR codes sent as images"
		if d.Printer.NativeQR {
			qr = "native QR codes"
		}
		line("printer on %s at %d baud, %s", d.Printer.Port, d.Printer.Baud, qr)
	}
	if d.QueueBus != nil {
		line("queue bus on %s at %d baud", d.QueueBus.Port, d.QueueBus.Baud)
	}
	if d.Scanner != nil {
		line("QR scanner on %s at %d baud", d.Scanner.Port, d.Scanner.Baud)
	}
	line("log level %s", c.LogLevel)
	return b.String()
}

// roleWhat names a role the way a sentence about the terminal needs it.
func roleWhat(r Role) string {
	switch r {
	case RoleKiosk:
		return "a kiosk"
	case RoleWindow:
		return "a window terminal"
	case RoleDisplay:
		return "a hall screen"
	case RoleHub:
		return "the hub"
	case RoleCentral:
		return "the central platform"
	}
	return "this terminal"
}

func joinRoles() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validSerialPort accepts a device path (/dev/ttyUSB0, a simulator's
// /dev/pts/3) or a Windows COM port.
func validSerialPort(s string) bool {
	if comPortRe.MatchString(s) {
		return true
	}
	return strings.HasPrefix(s, "/") && !strings.ContainsAny(s, " \t\n") && len(s) > 1
}
