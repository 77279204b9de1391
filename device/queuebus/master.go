// Package queuebus is the master of the hall's RS-485 queue bus: it frames
// the AA 55 protocol of queuebus.md (CRC-16/MODBUS, sequence numbers), shows
// and clears window displays, polls caller keypads and rating pads and turns
// their keys into app.BusEvent, and tracks each device online or offline,
// polling an offline one at a slower pace until it answers again.
//
// A retry repeats the sequence number, so a device that heard the first
// attempt answers the retry from its memory rather than acting twice (a
// keypad must not lose the keys of a reply that got lost). The master is the
// only speaker: devices talk only when asked. It must not decide anything
// about the queue; it reports keys and the app decides.
package queuebus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"onewindow/app"
	"onewindow/device/serialport"
)

var _ app.QueueBus = (*Master)(nil)

// Device is one device on the bus.
type Device struct {
	Addr int
	Kind Kind
}

// Config tunes the master. Zero values take figures for 9600 baud.
type Config struct {
	Devices []Device
	// Timeout is how long to wait for a reply; the longest frame takes
	// 260 ms at 9600 baud.
	Timeout time.Duration
	Retries int
	// PollEvery is how often keypads are asked for keys; CheckEvery how
	// often displays are pinged to learn that one went dark; OfflineEvery
	// how often an offline device is tried.
	PollEvery    time.Duration
	CheckEvery   time.Duration
	OfflineEvery time.Duration
	Log          *slog.Logger
}

// DeviceState is what the master knows of a device, for the technician.
type DeviceState struct {
	Device
	Online   bool
	LastSeen time.Time
	LastErr  error
}

type devState struct {
	DeviceState
	next time.Time
}

// Master drives the bus.
type Master struct {
	port   *serialport.Port
	cfg    Config
	log    *slog.Logger
	events chan app.BusEvent

	bus  sync.Mutex // half duplex: one exchange at a time
	seqs map[int]byte

	mu   sync.Mutex
	devs map[int]*devState
}

// New drives the bus on port.
func New(port *serialport.Port, cfg Config) *Master {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 500 * time.Millisecond
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	} else if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = 200 * time.Millisecond
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = 5 * time.Second
	}
	if cfg.OfflineEvery <= 0 {
		cfg.OfflineEvery = 10 * time.Second
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Master{port: port, cfg: cfg, log: log, events: make(chan app.BusEvent, 64), devs: map[int]*devState{}, seqs: map[int]byte{}}
	for _, d := range cfg.Devices {
		// Devices start online: the first failure says otherwise, and a
		// hall should not see every device flagged at start-up.
		m.devs[d.Addr] = &devState{DeviceState: DeviceState{Device: d, Online: true}}
	}
	return m
}

// Events delivers keys, ratings and devices going offline and online.
func (m *Master) Events() <-chan app.BusEvent { return m.events }

// States lists every configured device by address.
func (m *Master) States() []DeviceState {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]DeviceState, 0, len(m.devs))
	for _, d := range m.devs {
		out = append(out, d.DeviceState)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

// Online reports whether the device at addr answered its last exchange.
func (m *Master) Online(addr int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.devs[addr]
	return ok && d.Online
}

// emit sends a status event without blocking: the caller may be the same
// goroutine that reads events, and a device's state can be read back with
// States.
func (m *Master) emit(e app.BusEvent) {
	select {
	case m.events <- e:
	default:
		m.log.Warn("queue bus: event dropped, nobody reads events", "addr", e.Addr)
	}
}

func (m *Master) device(addr int, want Kind) (*devState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.devs[addr]
	if !ok {
		return nil, fmt.Errorf("%w: no device at queue-bus address %d in the configuration", app.ErrInvalidInput, addr)
	}
	if want != 0 && d.Kind != want {
		return nil, fmt.Errorf("%w: queue-bus address %d is a %v, not a %v", app.ErrInvalidInput, addr, d.Kind, want)
	}
	return d, nil
}

func encodeText(s string) ([]byte, error) {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%w: text cannot be encoded in GB18030: %v", app.ErrInvalidInput, err)
	}
	if len(b) > MaxPayload {
		return nil, fmt.Errorf("%w: the text takes %d bytes in GB18030; a queue-bus frame holds %d", app.ErrInvalidInput, len(b), MaxPayload)
	}
	return b, nil
}

// Show puts text on the display at addr.
func (m *Master) Show(ctx context.Context, addr int, text string) error {
	p, err := encodeText(text)
	if err != nil {
		return err
	}
	if _, err := m.device(addr, KindDisplay); err != nil {
		return err
	}
	_, err = m.exchange(ctx, addr, CmdShow, p, "show")
	return err
}

