// Package serialport opens the serial ports the hall's devices hang on and
// makes their failures plain: every error it returns is a *Error that says
// which device, which port, what went wrong in a technician's words, and
// wraps one of app.ErrDeviceTimeout, app.ErrPortGone, app.ErrBadFrame or
// app.ErrDeviceFault. A port that vanishes (USB cable pulled, device powered
// off) is reopened by path as soon as it comes back.
//
// It knows bytes, not protocols: framing belongs to each driver. It must not
// log the bytes it moves, since they carry citizens' personal data.
package serialport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tarm/serial"

	"onewindow/app"
)

// Parity of a serial line.
type Parity byte

// Parities. Hall devices are 8N1 unless their manual says otherwise.
const (
	ParityNone Parity = 'N'
	ParityEven Parity = 'E'
	ParityOdd  Parity = 'O'
)

// ParseParity reads N, E or O (either case).
func ParseParity(s string) (Parity, error) {
	switch s {
	case "N", "n", "none", "":
		return ParityNone, nil
	case "E", "e", "even":
		return ParityEven, nil
	case "O", "o", "odd":
		return ParityOdd, nil
	}
	return 0, fmt.Errorf("%w: parity %q: use N (none), E (even) or O (odd)", app.ErrInvalidConfig, s)
}

// Config says how to open one port.
type Config struct {
	Device string // what hangs on it, for messages: "ID-card reader"
	Path   string // /dev/ttyUSB0, /dev/serial/by-id/…, COM3
	Baud   int
	Parity Parity
	// ReadTimeout bounds one Read; drivers loop on Read to wait longer, so
	// keep it short (the driver stays responsive to its context). The
	// serial library counts it in tenths of a second.
	ReadTimeout time.Duration
	// ReopenEvery is how often a vanished port is tried again.
	ReopenEvery time.Duration
	Log         *slog.Logger
}

// Error is a failure on a serial port, worded for the technician.
type Error struct {
	Device string
	Path   string
	Op     string // open, read, write, or the driver's command
	Kind   error  // one of the app.Err… device errors
	Detail string // what exactly, e.g. "checksum 0x3A, expected 0x3B"
	Err    error  // the system's error, when there is one
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s on %s: %s: %v", e.Device, e.Path, e.Op, e.Kind)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if h := Hint(e.Kind); h != "" {
		msg += ". " + h
	}
	return msg
}

// Unwrap lets errors.Is match both the kind and the system's error.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Hint is what a technician should check for a kind of device error.
func Hint(kind error) string {
	switch {
	case errors.Is(kind, app.ErrDeviceTimeout):
		return "Check that the device is switched on, its cable is plugged in at both ends, and the configured baud rate matches the device's"
	case errors.Is(kind, app.ErrPortGone):
		return "The port has disappeared: a USB cable may be unplugged or the device powered off. onewindow reopens it by itself when it comes back"
	case errors.Is(kind, app.ErrBadFrame):
		return "The answer was garbled: check the baud rate and parity against the device's manual, and the cable for damage or interference"
	case errors.Is(kind, app.ErrDeviceFault):
		return "The device itself reported a problem; see its manual or replace it"
	}
	return ""
}

// Errorf builds a classified error for a driver that found a problem in what
// the device said.
func (p *Port) Errorf(op string, kind error, format string, args ...any) *Error {
	// A parser's error already starts with the kind's words; say them once.
	detail := strings.TrimPrefix(fmt.Sprintf(format, args...), kind.Error()+": ")
	return &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: op, Kind: kind, Detail: detail}
}

// Port is an open serial port that survives being unplugged. It is safe for
// one reader and one writer at a time; drivers serialise their commands.
type Port struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	sp       *serial.Port
	ctl      ctl
	dev      uint64 // device number at open, to see a different device take the path
	gone     bool
	lastTry  time.Time
	closed   bool
	reopened int
}

// Open opens the port. A port that is not there yet is an error: the caller
// decides whether to wait for it.
func Open(cfg Config) (*Port, error) {
	if cfg.Device == "" {
		cfg.Device = "serial device"
	}
	if cfg.Baud == 0 {
		cfg.Baud = 9600
	}
	if cfg.Parity == 0 {
		cfg.Parity = ParityNone
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 100 * time.Millisecond
	}
	if cfg.ReopenEvery <= 0 {
		cfg.ReopenEvery = 500 * time.Millisecond
	}
	p := &Port{cfg: cfg, log: cfg.Log}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	return p, nil
}

// Config returns the port's settings.
func (p *Port) Config() Config { return p.cfg }

func (p *Port) open() error {
	sp, err := serial.OpenPort(&serial.Config{
		Name:        p.cfg.Path,
		Baud:        p.cfg.Baud,
		Parity:      serial.Parity(p.cfg.Parity),
		ReadTimeout: p.cfg.ReadTimeout,
	})
	if err != nil {
		kind := app.ErrPortGone
		detail := ""
		switch {
		case errors.Is(err, fs.ErrNotExist):
			detail = "no such port"
		case errors.Is(err, fs.ErrPermission):
			kind = app.ErrDeviceFault
			detail = "permission denied: add the service user to the dialout group"
		case err.Error() == "Unrecognized baud rate":
			kind = app.ErrDeviceFault
			detail = fmt.Sprintf("the serial driver does not support %d baud", p.cfg.Baud)
		}
		return &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: "open", Kind: kind, Detail: detail, Err: err}
	}
	p.sp = sp
	p.ctl = openCtl(p.cfg.Path)
	p.dev = deviceNumber(p.cfg.Path)
	p.gone = false
	return nil
}

