//go:build !unix

package serialport

import "os"

// deviceNumber is 1 while path exists and 0 when it does not: without device
// numbers, a port that vanishes is known by its name going away (a COM port
// that is unplugged disappears from the system).
func deviceNumber(path string) uint64 {
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	return 1
}

// ctl does nothing where there is no POSIX terminal interface: the drivers
// then rely on their own filtering of late answers.
type ctl int

func openCtl(string) ctl       { return -1 }
func (ctl) discardInput() bool { return false }
func (ctl) close()             {}
