// Package queuesim simulates the devices of a queue bus on one
// pseudo-terminal: window displays that log what they show, caller keypads
// and rating pads that queue key presses until the master polls them. Each
// device answers only its own address, repeats its last reply when the
// master repeats a sequence number, and can be powered off to test offline
// tracking; faults come from its sim.Link.
//
// It is for tests, demos and technicians; it must not be used by a
// production terminal.
package queuesim

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"golang.org/x/text/encoding/simplifiedchinese"

	"onewindow/app"
	"onewindow/device/queuebus"
	"onewindow/device/sim"
)

// Device is one simulated device.
type Device struct {
	Addr     int
	Kind     queuebus.Kind
	Firmware string
}

type state struct {
	Device
	powered  bool
	shown    string
	prompt   string
	keys     []byte
	requests int

	lastSeq, lastCmd byte
	lastReply        []byte
}

// Sim is a bus full of simulated devices.
type Sim struct {
	link *sim.Link
	log  *slog.Logger

	mu   sync.Mutex
	devs map[int]*state
}

// New puts the devices on link.
func New(link *sim.Link, log *slog.Logger, devices ...Device) *Sim {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sim{link: link, log: log, devs: map[int]*state{}}
	for _, d := range devices {
		if d.Firmware == "" {
			d.Firmware = "onewindow-sim 1.0"
		}
		s.devs[d.Addr] = &state{Device: d, powered: true}
	}
	return s
}

// DefaultDevices is a small hall: displays 1–3, caller keypads 11–13,
// rating pads 21–23, one of each per window.
func DefaultDevices() []Device {
	var ds []Device
	for w := 1; w <= 3; w++ {
		ds = append(ds, Device{Addr: w, Kind: queuebus.KindDisplay}, Device{Addr: 10 + w, Kind: queuebus.KindCaller}, Device{Addr: 20 + w, Kind: queuebus.KindRatingPad})
	}
	return ds
}

// Link is the simulator's pseudo-terminal.
func (s *Sim) Link() *sim.Link { return s.link }

// Devices lists the simulated devices by address.
func (s *Sim) Devices() []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Device
	for _, d := range s.devs {
		out = append(out, d.Device)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

func (s *Sim) get(addr int, kinds ...queuebus.Kind) (*state, error) {
	d, ok := s.devs[addr]
	if !ok {
		return nil, fmt.Errorf("no device at address %d", addr)
	}
	for _, k := range kinds {
		if d.Kind == k {
			return d, nil
		}
	}
	if len(kinds) > 0 {
		return nil, fmt.Errorf("device %d is a %v", addr, d.Kind)
	}
	return d, nil
}

// Press queues a key on a caller keypad (or any key code on any keypad,
// for testing what the master does with nonsense).
func (s *Sim) Press(addr int, code byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.get(addr, queuebus.KindCaller, queuebus.KindRatingPad)
	if err != nil {
		return err
	}
	d.keys = append(d.keys, code)
	s.log.Info("key pressed", "addr", addr, "code", code)
	return nil
}

// Rate presses the key of a level: the pad's keys run from 非常满意 (31)
// to 非常不满意 (35).
func (s *Sim) Rate(addr int, level app.RatingLevel) error {
	if !level.Valid() {
		return fmt.Errorf("rating %d: levels are %d (%s) down to %d (%s)", level,
			app.VerySatisfied, app.VerySatisfied.Name().Zh, app.VeryDissatisfied, app.VeryDissatisfied.Name().Zh)
	}
	s.mu.Lock()
	_, err := s.get(addr, queuebus.KindRatingPad)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.Press(addr, byte(0x30+6-int(level)))
}

// SetPower switches a device on or off; an unpowered device never answers.
func (s *Sim) SetPower(addr int, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.get(addr)
	if err != nil {
		return err
	}
	d.powered = on
	s.log.Info("device power", "addr", addr, "on", on)
	return nil
}

// Shown is what the display at addr shows.
func (s *Sim) Shown(addr int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.devs[addr]; ok {
		return d.shown
	}
	return ""
}

// Prompt is what the rating pad at addr asks, empty once rated.
func (s *Sim) Prompt(addr int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.devs[addr]; ok {
		return d.prompt
	}
	return ""
}

// Requests counts the frames addressed to addr that it heard.
func (s *Sim) Requests(addr int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.devs[addr]; ok {
		return d.requests
	}
	return 0
}

// Serve answers the master until the link closes.
func (s *Sim) Serve() error {
	return s.link.Serve(func(buf []byte) int {
		f, used, err := queuebus.ParseFrame(buf)
		if err != nil {
			// Incomplete: wait for more. Corrupt: RS-485 devices stay
			// silent, for nobody knows whom the frame was for.
			return used
		}
		if reply := s.handle(f); reply != nil {
			if err := s.link.Reply(reply); err != nil {
				s.log.Warn("reply failed", "error", err)
			}
		}
		return used
	})
}

func gb(b []byte) string {
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return fmt.Sprintf("% X", b)
	}
	return string(s)
}

func (s *Sim) handle(f queuebus.Frame) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Addr == queuebus.Broadcast {
		for _, d := range s.devs {
			if d.powered && d.Kind == queuebus.KindDisplay && f.Cmd == queuebus.CmdClear {
				d.shown = ""
			}
		}
		return nil
	}
	d, ok := s.devs[int(f.Addr)]
	if !ok || !d.powered {
		return nil
	}
	d.requests++
	if f.Seq == d.lastSeq && f.Cmd == d.lastCmd && d.lastReply != nil {
		// The master's retry: answer again, do not act again.
		return d.lastReply
	}
	var payload []byte
	switch {
	case f.Cmd == queuebus.CmdPing:
		payload = append([]byte{byte(d.Kind)}, d.Firmware...)
	case f.Cmd == queuebus.CmdShow && d.Kind == queuebus.KindDisplay:
		d.shown = gb(f.Payload)
		s.log.Info("display shows", "addr", d.Addr, "text", d.shown)
	case f.Cmd == queuebus.CmdClear && d.Kind == queuebus.KindDisplay:
		d.shown = ""
		s.log.Info("display cleared", "addr", d.Addr)
	case f.Cmd == queuebus.CmdPollKeys && d.Kind != queuebus.KindDisplay:
		k := min(len(d.keys), queuebus.MaxPayload)
		payload = append([]byte(nil), d.keys[:k]...)
		d.keys = d.keys[k:]
	case f.Cmd == queuebus.CmdPromptRating && d.Kind == queuebus.KindRatingPad:
		d.prompt = gb(f.Payload)
		s.log.Info("rating pad prompts", "addr", d.Addr, "text", d.prompt)
	default:
		// A command the device does not know gets no reply, as the
		// master's timeout then says plainly.
		return nil
	}
	if d.Kind == queuebus.KindRatingPad {
		for _, k := range payload {
			if k >= 0x31 && k <= 0x35 && f.Cmd == queuebus.CmdPollKeys {
				d.prompt = ""
			}
		}
	}
	reply, err := queuebus.Frame{Addr: f.Addr, Cmd: f.Cmd | queuebus.ReplyBit, Seq: f.Seq, Payload: payload}.Encode()
	if err != nil {
		s.log.Warn("reply too long", "addr", d.Addr, "error", err)
		return nil
	}
	d.lastSeq, d.lastCmd, d.lastReply = f.Seq, f.Cmd, reply
	return reply
}
