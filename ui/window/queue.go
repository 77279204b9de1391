package window

import (
	"context"

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

// ticketStates are the words for a ticket's state.
var ticketStates = map[app.TicketState]string{
	app.Waiting: "win.ticket.waiting", app.Called: "win.ticket.called", app.Serving: "win.ticket.serving",
	app.Done: "win.ticket.done", app.NoShow: "win.ticket.noshow",
}

func newQueuePanel(t *Terminal) *queuePanel {
	q := &queuePanel{t: t, buttons: map[string]*button{}}
	k := t.keys
	q.number = canvas.NewText("—", look.Color(theme.ColorNameHighlight))
	q.number.TextSize = 56
	q.number.TextStyle.Bold = true
	q.number.Alignment = fyne.TextAlignCenter
	// The panel keeps its width (panelWidth) whatever its words say: a
	// long state or pause reason wraps.
	q.state = widget.NewLabel("")
	q.state.Alignment = fyne.TextAlignCenter
	q.state.Wrapping = fyne.TextWrapWord
	q.waiting = widget.NewLabel("")
	q.waiting.Wrapping = fyne.TextWrapWord
	q.paused = widget.NewLabel("")
	q.paused.Importance = widget.DangerImportance
	q.paused.Wrapping = fyne.TextWrapWord
	q.caseNo = widget.NewLabel("")
	q.caseNo.Alignment = fyne.TextAlignCenter
	q.caseNo.Wrapping = fyne.TextWrapBreak
	q.rating = widget.NewLabel("")
	q.rating.Wrapping = fyne.TextWrapWord
	q.keypad = widget.NewLabel("")
	q.keypad.Wrapping = fyne.TextWrapWord
	q.keypad.Importance = widget.DangerImportance

	add := func(name string, key fyne.KeyName, do func()) *button {
		label := k.bind(key, 0, do)
		b := t.button("win.queue."+name, label, do)
		q.buttons[name] = b
		return b
	}
	run := func(name string, fn func(ctx context.Context) (app.Ticket, error)) func() {
		return func() {
			what := t.tr("win.queue." + name)
			var tk app.Ticket
			t.actExplained(what, func(ctx context.Context) (err error) {
				tk, err = fn(ctx)
				return err
			}, func(err error) {
				if err == nil {
					t.say(t.said(what, tk.Code), false)
				}
			}, t.queueErrorText)
		}
	}
	q.callNext = add("call", "F1", run("call", t.desk.CallNext))
	q.callNext.Importance = widget.HighImportance
	add("recall", "F2", run("recall", t.desk.Recall))
	add("skip", "F3", run("skip", t.desk.Skip))
	add("start", "F4", run("start", t.desk.Start))
	add("finish", "F5", run("finish", t.desk.Finish))
	add("transfer", "F6", t.askTransfer)
	add("pause", "F7", t.askPause)
	add("resume", "F8", func() {
		t.actExplained(t.tr("win.queue.resume"), t.desk.Resume, func(err error) {
			if err == nil {
				t.say(t.tr("win.queue.resumed"), false)
			}
		}, t.queueErrorText)
	})
	grid := container.NewGridWithColumns(2)
	for _, n := range []string{"call", "recall", "skip", "start", "finish", "transfer", "pause", "resume"} {
		grid.Add(q.buttons[n])
	}
	title := t.heading("win.queue.current")
	title.Alignment = fyne.TextAlignCenter
	caseTitle := t.heading("win.queue.case")
	caseTitle.Alignment = fyne.TextAlignCenter
	q.content = container.New(panelWidth, container.NewVBox(title, q.number, q.state, caseTitle, q.caseNo, widget.NewSeparator(),
		q.waiting, q.paused, grid, widget.NewSeparator(), q.rating, q.keypad))
	return q
}

// panelWidth is the left panel's width, room for its buttons in either
// language; the panel never changes width as its text changes.
const panelWidth = fixedWidth(240)

// fixedWidth lays its objects out at its own width, whatever their text
// asks; only their height follows them.
type fixedWidth float32

func (w fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(w), h)
}

