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
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
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
	// Personal data is kept at least a day after a case ends (a clerk
	// may still need it) and at most ten years.
	maxRetentionDays = 3650
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
	Role     Role   `toml:"role"`
	Hall     string `toml:"hall"`     // the hall's code, shared by its terminals
	Terminal string `toml:"terminal"` // this terminal's code; part of every case number it issues
	LogLevel string `toml:"log_level"`
	// TimeZone is the hall's time zone (an IANA name); every time the
	// terminal prints or shows is in it, whatever the machine's own zone.
	// Empty is app.DefaultTimeZone.
	TimeZone string  `toml:"time_zone"`
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
	// The kiosk key keys the hash by which the hub knows a returning
	// citizen's ticket (app.WhoKey). Only the hall's kiosks hold it, the
	// same on each; the hub and every other terminal never do, so that
	// the hashes the hub keeps cannot be reversed with what it holds.
	KioskKey     Secret `toml:"kiosk_key"`
	KioskKeyFile string `toml:"kiosk_key_file"`
	// The hall's hub certificate (PEM), made at set-up: every terminal
	// pins it and speaks TLS to the hub; the hub serves with it and its
	// private key (key_file, the hub only). Without it the hub is plain
	// HTTP, and the hall key crosses the LAN in clear.
	CertificateFile string `toml:"certificate_file"`
	KeyFile         string `toml:"key_file"`
}

// Central says where the central platform is.
type Central struct {
	URL string `toml:"url"`
	// PublicURL is where citizens' phones reach central's pages (a ticket's
	// place, a case's progress): the links in tickets' and receipts' codes.
	// Empty: URL, when phones reach central where the terminals do.
	PublicURL string `toml:"public_url"`
}

// Public is where tickets' and receipts' codes link to.
func (c Central) Public() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return c.URL
}

// Paths are where the terminal keeps its records and its personal-data key.
type Paths struct {
	DataDir string `toml:"data_dir"`
	// KeyFile holds the key that encrypts personal data at rest. The store
	// creates it on first run; it never lives in the database.
	KeyFile string `toml:"key_file"`
	// RetentionDays is how many days a case's personal data stays in the
	// records after the case ended (filed or refused) and its records left
	// for the hub (the hub's for central); then it is erased. Central keeps
	// its copy by its own rule. Zero, in a configuration made in Go, is
	// app.DefaultRetentionDays (Retention).
	RetentionDays int `toml:"retention_days"`
}

// Retention is how long personal data stays after a case ends.
func (p Paths) Retention() time.Duration {
	days := p.RetentionDays
	if days <= 0 {
		days = app.DefaultRetentionDays
	}
	return time.Duration(days) * 24 * time.Hour
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
	if c.Paths.RetentionDays == 0 && md.IsDefined("paths", "retention_days") {
		retentionProblem(&later, 0)
	}
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
	for _, p := range []*string{&c.Hub.HallKeyFile, &c.Hub.KioskKeyFile, &c.Hub.CertificateFile, &c.Hub.KeyFile, &c.Paths.DataDir, &c.Paths.KeyFile} {
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
	if c.Paths.RetentionDays == 0 && !defined("paths", "retention_days") {
		c.Paths.RetentionDays = app.DefaultRetentionDays
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
	if c.Hub.HallKeyFile == "" && c.Hub.HallKey == "" {
		return "", fmt.Errorf("%w: hub: no hall key is configured", app.ErrInvalidConfig)
	}
	return secretOf(c.Hub.HallKey, c.Hub.HallKeyFile, "hub.hall_key_file")
}

// HubCertificate returns the hall's hub certificate (PEM), or nothing when
// none is configured (a hub on plain HTTP).
func (c *Config) HubCertificate() ([]byte, error) {
	if c.Hub.CertificateFile == "" {
		return nil, nil
	}
	data, err := os.ReadFile(c.Hub.CertificateFile)
	if err != nil {
		return nil, fmt.Errorf("%w: hub.certificate_file: %v", app.ErrInvalidConfig, err)
	}
	if b, _ := pem.Decode(data); b == nil || b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%w: hub.certificate_file: %s holds no PEM certificate", app.ErrInvalidConfig, c.Hub.CertificateFile)
	}
	return data, nil
}

// KioskKey returns the kiosk key, from the file or inline; empty when none
// is configured (a kiosk set up before there was one: it then sends the hub
// no hash, and a missed ticket is re-queued by its paper only).
func (c *Config) KioskKey() (Secret, error) {
	return secretOf(c.Hub.KioskKey, c.Hub.KioskKeyFile, "hub.kiosk_key_file")
}

// secretOf is a key given inline or in file, whose key is named.
func secretOf(inline Secret, file, key string) (Secret, error) {
	if file == "" {
		return Secret(strings.TrimSpace(string(inline))), nil
	}
	data, err := readPrivate(file, true)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", app.ErrInvalidConfig, key, err)
	}
	return Secret(bytes.TrimSpace(data)), nil
}

// Level is the configured log level as slog understands it.
func (c *Config) Level() slog.Level { return logLevels[c.LogLevel] }

// Zone is the hall's time zone; a zone Validate refused is the default.
func (c *Config) Zone() *time.Location {
	loc, err := app.LoadZone(c.TimeZone)
	if err != nil {
		loc, _ = app.LoadZone("")
	}
	return loc
}

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
	if c.Role != RoleCentral {
		line("personal data erased %d days after a case ends, once its records have left", c.Paths.RetentionDays)
	}
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
	line("time zone %s", c.Zone())
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
