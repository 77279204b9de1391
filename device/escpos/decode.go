package escpos

import (
	"errors"
	"fmt"

	"golang.org/x/text/encoding/simplifiedchinese"

	"onewindow/app"
)

// OpKind names a decoded printer command.
type OpKind int

// Decoded commands.
const (
	OpText       OpKind = iota + 1 // Data holds the raw bytes
	OpLF                           // line feed
	OpCR                           // carriage return: ignored by printers in LF mode
	OpInit                         // ESC @
	OpAlign                        // N: 0 left, 1 centre, 2 right
	OpBold                         // N: 0 off, 1 on
	OpSize                         // N: GS ! byte
	OpPrintMode                    // N: ESC ! byte
	OpFeed                         // N lines
	OpChineseOn                    // FS &
	OpChineseOff                   // FS .
	OpCodePage                     // N
	OpCut                          // N: lines fed before the cut; Partial
	OpRaster                       // Raster
	OpQRModel                      // N
	OpQRModule                     // N dots
	OpQRECC                        // N: 48–51
	OpQRStore                      // Data
	OpQRPrint                      //
	OpQROther                      // another function of the QR group, ignored
	OpStatus                       // N: DLE EOT n, answered at once
)

// Op is one decoded command.
type Op struct {
	Kind    OpKind
	N       int
	Partial bool
	Data    []byte
	Raster  *Raster
}

// Text decodes a text op's bytes as GB18030; bytes that are not GB18030
// come out as U+FFFD, as a printer prints a box for them.
func (o Op) Text() string {
	s, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(o.Data)
	return string(s)
}

// ErrIncomplete says the buffer ends inside a command.
var ErrIncomplete = errors.New("escpos: command incomplete")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", app.ErrBadFrame, fmt.Sprintf(format, args...))
}

// Parse decodes the command at the start of buf and says how many bytes it
// used. With ErrIncomplete, wait for more bytes. With an error wrapping
// app.ErrBadFrame, n is 1: skip the byte and go on, as a printer does.
func Parse(buf []byte) (op Op, n int, err error) {
	if len(buf) == 0 {
		return Op{}, 0, ErrIncomplete
	}
	need := func(k int) error {
		if len(buf) < k {
			return ErrIncomplete
		}
		return nil
	}
	c := buf[0]
	switch c {
	case 0x0A:
		return Op{Kind: OpLF}, 1, nil
	case 0x0D:
		return Op{Kind: OpCR}, 1, nil
	case 0x10:
		if err := need(3); err != nil {
			return Op{}, 0, err
		}
		if buf[1] != 0x04 || buf[2] < 1 || buf[2] > 4 {
			return Op{}, 1, bad("DLE % X is not a status request", buf[1:3])
		}
		return Op{Kind: OpStatus, N: int(buf[2])}, 3, nil
	case 0x1B:
		return parseESC(buf, need)
	case 0x1C:
		if err := need(2); err != nil {
			return Op{}, 0, err
		}
		switch buf[1] {
		case '&':
			return Op{Kind: OpChineseOn}, 2, nil
		case '.':
			return Op{Kind: OpChineseOff}, 2, nil
		}
		return Op{}, 1, bad("unknown command FS 0x%02X", buf[1])
	case 0x1D:
		return parseGS(buf, need)
	}
	if c < 0x20 || c == 0x7F {
		return Op{}, 1, bad("unexpected control byte 0x%02X", c)
	}
	end := 0
	for end < len(buf) && buf[end] >= 0x20 && buf[end] != 0x7F {
		end++
	}
	// A Chinese character split across two reads must wait for its tail.
	if end == len(buf) {
		end = completeGB(buf[:end])
		if end == 0 {
			return Op{}, 0, ErrIncomplete
		}
	}
	return Op{Kind: OpText, Data: buf[:end]}, end, nil
}

// completeGB is the length of the longest prefix of b that does not end
// inside a GB18030 multi-byte character.
func completeGB(b []byte) int {
	i := 0
	for i < len(b) {
		c := b[i]
		switch {
		case c < 0x80 || c == 0xFF:
			i++
		case i+1 >= len(b):
			return i
		case b[i+1] >= 0x30 && b[i+1] <= 0x39:
			if i+3 >= len(b) {
				return i
			}
			i += 4
		default:
			i += 2
		}
	}
	return len(b)
}

