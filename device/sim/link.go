// Package sim is the common ground of the device simulators: a Link is one
// end of a pseudo-terminal that a real driver opens as if it were a serial
// port, reached through a stable path (a symlink, like the links udev makes
// under /dev/serial/by-id) that survives the port vanishing and coming back.
// A Link injects the faults the hall's wiring produces: garbage bytes, a bad
// checksum, a frame cut in half, a slow reply, no reply, and the port
// vanishing.
//
// It is for tests, demos and technicians without hardware. It must never be
// wired into a terminal's production device set-up.
package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Fault is a misbehaviour a simulator applies to its next reply.
type Fault int

// Faults.
const (
	NoFault     Fault = iota
	Garbage           // random bytes before the reply
	BadChecksum       // the reply with its check bytes wrong
	CutFrame          // only the first half of the reply
	SlowReply         // the reply after the link's slow delay
	NoReply           // nothing at all
)

var faultNames = []struct {
	name  string
	fault Fault
}{
	{"garbage", Garbage},
	{"badsum", BadChecksum},
	{"cut", CutFrame},
	{"slow", SlowReply},
	{"noreply", NoReply},
}

func (f Fault) String() string {
	for _, n := range faultNames {
		if n.fault == f {
			return n.name
		}
	}
	return "none"
}

// FaultNames lists the names ParseFault accepts, for help texts.
func FaultNames() string {
	var s []string
	for _, n := range faultNames {
		s = append(s, n.name)
	}
	return strings.Join(s, ", ")
}

// ParseFault reads a fault's name.
func ParseFault(s string) (Fault, error) {
	for _, n := range faultNames {
		if n.name == s {
			return n.fault, nil
		}
	}
	return NoFault, fmt.Errorf("unknown fault %q; faults are %s", s, FaultNames())
}

// ErrClosed is what Read returns once the link is closed.
var ErrClosed = errors.New("sim: link closed")

// Link is the device's end of a pseudo-terminal.
type Link struct {
	name string
	path string
	log  *slog.Logger

	mu       sync.Mutex
	master   *os.File
	slave    *os.File // held open so the master never reads EIO while no driver is attached
	gen      int
	vanished bool
	back     chan struct{}
	closed   bool
	done     chan struct{}
	faults   []Fault
	slow     time.Duration
	corrupt  func([]byte) []byte
	rng      *rand.Rand
	replies  int
	in, out  int64

	writeMu sync.Mutex
}

// Open makes a pseudo-terminal and a symlink dir/name to its device node.
func Open(dir, name string, log *slog.Logger) (*Link, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Link{
		name: name,
		path: filepath.Join(dir, name),
		log:  log,
		done: make(chan struct{}),
		back: make(chan struct{}),
		slow: 1500 * time.Millisecond,
		rng:  rand.New(rand.NewPCG(1, uint64(len(name)))),
		corrupt: func(b []byte) []byte {
			if len(b) > 0 {
				b[len(b)-1] ^= 0x10
			}
			return b
		},
	}
	if err := l.create(); err != nil {
		return nil, err
	}
	return l, nil
}

// create opens a fresh pty and points the link's path at it. Called with
// mu held or before the link is shared.
func (l *Link) create() error {
	m, s, err := pty.Open()
	if err != nil {
		return fmt.Errorf("sim %s: open pty: %w", l.name, err)
	}
	// A non-blocking master lets Close interrupt a pending Read, which is
	// how Vanish and Close stop the reader without leaking it.
	fd, err := unix.Dup(int(m.Fd()))
	m.Close()
	if err != nil {
		s.Close()
		return fmt.Errorf("sim %s: dup pty: %w", l.name, err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		s.Close()
		return fmt.Errorf("sim %s: pty: %w", l.name, err)
	}
	master := os.NewFile(uintptr(fd), "ptmx-"+l.name)
	if err := makeRaw(s); err != nil {
		master.Close()
		s.Close()
		return fmt.Errorf("sim %s: raw mode: %w", l.name, err)
	}
	tmp := l.path + ".new"
	os.Remove(tmp)
	if err := os.Symlink(s.Name(), tmp); err != nil {
		master.Close()
		s.Close()
		return fmt.Errorf("sim %s: %w", l.name, err)
	}
	if err := os.Rename(tmp, l.path); err != nil {
		master.Close()
		s.Close()
		return fmt.Errorf("sim %s: %w", l.name, err)
	}
	l.master, l.slave = master, s
	l.gen++
	return nil
}

// makeRaw stops the line discipline from echoing, buffering lines or
// turning LF into CR LF, which would corrupt binary frames.
func makeRaw(f *os.File) error {
	t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, t)
}

// Path is where a driver opens the simulated device.
func (l *Link) Path() string { return l.path }

// Name is the device's name given at Open.
func (l *Link) Name() string { return l.name }

// Done is closed when the link is closed.
func (l *Link) Done() <-chan struct{} { return l.done }

