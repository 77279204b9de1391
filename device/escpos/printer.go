// Package escpos drives the hall's thermal ticket and receipt printers in the
// ESC/POS subset of escpos.md: it builds jobs (GB18030 text in Chinese mode,
// alignment, sizes, bold, feed, cut, native QR or a raster QR for printers
// without one), lays out the queue ticket and the three intake notices, asks
// the printer's real-time status before and after every job, and decodes
// ESC/POS streams for the simulator and the tests.
//
// A print is reported as done only when the printer was ready before it and
// still ready after it. The package must not log what it prints: tickets and
// notices carry citizens' data, even masked.
package escpos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/device/serialport"
)

var _ app.Printer = (*Printer)(nil)

// Config tunes the driver.
type Config struct {
	Options
	StatusTimeout time.Duration // for the three status bytes; they come at once
	Retries       int
	Log           *slog.Logger
}

// Printer is an ESC/POS printer on a serial port.
type Printer struct {
	port *serialport.Port
	cfg  Config
	log  *slog.Logger
	mu   sync.Mutex // one job or status query on the line at a time
}

// New drives the printer on port.
func New(port *serialport.Port, cfg Config) *Printer {
	cfg.Options = cfg.Options.fill()
	if cfg.StatusTimeout <= 0 {
		cfg.StatusTimeout = 500 * time.Millisecond
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	} else if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Printer{port: port, cfg: cfg, log: log}
}

// Status asks the printer's real-time status (DLE EOT 1, 2 and 4).
func (p *Printer) Status(ctx context.Context) (app.PrinterStatus, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status(ctx, 0)
}

// WireTime is how long n bytes take on a serial line at baud, 8N1: ten bits
// a byte (start, eight data, stop).
func WireTime(n, baud int) time.Duration {
	if baud <= 0 {
		return 0
	}
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// status makes a bounded number of rounds and takes the first clean one:
// exactly the three answers, each with the fixed bits of a status byte. A
// round with extra or malformed bytes (line noise, a late answer) is asked
// again rather than guessed at. Status answers carry no sequence number, so
// after a failed round the late answers to it may still be on their way:
// the next round waits for the line to go quiet first, and must itself be
// followed by quiet, or the answers it took may be the old round's.
func (p *Printer) status(ctx context.Context, queued time.Duration) (app.PrinterStatus, error) {
	var err error
	for round := 0; round <= p.cfg.Retries; round++ {
		var st app.PrinterStatus
		if round > 0 {
			if n := p.port.Drain(ctx, p.cfg.StatusTimeout, 4*p.cfg.StatusTimeout); n > 0 {
				p.log.Debug("printer status: dropped late bytes", "bytes", n)
			}
		}
		st, err = p.statusOnce(ctx, round > 0, queued)
		queued = 0
		if err == nil {
			return st, nil
		}
		if ctx.Err() != nil || errors.Is(err, app.ErrPortGone) {
			return app.PrinterStatus{}, err
		}
		p.log.Debug("printer status: asking again", "round", round+1, "error", err)
	}
	return app.PrinterStatus{}, err
}

func (p *Printer) statusOnce(ctx context.Context, confirm bool, queued time.Duration) (app.PrinterStatus, error) {
	p.port.Discard()
	if err := p.port.Write(statusQuery); err != nil {
		return app.PrinterStatus{}, err
	}
	valid := 0
	got, err := p.port.ReadUntil(ctx, "status", p.cfg.StatusTimeout+queued, func(b []byte) bool {
		valid = 0
		for _, c := range b {
			if IsStatusByte(c) {
				valid++
			}
		}
		return valid >= 3
	})
	if err != nil {
		if len(got) > 0 && errors.Is(err, app.ErrBadFrame) {
			return app.PrinterStatus{}, p.port.Errorf("status", app.ErrBadFrame, "%d bytes came, %d of them status bytes, 3 wanted: % X", len(got), valid, got)
		}
		return app.PrinterStatus{}, err
	}
	if confirm {
		extra := make([]byte, 64)
		if n, _ := p.port.Read(extra); n > 0 {
			got = append(got, extra[:n]...)
		}
	}
	if len(got) != 3 {
		return app.PrinterStatus{}, p.port.Errorf("status", app.ErrBadFrame, "%d bytes came for 3 status answers: % X", len(got), got)
	}
	st, err := DecodeStatus(got[0], got[1], got[2])
	if err != nil {
		return app.PrinterStatus{}, p.port.Errorf("status", app.ErrBadFrame, "%v", err)
	}
	return st, nil
}

// PrintError is a print that failed, with the printer's state when known.
type PrintError struct {
	What   string // "ticket", "受理通知书" …
	Stage  string // "before printing", "while sending", "after printing"
	Status app.PrinterStatus
	Err    error // the line's error, when the printer could not be asked
}

func (e *PrintError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%v: %s %s: %v", app.ErrPrintFailed, e.What, e.Stage, e.Err)
	}
	msg := fmt.Sprintf("%v: %s %s: the printer reports %s", app.ErrPrintFailed, e.What, e.Stage, e.Status)
	if e.Stage == "after printing" {
		msg += "; the printout may be incomplete, print it again once the printer is ready"
	}
	return msg
}

// Unwrap lets errors.Is find ErrPrintFailed and the line's error.
func (e *PrintError) Unwrap() []error {
	if e.Err != nil {
		return []error{app.ErrPrintFailed, e.Err}
	}
	return []error{app.ErrPrintFailed}
}

// print sends a job between two status checks.
func (p *Printer) print(ctx context.Context, what string, job []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, err := p.status(ctx, 0)
	if err != nil {
		return &PrintError{What: what, Stage: "before printing", Err: err}
	}
	if !st.Ready() {
		return &PrintError{What: what, Stage: "before printing", Status: st}
	}
	if err := p.port.Write(job); err != nil {
		return &PrintError{What: what, Stage: "while sending", Err: err}
	}
	// The status request queues behind the job on the line: at 9600 baud a
	// raster QR takes seconds to go out, and the answer cannot come sooner.
	st, err = p.status(ctx, WireTime(len(job), p.port.Config().Baud))
	if err != nil {
		return &PrintError{What: what, Stage: "after printing", Err: err}
	}
	if !st.Ready() {
		return &PrintError{What: what, Stage: "after printing", Status: st}
	}
	if st.PaperNearEnd {
		p.log.Warn("printer paper near end", "path", p.port.Config().Path)
	}
	return nil
}

// PrintTicket prints a queue ticket.
func (p *Printer) PrintTicket(ctx context.Context, t app.TicketPrint) error {
	job, err := Ticket(t, p.cfg.Options)
	if err != nil {
		return err
	}
	return p.print(ctx, "ticket", job)
}

// PrintNotice prints an intake notice.
func (p *Printer) PrintNotice(ctx context.Context, n app.NoticePrint) error {
	job, err := Notice(n, p.cfg.Options)
	if err != nil {
		return err
	}
	return p.print(ctx, n.Kind.Title(), job)
}

// PrintDocument prints a guide or another document.
func (p *Printer) PrintDocument(ctx context.Context, d app.DocumentPrint) error {
	job, err := Document(d, p.cfg.Options)
	if err != nil {
		return err
	}
	return p.print(ctx, "document", job)
}
