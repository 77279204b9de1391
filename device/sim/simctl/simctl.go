// Package simctl starts a simulator for every hall device at once, each on
// its own pseudo-terminal in one folder, and drives them with short text
// commands ("place 2", "paper out", "press 11 next", "fault printer
// garbage"), so a technician, a demo or a test can play the hardware's part.
// It is what `onewindow sim` runs.
//
// It must not be used by a production terminal's device set-up.
package simctl

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/device/queuebus"
	"onewindow/device/sim"
	"onewindow/device/sim/idreadersim"
	"onewindow/device/sim/printersim"
	"onewindow/device/sim/queuesim"
	"onewindow/device/sim/scannersim"
)

// Config says where and how to run the simulators.
type Config struct {
	Dir        string // where the device links are made; must exist
	PagesDir   string // where printed pages go as PNG; empty keeps them in memory
	FontPath   string // the CJK font for printed pages; empty looks in the usual places
	PaperDots  int    // printable width: 576 for 80 mm paper, 384 for 58 mm
	LineEnding string // the scanner's: "\r", "\n" or "\r\n"
	Slow       time.Duration
	Log        *slog.Logger
}

// Set is the running simulators.
type Set struct {
	Reader  *idreadersim.Sim
	Printer *printersim.Sim
	Bus     *queuesim.Sim
	Scanner *scannersim.Sim

	links map[string]*sim.Link
	log   *slog.Logger
}

// Device names, as commands and the list of paths use them.
const (
	IDReader = "idreader"
	Printer  = "printer"
	QueueBus = "queuebus"
	Scanner  = "scanner"
)

// Start opens every simulator and starts serving.
func Start(cfg Config) (*Set, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.LineEnding == "" {
		cfg.LineEnding = "\r"
	}
	r, err := printersim.NewRenderer(cfg.FontPath)
	if err != nil {
		return nil, err
	}
	s := &Set{links: map[string]*sim.Link{}, log: log}
	for _, name := range []string{IDReader, Printer, QueueBus, Scanner} {
		l, err := sim.Open(cfg.Dir, name, log.With("device", name))
		if err != nil {
			s.Close()
			return nil, err
		}
		if cfg.Slow > 0 {
			l.SetSlow(cfg.Slow)
		}
		s.links[name] = l
	}
	s.Reader = idreadersim.New(s.links[IDReader], log.With("device", IDReader))
	s.Printer = printersim.New(s.links[Printer], r, cfg.PaperDots, cfg.PagesDir, log.With("device", Printer))
	s.Bus = queuesim.New(s.links[QueueBus], log.With("device", QueueBus), queuesim.DefaultDevices()...)
	if s.Scanner, err = scannersim.New(s.links[Scanner], cfg.LineEnding); err != nil {
		s.Close()
		return nil, err
	}
	for name, serve := range map[string]func() error{
		IDReader: s.Reader.Serve, Printer: s.Printer.Serve, QueueBus: s.Bus.Serve, Scanner: s.Scanner.Serve,
	} {
		go func() {
			if err := serve(); err != nil {
				log.Error("simulator stopped", "device", name, "error", err)
			}
		}()
	}
	return s, nil
}

// Close removes every simulated device.
func (s *Set) Close() {
	for _, l := range s.links {
		l.Close()
	}
}

// Path is where a driver opens the named device.
func (s *Set) Path(device string) string { return s.links[device].Path() }

// Describe lists the devices and their paths, for the technician.
func (s *Set) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ID-card reader  %s  (115200 8N1; %d sample cards, none placed)\n", s.Path(IDReader), len(s.Reader.Cards()))
	fmt.Fprintf(&b, "ticket printer  %s  (ESC/POS, any baud)\n", s.Path(Printer))
	var devs []string
	for _, d := range s.Bus.Devices() {
		devs = append(devs, fmt.Sprintf("%d %v", d.Addr, d.Kind))
	}
	fmt.Fprintf(&b, "queue bus       %s  (9600 8N1; %s)\n", s.Path(QueueBus), strings.Join(devs, ", "))
	fmt.Fprintf(&b, "QR scanner      %s  (9600 8N1)\n", s.Path(Scanner))
	return b.String()
}

