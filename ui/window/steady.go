package window

import "fyne.io/fyne/v2"

// The cursor of the window's fields stands still. Fyne blinks a focused
// field's cursor by fading it in and out twice a second, and every step of
// the fade repaints the whole window: a dozen full repaints a second for as
// long as a field has the focus, which on a terminal without a GPU (Mesa's
// llvmpipe) cost 15 to 25 % of a core doing nothing (BENCHMARKS.md, "Idle
// CPU of the window terminal"). Fyne's own switch for it is its
// "no_animations" setting, a file in the user's home or a build tag, both
// for every program alike; with it, Fyne draws the focused field's cursor
// steady in the theme's primary colour. The terminal turns that setting on
// for its own process: the app it runs in answers ShowAnimations with
// false. The other animations it stops are a button's ripple on a click
// and a drop-down's on opening, nothing a clerk needs.

// steadyApp is an app whose settings switch Fyne's animations off.
type steadyApp struct {
	fyne.App
	settings steadySettings
}

func (a *steadyApp) Settings() fyne.Settings { return a.settings }

// steadySettings are an app's settings with the animations off.
type steadySettings struct{ fyne.Settings }

func (steadySettings) ShowAnimations() bool { return false }

// holdStill makes a, with its animations off, the process's current app,
// which is where Fyne's widgets ask for the setting.
func holdStill(a fyne.App) {
	if s, ok := fyne.CurrentApp().(*steadyApp); ok && s.App == a {
		return
	}
	fyne.SetCurrentApp(&steadyApp{App: a, settings: steadySettings{a.Settings()}})
}
