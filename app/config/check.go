package config

// The configuration's checks: every problem named with its key, for
// what the role needs.

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"onewindow/app"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

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
	if _, err := app.LoadZone(c.TimeZone); err != nil {
		p.Add("time_zone", fmt.Sprintf("%q is not a time zone the hall can use; name it like %s, or leave the line out for %s", c.TimeZone, app.DefaultTimeZone, app.DefaultTimeZone))
	}

	c.hubProblems(&p, n, what)
	c.centralProblems(&p, n, what)

	if c.Paths.DataDir == "" {
		p.Add("paths.data_dir", "is empty; name the folder where the terminal keeps its records, or leave the line out for "+DefaultDataDir)
	}
	if c.Paths.KeyFile == "" {
		p.Add("paths.key_file", "is empty; name the file for the personal-data key, or leave the line out for one inside the data folder")
	}
	if d := c.Paths.RetentionDays; d < 0 || d > maxRetentionDays {
		retentionProblem(&p, d)
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
	switch {
	case h.KioskKey == "" && h.KioskKeyFile == "":
	case c.Role != RoleKiosk:
		p.Add("hub.kiosk_key", fmt.Sprintf("is given to %s; only kiosks hold the kiosk key, and the hub never may (with it, the hashes of ID numbers it keeps could be reversed): remove it", what))
	case h.KioskKey != "" && h.KioskKeyFile != "":
		p.Add("hub", "gives the kiosk key twice; keep either kiosk_key or kiosk_key_file, not both")
	case h.KioskKey != "":
		if k := len(strings.TrimSpace(string(h.KioskKey))); k < minKeyLen {
			p.Add("hub.kiosk_key", fmt.Sprintf("is %d characters long; a kiosk key needs at least %d (make one with: openssl rand -hex 32)", k, minKeyLen))
		}
	}
	switch {
	case h.KeyFile != "" && c.Role != RoleHub:
		p.Add("hub.key_file", fmt.Sprintf("is given to %s; only the hub holds its private key: remove it (terminals need only hub.certificate_file)", what))
	case h.KeyFile != "" && h.CertificateFile == "":
		p.Add("hub.certificate_file", "is missing: the hub serves its key's certificate, which set-up writes as "+"hub.pem")
	}
	if h.KioskKeyFile != "" && h.KioskKeyFile == h.HallKeyFile {
		p.Add("hub.kiosk_key_file", "is the same file as hub.hall_key_file; the kiosk key must differ from the hall key, which the hub holds")
	}
}

func (c *Config) centralProblems(p *app.Problems, n needs, what string) {
	if raw := c.Central.PublicURL; raw != "" {
		u, err := url.Parse(raw)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "":
			p.Add("central.public_url", fmt.Sprintf("%q is not a web address like https://zwfw.example.gov.cn, where citizens' phones open their tickets and cases", raw))
		case u.Scheme == "http" && !isLoopback(u.Hostname()):
			p.Add("central.public_url", fmt.Sprintf("%q uses plain http; the links citizens open on their phones must be https", raw))
		}
	}
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
	for _, k := range []struct{ file, key, what string }{
		{c.Hub.HallKeyFile, "hub.hall_key_file", "a hall key"}, {c.Hub.KioskKeyFile, "hub.kiosk_key_file", "a kiosk key"}} {
		if k.file == "" {
			continue
		}
		switch data, err := readPrivate(k.file, true); {
		case err != nil:
			p.Add(k.key, err.Error())
		case len(bytes.TrimSpace(data)) < minKeyLen:
			p.Add(k.key, fmt.Sprintf("%s holds %d characters; %s needs at least %d (make one with: openssl rand -hex 32 > %s)", k.file, len(bytes.TrimSpace(data)), k.what, minKeyLen, k.file))
		}
	}
	if c.Hub.CertificateFile != "" {
		if _, err := c.HubCertificate(); err != nil {
			p.Add("hub.certificate_file", strings.TrimPrefix(err.Error(), app.ErrInvalidConfig.Error()+": hub.certificate_file: "))
		}
	}
	if f := c.Hub.KeyFile; f != "" {
		if _, err := readPrivate(f, true); err != nil {
			p.Add("hub.key_file", err.Error())
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

// retentionProblem names a retention that is not a number of days in range
// (0 is one only when written: left out, it is the default).
func retentionProblem(p *app.Problems, days int) {
	p.Add("paths.retention_days", fmt.Sprintf("%d is not a number of days from 1 to %d; say how many days personal data stays after a case ends, or leave the line out for %d",
		days, maxRetentionDays, app.DefaultRetentionDays))
}
