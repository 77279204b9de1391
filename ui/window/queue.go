package window

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/ui/theme"
)

// queuePanel is the left column: the current ticket, always in view, and
// the queue's keys.
type queuePanel struct {
	t        *Terminal
	content  fyne.CanvasObject
	number   *canvas.Text
	state    *widget.Label
	waiting  *widget.Label
	paused   *widget.Label
	caseNo   *widget.Label
	rating   *widget.Label
	keypad   *widget.Label
	buttons  map[string]*button
	callNext *button
}

var ticketStates = map[app.TicketState]string{
	app.Waiting: "等候中", app.Called: "已叫号，等候群众到窗口", app.Serving: "办理中",
	app.Done: "已办结", app.NoShow: "过号",
}

func newQueuePanel(t *Terminal) *queuePanel {
	q := &queuePanel{t: t, buttons: map[string]*button{}}
	k := t.keys
	q.number = canvas.NewText("—", look.Color(theme.ColorNameHighlight))
	q.number.TextSize = 56
	q.number.TextStyle.Bold = true
	q.number.Alignment = fyne.TextAlignCenter
	q.state = widget.NewLabel("")
	q.state.Alignment = fyne.TextAlignCenter
	q.waiting = widget.NewLabel("")
	q.paused = widget.NewLabel("")
	q.paused.Importance = widget.DangerImportance
	q.caseNo = widget.NewLabel("")
	q.caseNo.Alignment = fyne.TextAlignCenter
	q.rating = widget.NewLabel("")
	q.rating.Wrapping = fyne.TextWrapWord
	q.keypad = widget.NewLabel("")
	q.keypad.Wrapping = fyne.TextWrapWord
	q.keypad.Importance = widget.DangerImportance

	add := func(name, text string, key fyne.KeyName, do func()) *button {
		label := k.bind(key, 0, do)
		b := newButton(k, text, label, do)
		q.buttons[name] = b
		return b
	}
	run := func(what string, fn func(ctx context.Context) (app.Ticket, error)) func() {
		return func() {
			var tk app.Ticket
			t.actExplained(what, func(ctx context.Context) (err error) {
				tk, err = fn(ctx)
				return err
			}, func(err error) {
				if err == nil {
					t.say(fmt.Sprintf("%s：%s", what, tk.Code), false)
				}
			}, queueErrorText)
		}
	}
	q.callNext = add("call", "叫号", "F1", run("叫号", t.desk.CallNext))
	q.callNext.Importance = widget.HighImportance
	add("recall", "重呼", "F2", run("重呼", t.desk.Recall))
	add("skip", "过号", "F3", run("过号", t.desk.Skip))
	add("start", "开始办理", "F4", run("开始办理", t.desk.Start))
	add("finish", "办结", "F5", run("办结", t.desk.Finish))
	add("transfer", "转移", "F6", t.askTransfer)
	add("pause", "暂停", "F7", t.askPause)
	add("resume", "恢复服务", "F8", func() {
		t.actExplained("恢复服务", t.desk.Resume, func(err error) {
			if err == nil {
				t.say("窗口已恢复服务", false)
			}
		}, queueErrorText)
	})
	grid := container.NewGridWithColumns(2)
	for _, n := range []string{"call", "recall", "skip", "start", "finish", "transfer", "pause", "resume"} {
		grid.Add(q.buttons[n])
	}
	title := widget.NewLabelWithStyle("当前号", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	caseTitle := widget.NewLabelWithStyle("本号办件", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	q.content = container.NewVBox(title, q.number, q.state, caseTitle, q.caseNo, widget.NewSeparator(),
		q.waiting, q.paused, grid, widget.NewSeparator(), q.rating, q.keypad)
	return q
}

func (q *queuePanel) draw(v desk.View) {
	if v.Current == nil {
		q.number.Text = "—"
		q.state.SetText("无")
	} else {
		q.number.Text = v.Current.Code
		st := ticketStates[v.Current.State]
		if v.Current.Priority != app.NoPriority {
			st += "（优先）"
		}
		if v.Current.Recalls > 0 {
			st += fmt.Sprintf("，已重呼%d次", v.Current.Recalls)
		}
		q.state.SetText(st)
	}
	q.number.Refresh()
	if v.CaseNumber != "" {
		q.caseNo.SetText(v.CaseNumber)
	} else {
		q.caseNo.SetText("—")
	}
	q.waiting.SetText(fmt.Sprintf("本窗口可叫等候：%d 人", v.Waiting))
	if v.Paused {
		q.paused.SetText("窗口暂停中：" + app.ChoiceText(desk.PauseChoices(), v.PauseReason).Zh)
	} else {
		q.paused.SetText("")
	}
	switch {
	case v.Rating != nil:
		q.rating.SetText("评价器已亮起，等待 " + v.Rating.Ticket + " 评价…")
	case v.LastRate != nil && v.LastRate.Err != "":
		q.rating.SetText("评价未能保存：" + v.LastRate.Err)
	case v.LastRate != nil:
		text := fmt.Sprintf("上一评价：%s（%s）", v.LastRate.Rating.Level.Name().Zh, v.LastRate.Rating.Ticket)
		if v.LastRate.FollowUp != nil {
			text += "，已生成差评整改，须在 " + string(v.LastRate.FollowUp.Due) + " 前完成 [F11]"
		}
		q.rating.SetText(text)
	default:
		q.rating.SetText("")
	}
	q.keypad.SetText(v.KeypadErr)
}

// askTransfer offers the queue categories and the hall's other windows.
func (t *Terminal) askTransfer() {
	if t.desk.View().Current == nil {
		t.say("转移失败：窗口当前没有号", true)
		return
	}
	cat := t.desk.Catalog()
	var opts []option
	for _, c := range cat.Categories {
		c := c
		opts = append(opts, option{key: fyne.KeyName(c.Prefix), text: c.Name.Zh, do: func() { t.transfer(c.Prefix, 0) }})
	}
	hall, err := t.desk.Hall(t.ctx)
	if err == nil {
		for _, w := range hall.Windows {
			if w.Number == t.desk.Config().Window {
				continue
			}
			w := w
			o := option{text: w.Name.Zh, do: func() { t.transfer("", w.Number) }}
			if w.Number <= len(digitKeys) {
				o.key = digitKeys[w.Number-1]
			}
			opts = append(opts, o)
		}
	}
	t.chooser.open("转移到哪个业务类别或窗口？", opts)
}

func (t *Terminal) transfer(category string, window int) {
	to := category
	if window != 0 {
		to = strconv.Itoa(window) + "号窗口"
	}
	t.actExplained("转移到"+to, func(ctx context.Context) error {
		_, err := t.desk.Transfer(ctx, category, window)
		return err
	}, func(err error) {
		if err == nil {
			t.say("已转移到"+to, false)
		}
	}, queueErrorText)
}

// askPause offers the pause reasons.
func (t *Terminal) askPause() {
	var opts []option
	for i, r := range desk.PauseChoices() {
		r := r
		opts = append(opts, option{key: digitKeys[i], text: r.Text.Zh, do: func() {
			t.actExplained("暂停", func(ctx context.Context) error { return t.desk.Pause(ctx, r.Code) }, func(err error) {
				if err == nil {
					t.say("窗口已暂停："+r.Text.Zh, false)
				}
			}, queueErrorText)
		}})
	}
	t.chooser.open("暂停原因", opts)
}

// option is one entry of a chooser, picked by its key.
type option struct {
	key  fyne.KeyName // empty: the mouse only
	text string
	do   func()
}

// chooser is a small modal list picked by each entry's key (or the mouse);
// Escape closes it.
type chooser struct {
	t     *Terminal
	popup *widget.PopUp
	opts  []option
	title *widget.Label
	box   *fyne.Container
}

func newChooser(t *Terminal) *chooser {
	c := &chooser{t: t, title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), box: container.NewVBox()}
	cancel := newButton(t.keys, "取消", "Esc", c.close)
	// A pop-up lives above the window's content, outside its theme override.
	c.popup = widget.NewModalPopUp(container.NewThemeOverride(container.NewVBox(c.title, c.box, cancel), look.Theme), t.win.Canvas())
	return c
}

var digitKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}

func (c *chooser) open(title string, opts []option) {
	c.opts = opts
	c.title.SetText(title + "（按方括号中的键选择）")
	c.box.RemoveAll()
	grid := container.NewGridWithColumns(2)
	for _, o := range opts {
		o := o
		grid.Add(newButton(c.t.keys, o.text, string(o.key), func() { c.pick(o) }))
	}
	c.box.Add(grid)
	c.t.keys.intercept = c.key
	c.popup.Show()
}

func (c *chooser) pick(o option) {
	c.close()
	o.do()
}

func (c *chooser) close() {
	if c.t.keys.intercept != nil {
		c.t.keys.intercept = nil
	}
	c.popup.Hide()
}

// Open reports whether the chooser is showing, for tests.
func (c *chooser) Open() bool { return c.popup.Visible() }

func (c *chooser) key(k fyne.KeyName) bool {
	if k == fyne.KeyEscape {
		c.close()
		return true
	}
	for _, o := range c.opts {
		if o.key != "" && o.key == k {
			c.pick(o)
			return true
		}
	}
	return true // while the chooser is open, no other key acts
}
