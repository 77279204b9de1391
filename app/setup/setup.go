// Package setup turns a technician's answers (role, hall, terminal, hub and
// hall key, central, devices, window) into a terminal's configuration file,
// checked by app/config before anything is written, and writes it and the
// hall key file atomically, so that a power cut during set-up leaves the old
// files or the new ones, never half of one. `onewindow setup`, the set-up
// wizard and `onewindow demo` (for each of its terminals) all use it; it
// knows nothing of flags, screens, ports or networks.
//
// The hall key is a secret: it goes into its own file, readable only by its
// owner, and never into the configuration, an error or a log line.
package setup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/config"
)

// Device is a serial device's port and rate; a zero Baud takes the usual.
type Device struct {
	Port string
	Baud int
}

// Answers are what a technician decides at set-up.
type Answers struct {
	Role       config.Role
	Hall       string
	Terminal   string
	HubAddress string
	HallKey    config.Secret // written to HallKeyFile
	KioskKey   config.Secret // kiosks only: written to KioskKeyFile
	CentralURL string
	DataDir    string // empty for the default
	IDCard     *Device
	Printer    *Device
	NativeQR   bool
	QueueBus   *Device
	Scanner    *Device
	Window     int      // window terminals only
	Categories []string // window terminals only
	// HubCert is the hall's hub certificate (PEM), written beside the
	// configuration for every role; HubKey its private key, the hub's
	// only. Write makes both for a hub that has none: ECDSA, for TLS.
	// Under the gm suite, 'onewindow setup -crypto-suite gm' gives an SM2
	// double certificate here instead (sync/tlcp), for TLCP.
	HubCert, HubKey []byte
}

// HallKeyFileName is the hall key's file, beside the configuration.
const HallKeyFileName = "hall.key"

// KioskKeyFileName is the kiosk key's file, beside a kiosk's configuration.
const KioskKeyFileName = "kiosk.key"

// Render writes the answers as a configuration file with a comment on each
// part, and checks it as app/config will read it. The hall key is named by
// its file, which must be written beside the configuration.
func (a Answers) Render() (string, error) {
	text := a.render()
	if _, err := a.parse(text); err != nil {
		return "", err
	}
	return text, nil
}

// Config is the configuration the answers make, checked as Render checks
// it, for a terminal run inside another program's process (the demo's
// kiosk) rather than from a file: the hall key is held in it instead of
// named by its file, and relative paths stay relative to the working
// directory.
func (a Answers) Config() (*config.Config, error) {
	return a.parse(a.render())
}

// parse reads text, rendered from a, as app/config does, with the hall key
// in place of its file: config.Parse checks everything but the files a
// configuration names, and the key file is not written yet.
func (a Answers) parse(text string) (*config.Config, error) {
	q := strconv.Quote
	if a.HallKey != "" {
		text = strings.Replace(text, "hall_key_file = "+q(HallKeyFileName), "hall_key = "+q(string(a.HallKey)), 1)
	}
	if a.KioskKey != "" {
		text = strings.Replace(text, "kiosk_key_file = "+q(KioskKeyFileName), "kiosk_key = "+q(string(a.KioskKey)), 1)
	}
	return config.Parse([]byte(text))
}

