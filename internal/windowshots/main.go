// Command windowshots walks the real window terminal, on the real Fyne driver,
// through a clerk's morning (login, call, intake, a printer out of paper,
// a case's timeline, a broken chain, a bad rating, a pause) in front of a
// rig of simulated devices, and saves what the screen shows at each step
// as docs/screenshots/window-*.png; with -lang en, the same morning in
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
	d, err := desk.New(ctx, r.Services(), r.Config())
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
	typ(hallrig.Clerk)
	press(fyne.KeyReturn)
	typ(hallrig.Password)
	press(fyne.KeyReturn)
	if v := t.Desk().View(); v.Staff == nil {
		return fmt.Errorf("login failed: %s", t.Message())
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

	// Central has approved the first case: its detail, ready to hand out.
	if _, err := r.Store.ApplyCentralDecision(ctx, app.CentralDecision{Case: accepted, State: app.Approved,
		Department: "gongan", Note: "准予换领"}); err != nil {
		return err
	}
	press(fyne.KeyF10)
	typ(accepted)
	press(fyne.KeyReturn)
	if err := shot("case-detail"); err != nil {
		return err
	}

	// Someone edited the second case's record behind the terminal's back.
	second := t.Desk().View().CaseNumber
	if _, err := r.Store.DB().Exec(`UPDATE cases SET head_hash = 'edited' WHERE number = ?`, second); err != nil {
		return err
	}
	ctrl(fyne.KeyA)
	step(func() { t.Press(fyne.KeyBackspace, 0) })
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
	return nil
}
