package idreader

import (
	"bytes"
	"errors"
	"fmt"

	"onewindow/app"
)

// Preamble starts every frame in both directions.
var Preamble = []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// MaxLen bounds a frame's LEN field: a read with fingerprints is about 2 KiB,
// so anything much larger is noise that must not make us wait for it.
const MaxLen = 4096

// ErrIncomplete says a buffer holds no whole frame yet.
var ErrIncomplete = errors.New("idreader: frame incomplete")

// Commands (CMD, PARA) of the security module.
var (
	CmdReset       = [2]byte{0x10, 0xFF}
	CmdStatus      = [2]byte{0x11, 0xFF}
	CmdModuleID    = [2]byte{0x12, 0xFF}
	CmdFind        = [2]byte{0x20, 0x01}
	CmdSelect      = [2]byte{0x20, 0x02}
	CmdRead        = [2]byte{0x30, 0x01}
	CmdReadFinger  = [2]byte{0x30, 0x10}
	CmdReadAddress = [2]byte{0x30, 0x03}
)

// Result codes (SW3).
const (
	ResultOK       = 0x90
	ResultFound    = 0x9F
	ResultEmpty    = 0x91
	ResultNoCard   = 0x80
	ResultNoSelect = 0x81
	ResultReadFail = 0x41
)

var resultText = map[byte]string{
	0x90: "success",
	0x9F: "card found",
	0x91: "the item has no content",
	0x10: "checksum error in the request",
	0x11: "length error in the request",
	0x21: "unknown command",
	0x23: "operation not allowed",
	0x24: "unrecognised error",
	0x31: "the card failed to authenticate the module",
	0x32: "the module failed to authenticate the card",
	0x33: "information check failed",
	0x40: "unknown card type",
	0x41: "reading the card failed",
	0x47: "random-number request failed",
	0x60: "module self-test failed",
	0x66: "module not authorised",
	0x80: "no card",
	0x81: "select card failed",
}

// ResultText says what a result code means.
func ResultText(sw3 byte) string {
	if t, ok := resultText[sw3]; ok {
		return t
	}
	return fmt.Sprintf("unknown result code 0x%02X", sw3)
}

// Encode frames body (CMD PARA data for a request, SW1 SW2 SW3 data for a
// response).
func Encode(body []byte) []byte {
	n := len(body) + 1
	f := make([]byte, 0, 7+n)
	f = append(f, Preamble...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, body...)
	return append(f, xor(f[5:]))
}

// Request is the whole frame of a command without data.
func Request(cmd [2]byte) []byte { return Encode(cmd[:]) }

func xor(b []byte) byte {
	var c byte
	for _, x := range b {
		c ^= x
	}
	return c
}

// ParseFrame finds the first whole frame in buf and returns its body (the
// bytes between LEN and CHK) and how many bytes of buf it used. When buf holds
// no whole frame yet the error is ErrIncomplete and n counts the bytes before
// any possible preamble, which the caller may drop. When a frame is corrupt
// the error wraps app.ErrBadFrame and n skips past the false start, so the
// caller resynchronises on the next preamble by parsing again.
func ParseFrame(buf []byte) (body []byte, n int, err error) {
	i := bytes.Index(buf, Preamble)
	if i < 0 {
		return nil, len(buf) - partialPreamble(buf), ErrIncomplete
	}
	if len(buf) < i+7 {
		return nil, i, ErrIncomplete
	}
	ln := int(buf[i+5])<<8 | int(buf[i+6])
	if ln < 3 || ln > MaxLen {
		return nil, i + 1, fmt.Errorf("%w: frame length %d is out of range 3–%d", app.ErrBadFrame, ln, MaxLen)
	}
	end := i + 7 + ln
	if len(buf) < end {
		return nil, i, ErrIncomplete
	}
	if got, want := buf[end-1], xor(buf[i+5:end-1]); got != want {
		return nil, i + 1, fmt.Errorf("%w: checksum 0x%02X, expected 0x%02X", app.ErrBadFrame, got, want)
	}
	return buf[i+7 : end-1], end, nil
}

// partialPreamble is how many bytes at the end of buf could begin a preamble.
func partialPreamble(buf []byte) int {
	for k := min(len(Preamble)-1, len(buf)); k > 0; k-- {
		if bytes.Equal(buf[len(buf)-k:], Preamble[:k]) {
			return k
		}
	}
	return 0
}

// Response is a module's answer.
type Response struct {
	SW1, SW2, SW3 byte
	Data          []byte
}

// ParseResponse splits a response body.
func ParseResponse(body []byte) (Response, error) {
	if len(body) < 3 {
		return Response{}, fmt.Errorf("%w: a response needs SW1 SW2 SW3, got %d bytes", app.ErrBadFrame, len(body))
	}
	return Response{SW1: body[0], SW2: body[1], SW3: body[2], Data: body[3:]}, nil
}

// ReadData is the data of a read response: the text block, the photo and,
// for the fingerprint command, the fingerprints.
type ReadData struct {
	Text, Photo, Finger []byte
}

// ParseReadData splits a read response's data by its length fields, never
// by fixed offsets, since the fingerprint variant adds a length.
func ParseReadData(data []byte, withFinger bool) (ReadData, error) {
	hdr := 4
	if withFinger {
		hdr = 6
	}
	if len(data) < hdr {
		return ReadData{}, fmt.Errorf("%w: read data of %d bytes has no length fields", app.ErrBadFrame, len(data))
	}
	tl := int(data[0])<<8 | int(data[1])
	pl := int(data[2])<<8 | int(data[3])
	fl := 0
	if withFinger {
		fl = int(data[4])<<8 | int(data[5])
	}
	if hdr+tl+pl+fl != len(data) {
		return ReadData{}, fmt.Errorf("%w: the length fields (text %d, photo %d, fingerprint %d) do not add up to the %d bytes received",
			app.ErrBadFrame, tl, pl, fl, len(data)-hdr)
	}
	if tl != TextSize {
		return ReadData{}, fmt.Errorf("%w: the text block is %d bytes, a resident ID card's is %d", app.ErrBadFrame, tl, TextSize)
	}
	d := data[hdr:]
	return ReadData{Text: d[:tl], Photo: d[tl : tl+pl], Finger: d[tl+pl:]}, nil
}

// EncodeReadData is the inverse of ParseReadData, for the simulator.
func EncodeReadData(r ReadData, withFinger bool) []byte {
	out := []byte{byte(len(r.Text) >> 8), byte(len(r.Text)), byte(len(r.Photo) >> 8), byte(len(r.Photo))}
	if withFinger {
		out = append(out, byte(len(r.Finger)>>8), byte(len(r.Finger)))
	}
	out = append(out, r.Text...)
	out = append(out, r.Photo...)
	if withFinger {
		out = append(out, r.Finger...)
	}
	return out
}