func (a Answers) render() string {
	var b strings.Builder
	q := strconv.Quote
	fmt.Fprintf(&b, "# onewindow: written by 'onewindow setup'. Check it with 'onewindow config check FILE';\n")
	fmt.Fprintf(&b, "# run 'onewindow config example' for every setting with its explanation.\n\n")
	fmt.Fprintf(&b, "role = %s\n", q(string(a.Role)))
	if a.Hall != "" {
		fmt.Fprintf(&b, "hall = %s\n", q(a.Hall))
	}
	if a.Terminal != "" {
		fmt.Fprintf(&b, "terminal = %s\n", q(a.Terminal))
	}
	if a.HubAddress != "" || a.HallKey != "" || a.KioskKey != "" || len(a.HubCert) > 0 {
		fmt.Fprintf(&b, "\n[hub]\n")
		if a.HubAddress != "" {
			fmt.Fprintf(&b, "address = %s\n", q(a.HubAddress))
		}
		if a.HallKey != "" {
			fmt.Fprintf(&b, "# The hall key is in this file, readable only by its owner; the same on every terminal of the hall.\n")
			fmt.Fprintf(&b, "hall_key_file = %s\n", q(HallKeyFileName))
		}
		if a.KioskKey != "" {
			fmt.Fprintf(&b, "# The kiosk key keys the hash of an ID number sent to the hub; the same on every kiosk, never on the hub.\n")
			fmt.Fprintf(&b, "kiosk_key_file = %s\n", q(KioskKeyFileName))
		}
		if len(a.HubCert) > 0 {
			fmt.Fprintf(&b, "# The hall's hub certificate: the terminals speak TLS (TLCP, 国密, when it is SM2) to the hub and pin it.\n")
			fmt.Fprintf(&b, "certificate_file = %s\n", q(HubCertFileName))
		}
		if len(a.HubKey) > 0 {
			fmt.Fprintf(&b, "key_file = %s\n", q(HubKeyFileName))
		}
	}
	if a.CentralURL != "" {
		fmt.Fprintf(&b, "\n[central]\nurl = %s\n", q(a.CentralURL))
	}
	if a.DataDir != "" {
		fmt.Fprintf(&b, "\n[paths]\ndata_dir = %s\n", q(a.DataDir))
	}
	dev := func(name, what string, d *Device, extra string) {
		if d == nil {
			return
		}
		fmt.Fprintf(&b, "\n[devices.%s]\n# %s\nport = %s\n", name, what, q(d.Port))
		if d.Baud != 0 {
			fmt.Fprintf(&b, "baud = %d\n", d.Baud)
		}
		b.WriteString(extra)
	}
	dev("idcard", "The resident ID-card reader.", a.IDCard, "")
	dev("printer", "The ticket and receipt printer.", a.Printer, fmt.Sprintf("native_qr = %t\n", a.NativeQR))
	dev("queuebus", "The queue bus: window display, caller keypad, rating pad.", a.QueueBus, "")
	dev("scanner", "The QR scanner.", a.Scanner, "")
	if a.Window != 0 || len(a.Categories) > 0 {
		cats := make([]string, len(a.Categories))
		for i, c := range a.Categories {
			cats[i] = q(c)
		}
		fmt.Fprintf(&b, "\n[window]\nnumber = %d\ncategories = [%s]\n", a.Window, strings.Join(cats, ", "))
	}
	return b.String()
}

// ErrExists means a configuration is there already and was not replaced.
var ErrExists = errors.New("a configuration file is there already")

// Write renders the answers and writes the configuration to path and the
// hall key beside it, each atomically; nothing is written when the answers
// are not valid, and an existing configuration is replaced only with
// replace. The key file goes first, so a configuration never names a key
// file that is not there.
func Write(path string, a Answers, replace bool) error {
	if a.Role == config.RoleHub && len(a.HubKey) == 0 {
		var err error
		if a.HubCert, a.HubKey, err = MakeHubCertificate(a.Hall, time.Now()); err != nil {
			return err
		}
	}
	text, err := a.Render()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil && !replace {
		return fmt.Errorf("%w: %s; give -force to replace it (the old one is kept as %s.old)", ErrExists, path, filepath.Base(path))
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("configuration folder: %w", err)
	}
	for _, k := range []struct {
		key        config.Secret
		file, what string
		mode       os.FileMode
	}{{a.HallKey, HallKeyFileName, "hall key file", 0o600}, {a.KioskKey, KioskKeyFileName, "kiosk key file", 0o600},
		{config.Secret(a.HubKey), HubKeyFileName, "hub key file", 0o600}, {config.Secret(a.HubCert), HubCertFileName, "hub certificate", 0o644}} {
		if k.key == "" {
			continue
		}
		if err := WriteFileAtomic(filepath.Join(dir, k.file), []byte(strings.TrimSpace(string(k.key))+"\n"), k.mode); err != nil {
			return fmt.Errorf("%s: %w", k.what, err)
		}
	}
	if old, err := os.ReadFile(path); err == nil {
		if err := WriteFileAtomic(path+".old", old, 0o644); err != nil {
			return fmt.Errorf("keeping the old configuration: %w", err)
		}
	}
	if err := WriteFileAtomic(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	// Load reads it back as the terminal will: the key file included.
	if _, err := config.Load(path); err != nil {
		return fmt.Errorf("%w: the file written does not load: %v", app.ErrInvalidConfig, err)
	}
	return nil
}

// WriteFileAtomic writes data to path so that a reader sees the old file or
// the new one, never half of one, even after a power cut: a temporary file
// in the same folder, synced, renamed over path, and the folder synced so
// that the rename itself is on disk.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// The mode is set before the data goes in, so a key is never readable
	// by others, not even for a moment.
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		// Windows cannot sync a folder; its rename is durable anyway.
		d.Sync()
		d.Close()
	}
	return nil
}

// ParseDevice reads PORT or PORT@BAUD, as the setup flags take a device.
func ParseDevice(s string) (*Device, error) {
	if s == "" {
		return nil, nil
	}
	port, baud, found := strings.Cut(s, "@")
	d := &Device{Port: port}
	if found {
		n, err := strconv.Atoi(baud)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: the baud rate after @ must be a number, like /dev/ttyUSB0@9600", app.ErrInvalidInput, s)
		}
		d.Baud = n
	}
	return d, nil
}
