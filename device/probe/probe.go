// Package probe finds and tests the hall's serial devices for a technician:
// it lists the serial ports of the machine, asks each port with each
// driver's identify command at the usual baud rates which device answers
// there, runs a hands-on test of each device (read a card, print a test
// page, show a number, press a key), and checks the configured devices for
// `onewindow doctor`.
//
// It speaks only through the real drivers (device/idreader, device/escpos,
// device/queuebus, device/qrscanner), so what it finds is what the terminal
// will get. It must not log or return a card's content unmasked.
package probe

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/queuebus"
	"onewindow/device/serialport"
)

// Kind is a kind of serial device a port may hold.
type Kind string

// The kinds discovery tells apart. A QR scanner only ever sends what it
// scans, so it cannot be asked what it is: discovery never names one.
const (
	IDCard   Kind = "idcard"
	Printer  Kind = "printer"
	QueueBus Kind = "queuebus"
	Scanner  Kind = "scanner"
)

// Words names the kind for a technician.
func (k Kind) Words() string {
	switch k {
	case IDCard:
		return "ID-card reader"
	case Printer:
		return "ticket printer"
	case QueueBus:
		return "queue bus"
	case Scanner:
		return "QR scanner"
	}
	return string(k)
}

// Bauds are the rates tried for each kind, the usual one first, so that a
// device at its factory setting answers on the first try.
var Bauds = map[Kind][]int{
	IDCard:   {115200, 9600, 57600, 38400, 19200},
	Printer:  {9600, 115200, 19200, 38400, 57600},
	QueueBus: {9600, 19200, 38400, 57600, 115200},
}

// Found is a device that answered.
type Found struct {
	Port string
	Kind Kind
	Baud int
	// What is what the device said of itself: the reader's module id, the
	// printer's status, the bus devices that answered.
	What string
	// BusDevices are the queue-bus devices that answered a ping.
	BusDevices []queuebus.Device
}

func joinSaid(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Options tune discovery and the checks.
type Options struct {
	// Timeout is how long one identify command may take. Short: a port
	// with nothing on it costs this for every kind and rate.
	Timeout time.Duration
	// BusAddrs are the queue-bus addresses pinged; default 1, 11, 21, then
	// 2, 12, 22 and 3, 13, 23: display, caller and rating pad of windows 1
	// to 3, window 1's first because discovery decides on the first three.
	BusAddrs []int
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		// A ping's or status's answer is a few dozen bytes: 40 ms at 9600
		// baud plus the device's turnaround.
		o.Timeout = 200 * time.Millisecond
	}
	if len(o.BusAddrs) == 0 {
		o.BusAddrs = []int{1, 11, 21, 2, 12, 22, 3, 13, 23}
	}
}

// BusAddrs are a window's queue-bus addresses as app/desk numbers them:
// its display at the window's number, its caller keypad 10 above, its
// rating pad 20 above.
func BusAddrs(window int) (display, caller, rating int) {
	return window, 10 + window, 20 + window
}

// Ports lists the serial ports of the machine, and every path matching the
// extra glob patterns (a simulator's folder, say), sorted and without
// duplicates. Links under /dev/serial/by-id are listed by their stable name.
func Ports(extra ...string) []string {
	var pats []string
	if runtime.GOOS == "windows" {
		// Windows has no folder of ports to list; COM1–COM32 are tried.
		var out []string
		for i := 1; i <= 32; i++ {
			name := fmt.Sprintf("COM%d", i)
			if p, err := serialport.Open(serialport.Config{Path: name, Baud: 9600}); err == nil {
				p.Close()
				out = append(out, name)
			}
		}
		return out
	}
	pats = append(pats, "/dev/serial/by-id/*", "/dev/ttyUSB*", "/dev/ttyACM*", "/dev/ttyS[0-3]", "/dev/ttyAMA*", "/dev/ttyCH343USB*")
	pats = append(pats, extra...)
	var all []string
	for _, pat := range pats {
		m, _ := filepath.Glob(pat)
		all = append(all, m...)
	}
	return Devices(all)
}

// Devices keeps the paths that are character devices (through their
// links), once each, sorted: a glob over a simulator's folder also matches
// its folder of printed pages.
func Devices(paths []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			continue // a dangling link, a folder, a plain file
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			continue
		}
		seen[real] = true
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// open opens a port for probing, with reads short enough that a silent port
// costs little.
func open(path string, baud int, device string) (*serialport.Port, error) {
	return serialport.Open(serialport.Config{Device: device, Path: path, Baud: baud, ReadTimeout: 50 * time.Millisecond})
}

