// Command kioskshots walks the real kiosk, on the real Fyne driver, through
// its 办件查询 and its self-service receipt in a hall whose records are at
// a real hall hub (DESIGN.md §4a), in front of a rig of simulated devices,
// and saves what the screen shows at each step as docs/screenshots/kiosk-*.png:
//
//   - kiosk-receipt: a self-service application taken in, its receipt
//     printed (a window pre-reviews it; no SMS is promised);
//   - kiosk-progress-review: a case taken in at window 1 that three
//     departments decide in parallel, one approving, one denying with its
//     reason, one still deciding, with its light;
//   - kiosk-progress-ready: a case all three approved, its result ready at
//     the windows that hand it out, in elderly mode;
//   - kiosk-progress-offline: the same look-up with the hub down;
//   - kiosk-take-number, kiosk-checkin-early, kiosk-checkin-ticket: a
//     hall that takes appointments: take a number, a 75-year-old's card
//     read, leads to 预约签到; a code typed too early says when to come
//     back; the ID card read in the window checks the booking in and
//     prints the ticket 预约 (the booking at the hub, the hall's booking
//     key at the kiosk: booking.go).
//
// The pages the demo's walk (packaging/screenshots.sh) cannot reach: their
// cases need a window's intake and central's opinions. It needs a display;
// on a machine without one:
//
//	xvfb-run -s '-screen 0 1280x1024x24' go run -tags no_emoji ./internal/kioskshots -out docs/screenshots
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/device/sim/idreadersim"
	"onewindow/internal/hallrig"
	"onewindow/sync/hub"
	"onewindow/ui/kiosk"
	"onewindow/ui/touch"
)

// kioskCode is the kiosk's terminal code in the rig's hall.
const kioskCode = "330106K01"

func main() {
	out := flag.String("out", "docs/screenshots", "folder for the PNG files")
	flag.Parse()
	if _, err := exec.LookPath("import"); err != nil {
		log.Fatal("kioskshots takes the X server's picture with ImageMagick's import: ", err)
	}
	if err := run(*out); err != nil {
		log.Fatal(err)
	}
}

// run opens the kiosk in front of a rig in a temporary folder, walks it
// and removes the rig.
func run(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "onewindow-kioskshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r, err := hallrig.New(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	self, err := kioskService(ctx, r)
	if err != nil {
		return err
	}
	a := fyneapp.NewWithID("cn.gov.onewindow.kiosk.shots")
	w := a.NewWindow("kiosk")
	k, err := kiosk.New(w, kiosk.Config{Self: self, Reader: r.Reader, Printer: r.Printer, Timeout: 3 * time.Second})
	if err != nil {
		return err
	}
	w.Resize(fyne.NewSize(1280, 1024))
	k.Run(ctx)
	w.Show()
	go func() {
		defer fyne.Do(a.Quit)
		err = walk(ctx, r, &screen{k: k, w: w, out: out})
	}()
	a.Run()
	return err
}

// kioskService is a kiosk of the rig's hall wired as cmd/onewindow wires
// one: its queue, progress and ratings at the hub, its catalogue, set-up
// and applications in its own store, whose outbox reaches the hub.
func kioskService(ctx context.Context, r *hallrig.Rig) (*selfservice.Service, error) {
	t, err := r.Terminal(ctx, kioskCode)
	if err != nil {
		return nil, err
	}
	hall, err := t.Store.Hall(ctx)
	if err != nil {
		return nil, err
	}
	go func() { // the kiosk's pusher: what fails is sent again
		for ctx.Err() == nil {
			t.Push(ctx)
			time.Sleep(300 * time.Millisecond)
		}
	}()
	if err := offerBookings(ctx, r, t.Store); err != nil {
		return nil, err
	}
	return selfservice.New(ctx, selfservice.Services{Queue: r.Hub, Catalogue: t.Store, Intake: t.Store, Hall: t.Store,
		Progress: hub.Progress{Hub: r.Hub}, Ratings: hub.Ratings{Hub: r.Hub}, Clock: r.Clock,
		Bookings: r.Hub, BookingPlans: t.Store},
		selfservice.Config{HallName: hall.Name, KioskKey: []byte("kioskshots: a kiosk key, not the hub's"), Terminal: kioskCode})
}