// Serve reads what the driver sends until the link closes, and hands
// consume everything received and not yet used; consume returns how many
// bytes from the front it used, 0 when it needs more. A closed link ends
// Serve with nil, any other read error with that error.
func (l *Link) Serve(consume func(buf []byte) (used int)) error {
	var buf []byte
	chunk := make([]byte, 4096)
	for {
		n, err := l.Read(chunk)
		if err != nil {
			if errors.Is(err, ErrClosed) {
				return nil
			}
			return err
		}
		buf = append(buf, chunk[:n]...)
		for len(buf) > 0 {
			used := consume(buf)
			if used == 0 {
				break
			}
			buf = buf[used:]
		}
	}
}

// Read reads what the driver sent. While the port has vanished it waits for
// it to come back; after Close it returns ErrClosed.
func (l *Link) Read(p []byte) (int, error) {
	for {
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			return 0, ErrClosed
		}
		if l.vanished {
			back := l.back
			l.mu.Unlock()
			select {
			case <-back:
			case <-l.done:
			}
			continue
		}
		m, gen := l.master, l.gen
		l.mu.Unlock()
		n, err := m.Read(p)
		if n > 0 {
			l.mu.Lock()
			l.in += int64(n)
			l.mu.Unlock()
			return n, nil
		}
		l.mu.Lock()
		changed := l.closed || l.vanished || l.gen != gen
		l.mu.Unlock()
		if changed {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("sim %s: read: %w", l.name, err)
		}
	}
}

// Inject queues a fault for the next count replies.
func (l *Link) Inject(f Fault, count int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range count {
		l.faults = append(l.faults, f)
	}
	l.log.Info("fault injected", "device", l.name, "fault", f.String(), "count", count)
}

// SetSlow sets how late a SlowReply comes.
func (l *Link) SetSlow(d time.Duration) {
	l.mu.Lock()
	l.slow = d
	l.mu.Unlock()
}

// SetCorrupt sets how BadChecksum spoils a reply; the default flips a bit of
// the last byte, which is the check byte of every framed protocol here.
func (l *Link) SetCorrupt(fn func([]byte) []byte) {
	l.mu.Lock()
	l.corrupt = fn
	l.mu.Unlock()
}

// Replies counts the replies sent or swallowed by faults.
func (l *Link) Replies() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.replies
}

// Traffic counts the bytes the driver sent and the bytes sent back to it.
func (l *Link) Traffic() (in, out int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.in, l.out
}

// Reply sends a reply, spoiled by the next queued fault if there is one.
func (l *Link) Reply(frame []byte) error {
	l.mu.Lock()
	f := NoFault
	if len(l.faults) > 0 {
		f = l.faults[0]
		l.faults = l.faults[1:]
	}
	slow, corrupt := l.slow, l.corrupt
	var garbage []byte
	if f == Garbage {
		garbage = make([]byte, 8+l.rng.IntN(16))
		for i := range garbage {
			garbage[i] = byte(l.rng.Uint32())
		}
	}
	l.replies++
	l.mu.Unlock()

	out := frame
	switch f {
	case NoReply:
		return nil
	case Garbage:
		out = append(garbage, frame...)
	case BadChecksum:
		out = corrupt(append([]byte(nil), frame...))
	case CutFrame:
		out = frame[:len(frame)/2]
	case SlowReply:
		select {
		case <-time.After(slow):
		case <-l.done:
			return ErrClosed
		}
	}
	return l.Send(out)
}

// Send writes bytes to the driver as they are, with no fault.
func (l *Link) Send(b []byte) error {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	for len(b) > 0 {
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			return ErrClosed
		}
		if l.vanished {
			// A device on an unplugged cable talks to nobody.
			l.mu.Unlock()
			return nil
		}
		m := l.master
		l.mu.Unlock()
		// The deadline keeps a simulator from blocking for ever on a pty
		// whose buffer is full because no driver reads it.
		m.SetWriteDeadline(time.Now().Add(5 * time.Second))
		n, err := m.Write(b)
		l.mu.Lock()
		l.out += int64(n)
		l.mu.Unlock()
		if err != nil {
			return fmt.Errorf("sim %s: write: %w", l.name, err)
		}
		b = b[n:]
	}
	return nil
}

// Vanish makes the port disappear as an unplugged USB adapter does: the
// device node and its path go away and the driver's open file hangs up.
func (l *Link) Vanish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.vanished || l.closed {
		return
	}
	l.vanished = true
	l.back = make(chan struct{})
	os.Remove(l.path)
	l.master.Close()
	l.slave.Close()
	l.log.Info("port vanished", "device", l.name)
}

// Return brings a vanished port back at the same path.
func (l *Link) Return() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.vanished || l.closed {
		return nil
	}
	if err := l.create(); err != nil {
		return err
	}
	l.vanished = false
	close(l.back)
	l.log.Info("port back", "device", l.name)
	return nil
}

// Vanished reports whether the port is away.
func (l *Link) Vanished() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.vanished
}

// Close removes the port for good.
func (l *Link) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	close(l.done)
	os.Remove(l.path)
	if !l.vanished {
		l.master.Close()
		l.slave.Close()
	}
	return nil
}