// Help lists the commands.
func Help() string {
	return `commands:
  cards                         list the sample ID cards
  place N                       put card N on the reader (also: place card N)
  remove                        take the card off the reader
  paper out | paper ok | paper near | paper out after N
  cover open | cover closed
  jam | jam clear               cutter error on or off
  pages                         list the pages printed
  press ADDR KEY                caller key: next, recall, skip, pause, resume, transfer (or 1–6)
  rate ADDR LEVEL               rating 5 (非常满意), 4 (满意), 3 (基本满意), 2 (不满意), 1 (非常不满意)
  power ADDR on|off             switch a queue-bus device
  shown                         what every display shows
  scan CODE                     scan a code
  fault DEVICE NAME [COUNT]     spoil the next COUNT replies; NAME is one of ` + sim.FaultNames() + `
  slow DEVICE DURATION          how late a slow reply comes, e.g. 2s
  vanish DEVICE [DURATION]      unplug the device's port, back after DURATION if given
  return DEVICE                 plug it back
  help | quit
DEVICE is idreader, printer, queuebus, scanner or all.`
}

var callerKeys = map[string]app.CallerKey{
	"next": app.KeyCallNext, "recall": app.KeyRecall, "skip": app.KeySkip,
	"pause": app.KeyPause, "resume": app.KeyResume, "transfer": app.KeyTransfer,
}

func (s *Set) devices(name string) ([]*sim.Link, error) {
	if name == "all" {
		var names []string
		for n := range s.links {
			names = append(names, n)
		}
		sort.Strings(names)
		var out []*sim.Link
		for _, n := range names {
			out = append(out, s.links[n])
		}
		return out, nil
	}
	l, ok := s.links[name]
	if !ok {
		return nil, fmt.Errorf("no device %q: use idreader, printer, queuebus, scanner or all", name)
	}
	return []*sim.Link{l}, nil
}

func atoi(what, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", what, s)
	}
	return n, nil
}