// walk is a citizen's morning at the kiosk, one screenshot per step.
func walk(ctx context.Context, r *hallrig.Rig, s *screen) error {
	time.Sleep(time.Second)
	if err := checkIn(r, s); err != nil {
		return err
	}
	// 马喆 (card 3) applied for 退休一件事 at window 1 twice; central's
	// departments have given their opinions on both.
	review, err := retirement(ctx, r, []opinion{{"renshe", true, ""}, {"yibao", false, "缺少近三个月的医保缴费证明"}})
	if err != nil {
		return err
	}
	ready, err := retirement(ctx, r, []opinion{{"renshe", true, ""}, {"yibao", true, ""}, {"gjj", true, ""}})
	if err != nil {
		return err
	}

	// 李堃 (card 2) applies for 户籍证明开具 here.
	s.tap("自助申报")
	s.tap("户籍证明开具")
	if err := r.ReaderSim.Place(2); err != nil {
		return err
	}
	if err := s.waitPage("apply-form"); err != nil {
		return err
	}
	s.keys("13800138000")
	item, _ := r.Store.Item(ctx, "GA-008")
	for _, m := range item.Materials {
		if m.Required {
			s.tap(app.MaterialLine(m, "zh"))
		}
	}
	s.tap("提交申请")
	if err := s.snap("receipt", "receipt", 3*time.Second); err != nil {
		return err
	}
	r.ReaderSim.Remove()

	s.do(s.k.Home)
	s.do(func() { s.k.Scanned(app.CaseQR(review)) })
	if err := s.snap("case", "progress-review", time.Second); err != nil {
		return err
	}
	s.do(s.k.Home)
	s.tap("长者模式（大字）")
	s.do(func() { s.k.Scanned(app.CaseQR(ready)) })
	if err := s.snap("case", "progress-ready", time.Second); err != nil {
		return err
	}

	// The hub goes down: the kiosk says what it cannot do now.
	r.HubServer.Close()
	s.do(s.k.Reset)
	s.do(func() { s.k.Scanned(app.CaseQR(ready)) })
	return s.snap("progress", "progress-offline", 2*time.Second)
}

// opinion is one department's opinion from central.
type opinion struct {
	department string
	approve    bool
	reason     string
}

// retirement takes in 退休一件事 (RS-008: three departments in parallel)
// for card 3 at window 1, sends it to the hub and brings the departments'
// opinions into the hall, the last one deciding the case when every
// department has spoken.
func retirement(ctx context.Context, r *hallrig.Rig, opinions []opinion) (string, error) {
	item, err := r.Store.Item(ctx, "RS-008")
	if err != nil {
		return "", err
	}
	var held []int
	for i, m := range item.Materials {
		if m.Required {
			held = append(held, i)
		}
	}
	citizen := idreadersim.SampleCards()[3].Card
	c, err := r.Store.TakeIn(ctx, app.Intake{ItemCode: "RS-008", Applicant: app.Applicant{Name: citizen.Name, IDNumber: citizen.Number},
		Received: held, Window: hallrig.Window, Actor: "S1002", Outcome: app.Accepted})
	if err != nil {
		return "", err
	}
	if err := r.Push(ctx); err != nil {
		return "", err
	}
	state := app.InReview
	for i, o := range opinions {
		r.Clock.Advance(time.Hour)
		if i == len(item.Parallel)-1 {
			state = app.Approved
		}
		d := app.CentralDecision{Case: c.Number, State: state, Department: o.department, Approve: o.approve, Note: o.reason, At: r.Clock.Now()}
		if _, err := r.HubStore.ApplyCentralDecision(ctx, d); err != nil {
			return "", fmt.Errorf("%s's opinion on %s: %w", o.department, c.Number, err)
		}
	}
	return c.Number, nil
}

