package window

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
)

// loginView is the login and the lock screen: the window's work is hidden
// until a clerk logs in (again). It carries the language switch: the clerk
// chooses the screen's language before logging in.
type loginView struct {
	t        *Terminal
	content  fyne.CanvasObject
	title    *widget.Label
	id       *entry
	password *entry
	submit   *button
	language *button
}

func newLoginView(t *Terminal) *loginView {
	l := &loginView{t: t}
	l.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.title.Wrapping = fyne.TextWrapWord
	l.id = t.entry("win.login.id")
	l.password = t.entry("win.login.password")
	l.password.Password = true
	l.id.onEnter = func() { t.win.Canvas().Focus(l.password) }
	l.password.onEnter = l.do
	l.submit = t.button("win.login.submit", "Enter", l.do)
	l.submit.Importance = widget.HighImportance
	// The other language, named in itself (English / 中文), as the kiosk
	// offers it; Alt+L does the same from anywhere.
	l.language = t.button("win.login.language", "Alt+L", t.toggleLanguage)
	idItem, pwItem := widget.NewFormItem("", l.id), widget.NewFormItem("", l.password)
	form := widget.NewForm(idItem, pwItem)
	t.static(func() {
		idItem.Text, pwItem.Text = t.tr("win.login.id"), t.tr("win.login.password")
		form.Refresh()
	})
	box := container.NewVBox(l.title, form, l.submit, widget.NewSeparator(), container.NewCenter(l.language))
	l.content = container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 280), box))
	return l
}

// show prepares the form for the view: a locked screen keeps the clerk's id.
func (l *loginView) show(v desk.View) {
	l.retitle(v)
	if v.Locked && v.Staff != nil {
		l.id.SetText(v.Staff.ID)
		l.t.win.Canvas().Focus(l.password)
	} else {
		l.t.win.Canvas().Focus(l.id)
	}
	l.password.SetText("")
}

// retitle says whose screen is locked, or which window's login this is.
func (l *loginView) retitle(v desk.View) {
	if v.Locked && v.Staff != nil {
		l.title.SetText(l.t.tr("win.login.locked", v.Staff.Name))
	} else {
		l.title.SetText(l.t.tr("win.login.title", v.Window))
	}
}

func (l *loginView) do() {
	id, pw := l.id.Text, l.password.Text
	l.password.SetText("")
	l.t.actExplained(l.t.tr("win.login.submit"), func(ctx context.Context) error {
		if err := l.t.desk.Login(ctx, id, pw); err != nil {
			return err
		}
		// The pre-review tab counts the applications waiting from the
		// start; a hub that does not answer leaves the count for later.
		_, _ = l.t.desk.PreReview(ctx)
		return nil
	}, func(err error) {
		switch v := l.t.desk.View(); {
		case err != nil:
		case v.Staff != nil && v.Staff.MustChange:
			l.t.say(l.t.tr("win.err.mustchange"), false)
		default:
			l.t.say(l.t.tr("win.login.done"), false)
		}
	}, l.errorText)
}

// errorText says why a login failed without telling whether the id exists.
func (l *loginView) errorText(err error) string {
	tr := l.t.tr
	var locked *app.LockedError
	var bad *app.BadCredentialsError
	switch {
	case errors.As(err, &locked):
		return tr("win.login.err.locked", locked.Until.In(app.HallZone).Format("15:04"))
	case errors.As(err, &bad) && bad.Left == 1:
		return tr("win.login.err.lastleft")
	case errors.As(err, &bad):
		return tr("win.login.err.left", bad.Left)
	case errors.Is(err, app.ErrBadCredentials):
		return tr("win.login.err.bad")
	case errors.Is(err, app.ErrNoPassword):
		return tr("win.login.err.nopassword")
	case errors.Is(err, app.ErrNotAllowed):
		return tr("win.login.err.notallowed")
	case errors.Is(err, app.ErrStaffDisabled):
		return tr("win.login.err.disabled")
	case errors.Is(err, app.ErrInvalidInput):
		return tr("win.login.err.empty")
	}
	return fmt.Sprint(err)
}

// passwordView asks a clerk who logged in with a one-time password (set by
// the hall's manager in the web console) to choose their own before the
// window works.
type passwordView struct {
	t                *Terminal
	content          fyne.CanvasObject
	title            *widget.Label
	old, next, again *entry
}

func newPasswordView(t *Terminal) *passwordView {
	p := &passwordView{t: t}
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	p.title.Wrapping = fyne.TextWrapWord
	p.old, p.next, p.again = t.entry("win.password.old"), t.entry("win.password.new"), t.entry("win.password.again")
	for _, e := range []*entry{p.old, p.next, p.again} {
		e.Password = true
	}
	p.old.onEnter = func() { t.win.Canvas().Focus(p.next) }
	p.next.onEnter = func() { t.win.Canvas().Focus(p.again) }
	p.again.onEnter = p.do
	submit := t.button("win.password.submit", "Enter", p.do)
	submit.Importance = widget.HighImportance
	logout := t.button("win.password.logout", "F12", func() { t.desk.Lock() })
	items := []*widget.FormItem{widget.NewFormItem("", p.old), widget.NewFormItem("", p.next), widget.NewFormItem("", p.again)}
	form := widget.NewForm(items...)
	t.static(func() {
		for i, key := range []string{"win.password.old", "win.password.new", "win.password.again"} {
			items[i].Text = t.tr(key)
		}
		form.Refresh()
	})
	box := container.NewVBox(p.title, form, submit, widget.NewSeparator(), container.NewCenter(logout))
	p.content = container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 340), box))
	return p
}

func (p *passwordView) show(v desk.View) {
	p.title.SetText(p.t.tr("win.password.title", v.Staff.Name))
	for _, e := range []*entry{p.old, p.next, p.again} {
		e.SetText("")
	}
	p.t.win.Canvas().Focus(p.old)
}

func (p *passwordView) do() {
	old, next, again := p.old.Text, p.next.Text, p.again.Text
	for _, e := range []*entry{p.old, p.next, p.again} {
		e.SetText("")
	}
	if next != again {
		p.t.say(p.t.tr("win.password.mismatch"), true)
		p.t.win.Canvas().Focus(p.next)
		return
	}
	p.t.actExplained(p.t.tr("win.password.submit"), func(ctx context.Context) error {
		return p.t.desk.ChangePassword(ctx, old, next)
	}, func(err error) {
		if err == nil {
			p.t.say(p.t.tr("win.password.done"), false)
		} else {
			p.t.win.Canvas().Focus(p.old)
		}
	}, p.t.errorText)
}
