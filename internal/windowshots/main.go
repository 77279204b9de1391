// Command windowshots walks the real window terminal, on the real Fyne driver,
// through a clerk's morning (login, call, intake, a printer out of paper,
// a case's timeline, a broken chain, a bad rating, a pause, the pre-review
// of a kiosk's application, a hand-out refused while departments are still
// to decide) and the manager's view of the whole hall, in front of a rig of
// simulated devices and a hall hub holding the hall's records (a kiosk and
// window 2 beside this window), and saves what the screen shows at each
// step as docs/screenshots/window-*.png; with -lang en, the same morning in
// English as window-*-en.png. It needs a display; on a machine without one:
//
//	xvfb-run -s '-screen 0 1280x800x24' go run ./internal/windowshots -out docs/screenshots
//	xvfb-run -s '-screen 0 1280x800x24' go run ./internal/windowshots -out docs/screenshots -lang en
package main

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/ui/theme"
	"onewindow/ui/window"
)

func main() {
	out := flag.String("out", "docs/screenshots", "folder for the PNG files")
	language := flag.String("lang", "zh", "the screen's language: zh, or en for window-*-en.png")
	flag.Parse()
	suffix := ""
	if *language != "zh" {
		suffix = "-" + *language
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "onewindow-shots-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	r, err := hallrig.New(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The window as cmd/onewindow wires it: the hall's cases at the hub.
	d, err := desk.New(ctx, r.HallServices(), r.Config())
	if err != nil {
		log.Fatal(err)
	}
	a := fyneapp.NewWithID("cn.gov.onewindow.window.shots")
	t := window.Open(ctx, a, d)
	if err := t.SetLanguage(theme.Language(*language)); err != nil {
		log.Fatal(err)
	}
	w := t.Window()
	w.Resize(fyne.NewSize(1280, 800))
	w.Show()
	failed := false
	go func() {
		defer fyne.Do(a.Quit)
		if err := walk(ctx, r, t, *out, suffix); err != nil {
			log.Print(err)
			failed = true
		}
	}()
	a.Run()
	if failed {
		os.Exit(1)
	}
}

// walk is the clerk's morning, one screenshot per step.
func walk(ctx context.Context, r *hallrig.Rig, t *window.Terminal, out, suffix string) error {
	step := func(fn func()) {
		r.Clock.Advance(40 * time.Second) // a clerk's pace, so the timelines read like a morning
		fyne.DoAndWait(fn)
		t.Wait()
	}
	press := func(k fyne.KeyName) { step(func() { t.Press(k, 0) }) }
	ctrl := func(k fyne.KeyName) { step(func() { t.Press(k, fyne.KeyModifierControl) }) }
	typ := func(s string) { step(func() { t.Type(s) }) }
	shot := func(name string) error {
		time.Sleep(600 * time.Millisecond) // let the driver paint the last change
		file := filepath.Join(out, "window-"+name+suffix+".png")
		// The X server's own picture of the screen: what a clerk would see.
		// Canvas.Capture reads back GL buffers, which Xvfb's software GL
		// leaves black.
		if _, err := exec.LookPath("import"); err == nil {
			if b, err := exec.Command("import", "-window", "root", file).CombinedOutput(); err != nil {
				return fmt.Errorf("import: %v: %s", err, b)
			}
			return nil
		}
		var err error
		fyne.DoAndWait(func() {
			img := t.Window().Canvas().Capture()
			var f *os.File
			if f, err = os.Create(file); err != nil {
				return
			}
			defer f.Close()
			err = png.Encode(f, img)
		})
		return err
	}
	time.Sleep(time.Second)
	if err := hallrig.WaitFor(5*time.Second, func() bool { return !t.Desk().View().Hub.Checked.IsZero() }); err != nil {
		return fmt.Errorf("the hub never answered: %w", err)
	}
	if err := shot("login"); err != nil {
		return err
	}
	// The hall's other terminals: citizens apply at the kiosk, window 2
	// has taken in a case four departments decide.
	kiosk, err := r.Terminal(ctx, "330106K03")
	if err != nil {
		return err
	}
	window2, err := r.Terminal(ctx, "330106W02")
	if err != nil {
		return err
	}
	birth, err := window2.Store.TakeIn(ctx, app.Intake{ItemCode: "WJ-001", Applicant: app.Applicant{Name: "刘洋", IDNumber: "330106199003070014"},
		Received: []int{0, 1, 2}, Window: 2, Actor: "S1002", Outcome: app.Accepted})
	if err != nil {
		return err
	}
	if err := window2.Push(ctx); err != nil {
		return err
	}
	for _, a := range []struct {
		item string
		who  app.Applicant
		held []int
	}{
		{"GA-007", app.Applicant{Name: "王堃", IDNumber: "330106198807150031"}, []int{0, 1}},
		{"RS-004", app.Applicant{Name: "赵敏", IDNumber: "33010619851212002X"}, []int{0}},
	} {
		r.Clock.Advance(3 * time.Minute)
		if _, err := kiosk.Apply(ctx, a.item, a.who, a.held...); err != nil {
			return err
		}
	}
	clearField := func() { // the focused field
		ctrl(fyne.KeyA)
		step(func() { t.Press(fyne.KeyBackspace, 0) })
	}
	login := func(id, password string) error {
		clearField()
		typ(id)
		press(fyne.KeyReturn)
		typ(password)
		press(fyne.KeyReturn)
		if v := t.Desk().View(); v.Staff == nil || v.Staff.ID != id {
			return fmt.Errorf("login as %s failed: %s", id, t.Message())
		}
		return nil
	}
	if err := login(hallrig.Clerk, hallrig.Password); err != nil {
		return err
	}
	for _, c := range []string{"A", "H", "A", "B"} {
		if _, err := r.Issue(ctx, c); err != nil {
			return err
		}
	}
	step(func() { t.Desk().Refresh(ctx) })
	press(fyne.KeyF1)
	if err := shot("called"); err != nil {
		return err
	}

	// 一窗受理 of the citizen called: card, checklist, accept.
	press(fyne.KeyF4)
	press(fyne.KeyF9)
	typ("jmsfzhl")
	press(fyne.KeyReturn)
	if err := r.ReaderSim.Place(0); err != nil {
		return err
	}
	ctrl(fyne.KeyR)
	ctrl(fyne.Key1)
	ctrl(fyne.Key2)
	ctrl(fyne.KeyS)
	accepted := t.Desk().View().CaseNumber
	if err := shot("intake-accepted"); err != nil {
		return err
	}

	// The next one brings too little, and the printer runs out of paper.
	press(fyne.KeyF5)
	press(fyne.KeyF1)
	press(fyne.KeyF4)
	ctrl(fyne.KeyN)
	typ("hkqysn")
	press(fyne.KeyReturn)
	if err := r.ReaderSim.Place(2); err != nil {
		return err
	}
	ctrl(fyne.KeyR)
	ctrl(fyne.Key1)
	r.PrinterSim.SetPaperOut(true)
	ctrl(fyne.KeyB)
	if err := shot("print-failed"); err != nil {
		return err
	}
	r.PrinterSim.SetPaperOut(false)
	ctrl(fyne.KeyP)

	// Central has approved the first case, through the hub: its detail,
	// ready to hand out.
	if err := r.Push(ctx); err != nil {
		return err
	}
	if _, err := r.HubStore.ApplyCentralDecision(ctx, app.CentralDecision{Case: accepted, State: app.Approved,
		Department: "gongan", Approve: true, Note: "准予换领"}); err != nil {
		return err
	}
	press(fyne.KeyF10)
	typ(accepted)
	press(fyne.KeyReturn)
	if err := shot("case-detail"); err != nil {
		return err
	}

	// Someone edited the second case's record at the hub behind the
	// hall's back.
	second := t.Desk().View().CaseNumber
	if _, err := r.HubStore.DB().Exec(`UPDATE cases SET head_hash = 'edited' WHERE number = ?`, second); err != nil {
		return err
	}
	clearField()
	typ(second)
	press(fyne.KeyReturn)
	if err := shot("chain-broken"); err != nil {
		return err
	}

	// The service ends; the citizen is not satisfied.
	press(fyne.KeyF5)
	if err := r.BusSim.Rate(21, app.Dissatisfied); err != nil {
		return err
	}
	if err := hallrig.WaitFor(5*time.Second, func() bool { return t.Desk().View().LastRate != nil }); err != nil {
		return fmt.Errorf("the rating never arrived: %w", err)
	}
	press(fyne.KeyF11)
	if err := shot("follow-up"); err != nil {
		return err
	}
	press(fyne.KeyF7)
	if err := shot("pause"); err != nil {
		return err
	}
	press(fyne.KeyEscape)

	// 预审: the oldest of the kiosk's applications, its materials checked.
	ctrl(fyne.KeyK)
	ctrl(fyne.Key1)
	ctrl(fyne.Key2)
	if err := shot("pre-review"); err != nil {
		return err
	}
	ctrl(fyne.KeyS)

	// 出证 of window 2's case, at this window: two departments have given
	// their opinions, two have not.
	for _, o := range []app.CentralDecision{
		{Case: birth.Number, State: app.InReview, Department: "weijian", Approve: true, Note: "出生医学证明已核验"},
		{Case: birth.Number, State: app.InReview, Department: "yibao", Approve: false, Note: "参保登记信息不全，请补充父母医保信息"},
	} {
		if _, err := r.HubStore.ApplyCentralDecision(ctx, o); err != nil {
			return err
		}
	}
	press(fyne.KeyF10)
	clearField()
	typ(birth.Number)
	press(fyne.KeyReturn)
	ctrl(fyne.KeyH)
	if err := shot("handout-waiting"); err != nil {
		return err
	}

	// Two days on, the manager's view of the whole hall: every window's
	// open cases, late first, and the hall's follow-ups.
	if _, _, err := window2.Store.Rate(ctx, app.Rating{Level: app.VeryDissatisfied, Ticket: "B002", Window: 2, Clerk: "S1002"}); err != nil {
		return err
	}
	if err := window2.Push(ctx); err != nil {
		return err
	}
	r.Clock.Advance(48 * time.Hour)
	step(t.Desk().Logout) // the clerk's day ends; the login screen comes back
	time.Sleep(300 * time.Millisecond)
	if err := login("M2001", hallrig.Password); err != nil {
		return err
	}
	press(fyne.KeyF10)
	clearField()
	ctrl(fyne.KeyW)
	if err := shot("hall-view"); err != nil {
		return err
	}

	// A new clerk's first login, with the one-time password the hall's
	// manager set in the web console: the window asks for their own.
	h, err := r.Store.Hall(ctx)
	if err != nil {
		return err
	}
	hash, err := app.HashPassword("one-time-pass", app.DefaultPasswordParams)
	if err != nil {
		return err
	}
	h.Staff = append(h.Staff, app.Staff{ID: "S1009", Name: "林雨桐", Role: app.RoleClerk, PasswordHash: hash,
		PasswordSet: r.Clock.Now(), MustChange: true})
	if err := r.Store.ReplaceHall(ctx, h); err != nil {
		return err
	}
	step(t.Desk().Logout)
	time.Sleep(300 * time.Millisecond)
	clearField()
	typ("S1009")
	press(fyne.KeyReturn)
	typ("one-time-pass")
	press(fyne.KeyReturn)
	return shot("password")
}
