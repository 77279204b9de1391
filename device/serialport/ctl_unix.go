//go:build unix

package serialport

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// deviceNumber identifies the device node behind path, following symlinks,
// so a path that now names another device is seen as the old one gone; 0
// when there is none.
func deviceNumber(path string) uint64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Rdev)
	}
	return 0
}

// ctl is a second descriptor on the same line, for the one control the
// serial library lacks: dropping received bytes without also dropping the
// bytes still queued for sending (its Flush drops both, which cuts a print
// job short).
type ctl int

func openCtl(path string) ctl {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return ctl(fd)
}

// discardInput drops what arrived and was not read; false when it could not.
func (c ctl) discardInput() bool {
	if c < 0 {
		return false
	}
	return unix.IoctlSetInt(int(c), unix.TCFLSH, unix.TCIFLUSH) == nil
}

func (c ctl) close() {
	if c >= 0 {
		unix.Close(int(c))
	}
}