// current returns the open port, reopening a vanished one when it is time
// to try again.
func (p *Port) current() (*serial.Port, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: "use", Kind: app.ErrPortGone, Detail: "the port was closed by onewindow"}
	}
	if !p.gone {
		return p.sp, nil
	}
	if time.Since(p.lastTry) < p.cfg.ReopenEvery {
		return nil, &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: "reopen", Kind: app.ErrPortGone}
	}
	p.lastTry = time.Now()
	if err := p.open(); err != nil {
		return nil, err
	}
	p.reopened++
	p.log.Info("serial port back", "device", p.cfg.Device, "path", p.cfg.Path)
	return p.sp, nil
}

// markGone closes a vanished port so the next use tries to reopen it.
func (p *Port) markGone(sp *serial.Port) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sp != sp || p.gone {
		return
	}
	p.sp.Close()
	p.ctl.close()
	p.gone = true
	p.lastTry = time.Now()
	p.log.Warn("serial port gone", "device", p.cfg.Device, "path", p.cfg.Path)
}

// Gone reports whether the port has vanished and not come back yet.
func (p *Port) Gone() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gone
}

// Reopened counts how often the port came back after vanishing.
func (p *Port) Reopened() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reopened
}

// Read reads what has arrived, waiting at most the read timeout. It returns
// n > 0 with no error, or an *Error of kind app.ErrDeviceTimeout when
// nothing came, or of kind app.ErrPortGone when the port has vanished.
func (p *Port) Read(b []byte) (int, error) {
	sp, err := p.current()
	if err != nil {
		// Waiting here keeps a driver's read loop from spinning while the
		// port is away.
		time.Sleep(p.cfg.ReadTimeout)
		return 0, err
	}
	start := time.Now()
	n, err := sp.Read(b)
	if n > 0 {
		return n, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		// The serial library says io.EOF when the read timeout passes with
		// no byte. A hung-up line (the device's node gone) says the same,
		// but at once: tell them apart by how long the read took and by
		// whether the path still names the device we opened.
		if time.Since(start) >= p.cfg.ReadTimeout/2 && deviceNumber(p.cfg.Path) == p.dev {
			return 0, &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: "read", Kind: app.ErrDeviceTimeout}
		}
		p.markGone(sp)
		return 0, &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: "read", Kind: app.ErrPortGone, Detail: "the line hung up"}
	}
	p.markGone(sp)
	return 0, &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: "read", Kind: app.ErrPortGone, Err: err}
}

// Write sends b whole.
func (p *Port) Write(b []byte) error {
	sp, err := p.current()
	if err != nil {
		return err
	}
	for len(b) > 0 {
		n, err := sp.Write(b)
		if err != nil {
			p.markGone(sp)
			return &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: "write", Kind: app.ErrPortGone, Err: err}
		}
		b = b[n:]
	}
	return nil
}

// Discard drops bytes that arrived but were not read: a late answer to an
// earlier command must not be taken for the answer to the next one. Bytes
// written and not yet sent are kept.
func (p *Port) Discard() {
	if _, err := p.current(); err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.gone && !p.closed {
		p.ctl.discardInput()
	}
}

// Close closes the port for good.
func (p *Port) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.gone || p.sp == nil {
		return nil
	}
	p.ctl.close()
	return p.sp.Close()
}

// ReadUntil reads into buf until done says the bytes so far are complete,
// ctx ends, or timeout passes. done returns true when it has what it needs.
// It returns the bytes read; on a timeout the error is of kind
// app.ErrDeviceTimeout (or app.ErrBadFrame when some bytes came but not a
// whole answer), and on ctx's end ctx's error.
func (p *Port) ReadUntil(ctx context.Context, op string, timeout time.Duration, done func([]byte) bool) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	var got []byte
	chunk := make([]byte, 512)
	for {
		if err := ctx.Err(); err != nil {
			return got, err
		}
		n, err := p.Read(chunk)
		if n > 0 {
			got = append(got, chunk[:n]...)
			if done(got) {
				return got, nil
			}
		}
		if err != nil && !errors.Is(err, app.ErrDeviceTimeout) {
			var e *Error
			if errors.As(err, &e) {
				e.Op = op
			}
			return got, err
		}
		if time.Now().After(deadline) {
			if len(got) > 0 {
				return got, p.Errorf(op, app.ErrBadFrame, "the answer stopped after %d bytes", len(got))
			}
			return got, &Error{Device: p.cfg.Device, Path: p.cfg.Path, Op: op, Kind: app.ErrDeviceTimeout,
				Detail: fmt.Sprintf("no answer in %v", timeout)}
		}
	}
}

// Drain reads and drops bytes until the line has been quiet for quiet, or
// limit has passed, and returns how many it dropped. A driver whose device
// answers without sequence numbers drains after a timeout, so that a late
// answer to the old question cannot pass for the answer to the next.
func (p *Port) Drain(ctx context.Context, quiet, limit time.Duration) int {
	start, last := time.Now(), time.Now()
	dropped := 0
	buf := make([]byte, 256)
	for ctx.Err() == nil && time.Since(last) < quiet && time.Since(start) < limit {
		n, err := p.Read(buf)
		if n > 0 {
			dropped += n
			last = time.Now()
		}
		if err != nil && !errors.Is(err, app.ErrDeviceTimeout) {
			break
		}
	}
	return dropped
}
