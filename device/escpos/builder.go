package escpos

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"
	"golang.org/x/text/encoding/simplifiedchinese"

	"onewindow/app"
)

// Align is a line's justification.
type Align byte

// Alignments.
const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// ECC is a QR code's error-correction level.
type ECC byte

// Levels, as function 169 numbers them.
const (
	ECCL ECC = 48
	ECCM ECC = 49
	ECCQ ECC = 50
	ECCH ECC = 51
)

func (e ECC) qrLevel() qrcode.RecoveryLevel {
	switch e {
	case ECCL:
		return qrcode.Low
	case ECCQ:
		return qrcode.High
	case ECCH:
		return qrcode.Highest
	}
	return qrcode.Medium
}

// MaxQRData is what one QR code holds in byte mode at its largest version
// and lowest error correction, rounded down.
const MaxQRData = 2900

// Builder accumulates printer commands. The first error sticks and is
// returned by Bytes, so a layout reads as a plain sequence of calls.
type Builder struct {
	buf []byte
	err error
}

// NewBuilder starts a job with initialise and Chinese mode on: a printer
// left in another mode by the job before must not garble this one.
func NewBuilder() *Builder {
	b := &Builder{}
	b.buf = append(b.buf, 0x1B, 0x40, 0x1C, 0x26)
	return b
}

// Bytes returns the job, or the first error met while building it.
func (b *Builder) Bytes() ([]byte, error) {
	if b.err != nil {
		return nil, b.err
	}
	return b.buf, nil
}

func (b *Builder) fail(format string, args ...any) *Builder {
	if b.err == nil {
		b.err = fmt.Errorf("%w: %s", app.ErrInvalidInput, fmt.Sprintf(format, args...))
	}
	return b
}

// Align sets the justification of the lines that follow.
func (b *Builder) Align(a Align) *Builder {
	if a > Right {
		return b.fail("alignment %d", a)
	}
	b.buf = append(b.buf, 0x1B, 0x61, byte(a))
	return b
}

// Bold turns emphasis on or off.
func (b *Builder) Bold(on bool) *Builder {
	n := byte(0)
	if on {
		n = 1
	}
	b.buf = append(b.buf, 0x1B, 0x45, n)
	return b
}

// Size sets character width and height multipliers, each 1–8.
func (b *Builder) Size(w, h int) *Builder {
	if w < 1 || w > 8 || h < 1 || h > 8 {
		return b.fail("character size %d×%d; each must be 1–8", w, h)
	}
	b.buf = append(b.buf, 0x1D, 0x21, byte((w-1)<<4|(h-1)))
	return b
}

// clean drops control characters, so text from a citizen or the catalogue
// can never smuggle a printer command onto the wire.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// Text writes s in GB18030, the encoding of a printer in Chinese mode.
func (b *Builder) Text(s string) *Builder {
	if !utf8.ValidString(s) {
		return b.fail("text is not valid UTF-8")
	}
	enc, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(clean(s)))
	if err != nil {
		return b.fail("text cannot be encoded in GB18030: %v", err)
	}
	b.buf = append(b.buf, enc...)
	return b
}

// Line writes s and ends the line.
func (b *Builder) Line(s string) *Builder {
	b.Text(s)
	b.buf = append(b.buf, 0x0A)
	return b
}

// Feed prints n blank lines.
func (b *Builder) Feed(n int) *Builder {
	if n < 0 || n > 255 {
		return b.fail("feed of %d lines", n)
	}
	b.buf = append(b.buf, 0x1B, 0x64, byte(n))
	return b
}

// Cut feeds n lines (so the last line clears the blade) and cuts, leaving
// a hinge when partial: a ticket left hanging is not blown off the kiosk.
func (b *Builder) Cut(partial bool, feed int) *Builder {
	if feed < 0 || feed > 255 {
		return b.fail("cut feed of %d", feed)
	}
	m := byte(0x41)
	if partial {
		m = 0x42
	}
	b.buf = append(b.buf, 0x1D, 0x56, m, byte(feed))
	return b
}

// QR prints data as a QR code with the printer's own generator (functions
// 165, 167, 169, 180, 181): a few dozen bytes on the wire.
func (b *Builder) QR(data string, module int, ecc ECC) *Builder {
	if data == "" || len(data) > MaxQRData {
		return b.fail("QR data of %d bytes; it must be 1–%d", len(data), MaxQRData)
	}
	if module < 1 || module > 16 {
		return b.fail("QR module of %d dots; it must be 1–16", module)
	}
	if ecc < ECCL || ecc > ECCH {
		return b.fail("QR error correction %d", ecc)
	}
	b.buf = append(b.buf, 0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00)
	b.buf = append(b.buf, 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, byte(module))
	b.buf = append(b.buf, 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, byte(ecc))
	p := len(data) + 3
	b.buf = append(b.buf, 0x1D, 0x28, 0x6B, byte(p), byte(p>>8), 0x31, 0x50, 0x30)
	b.buf = append(b.buf, data...)
	b.buf = append(b.buf, 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30)
	return b
}

// QRRaster prints data as a QR code drawn here and sent as a raster image,
// for printers without a QR generator. It costs kilobytes: see BENCHMARKS.md.
// The quiet zone is left to the paper's margin and the feed around it, since
// white dots cost as much wire time as black ones.
func (b *Builder) QRRaster(data string, module int, ecc ECC) *Builder {
	if data == "" || len(data) > MaxQRData {
		return b.fail("QR data of %d bytes; it must be 1–%d", len(data), MaxQRData)
	}
	if module < 1 || module > 16 {
		return b.fail("QR module of %d dots; it must be 1–16", module)
	}
	q, err := qrcode.New(data, ecc.qrLevel())
	if err != nil {
		return b.fail("QR code: %v", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	r := NewRaster(len(bm)*module, len(bm)*module)
	for y := range r.Height {
		for x := range len(bm) * module {
			if bm[y/module][x/module] {
				r.Set(x, y)
			}
		}
	}
	return b.Raster(r)
}

// Raster prints a 1-bit image (GS v 0).
func (b *Builder) Raster(r *Raster) *Builder {
	if r.WidthBytes < 1 || r.WidthBytes > MaxRasterWidthBytes || r.Height < 1 || r.Height > MaxRasterHeight {
		return b.fail("raster image of %d×%d bytes×dots", r.WidthBytes, r.Height)
	}
	b.buf = append(b.buf, 0x1D, 0x76, 0x30, 0x00, byte(r.WidthBytes), byte(r.WidthBytes>>8), byte(r.Height), byte(r.Height>>8))
	b.buf = append(b.buf, r.Bits...)
	return b
}

// Limits of a raster image: wider than any 80 mm head, taller than any
// receipt image we send.
const (
	MaxRasterWidthBytes = 128
	MaxRasterHeight     = 2400
)

// Raster is a 1-bit image, rows of bytes, most significant bit leftmost,
// 1 = black dot.
type Raster struct {
	WidthBytes, Height int
	Bits               []byte
}

// NewRaster makes a white image at least w dots wide.
func NewRaster(w, h int) *Raster {
	wb := (w + 7) / 8
	return &Raster{WidthBytes: wb, Height: h, Bits: make([]byte, wb*h)}
}

// Set blackens the dot at x, y.
func (r *Raster) Set(x, y int) { r.Bits[y*r.WidthBytes+x/8] |= 0x80 >> (x % 8) }

// At reports whether the dot at x, y is black.
func (r *Raster) At(x, y int) bool { return r.Bits[y*r.WidthBytes+x/8]&(0x80>>(x%8)) != 0 }
