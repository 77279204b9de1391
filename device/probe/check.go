package probe

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/qrscanner"
	"onewindow/device/queuebus"
	"onewindow/device/serialport"
)

// Configured is a device as the configuration names it.
type Configured struct {
	Kind     Kind
	Port     string
	Baud     int
	NativeQR bool // printer only
}

// FromConfig lists the devices a configuration names, in report order.
func FromConfig(cfg *config.Config) []Configured {
	var out []Configured
	d := cfg.Devices
	if d.IDCard != nil {
		out = append(out, Configured{Kind: IDCard, Port: d.IDCard.Port, Baud: d.IDCard.Baud})
	}
	if d.Printer != nil {
		out = append(out, Configured{Kind: Printer, Port: d.Printer.Port, Baud: d.Printer.Baud, NativeQR: d.Printer.NativeQR})
	}
	if d.QueueBus != nil {
		out = append(out, Configured{Kind: QueueBus, Port: d.QueueBus.Port, Baud: d.QueueBus.Baud})
	}
	if d.Scanner != nil {
		out = append(out, Configured{Kind: Scanner, Port: d.Scanner.Port, Baud: d.Scanner.Baud})
	}
	return out
}

// Check asks every configured device whether it answers, through its
// driver, and says what to do about each one that does not. On a window
// terminal the queue bus must answer at the window's three addresses.
func Check(ctx context.Context, cfg *config.Config, opt Options) []health.Check {
	opt.defaults()
	if cfg.Window != nil {
		d, c, r := BusAddrs(cfg.Window.Number)
		opt.BusAddrs = []int{d, c, r}
	}
	var out []health.Check
	devs := FromConfig(cfg)
	if len(devs) == 0 {
		return []health.Check{{Name: "devices", Verdict: health.Skip, Detail: "this terminal has no serial devices configured"}}
	}
	for _, d := range devs {
		out = append(out, checkOne(ctx, d, cfg, opt))
	}
	return out
}

func checkOne(ctx context.Context, d Configured, cfg *config.Config, opt Options) health.Check {
	c := health.Check{Name: d.Kind.Words()}
	where := fmt.Sprintf("%s at %d baud", d.Port, d.Baud)
	if d.Kind == Scanner {
		p, err := open(d.Port, d.Baud, d.Kind.Words())
		if err != nil {
			return fail(c, err, d)
		}
		p.Close()
		c.Verdict = health.OK
		c.Detail = where + ": the port opens (a scanner never answers by itself; 'onewindow setup -test scanner' waits for a scan)"
		return c
	}
	f, err := Identify(ctx, d.Port, d.Kind, d.Baud, opt)
	if err != nil {
		c = fail(c, err, d)
		// A device that answers at another rate is the commonest slip
		// after a device is swapped: say which rate it answers at.
		if !isOpenError(err) {
			for _, b := range Bauds[d.Kind] {
				if b == d.Baud {
					continue
				}
				if _, err := Identify(ctx, d.Port, d.Kind, b, opt); err == nil {
					c.Next = fmt.Sprintf("the device answers at %d baud: set devices.%s.baud = %d in the configuration", b, d.Kind, b)
					break
				}
			}
		}
		return c
	}
	c.Verdict, c.Detail = health.OK, where+": "+f.What
	switch d.Kind {
	case Printer:
		c = printerVerdict(c, ctx, d, opt)
	case QueueBus:
		var missing []string
		for _, addr := range opt.BusAddrs {
			if !slices.ContainsFunc(f.BusDevices, func(b queuebus.Device) bool { return b.Addr == addr }) {
				missing = append(missing, fmt.Sprint(addr))
			}
		}
		if len(missing) > 0 {
			c.Verdict = health.Fail
			c.Detail = where + ": no answer from address " + strings.Join(missing, ", ") + "; answered: " + f.What
			c.Next = "check that each device of the window is powered and set to its address (display = window number, caller +10, rating pad +20), and the RS-485 wiring (A to A, B to B, terminator at the end)"
		}
	}
	return c
}

// printerVerdict turns an answering printer's status into a verdict: it
// answers, but may still be unable to print.
func printerVerdict(c health.Check, ctx context.Context, d Configured, opt Options) health.Check {
	p, err := open(d.Port, d.Baud, d.Kind.Words())
	if err != nil {
		return fail(c, err, d)
	}
	defer p.Close()
	st, err := escpos.New(p, escpos.Config{Options: escpos.DefaultOptions(), StatusTimeout: opt.Timeout, Retries: -1}).Status(ctx)
	if err != nil {
		return fail(c, err, d)
	}
	switch {
	case st.PaperOut:
		c.Verdict, c.Next = health.Fail, "put in a new paper roll, printed side facing the cutter, and close the cover"
	case st.CoverOpen:
		c.Verdict, c.Next = health.Fail, "close the printer's cover until it clicks"
	case st.Error:
		c.Verdict, c.Next = health.Fail, "open the cover and clear the cutter (paper jam); switch the printer off and on if the light still blinks"
	case st.Offline:
		c.Verdict, c.Next = health.Fail, "the printer reports itself offline: press its FEED/ONLINE key or switch it off and on"
	case st.PaperNearEnd:
		c.Verdict, c.Next = health.Warn, "the roll is nearly used up: put a new one in before the hall opens"
	}
	return c
}

