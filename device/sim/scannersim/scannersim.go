// Package scannersim simulates a serial QR or barcode scanner on a
// pseudo-terminal: each Scan sends a code and a line end (CR, LF or CR LF,
// as scanners are configured), through its sim.Link so that line faults
// apply to scans too.
//
// It is for tests, demos and technicians; it must not be used by a
// production terminal.
package scannersim

import (
	"fmt"

	"onewindow/device/sim"
)

// Sim is a simulated scanner.
type Sim struct {
	link   *sim.Link
	ending string
}

// New puts a scanner on link that ends its lines with ending ("\r", "\n" or
// "\r\n").
func New(link *sim.Link, ending string) (*Sim, error) {
	switch ending {
	case "\r", "\n", "\r\n":
	default:
		return nil, fmt.Errorf("line ending %q: use CR, LF or CR LF", ending)
	}
	// A corrupted scan carries a byte that is neither UTF-8 nor GB18030,
	// as a glitch on the line produces.
	link.SetCorrupt(func(b []byte) []byte {
		if len(b) > 1 {
			b[len(b)/2-1] = 0xFF
		}
		return b
	})
	return &Sim{link: link, ending: ending}, nil
}

// Link is the simulator's pseudo-terminal.
func (s *Sim) Link() *sim.Link { return s.link }

// Scan sends code as if it had just been scanned.
func (s *Sim) Scan(code string) error {
	return s.link.Reply([]byte(code + s.ending))
}

// Serve drains what a driver sends (scanners take configuration commands
// this simulator ignores) until the link closes.
func (s *Sim) Serve() error {
	buf := make([]byte, 256)
	for {
		if _, err := s.link.Read(buf); err != nil {
			return nil
		}
	}
}