// screen is the kiosk's window as a citizen touches it.
type screen struct {
	k   *kiosk.Kiosk
	w   fyne.Window
	out string
}

// do runs fn on the UI goroutine and waits for it.
func (s *screen) do(fn func()) { fyne.DoAndWait(fn) }

// waitPage waits for the kiosk to show page name.
func (s *screen) waitPage(name string) error {
	err := hallrig.WaitFor(8*time.Second, func() bool {
		var page string
		s.do(func() { page = s.k.Page() })
		return page == name
	})
	if err != nil {
		return fmt.Errorf("waiting for the kiosk's %s page: %w", name, err)
	}
	return nil
}

// snap waits for the kiosk to show page, then saves the X server's picture
// of the screen, what a citizen sees, as kiosk-<name>.png once the driver
// has painted for settle. (Canvas.Capture reads back GL buffers, which
// Xvfb's software GL leaves black.)
func (s *screen) snap(page, name string, settle time.Duration) error {
	if err := s.waitPage(page); err != nil {
		return err
	}
	time.Sleep(settle)
	file := filepath.Join(s.out, "kiosk-"+name+".png")
	if b, err := exec.Command("import", "-window", "root", file).CombinedOutput(); err != nil {
		return fmt.Errorf("import: %v: %s", err, b)
	}
	fmt.Println("kioskshots:", file)
	return nil
}

// tap taps what is labelled label: a button, a check box, or the home
// screen's tile with that title. It stops the walk when there is none.
func (s *screen) tap(label string) {
	var target fyne.Tappable
	s.do(func() {
		visit(s.w.Content(), nil, func(o fyne.CanvasObject, parents []fyne.CanvasObject) bool {
			switch x := o.(type) {
			case *touch.Button:
				if x.Text != "" && (x.Text == label || strings.HasPrefix(x.Text, label+"\n")) {
					target = x
				}
			case *widget.Check:
				if x.Text == label {
					target = x
				}
			case interface {
				fyne.Tappable
				Words() string
			}:
				// the kiosk's check boxes whose words wrap
				if x.Words() == label {
					target = x
				}
			case *canvas.Text:
				// a tile: its button is the one without a label in the
				// stack that holds its title
				for i := len(parents) - 1; x.Text == label && i >= 0 && target == nil; i-- {
					for _, sib := range parents[i].(*fyne.Container).Objects {
						if b, ok := sib.(*touch.Button); ok && b.Text == "" {
							target = b
						}
					}
				}
			}
			return target != nil
		})
		if target != nil {
			target.Tapped(&fyne.PointEvent{})
		}
	})
	if target == nil {
		log.Fatalf("kioskshots: nothing labelled %q on the kiosk's %s page", label, s.k.Page())
	}
	time.Sleep(300 * time.Millisecond)
}

// keys types digits on the keypad on screen.
func (s *screen) keys(digits string) {
	s.do(func() {
		visit(s.w.Content(), nil, func(o fyne.CanvasObject, _ []fyne.CanvasObject) bool {
			pad, ok := o.(*touch.Keypad)
			if ok {
				for _, d := range digits {
					pad.Key(string(d)).Tapped(&fyne.PointEvent{})
				}
			}
			return ok
		})
	})
}

// visit calls fn for every visible object in the containers and scrolls
// under o, with the containers above it, until fn says stop.
func visit(o fyne.CanvasObject, parents []fyne.CanvasObject, fn func(fyne.CanvasObject, []fyne.CanvasObject) bool) bool {
	if o == nil || !o.Visible() {
		return false
	}
	if fn(o, parents) {
		return true
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if visit(c, append(parents, x), fn) {
				return true
			}
		}
	case *container.Scroll:
		return visit(x.Content, parents, fn)
	}
	return false
}