func fail(c health.Check, err error, d Configured) health.Check {
	c.Verdict = health.Fail
	c.Detail = err.Error()
	// The driver's error already carries serialport's hint; the next
	// step repeats only the part to act on.
	var se *serialport.Error
	switch {
	case isOpenError(err):
		c.Detail = fmt.Sprintf("%s cannot be opened", d.Port)
		if errors.As(err, &se) && se.Err != nil {
			c.Detail += ": " + se.Err.Error()
		}
		c.Next = fmt.Sprintf("check the cable and that %s exists ('ls -l /dev/serial/by-id/'); run 'onewindow setup -discover' to find where the %s is now, and check that onewindow's user is in the dialout group", d.Port, d.Kind.Words())
	case errors.Is(err, app.ErrDeviceTimeout):
		c.Detail = fmt.Sprintf("no answer on %s at %d baud", d.Port, d.Baud)
		c.Next = "switch the device on and check its cable at both ends; if it was replaced, run 'onewindow setup -discover' to find its port and rate"
	case errors.Is(err, app.ErrBadFrame):
		c.Detail = fmt.Sprintf("garbled answers on %s at %d baud", d.Port, d.Baud)
		c.Next = "the baud rate or parity does not match the device's: run 'onewindow setup -discover'; a damaged cable does the same"
	default:
		c.Next = serialport.Hint(err)
		if c.Next == "" {
			c.Next = "run 'onewindow setup -discover' and the device's test"
		}
	}
	return c
}

// Tests a technician runs with a device in hand (setup's step 3). Each
// returns what happened in words; none returns personal data unmasked.

// ReadCard waits up to wait for a card on the reader and reads it. The
// result shows the holder masked: enough to see that the right card was
// read, not enough to note down.
func ReadCard(ctx context.Context, port string, baud int, wait time.Duration) (string, error) {
	p, err := open(port, baud, IDCard.Words())
	if err != nil {
		return "", err
	}
	defer p.Close()
	r := idreader.New(p, idreader.Config{})
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		card, err := r.Read(ctx)
		switch {
		case err == nil:
			return fmt.Sprintf("read the card of %s, ID %s", app.MaskName(card.Name), card.Number.Masked()), nil
		case errors.Is(err, app.ErrNoCard) && ctx.Err() == nil:
			select {
			case <-time.After(300 * time.Millisecond):
			case <-ctx.Done():
			}
		case ctx.Err() != nil:
			return "", fmt.Errorf("no card was placed on the reader within %s", wait)
		default:
			return "", err
		}
	}
}

// PrintTestPage prints a page naming the terminal, with a QR code, so the
// technician sees text, Chinese characters, the QR code and the cut.
func PrintTestPage(ctx context.Context, port string, baud int, nativeQR bool, terminal string, now time.Time) error {
	p, err := open(port, baud, Printer.Words())
	if err != nil {
		return err
	}
	defer p.Close()
	opts := escpos.DefaultOptions()
	opts.NativeQR = nativeQR
	pr := escpos.New(p, escpos.Config{Options: opts})
	return pr.PrintDocument(ctx, app.DocumentPrint{
		HallName: "onewindow",
		Title:    "打印测试页 Printer test page",
		Lines: []string{
			"终端 Terminal: " + terminal,
			fmt.Sprintf("端口 Port: %s, %d baud", port, baud),
			"",
			"中文显示正常 Chinese text prints correctly",
			"扫描下方二维码 Scan the QR code below",
		},
		QRPayload: "onewindow printer test " + terminal,
		Printed:   now,
	})
}

// ShowNumber shows text on the display at addr; the technician looks.
func ShowNumber(ctx context.Context, port string, baud, addr int, text string) error {
	p, err := open(port, baud, QueueBus.Words())
	if err != nil {
		return err
	}
	defer p.Close()
	m := queuebus.New(p, queuebus.Config{Devices: []queuebus.Device{{Addr: addr, Kind: queuebus.KindDisplay}}})
	return m.Show(ctx, addr, text)
}

// WaitKey waits up to wait for a key on the caller keypad or rating pad at
// addr and says which key came. On a rating pad it first puts up a prompt,
// as a window does after serving.
func WaitKey(ctx context.Context, port string, baud, addr int, kind queuebus.Kind, wait time.Duration) (string, error) {
	p, err := open(port, baud, QueueBus.Words())
	if err != nil {
		return "", err
	}
	defer p.Close()
	m := queuebus.New(p, queuebus.Config{Devices: []queuebus.Device{{Addr: addr, Kind: kind}}})
	if kind == queuebus.KindRatingPad {
		if err := m.PromptRating(ctx, addr, "测试 test"); err != nil {
			return "", err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		events, err := m.PollKeys(ctx, addr)
		if err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("no key was pressed on the %v at address %d within %s", kind, addr, wait)
			}
			return "", err
		}
		for _, e := range events {
			switch e.Kind {
			case app.BusKey:
				return fmt.Sprintf("%v at address %d: key %q", kind, addr, e.Key.String()), nil
			case app.BusRating:
				return fmt.Sprintf("%v at address %d: rating %d (%s %s)", kind, addr, int(e.Rating), e.Rating.Name().Zh, e.Rating.Name().En), nil
			}
		}
		select {
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			return "", fmt.Errorf("no key was pressed on the %v at address %d within %s", kind, addr, wait)
		}
	}
}

// WaitScan waits up to wait for a code from the scanner. The code itself is
// not returned, only its length: a citizen's code may carry a case number.
func WaitScan(ctx context.Context, port string, baud int, wait time.Duration) (string, error) {
	p, err := open(port, baud, Scanner.Words())
	if err != nil {
		return "", err
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	code, err := qrscanner.New(p, qrscanner.Config{}).Next(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("nothing was scanned within %s", wait)
		}
		return "", err
	}
	return fmt.Sprintf("scanned a code of %d characters", len([]rune(code))), nil
}