func parseESC(buf []byte, need func(int) error) (Op, int, error) {
	if err := need(2); err != nil {
		return Op{}, 0, err
	}
	switch buf[1] {
	case '@':
		return Op{Kind: OpInit}, 2, nil
	case 'a', 'E', 'd', 't', '!':
		if err := need(3); err != nil {
			return Op{}, 0, err
		}
		n := int(buf[2])
		switch buf[1] {
		case 'a':
			if n >= '0' && n <= '2' {
				n -= '0'
			}
			if n > 2 {
				return Op{}, 1, bad("ESC a %d is not an alignment", n)
			}
			return Op{Kind: OpAlign, N: n}, 3, nil
		case 'E':
			return Op{Kind: OpBold, N: n & 1}, 3, nil
		case 'd':
			return Op{Kind: OpFeed, N: n}, 3, nil
		case 't':
			return Op{Kind: OpCodePage, N: n}, 3, nil
		default:
			return Op{Kind: OpPrintMode, N: n}, 3, nil
		}
	}
	return Op{}, 1, bad("unknown command ESC 0x%02X", buf[1])
}

func parseGS(buf []byte, need func(int) error) (Op, int, error) {
	if err := need(2); err != nil {
		return Op{}, 0, err
	}
	switch buf[1] {
	case '!':
		if err := need(3); err != nil {
			return Op{}, 0, err
		}
		return Op{Kind: OpSize, N: int(buf[2])}, 3, nil
	case 'V':
		if err := need(3); err != nil {
			return Op{}, 0, err
		}
		switch m := buf[2]; m {
		case 0, 1, '0', '1':
			return Op{Kind: OpCut, Partial: m == 1 || m == '1'}, 3, nil
		case 65, 66:
			if err := need(4); err != nil {
				return Op{}, 0, err
			}
			return Op{Kind: OpCut, Partial: m == 66, N: int(buf[3])}, 4, nil
		default:
			return Op{}, 1, bad("GS V %d is not a cut", m)
		}
	case 'v':
		if err := need(8); err != nil {
			return Op{}, 0, err
		}
		if buf[2] != '0' {
			return Op{}, 1, bad("GS v 0x%02X is not a raster image", buf[2])
		}
		wb := int(buf[4]) | int(buf[5])<<8
		h := int(buf[6]) | int(buf[7])<<8
		if wb < 1 || wb > MaxRasterWidthBytes || h < 1 || h > MaxRasterHeight {
			return Op{}, 1, bad("raster image of %d bytes × %d rows is out of range", wb, h)
		}
		total := 8 + wb*h
		if err := need(total); err != nil {
			return Op{}, 0, err
		}
		r := &Raster{WidthBytes: wb, Height: h, Bits: append([]byte(nil), buf[8:total]...)}
		return Op{Kind: OpRaster, Raster: r}, total, nil
	case '(':
		if err := need(3); err != nil {
			return Op{}, 0, err
		}
		if buf[2] != 'k' {
			return Op{}, 1, bad("unknown command GS ( 0x%02X", buf[2])
		}
		if err := need(8); err != nil {
			return Op{}, 0, err
		}
		p := int(buf[3]) | int(buf[4])<<8
		if p < 3 || p > MaxQRData+3 {
			return Op{}, 1, bad("QR parameter length %d is out of range", p)
		}
		total := 5 + p
		if err := need(total); err != nil {
			return Op{}, 0, err
		}
		if buf[5] != 0x31 {
			return Op{Kind: OpQROther}, total, nil
		}
		args := buf[7:total]
		switch fn := buf[6]; fn {
		case 0x41:
			return Op{Kind: OpQRModel, N: int(args[0])}, total, nil
		case 0x43:
			return Op{Kind: OpQRModule, N: int(args[0])}, total, nil
		case 0x45:
			return Op{Kind: OpQRECC, N: int(args[0])}, total, nil
		case 0x50:
			return Op{Kind: OpQRStore, Data: append([]byte(nil), args[1:]...)}, total, nil
		case 0x51:
			return Op{Kind: OpQRPrint}, total, nil
		}
		return Op{Kind: OpQROther}, total, nil
	}
	return Op{}, 1, bad("unknown command GS 0x%02X", buf[1])
}

// Decode parses a whole job. Unknown bytes are skipped and counted, as a
// printer skips them; a command cut off at the end is an error.
func Decode(job []byte) (ops []Op, skipped int, err error) {
	for len(job) > 0 {
		op, n, err := Parse(job)
		switch {
		case err == nil:
			ops = append(ops, op)
		case errors.Is(err, ErrIncomplete):
			return ops, skipped, bad("the job ends inside a command (%d bytes left)", len(job))
		default:
			skipped += n
		}
		job = job[n:]
	}
	return ops, skipped, nil
}
