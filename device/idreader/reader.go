// Package idreader drives a resident ID card reader (居民身份证阅读器) whose
// security module speaks the GA/T 467 frame protocol on a serial port: it
// finds, selects and reads a card, checks every field of its text block and
// its ID number, refuses other card types plainly, and watches the reader so
// the kiosk learns when a card is placed and removed.
//
// It hands out app.IDCard and nothing of the wire. It must not log a card's
// content or put it in an error message, and it must not decode the photo:
// that needs a vendor's licensed library behind app.PhotoDecoder.
package idreader

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

var _ app.IDCardReader = (*Reader)(nil)

// Config tunes the driver. Zero values take the protocol's usual figures.
type Config struct {
	ControlTimeout time.Duration // reset, status, find, select: about 1 s
	ReadTimeout    time.Duration // reading the card: 2–3 s
	Retries        int           // extra attempts after a timeout or a garbled answer
	PollEvery      time.Duration // how often Watch asks for a card
	Clock          app.Clock     // today's date, to check birth and validity dates
	Log            *slog.Logger
}

// Reader is a card reader on a serial port.
type Reader struct {
	port *serialport.Port
	cfg  Config
	log  *slog.Logger
	mu   sync.Mutex // one command on the line at a time
}

// New drives the reader on port.
func New(port *serialport.Port, cfg Config) *Reader {
	if cfg.ControlTimeout <= 0 {
		cfg.ControlTimeout = time.Second
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 3 * time.Second
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	} else if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = 300 * time.Millisecond
	}
	if cfg.Clock == nil {
		cfg.Clock = app.SystemClock{}
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reader{port: port, cfg: cfg, log: log}
}

// command sends one command and returns its response, retrying a bounded
// number of times when the answer times out or comes garbled. A result code
// other than success is returned as the response, not as an error: what it
// means depends on the command.
func (r *Reader) command(ctx context.Context, name string, cmd [2]byte, timeout time.Duration) (Response, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	for attempt := 0; attempt <= r.cfg.Retries; attempt++ {
		var resp Response
		resp, err = r.once(ctx, name, cmd, timeout)
		if err == nil {
			if resp.SW3 == 0x10 || resp.SW3 == 0x11 {
				// The module got our request garbled: line noise, worth
				// another go.
				err = r.port.Errorf(name, app.ErrBadFrame, "the reader received a garbled request (%s)", ResultText(resp.SW3))
				continue
			}
			return resp, attempt, nil
		}
		if !errors.Is(err, app.ErrDeviceTimeout) && !errors.Is(err, app.ErrBadFrame) {
			break
		}
		r.log.Debug("id reader: retrying", "command", name, "attempt", attempt+1, "error", err)
	}
	return Response{}, 0, err
}

func (r *Reader) once(ctx context.Context, name string, cmd [2]byte, timeout time.Duration) (Response, error) {
	// A late answer to an earlier command must not pass for this one's.
	r.port.Discard()
	if err := r.port.Write(Request(cmd)); err != nil {
		return Response{}, err
	}
	var (
		body    []byte
		corrupt error
		off     int
	)
	_, err := r.port.ReadUntil(ctx, name, timeout, func(b []byte) bool {
		for {
			fb, n, perr := ParseFrame(b[off:])
			off += n
			switch {
			case perr == nil:
				if resp, err := ParseResponse(fb); err == nil && stale(cmd, resp) {
					r.log.Debug("id reader: dropped a late answer to an earlier command", "command", name)
					continue
				}
				body = fb
				return true
			case errors.Is(perr, ErrIncomplete):
				return false
			default:
				// The module sends one answer per request: a corrupt one
				// with nothing after it is the answer, and waiting on
				// would only spend the timeout.
				corrupt = perr
				if off >= len(b) {
					return true
				}
			}
		}
	})
	if err == nil && body == nil {
		return Response{}, r.port.Errorf(name, app.ErrBadFrame, "%v", corrupt)
	}
	if err != nil {
		if corrupt != nil && !errors.Is(err, app.ErrPortGone) && ctx.Err() == nil {
			return Response{}, r.port.Errorf(name, app.ErrBadFrame, "%v", corrupt)
		}
		return Response{}, err
	}
	resp, err := ParseResponse(body)
	if err != nil {
		return Response{}, r.port.Errorf(name, app.ErrBadFrame, "%v", err)
	}
	if resp.SW1 != 0 || resp.SW2 != 0 {
		return Response{}, r.port.Errorf(name, app.ErrDeviceFault, "module status SW1 %02X SW2 %02X", resp.SW1, resp.SW2)
	}
	return resp, nil
}