// Exec runs one command line and returns what to tell the technician.
func (s *Set) Exec(line string) (string, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "", nil
	}
	arg := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	usage := func(u string) error { return fmt.Errorf("usage: %s", u) }
	switch f[0] {
	case "help", "?":
		return Help(), nil
	case "cards":
		var b strings.Builder
		for i, c := range s.Reader.Cards() {
			fmt.Fprintf(&b, "%d  %s\n", i, c.Label)
		}
		return strings.TrimRight(b.String(), "\n"), nil
	case "place":
		a := arg(1)
		if a == "card" {
			a = arg(2)
		}
		n, err := atoi("card", a)
		if err != nil {
			return "", usage("place N")
		}
		if err := s.Reader.Place(n); err != nil {
			return "", err
		}
		return fmt.Sprintf("card %d is on the reader", n), nil
	case "remove":
		s.Reader.Remove()
		return "the reader is empty", nil
	case "paper":
		switch strings.Join(f[1:], " ") {
		case "out":
			s.Printer.SetPaperOut(true)
		case "ok":
			s.Printer.SetPaperOut(false)
		case "near":
			s.Printer.SetPaperNearEnd(true)
		default:
			if arg(1) == "out" && arg(2) == "after" {
				n, err := atoi("lines", arg(3))
				if err != nil || n < 0 {
					return "", usage("paper out after N")
				}
				s.Printer.PaperOutAfter(n)
				break
			}
			return "", usage("paper out | paper ok | paper near | paper out after N")
		}
		return "printer: " + s.Printer.State().String(), nil
	case "cover":
		switch arg(1) {
		case "open":
			s.Printer.SetCoverOpen(true)
		case "closed", "close":
			s.Printer.SetCoverOpen(false)
		default:
			return "", usage("cover open | cover closed")
		}
		return "printer: " + s.Printer.State().String(), nil
	case "jam":
		s.Printer.SetError(arg(1) != "clear")
		return "printer: " + s.Printer.State().String(), nil
	case "pages":
		var b strings.Builder
		for _, p := range s.Printer.Pages() {
			fmt.Fprintf(&b, "page %d: %d lines, %d QR, %d images, incomplete %v %s\n", p.N, len(p.Lines), len(p.QR), p.Rasters, p.Incomplete, p.Path)
		}
		if b.Len() == 0 {
			return "no page printed yet", nil
		}
		return strings.TrimRight(b.String(), "\n"), nil
	case "press":
		addr, err := atoi("address", arg(1))
		if err != nil || arg(2) == "" {
			return "", usage("press ADDR KEY")
		}
		k, ok := callerKeys[arg(2)]
		if !ok {
			n, err := atoi("key", arg(2))
			if err != nil || n < 1 || n > 6 {
				return "", fmt.Errorf("key %q: use next, recall, skip, pause, resume, transfer or 1–6", arg(2))
			}
			k = app.CallerKey(n)
		}
		if err := s.Bus.Press(addr, byte(k)); err != nil {
			return "", err
		}
		return fmt.Sprintf("keypad %d: %v pressed", addr, k), nil
	case "rate":
		addr, err1 := atoi("address", arg(1))
		level, err2 := atoi("level", arg(2))
		if err1 != nil || err2 != nil {
			return "", usage("rate ADDR LEVEL")
		}
		if err := s.Bus.Rate(addr, app.RatingLevel(level)); err != nil {
			return "", err
		}
		return fmt.Sprintf("rating pad %d: %s pressed", addr, app.RatingLevel(level).Name().Zh), nil
	case "power":
		addr, err := atoi("address", arg(1))
		if err != nil || arg(2) != "on" && arg(2) != "off" {
			return "", usage("power ADDR on|off")
		}
		if err := s.Bus.SetPower(addr, arg(2) == "on"); err != nil {
			return "", err
		}
		return fmt.Sprintf("device %d switched %s", addr, arg(2)), nil
	case "shown":
		var b strings.Builder
		for _, d := range s.Bus.Devices() {
			if d.Kind == queuebus.KindDisplay {
				fmt.Fprintf(&b, "display %d: %q\n", d.Addr, s.Bus.Shown(d.Addr))
			}
		}
		return strings.TrimRight(b.String(), "\n"), nil
	case "scan":
		code := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "scan"))
		if code == "" {
			return "", usage("scan CODE")
		}
		if err := s.Scanner.Scan(code); err != nil {
			return "", err
		}
		return "scanned", nil
	case "fault":
		ls, err := s.devices(arg(1))
		if err != nil {
			return "", err
		}
		fault, err := sim.ParseFault(arg(2))
		if err != nil {
			return "", err
		}
		count := 1
		if arg(3) != "" {
			if count, err = atoi("count", arg(3)); err != nil || count < 1 {
				return "", usage("fault DEVICE NAME [COUNT]")
			}
		}
		for _, l := range ls {
			l.Inject(fault, count)
		}
		return fmt.Sprintf("%s: the next %d replies get %v", arg(1), count, fault), nil
	case "slow":
		ls, err := s.devices(arg(1))
		if err != nil {
			return "", err
		}
		d, err := time.ParseDuration(arg(2))
		if err != nil || d < 0 {
			return "", usage("slow DEVICE DURATION (e.g. 2s)")
		}
		for _, l := range ls {
			l.SetSlow(d)
		}
		return fmt.Sprintf("%s: slow replies come %v late", arg(1), d), nil
	case "vanish":
		ls, err := s.devices(arg(1))
		if err != nil {
			return "", err
		}
		var back time.Duration
		if arg(2) != "" {
			if back, err = time.ParseDuration(arg(2)); err != nil || back <= 0 {
				return "", usage("vanish DEVICE [DURATION]")
			}
		}
		for _, l := range ls {
			l.Vanish()
			if back > 0 {
				time.AfterFunc(back, func() {
					if err := l.Return(); err != nil {
						s.log.Error("port did not come back", "device", l.Name(), "error", err)
					}
				})
			}
		}
		if back > 0 {
			return fmt.Sprintf("%s: unplugged for %v", arg(1), back), nil
		}
		return fmt.Sprintf("%s: unplugged; 'return %s' plugs it back", arg(1), arg(1)), nil
	case "return":
		ls, err := s.devices(arg(1))
		if err != nil {
			return "", err
		}
		for _, l := range ls {
			if err := l.Return(); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("%s: plugged back in", arg(1)), nil
	}
	return "", fmt.Errorf("unknown command %q; type help", f[0])
}

// ErrQuit is what Console returns when told to quit.
var ErrQuit = fmt.Errorf("quit")

// Console reads commands from in until it ends, ctx ends or "quit". Each
// answer or error goes to out.
func (s *Set) Console(ctx context.Context, in io.Reader, out io.Writer) error {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		fmt.Fprint(out, "sim> ")
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return ctx.Err()
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(out)
				return io.EOF
			}
			if t := strings.TrimSpace(line); t == "quit" || t == "exit" {
				return ErrQuit
			}
			msg, err := s.Exec(line)
			switch {
			case err != nil:
				fmt.Fprintln(out, "error:", err)
			case msg != "":
				fmt.Fprintln(out, msg)
			}
		}
	}
}

// DefaultDir makes a fresh folder for the device links.
func DefaultDir() (string, error) { return os.MkdirTemp("", "onewindow-sim-") }
