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
// until a clerk logs in (again).
type loginView struct {
	t        *Terminal
	content  fyne.CanvasObject
	title    *widget.Label
	id       *entry
	password *entry
	submit   *button
}

func newLoginView(t *Terminal) *loginView {
	l := &loginView{t: t}
	l.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.id = newEntry(t.keys, "工号")
	l.password = newEntry(t.keys, "密码")
	l.password.Password = true
	l.id.onEnter = func() { t.win.Canvas().Focus(l.password) }
	l.password.onEnter = l.do
	l.submit = newButton(t.keys, "登录", "Enter", l.do)
	l.submit.Importance = widget.HighImportance
	form := container.NewVBox(l.title,
		widget.NewForm(widget.NewFormItem("工号", l.id), widget.NewFormItem("密码", l.password)),
		l.submit)
	l.content = container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 240), form))
	return l
}

// show prepares the form for the view: a locked screen keeps the clerk's id.
func (l *loginView) show(v desk.View) {
	if v.Locked && v.Staff != nil {
		l.title.SetText(fmt.Sprintf("屏幕已锁定（%s）：输入密码解锁，或由其他工作人员登录", v.Staff.Name))
		l.id.SetText(v.Staff.ID)
		l.t.win.Canvas().Focus(l.password)
	} else {
		l.title.SetText(fmt.Sprintf("%d号窗口 工作人员登录", v.Window))
		l.t.win.Canvas().Focus(l.id)
	}
	l.password.SetText("")
}

func (l *loginView) do() {
	id, pw := l.id.Text, l.password.Text
	l.password.SetText("")
	l.t.actExplained("登录", func(ctx context.Context) error { return l.t.desk.Login(ctx, id, pw) }, func(err error) {
		if err == nil {
			l.t.say("登录成功，按 F1 叫号", false)
		}
	}, loginErrorText)
}

// loginErrorText says why a login failed without telling whether the id exists.
func loginErrorText(err error) string {
	var locked *app.LockedError
	var bad *app.BadCredentialsError
	switch {
	case errors.As(err, &locked):
		return "连续输错密码次数过多，账号已锁定至 " + locked.Until.In(app.HallZone).Format("15:04")
	case errors.As(err, &bad):
		return fmt.Sprintf("工号或密码错误，再错 %d 次将锁定账号", bad.Left)
	case errors.Is(err, app.ErrBadCredentials):
		return "工号或密码错误"
	case errors.Is(err, app.ErrNoPassword):
		return "此工号尚未设置密码，请联系大厅管理员"
	case errors.Is(err, app.ErrNotAllowed):
		return "此工号不能登录窗口端"
	case errors.Is(err, app.ErrInvalidInput):
		return "请输入工号和密码"
	}
	return err.Error()
}