func (w fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (q *queuePanel) draw(v desk.View) {
	tr := q.t.tr
	if v.Current == nil {
		q.number.Text = "—"
		q.state.SetText(tr("win.queue.none"))
	} else {
		q.number.Text = v.Current.Code
		st := tr(ticketStates[v.Current.State])
		if v.Current.Priority != app.NoPriority {
			st += tr("win.queue.priority")
		}
		switch n := v.Current.Recalls; {
		case n == 1:
			st += tr("win.queue.recalled.once")
		case n > 1:
			st += tr("win.queue.recalls", n)
		}
		q.state.SetText(st)
	}
	q.number.Refresh()
	if v.CaseNumber != "" {
		q.caseNo.SetText(v.CaseNumber)
	} else {
		q.caseNo.SetText("—")
	}
	q.waiting.SetText(tr("win.queue.waiting", v.Waiting))
	if v.Paused {
		q.paused.SetText(tr("win.queue.paused", q.t.pick(app.ChoiceText(desk.PauseChoices(), v.PauseReason))))
	} else {
		q.paused.SetText("")
	}
	switch {
	case v.Rating != nil:
		q.rating.SetText(tr("win.rating.lit", v.Rating.Ticket))
	case v.LastRate != nil && v.LastRate.Err != "":
		q.rating.SetText(tr("win.rating.unsaved", q.t.errorText(v.LastRate.Cause)))
	case v.LastRate != nil:
		text := tr("win.rating.last", q.t.pick(v.LastRate.Rating.Level.Name()), v.LastRate.Rating.Ticket)
		if v.LastRate.FollowUp != nil {
			text += tr("win.rating.followup", string(v.LastRate.FollowUp.Due))
		}
		q.rating.SetText(text)
	default:
		q.rating.SetText("")
	}
	q.keypad.SetText("")
	if v.KeypadErr != nil {
		q.keypad.SetText(tr("win.keypad.refused", tr(keypadKeyWords[v.KeypadKey]), q.t.queueErrorText(v.KeypadErr)))
	}
}

// keypadKeyWords names the caller keypad's keys as the panel's buttons do.
var keypadKeyWords = map[app.CallerKey]string{
	app.KeyCallNext: "win.queue.call", app.KeyRecall: "win.queue.recall", app.KeySkip: "win.queue.skip",
	app.KeyPause: "win.queue.pause", app.KeyResume: "win.queue.resume", app.KeyTransfer: "win.queue.transfer",
}

// askTransfer offers the queue categories and the hall's other windows.
func (t *Terminal) askTransfer() {
	if t.desk.View().Current == nil {
		t.say(t.tr("win.failed", t.tr("win.queue.transfer"), t.tr("win.err.noticket")), true)
		return
	}
	cat := t.desk.Catalog()
	var opts []option
	for _, c := range cat.Categories {
		c := c
		opts = append(opts, option{key: fyne.KeyName(c.Prefix), text: t.pick(c.Name), do: func() { t.transfer(c.Prefix, 0) }})
	}
	hall, err := t.desk.Hall(t.ctx)
	if err == nil {
		for _, w := range hall.Windows {
			if w.Number == t.desk.Config().Window {
				continue
			}
			w := w
			o := option{text: t.pick(w.Name), do: func() { t.transfer("", w.Number) }}
			if w.Number <= len(digitKeys) {
				o.key = digitKeys[w.Number-1]
			}
			opts = append(opts, o)
		}
	}
	t.chooser.open(t.tr("win.transfer.ask"), opts)
}

func (t *Terminal) transfer(category string, window int) {
	to := category
	if window != 0 {
		to = t.tr("win.window", window)
	}
	t.actExplained(t.tr("win.transfer.to", to), func(ctx context.Context) error {
		_, err := t.desk.Transfer(ctx, category, window)
		return err
	}, func(err error) {
		if err == nil {
			t.say(t.tr("win.transfer.done", to), false)
		}
	}, t.queueErrorText)
}

// askPause offers the pause reasons.
func (t *Terminal) askPause() {
	var opts []option
	for i, r := range desk.PauseChoices() {
		r := r
		opts = append(opts, option{key: digitKeys[i], text: t.pick(r.Text), do: func() {
			t.actExplained(t.tr("win.queue.pause"), func(ctx context.Context) error { return t.desk.Pause(ctx, r.Code) }, func(err error) {
				if err == nil {
					t.say(t.tr("win.pause.done", t.pick(r.Text)), false)
				}
			}, t.queueErrorText)
		}})
	}
	t.chooser.open(t.tr("win.pause.ask"), opts)
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
	cancel := t.button("win.cancel", "Esc", c.close)
	c.popup = widget.NewModalPopUp(container.NewVBox(c.title, c.box, cancel), t.win.Canvas())
	return c
}

var digitKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}

func (c *chooser) open(title string, opts []option) {
	c.opts = opts
	c.title.SetText(title + c.t.tr("win.chooser.keys"))
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