// Clear blanks the display at addr.
func (m *Master) Clear(ctx context.Context, addr int) error {
	if _, err := m.device(addr, KindDisplay); err != nil {
		return err
	}
	_, err := m.exchange(ctx, addr, CmdClear, nil, "clear")
	return err
}

// PromptRating lights the rating pad at addr with text (e.g. the clerk's
// name and number); the citizen's choice arrives as a BusRating event.
func (m *Master) PromptRating(ctx context.Context, addr int, text string) error {
	p, err := encodeText(text)
	if err != nil {
		return err
	}
	if _, err := m.device(addr, KindRatingPad); err != nil {
		return err
	}
	_, err = m.exchange(ctx, addr, CmdPromptRating, p, "prompt rating")
	return err
}

// Ping asks the device at addr what it is.
func (m *Master) Ping(ctx context.Context, addr int) (Kind, string, error) {
	f, err := m.exchange(ctx, addr, CmdPing, nil, "ping")
	if err != nil {
		return 0, "", err
	}
	if len(f.Payload) < 1 {
		return 0, "", m.port.Errorf("ping", app.ErrBadFrame, "the reply of device %d names no kind", addr)
	}
	fw, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(f.Payload[1:])
	return Kind(f.Payload[0]), string(fw), nil
}

// exchange sends one command and waits for its reply, with bounded retries;
// a device already offline gets one attempt, so a dead display cannot hold
// up the bus for every window.
func (m *Master) exchange(ctx context.Context, addr int, cmd byte, payload []byte, op string) (Frame, error) {
	m.bus.Lock()
	defer m.bus.Unlock()
	req := Frame{Addr: byte(addr), Cmd: cmd, Seq: m.nextSeq(addr), Payload: payload}
	wire, err := req.Encode()
	if err != nil {
		return Frame{}, err
	}
	attempts := m.cfg.Retries + 1
	if !m.Online(addr) {
		attempts = 1
	}
	for a := 0; a < attempts; a++ {
		var reply Frame
		reply, err = m.once(ctx, req, wire, op)
		if err == nil {
			m.mark(addr, nil)
			return reply, nil
		}
		if ctx.Err() != nil {
			return Frame{}, err
		}
		if errors.Is(err, app.ErrPortGone) {
			break
		}
		m.log.Debug("queue bus: retrying", "addr", addr, "op", op, "attempt", a+1, "error", err)
	}
	m.mark(addr, err)
	if !m.Online(addr) {
		return Frame{}, fmt.Errorf("%w: %w", app.ErrDeviceOffline, err)
	}
	return Frame{}, err
}

func (m *Master) once(ctx context.Context, req Frame, wire []byte, op string) (Frame, error) {
	m.port.Discard()
	if err := m.port.Write(wire); err != nil {
		return Frame{}, err
	}
	var (
		reply   Frame
		got     bool
		corrupt error
		off     int
	)
	_, err := m.port.ReadUntil(ctx, op, m.cfg.Timeout, func(b []byte) bool {
		for {
			f, n, perr := ParseFrame(b[off:])
			off += n
			switch {
			case perr == nil:
				if f.Addr != req.Addr || f.Cmd != req.Cmd|ReplyBit || f.Seq != req.Seq {
					// A late reply to an earlier exchange, or another
					// device's: not ours.
					continue
				}
				reply, got = f, true
				return true
			case errors.Is(perr, ErrIncomplete):
				return false
			default:
				corrupt = perr
				if off >= len(b) {
					return true
				}
			}
		}
	})
	if err == nil && !got {
		err = m.port.Errorf(op, app.ErrBadFrame, "device %d: %v", req.Addr, corrupt)
	}
	if err != nil && corrupt != nil && errors.Is(err, app.ErrDeviceTimeout) {
		err = m.port.Errorf(op, app.ErrBadFrame, "device %d: %v", req.Addr, corrupt)
	}
	if err != nil {
		var se *serialport.Error
		if errors.As(err, &se) && se.Detail == "" {
			se.Detail = fmt.Sprintf("device %d", req.Addr)
		}
		return Frame{}, err
	}
	return reply, nil
}

// nextSeq numbers exchanges per device, so two exchanges in a row with one
// device never share a number: a device takes a repeated number for a retry
// and answers it from memory. The first number is random, so a restarted
// master does not repeat the number of its predecessor's last exchange.
// Called with bus held.
func (m *Master) nextSeq(addr int) byte {
	s, ok := m.seqs[addr]
	if !ok {
		s = byte(rand.Uint32())
	}
	s++
	m.seqs[addr] = s
	return s
}

