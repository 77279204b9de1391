package queuebus

import (
	"bytes"
	"errors"
	"fmt"

	"onewindow/app"
)

// Commands of the queue bus. A reply carries the command with bit 7 set.
const (
	CmdPing         byte = 0x01
	CmdShow         byte = 0x10
	CmdClear        byte = 0x11
	CmdPollKeys     byte = 0x20
	CmdPromptRating byte = 0x21
	ReplyBit        byte = 0x80
)

// Device kinds, as a ping's reply names them.
type Kind byte

// Kinds.
const (
	KindDisplay   Kind = 1
	KindCaller    Kind = 2
	KindRatingPad Kind = 3
)

func (k Kind) String() string {
	switch k {
	case KindDisplay:
		return "window display"
	case KindCaller:
		return "caller keypad"
	case KindRatingPad:
		return "rating pad"
	}
	return fmt.Sprintf("device kind %d", byte(k))
}

// Limits of the frame.
const (
	MaxPayload = 240
	MaxAddr    = 247
	Broadcast  = 0
)

var start = []byte{0xAA, 0x55}

// ErrIncomplete says a buffer holds no whole frame yet.
var ErrIncomplete = errors.New("queuebus: frame incomplete")

// Frame is one message on the bus.
type Frame struct {
	Addr, Cmd, Seq byte
	Payload        []byte
}

// CRC16 is CRC-16/MODBUS: reflected polynomial 0xA001, initial 0xFFFF.
func CRC16(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, x := range b {
		crc ^= uint16(x)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

// Encode lays the frame out on the wire.
func (f Frame) Encode() ([]byte, error) {
	if len(f.Payload) > MaxPayload {
		return nil, fmt.Errorf("%w: a queue-bus payload holds at most %d bytes, this one has %d", app.ErrInvalidInput, MaxPayload, len(f.Payload))
	}
	if f.Addr > MaxAddr {
		return nil, fmt.Errorf("%w: queue-bus address %d is above %d", app.ErrInvalidInput, f.Addr, MaxAddr)
	}
	b := make([]byte, 0, 8+len(f.Payload))
	b = append(b, start...)
	b = append(b, f.Addr, f.Cmd, f.Seq, byte(len(f.Payload)))
	b = append(b, f.Payload...)
	crc := CRC16(b[2:])
	return append(b, byte(crc), byte(crc>>8)), nil
}

// ParseFrame finds the first whole frame in buf, with the same contract as
// the other parsers of device/: ErrIncomplete with n = bytes safe to drop,
// or an error wrapping app.ErrBadFrame with n ≥ 1 to skip a false start.
func ParseFrame(buf []byte) (f Frame, n int, err error) {
	i := bytes.Index(buf, start)
	if i < 0 {
		if len(buf) > 0 && buf[len(buf)-1] == start[0] {
			return Frame{}, len(buf) - 1, ErrIncomplete
		}
		return Frame{}, len(buf), ErrIncomplete
	}
	if len(buf) < i+6 {
		return Frame{}, i, ErrIncomplete
	}
	ln := int(buf[i+5])
	if ln > MaxPayload {
		return Frame{}, i + 1, fmt.Errorf("%w: payload length %d is above %d", app.ErrBadFrame, ln, MaxPayload)
	}
	end := i + 6 + ln + 2
	if len(buf) < end {
		return Frame{}, i, ErrIncomplete
	}
	want := CRC16(buf[i+2 : end-2])
	if got := uint16(buf[end-2]) | uint16(buf[end-1])<<8; got != want {
		return Frame{}, i + 1, fmt.Errorf("%w: CRC 0x%04X, expected 0x%04X", app.ErrBadFrame, got, want)
	}
	f = Frame{Addr: buf[i+2], Cmd: buf[i+3], Seq: buf[i+4], Payload: append([]byte(nil), buf[i+6:end-2]...)}
	return f, end, nil
}