// Identify asks the port at one baud rate whether a device of kind k is
// there. It returns the device, or an error saying why not.
func Identify(ctx context.Context, path string, k Kind, baud int, opt Options) (Found, error) {
	opt.defaults()
	p, err := open(path, baud, k.Words())
	if err != nil {
		return Found{}, err
	}
	defer p.Close()
	f := Found{Port: path, Kind: k, Baud: baud}
	switch k {
	case IDCard:
		r := idreader.New(p, idreader.Config{ControlTimeout: opt.Timeout, Retries: -1})
		if err := r.Status(ctx); err != nil {
			return Found{}, err
		}
		id, err := r.ModuleID(ctx)
		if err != nil {
			return Found{}, err
		}
		f.What = "security module " + id
	case Printer:
		pr := escpos.New(p, escpos.Config{Options: escpos.DefaultOptions(), StatusTimeout: opt.Timeout, Retries: -1})
		st, err := pr.Status(ctx)
		if err != nil {
			return Found{}, err
		}
		f.What = "status: " + st.String()
	case QueueBus:
		m := queuebus.New(p, queuebus.Config{Timeout: opt.Timeout, Retries: -1})
		// The first address that answers settles the rate; only then is
		// every address asked, so a silent port costs a few pings per
		// rate rather than one per address.
		first := -1
		for i, addr := range opt.BusAddrs {
			if i >= 3 && first < 0 {
				break
			}
			kind, fw, err := m.Ping(ctx, addr)
			if err != nil {
				if ctx.Err() != nil {
					return Found{}, ctx.Err()
				}
				continue
			}
			if first < 0 {
				first = i
			}
			f.BusDevices = append(f.BusDevices, queuebus.Device{Addr: addr, Kind: kind})
			f.What = joinSaid(f.What, fmt.Sprintf("%d %v %s", addr, kind, strings.TrimSpace(fw)))
		}
		if first < 0 {
			return Found{}, fmt.Errorf("queue bus on %s: no device answered a ping at addresses %v: %w", path, opt.BusAddrs[:min(3, len(opt.BusAddrs))], app.ErrDeviceTimeout)
		}
	default:
		return Found{}, fmt.Errorf("%w: %q cannot be identified; a QR scanner never answers, test it by scanning a code", app.ErrInvalidInput, k)
	}
	return f, nil
}

// PortResult is what discovery learnt of one port.
type PortResult struct {
	Port  string
	Found *Found // nil when nothing answered
	// Tried says what was asked without an answer, for the technician who
	// expected a device here.
	Tried string
}

// Discover probes each port with each kind's identify command at each of its
// usual rates and stops at the first answer on a port. Printers are asked
// first: their status request is three harmless bytes, whereas another
// driver's frame could come out of a printer as a line of odd characters.
func Discover(ctx context.Context, ports []string, opt Options) []PortResult {
	opt.defaults()
	var out []PortResult
	for _, path := range ports {
		res := PortResult{Port: path}
		var tried []string
		openErr := ""
	kinds:
		for _, k := range []Kind{Printer, IDCard, QueueBus} {
			for _, baud := range Bauds[k] {
				if ctx.Err() != nil {
					break kinds
				}
				f, err := Identify(ctx, path, k, baud, opt)
				if err == nil {
					res.Found = &f
					break kinds
				}
				if isOpenError(err) {
					openErr = err.Error()
					break kinds
				}
			}
			tried = append(tried, fmt.Sprintf("%s at %s baud", k.Words(), joinInts(Bauds[k])))
		}
		switch {
		case res.Found == nil && openErr != "":
			res.Tried = "cannot be opened: " + openErr
		case res.Found == nil:
			res.Tried = "no answer as " + strings.Join(tried, ", as ") + " (a QR scanner never answers: scan a code to find it)"
		}
		out = append(out, res)
	}
	return out
}

// isOpenError reports whether err came from opening the port, not from the
// device: then no other kind or rate will do better.
func isOpenError(err error) bool {
	var se *serialport.Error
	return errors.As(err, &se) && se.Op == "open"
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, "/")
}

// Describe lists discovery's results, one port a line.
func Describe(results []PortResult) string {
	var b strings.Builder
	width := 0
	for _, r := range results {
		width = max(width, len(r.Port))
	}
	for _, r := range results {
		if r.Found != nil {
			fmt.Fprintf(&b, "%-*s  %s at %d baud (%s)\n", width, r.Port, r.Found.Kind.Words(), r.Found.Baud, r.Found.What)
		} else {
			fmt.Fprintf(&b, "%-*s  %s\n", width, r.Port, r.Tried)
		}
	}
	if len(results) == 0 {
		b.WriteString("no serial ports found: check that the USB-serial adapters are plugged in ('dmesg | tail' names them as they appear)\n")
	}
	return b.String()
}

// ByKind picks the first port where each kind was found.
func ByKind(results []PortResult) map[Kind]Found {
	out := map[Kind]Found{}
	for _, r := range results {
		if r.Found != nil {
			if _, dup := out[r.Found.Kind]; !dup {
				out[r.Found.Kind] = *r.Found
			}
		}
	}
	return out
}