// mark records the outcome of an exchange with addr and reports a change.
func (m *Master) mark(addr int, err error) {
	m.mu.Lock()
	d, ok := m.devs[addr]
	if !ok {
		m.mu.Unlock()
		return
	}
	d.LastErr = err
	was := d.Online
	now := time.Now()
	if err == nil {
		d.Online, d.LastSeen = true, now
	} else {
		d.Online = false
	}
	d.next = now.Add(m.interval(d))
	m.mu.Unlock()
	switch {
	case was && err != nil:
		m.log.Warn("queue-bus device offline", "addr", addr, "kind", d.Kind.String(), "error", err)
		m.emit(app.BusEvent{Kind: app.BusDeviceOffline, Addr: addr, Err: err})
	case !was && err == nil:
		m.log.Info("queue-bus device online", "addr", addr, "kind", d.Kind.String())
		m.emit(app.BusEvent{Kind: app.BusDeviceOnline, Addr: addr})
	}
}

func (m *Master) interval(d *devState) time.Duration {
	switch {
	case !d.Online:
		return m.cfg.OfflineEvery
	case d.Kind == KindDisplay:
		return m.cfg.CheckEvery
	}
	return m.cfg.PollEvery
}

// Run polls the keypads and checks the displays until ctx ends. Key events
// are delivered in order, waiting for the reader of Events.
func (m *Master) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		now := time.Now()
		next := now.Add(m.cfg.PollEvery)
		for _, d := range m.due(now) {
			if err := m.poll(ctx, d); err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
		}
		m.mu.Lock()
		for _, d := range m.devs {
			if d.next.Before(next) {
				next = d.next
			}
		}
		m.mu.Unlock()
		timer.Reset(max(time.Until(next), time.Millisecond))
	}
}

func (m *Master) due(now time.Time) []Device {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Device
	for _, d := range m.devs {
		if !d.next.After(now) {
			out = append(out, d.Device)
			// Set now so a failure that returns early still waits.
			d.next = now.Add(m.interval(d))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

func (m *Master) poll(ctx context.Context, d Device) error {
	if d.Kind == KindDisplay {
		kind, _, err := m.Ping(ctx, d.Addr)
		if err == nil && kind != d.Kind {
			// Two devices set to the same address, or a wrong plan: the
			// technician must hear of it, the hall can go on.
			m.log.Warn("queue bus: device answers as another kind than configured", "addr", d.Addr, "configured", d.Kind.String(), "answers", kind.String())
		}
		return err
	}
	events, err := m.PollKeys(ctx, d.Addr)
	if err != nil {
		return err
	}
	for _, e := range events {
		select {
		case m.events <- e:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// PollKeys asks the keypad or rating pad at addr for the keys pressed since
// it was last asked. Run does this on its own; a technician's test page may
// call it directly. Key codes that mean nothing on that kind of device are
// dropped.
func (m *Master) PollKeys(ctx context.Context, addr int) ([]app.BusEvent, error) {
	d, err := m.device(addr, 0)
	if err != nil {
		return nil, err
	}
	if d.Kind == KindDisplay {
		return nil, fmt.Errorf("%w: queue-bus address %d is a %v, which has no keys", app.ErrInvalidInput, addr, d.Kind)
	}
	f, err := m.exchange(ctx, addr, CmdPollKeys, nil, "poll keys")
	if err != nil {
		return nil, err
	}
	var events []app.BusEvent
	for _, k := range f.Payload {
		e, ok := keyEvent(d.Device, k)
		if !ok {
			m.log.Warn("queue bus: unknown key code dropped", "addr", addr, "kind", d.Kind.String(), "code", k)
			continue
		}
		events = append(events, e)
	}
	return events, nil
}

// keyEvent turns a key code into an event, if it means something on a
// device of that kind.
func keyEvent(d Device, k byte) (app.BusEvent, bool) {
	switch {
	case d.Kind == KindCaller && k >= byte(app.KeyCallNext) && k <= byte(app.KeyTransfer):
		return app.BusEvent{Kind: app.BusKey, Addr: d.Addr, Key: app.CallerKey(k)}, true
	case d.Kind == KindRatingPad && k >= 0x31 && k <= 0x35:
		// The pad's keys run from 非常满意 (31) to 非常不满意 (35); the
		// national levels count the other way, 5 down to 1.
		return app.BusEvent{Kind: app.BusRating, Addr: d.Addr, Rating: app.RatingLevel(6 - int(k-0x30))}, true
	}
	return app.BusEvent{}, false
}