// stale reports an answer that cannot be to cmd: a late answer to the
// command before, which a slow module sends after the driver gave up on it.
func stale(cmd [2]byte, r Response) bool {
	switch cmd {
	case CmdFind:
		return r.SW3 == ResultOK
	case CmdSelect:
		return r.SW3 == ResultFound || r.SW3 == ResultNoCard || r.SW3 == ResultOK && len(r.Data) > 64
	case CmdRead:
		if r.SW3 == ResultOK {
			_, err := ParseReadData(r.Data, false)
			return err != nil
		}
		return r.SW3 == ResultFound || r.SW3 == ResultNoCard || r.SW3 == ResultNoSelect
	}
	return false
}

// resultError turns an unexpected result code into a classified error.
func (r *Reader) resultError(name string, sw3 byte) error {
	kind := app.ErrDeviceFault
	switch sw3 {
	case ResultNoCard, ResultNoSelect, ResultEmpty:
		kind = app.ErrNoCard
	case 0x40:
		kind = app.ErrUnsupportedCard
	}
	return r.port.Errorf(name, kind, "result 0x%02X: %s", sw3, ResultText(sw3))
}

func (r *Reader) control(ctx context.Context, name string, cmd [2]byte) (Response, error) {
	resp, _, err := r.command(ctx, name, cmd, r.cfg.ControlTimeout)
	if err != nil {
		return Response{}, err
	}
	if resp.SW3 != ResultOK {
		return Response{}, r.resultError(name, resp.SW3)
	}
	return resp, nil
}

// Reset resets the security module.
func (r *Reader) Reset(ctx context.Context) error {
	_, err := r.control(ctx, "reset", CmdReset)
	return err
}

// Status asks whether the security module is well.
func (r *Reader) Status(ctx context.Context) error {
	_, err := r.control(ctx, "module status", CmdStatus)
	return err
}

// ModuleID returns the security module's identity, for the technician's
// health page and the audit trail.
func (r *Reader) ModuleID(ctx context.Context) (string, error) {
	resp, err := r.control(ctx, "module id", CmdModuleID)
	if err != nil {
		return "", err
	}
	if len(resp.Data) == 0 {
		return "", r.port.Errorf("module id", app.ErrBadFrame, "the answer holds no identity")
	}
	return fmt.Sprintf("%X", resp.Data), nil
}

// Find looks for a new card (寻卡). A card already found stays unfindable
// until it leaves the reader: then the error is app.ErrNoCard too.
func (r *Reader) Find(ctx context.Context) error {
	found, err := r.find(ctx, true)
	if err == nil && !found {
		return r.port.Errorf("find card", app.ErrNoCard, "")
	}
	return err
}

// find reports whether a new card is there. A garbled "found" followed by a
// retry that says "no card" is ambiguous, since the module grants one find
// per card: with resolve, a select then settles whether a card is there.
// Without it (a card is known to be on the reader) the card already read
// is assumed, so it is never read twice.
func (r *Reader) find(ctx context.Context, resolve bool) (bool, error) {
	resp, attempt, err := r.command(ctx, "find card", CmdFind, r.cfg.ControlTimeout)
	if err != nil {
		return false, err
	}
	switch resp.SW3 {
	case ResultFound:
		return true, nil
	case ResultNoCard:
		if attempt > 0 && resolve {
			if err := r.Select(ctx); err == nil {
				return true, nil
			}
		}
		return false, nil
	}
	return false, r.resultError("find card", resp.SW3)
}

// Select selects the found card (选卡); app.ErrNoCard when it has gone.
func (r *Reader) Select(ctx context.Context) error {
	_, err := r.control(ctx, "select card", CmdSelect)
	return err
}

