package window

import (
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"
)

// A focused field's cursor stands still (steady.go): focusing and typing
// into the login fields starts no animation, whose every step would repaint
// the whole window, and the cursor is drawn, fully opaque, where the
// typing goes.
func TestFocusedFieldCursorStandsStill(t *testing.T) {
	b := newBench(t)
	steady, ok := fyne.CurrentApp().(*steadyApp)
	if !ok {
		t.Fatalf("the terminal runs in %T, not with its animations off", fyne.CurrentApp())
	}
	started := b.countAnimations(steady)
	for _, f := range []struct {
		field *entry
		text  string
	}{{b.term.login.password, "x"}, {b.term.login.id, "A1002"}} {
		b.focus(f.field)
		b.term.onUI(func() { f.field.SetText("") })
		b.typeText(f.text)
		if n := *started; n != 0 {
			t.Errorf("focusing and typing into the field %q started %d animations; want none", f.field.PlaceHolder, n)
		}
		if got := b.get(func() string { return f.field.Text }); got != f.text {
			t.Errorf("the field %q holds %q after typing %q", f.field.PlaceHolder, got, f.text)
		}
		b.cursorShown(f.field)
	}

	// The same app with Fyne's animations on, as before: the focused
	// field blinks, an animation that never ends.
	started = b.countAnimations(steady.App)
	b.focus(b.term.login.password)
	if *started == 0 {
		t.Error("with the animations on, focusing a field started no animation: the count above proves nothing")
	}
}

// countAnimations makes a, with a driver that counts the animations
// started, the current app until the test ends.
func (b *bench) countAnimations(a fyne.App) *int {
	prev := fyne.CurrentApp()
	b.t.Cleanup(func() { fyne.SetCurrentApp(prev) })
	c := &countingApp{App: a}
	c.driver = countingDriver{Driver: a.Driver(), n: &c.n}
	fyne.SetCurrentApp(c)
	return &c.n
}

type countingApp struct {
	fyne.App
	driver countingDriver
	n      int
}

func (a *countingApp) Driver() fyne.Driver { return a.driver }

type countingDriver struct {
	fyne.Driver
	n *int
}

func (d countingDriver) StartAnimation(a *fyne.Animation) {
	*d.n++
	d.Driver.StartAnimation(a)
}

// cursorShown fails the test unless the field is focused and its cursor is
// drawn: inside the field, clear of its border, a vertical bar of at least
// 15 pixels in the theme's primary colour, opaque.
func (b *bench) cursorShown(e *entry) {
	b.t.Helper()
	if !b.is(func() bool { return b.term.Window().Canvas().Focused() == fyne.Focusable(e) }) {
		b.t.Errorf("the field %q does not have the focus", e.PlaceHolder)
		return
	}
	img := b.capture()
	var at fyne.Position
	var size fyne.Size
	b.term.onUI(func() {
		at = fyne.CurrentApp().Driver().AbsolutePositionForObject(e)
		size = e.Size()
	})
	pr, pg, pb, _ := look.Color(fynetheme.ColorNamePrimary).RGBA()
	for x := int(at.X) + 6; x < int(at.X+size.Width)-6; x++ {
		run := 0
		for y := int(at.Y) + 3; y < int(at.Y+size.Height)-3; y++ {
			if r, g, bl, a := img.At(x, y).RGBA(); r == pr && g == pg && bl == pb && a == 0xffff {
				run++
			} else {
				run = 0
			}
			if run >= 15 {
				return
			}
		}
	}
	b.t.Errorf("the field %q shows no cursor", e.PlaceHolder)
}
