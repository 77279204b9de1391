package escpos

import (
	"fmt"

	"onewindow/app"
)

// Status requests, sent together: printer (1), offline cause (2), paper (4).
var statusQuery = []byte{0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04}

// IsStatusByte reports whether b has the fixed bits of every status answer:
// bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0.
func IsStatusByte(b byte) bool { return b&0x93 == 0x12 }

// DecodeStatus reads the answers to DLE EOT 1, 2 and 4.
func DecodeStatus(printer, cause, paper byte) (app.PrinterStatus, error) {
	for _, b := range []byte{printer, cause, paper} {
		if !IsStatusByte(b) {
			return app.PrinterStatus{}, fmt.Errorf("%w: 0x%02X is not a status byte", app.ErrBadFrame, b)
		}
	}
	return app.PrinterStatus{
		Offline:      printer&0x08 != 0,
		CoverOpen:    cause&0x04 != 0,
		PaperOut:     cause&0x20 != 0 || paper&0x60 != 0,
		Error:        cause&0x40 != 0,
		PaperNearEnd: paper&0x0C != 0,
	}, nil
}

// EncodeStatus is the printer's side of DecodeStatus, for the simulator:
// the answer to DLE EOT n in state s.
func EncodeStatus(n int, s app.PrinterStatus) byte {
	b := byte(0x12)
	switch n {
	case 1:
		if s.Offline || s.CoverOpen || s.PaperOut || s.Error {
			b |= 0x08
		}
	case 2:
		if s.CoverOpen {
			b |= 0x04
		}
		if s.PaperOut {
			b |= 0x20
		}
		if s.Error {
			b |= 0x40
		}
	case 3:
		if s.Error {
			b |= 0x08
		}
	case 4:
		if s.PaperNearEnd || s.PaperOut {
			b |= 0x0C
		}
		if s.PaperOut {
			b |= 0x60
		}
	}
	return b
}