// ReadCard reads the selected card's text and photo.
func (r *Reader) ReadCard(ctx context.Context) (app.IDCard, error) {
	resp, _, err := r.command(ctx, "read card", CmdRead, r.cfg.ReadTimeout)
	if err != nil {
		return app.IDCard{}, err
	}
	if resp.SW3 != ResultOK {
		return app.IDCard{}, r.resultError("read card", resp.SW3)
	}
	d, err := ParseReadData(resp.Data, false)
	if err != nil {
		return app.IDCard{}, r.port.Errorf("read card", app.ErrBadFrame, "%v", err)
	}
	card, err := ParseText(d.Text, r.cfg.Clock.Now())
	if err != nil {
		return app.IDCard{}, fmt.Errorf("%s on %s: read card: %w", r.port.Config().Device, r.port.Config().Path, err)
	}
	card.Photo = append([]byte(nil), d.Photo...)
	return card, nil
}

// Read finds, selects and reads the card on the reader. Unlike Watch it
// reads a card again on request, so a clerk can re-read one that stays on.
func (r *Reader) Read(ctx context.Context) (app.IDCard, error) {
	// Whether find says "found" or "no card", a card found earlier is
	// still selectable: select decides whether one is there.
	if _, err := r.find(ctx, true); err != nil {
		return app.IDCard{}, err
	}
	if err := r.Select(ctx); err != nil {
		return app.IDCard{}, err
	}
	return r.ReadCard(ctx)
}

// Watch polls the reader and reports each card once when it is placed and
// again when it is removed, and the reader going offline and coming back.
// The channel closes when ctx ends.
func (r *Reader) Watch(ctx context.Context) <-chan app.CardEvent {
	ch := make(chan app.CardEvent, 4)
	go r.watch(ctx, ch)
	return ch
}

func (r *Reader) watch(ctx context.Context, ch chan<- app.CardEvent) {
	defer close(ch)
	send := func(e app.CardEvent) bool {
		select {
		case ch <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	present, offline := false, false
	// fail handles an error that is not about the card: the reader is
	// unreachable or talks nonsense. The card's citizen is forgotten, since
	// nobody can tell whether they are still there.
	fail := func(err error) bool {
		if ctx.Err() != nil {
			return false
		}
		if present {
			present = false
			if !send(app.CardEvent{Kind: app.CardRemoved}) {
				return false
			}
		}
		if !offline {
			offline = true
			r.log.Warn("id reader offline", "error", err)
			return send(app.CardEvent{Kind: app.ReaderOffline, Err: err})
		}
		return true
	}
	alive := func() bool {
		if offline {
			offline = false
			r.log.Info("id reader online")
			return send(app.CardEvent{Kind: app.ReaderOnline})
		}
		return true
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		ok := true
		found, err := r.find(ctx, !present)
		switch {
		case err != nil && !errors.Is(err, app.ErrNoCard):
			ok = fail(err)
		case found:
			ok = alive()
			if ok && present {
				// A new find while a card was on means it was swapped
				// between two polls: the old one has gone.
				ok = send(app.CardEvent{Kind: app.CardRemoved})
			}
			if ok {
				present = true
				ok = r.readFound(ctx, send, fail)
			}
		case present:
			ok = alive()
			if ok {
				err := r.Select(ctx)
				switch {
				case err == nil:
				case errors.Is(err, app.ErrNoCard):
					present = false
					ok = send(app.CardEvent{Kind: app.CardRemoved})
				default:
					ok = fail(err)
				}
			}
		default:
			ok = alive()
		}
		if !ok {
			return
		}
		timer.Reset(r.cfg.PollEvery)
	}
}

// readFound selects and reads a card just found and reports it.
func (r *Reader) readFound(ctx context.Context, send func(app.CardEvent) bool, fail func(error) bool) bool {
	err := r.Select(ctx)
	var card app.IDCard
	if err == nil {
		card, err = r.ReadCard(ctx)
	}
	switch {
	case err == nil:
		return send(app.CardEvent{Kind: app.CardPlaced, Card: card})
	case errors.Is(err, app.ErrPortGone), errors.Is(err, app.ErrDeviceTimeout):
		return fail(err)
	case ctx.Err() != nil:
		return false
	}
	// The card is there but will not do: say so once, and wait for it to
	// be taken away.
	return send(app.CardEvent{Kind: app.CardUnreadable, Err: err})
}
