// Package window is the clerk's service-window terminal (窗口端): the queue
// panel with the current ticket always in view, the intake of a case (一窗
// 受理), the open cases with their supervision lights and timelines, the
// follow-ups of bad ratings, and a corner that always shows whether the
// hall hub and the link to central are up.
//
// It is keyboard-first: every action has a key, printed on its button. It
// only draws an app/desk Desk and calls its use cases; slow work (the hub,
// a printer, a card reader) runs off the UI goroutine and comes back through
// fyne.Do, one function at a time. It shows personal data masked wherever the full value is not
// needed, and logs none.
package window

import (
	"context"
	"image/color"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/ui/theme"
)

// Terminal is one window terminal on screen.
type Terminal struct {
	desk *desk.Desk
	win  fyne.Window
	keys *router
	ctx  context.Context

	busyMu sync.Mutex
	busy   bool
	wg     sync.WaitGroup

	// uiMu makes the functions posted from other goroutines run one at a
	// time. Fyne's driver runs them on its one UI goroutine anyway; the
	// headless test driver runs them on the poster's goroutine, and the
	// tests take uiMu too, so they see the screen as a clerk would.
	uiMu           sync.Mutex
	refreshPending atomic.Bool

	root  *fyne.Container // login or work, swapped
	login    *loginView
	password *passwordView
	work  fyne.CanvasObject

	// The always-visible parts.
	hallLabel   *canvas.Text
	staffLabel  *canvas.Text
	headLine    *headerLine // lays out the two above, cutting the hall's name to fit
	hubLight    *canvas.Circle
	hubLabel    *canvas.Text
	syncLight   *canvas.Circle
	syncLabel   *canvas.Text
	devLabel    *canvas.Text
	header      *fyne.Container // relaid out when a text in it changes length
	corner      *fyne.Container
	message     *messageText
	messageBack *canvas.Rectangle

	queue     *queuePanel
	tabs      *container.AppTabs
	intake    *intakeView
	review    *reviewView
	cases     *casesView
	followUps *followUpView

	chooser *chooser

	// The clerk's language: the terminal's own words, not the process's
	// (the demo runs a kiosk in the same process). relabel puts the
	// static words of the screen in place again after a switch; the rest
	// is drawn from w each time.
	w       *theme.Words
	relabel []func()
	hallZh  string // the hall's Chinese name hallEn was looked up for
	hallEn  string
}

// look is the window terminal's theme: the hall's palette and font at the
// desktop sizes of a keyboard-and-mouse terminal. Open gives it to the app,
// which runs nothing else (the demo starts the window terminal as a process
// of its own). No theme override: Fyne parses the fonts afresh for every
// override, about 10 MB of the two CJK faces each time (BENCHMARKS.md).
var look = &lookTheme{theme.New(theme.Compact)}

// lookTheme is the hall's theme with one more call for painted shapes.
type lookTheme struct{ *theme.Theme }

// Color is the theme's colour of name (the hall has one light palette).
func (l *lookTheme) Color(name fyne.ThemeColorName) color.Color {
	return l.Theme.Color(name, fynetheme.VariantLight)
}

// Open makes the window terminal of an already-made desk in a new window of
// a, and starts following the desk's devices until ctx ends. The caller
// shows the window (full screen on a real terminal). Open sets the app's
// theme to the terminal's, which dialogs and menus take too, and switches
// the app's animations off (steady.go: a steady cursor).
func Open(ctx context.Context, a fyne.App, d *desk.Desk) *Terminal {
	cfg := d.Config()
	a.Settings().SetTheme(look.Theme)
	holdStill(a)
	w := a.NewWindow("onewindow")
	t := newTerminal(ctx, d, w)
	t.static(func() { w.SetTitle(t.tr("win.title", cfg.Window)) })
	// The window's own background, so the terminal is drawn alike whatever
	// theme the app has.
	bg := canvas.NewRectangle(look.Color(fynetheme.ColorNameBackground))
	w.SetContent(container.NewStack(bg, t.root))
	w.Resize(fyne.NewSize(1280, 800))
	t.refresh() // now that the content is in the window, the login can take the focus
	t.start(ctx)
	return t
}

// Start makes the desk of a window from services already made (the demo
// runs several parts in one process) and opens its terminal in a new window
// of a. The caller shows the window.
func Start(ctx context.Context, a fyne.App, svc desk.Services, cfg desk.Config) (*Terminal, error) {
	d, err := desk.New(ctx, svc, cfg)
	if err != nil {
		return nil, err
	}
	return Open(ctx, a, d), nil
}

func newTerminal(ctx context.Context, d *desk.Desk, w fyne.Window) *Terminal {
	t := &Terminal{desk: d, win: w, ctx: ctx, w: theme.MustWordsIn(theme.Chinese)}
	t.keys = &router{touched: d.Touch}
	t.build()
	t.keys.install(w.Canvas())
	d.OnChange(t.changed)
	d.OnKeypadAsks(func(k app.CallerKey) {
		go t.onUI(func() {
			switch k {
			case app.KeyTransfer:
				t.askTransfer()
			case app.KeyPause:
				t.askPause()
			}
		})
	})
	d.OnCard(func(a app.Applicant, err error) { go t.onUI(func() { t.intake.cardRead(a, err) }) })
	return t
}

// start runs the desk's device loop and the idle-lock check.
func (t *Terminal) start(ctx context.Context) {
	go t.desk.Run(ctx)
	go func() {
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if t.desk.CheckIdle() {
					t.onUI(t.refresh)
				}
			}
		}
	}()
}

// onUI runs fn on the UI goroutine, alone, and waits for it. Call it from
// other goroutines only.
func (t *Terminal) onUI(fn func()) {
	fyne.DoAndWait(func() {
		t.uiMu.Lock()
		defer t.uiMu.Unlock()
		fn()
	})
}

// changed redraws after the desk's view changed. The desk may tell from
// inside a screen action, so the redraw is posted from a goroutine of its
// own; changes that come while one is pending share it.
func (t *Terminal) changed() {
	if t.refreshPending.Swap(true) {
		return
	}
	go t.onUI(func() {
		t.refreshPending.Store(false)
		t.refresh()
	})
}

// Window is the Fyne window the terminal draws in.
func (t *Terminal) Window() fyne.Window { return t.win }

// Desk is the use cases behind the screen.
func (t *Terminal) Desk() *desk.Desk { return t.desk }

// Wait blocks until the actions started from the screen have finished and
// their results are drawn; tests use it after a tap or a key.
func (t *Terminal) Wait() { t.wg.Wait() }

// tr is the text under key in the clerk's language, formatted with args.
func (t *Terminal) tr(key string, args ...any) string { return t.w.L(key, args...) }

// pick is a catalogue text in the clerk's language.
func (t *Terminal) pick(x app.Text) string { return t.w.Pick(x) }

// said is a message about an action: "受理：请先选择事项".
func (t *Terminal) said(what, text string) string { return t.tr("win.said", what, text) }

// static sets a word of the screen now, and again after each switch of
// language.
func (t *Terminal) static(set func()) {
	set()
	t.relabel = append(t.relabel, set)
}

// heading is a bold label of static words.
func (t *Terminal) heading(key string) *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.static(func() { l.SetText(t.tr(key)) })
	return l
}

// button is a button with static words and its key.
func (t *Terminal) button(textKey, key string, tapped func()) *button {
	b := newButton(t.keys, "", key, tapped)
	t.static(func() { b.setText(t.tr(textKey)) })
	return b
}

// entry is a text field whose hint is static words.
func (t *Terminal) entry(hintKey string) *entry {
	e := newEntry(t.keys, "")
	t.static(func() { e.SetPlaceHolder(t.tr(hintKey)) })
	return e
}

// Language is the language the terminal speaks to the clerk.
func (t *Terminal) Language() theme.Language { return t.w.Language() }

// SetLanguage switches the clerk's screen to l: every word of it, the
// catalogue's names and the chooser; what is typed, ticked or open stays.
// The printed notices stay in Chinese (they are legal documents), and so
// do the hall's records. Call it on the UI goroutine.
func (t *Terminal) SetLanguage(l theme.Language) error {
	if l == t.Language() {
		return nil
	}
	w, err := theme.WordsIn(l)
	if err != nil {
		return err
	}
	t.w = w
	for _, set := range t.relabel {
		set()
	}
	t.intake.retranslate()
	t.review.retranslate()
	t.cases.retranslate()
	t.followUps.list.Refresh()
	t.refresh()
	if t.login != nil {
		t.login.retitle(t.desk.View())
	}
	t.say(t.tr("win.language.now"), false)
	return nil
}

// toggleLanguage switches between Chinese and English.
func (t *Terminal) toggleLanguage() {
	next := theme.English
	if t.Language() == theme.English {
		next = theme.Chinese
	}
	if err := t.SetLanguage(next); err != nil {
		t.say(t.errorText(err), true)
	}
}

// act runs a slow action off the UI goroutine. Only one runs at a time: a
// second key press while the hub or the printer is still answering would
// otherwise act twice. done runs on the UI goroutine with the result.
func (t *Terminal) act(what string, fn func(ctx context.Context) error, done func(error)) {
	t.actExplained(what, fn, done, t.errorText)
}

// actExplained is act with the failure explained by explain.
func (t *Terminal) actExplained(what string, fn func(ctx context.Context) error, done func(error), explain func(error) string) {
	t.busyMu.Lock()
	if t.busy {
		t.busyMu.Unlock()
		t.say(t.tr("win.busy", what), true)
		return
	}
	t.busy = true
	t.wg.Add(1)
	t.busyMu.Unlock()
	t.say(t.tr("win.working", what), false)
	go func() {
		err := fn(t.ctx)
		t.onUI(func() {
			t.busyMu.Lock()
			t.busy = false
			t.busyMu.Unlock()
			if done != nil {
				done(err)
			}
			if err != nil {
				t.say(t.tr("win.failed", what, explain(err)), true)
			}
			t.refresh()
		})
		t.wg.Done()
	}()
}

// say puts a line in the message bar; errors are drawn in white on red.
func (t *Terminal) say(text string, isErr bool) {
	t.message.Text = text
	if isErr {
		t.messageBack.FillColor = look.Color(fynetheme.ColorNameError)
		t.message.Color = look.Color(fynetheme.ColorNameForegroundOnError)
	} else {
		t.messageBack.FillColor = color.Transparent
		t.message.Color = look.Color(fynetheme.ColorNameForeground)
	}
	t.messageBack.Refresh()
	h := t.message.MinSize().Height
	t.message.Refresh()
	if t.message.MinSize().Height != h {
		t.root.Refresh() // a message of more or fewer lines: the footer's height
	}
}

// Message is the text of the message bar, for tests and scripts; call it
// off the UI goroutine.
func (t *Terminal) Message() string {
	var m string
	t.onUI(func() { m = t.message.Text })
	return m
}

func (t *Terminal) build() {
	k := t.keys
	onBand := func(bold bool) *canvas.Text {
		tx := canvas.NewText("", look.Color(theme.ColorNameOnBand))
		tx.TextStyle.Bold = bold
		tx.TextSize = 16
		return tx
	}
	t.hallLabel = onBand(true)
	t.staffLabel = onBand(false)
	t.hubLight = canvas.NewCircle(color.Gray{0x88})
	t.syncLight = canvas.NewCircle(color.Gray{0x88})
	t.hubLabel = onBand(false)
	t.syncLabel = onBand(false)
	t.devLabel = onBand(false)
	dot := func(c *canvas.Circle) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(14, 14), c)
	}
	gap := func() fyne.CanvasObject { return container.NewGridWrap(fyne.NewSize(12, 1)) }
	t.corner = container.NewHBox(
		container.NewCenter(dot(t.hubLight)), t.hubLabel, gap(),
		container.NewCenter(dot(t.syncLight)), t.syncLabel, gap(),
		t.devLabel,
	)
	band := canvas.NewRectangle(look.Color(theme.ColorNameBand))
	t.headLine = &headerLine{hall: t.hallLabel, staff: t.staffLabel}
	t.header = container.NewBorder(nil, nil, nil, t.corner, container.New(t.headLine, t.hallLabel, t.staffLabel))
	header := container.NewStack(band, container.NewPadded(t.header))

	t.message = newMessageText(look.Color(fynetheme.ColorNameForeground), 16)
	t.messageBack = canvas.NewRectangle(color.Transparent)
	footer := container.NewStack(t.messageBack, container.NewPadded(t.message))

	t.queue = newQueuePanel(t)
	keys := t.bindDecisionKeys()
	t.intake = newIntakeView(t, keys)
	t.review = newReviewView(t, keys)
	t.cases = newCasesView(t)
	t.followUps = newFollowUpView(t)
	intake, cases, followUps := container.NewTabItem("", t.intake.content), container.NewTabItem("", t.cases.content),
		container.NewTabItem("", t.followUps.content)
	t.tabs = container.NewAppTabs(intake, t.review.tab, cases, followUps)
	t.static(func() {
		intake.Text = t.tr("win.tab.intake") + " [F9]"
		cases.Text = t.tr("win.tab.cases") + " [F10]"
		followUps.Text = t.tr("win.tab.followups") + " [F11]"
		t.review.tab.Text = t.review.title(t.desk.View().Applications)
		t.tabs.Refresh()
	})
	t.tabs.OnSelected = func(ti *container.TabItem) {
		switch ti.Content {
		case t.review.content:
			t.review.show()
		case t.cases.content:
			t.cases.reload()
		case t.followUps.content:
			t.followUps.reload()
		}
	}
	k.bind("F9", 0, func() { t.tabs.Select(intake); t.intake.focusSearch() })
	k.bind("F10", 0, func() { t.tabs.Select(cases); t.cases.focus() })
	k.bind("F11", 0, func() { t.tabs.Select(followUps) })
	k.bind(fyne.KeyK, fyne.KeyModifierControl, func() {
		if t.tabs.Selected() == t.review.tab {
			t.review.show()
		} else {
			t.tabs.Select(t.review.tab)
		}
	})
	lockKey := k.bind("F12", 0, func() { t.desk.Lock(); t.refresh() })
	lock := t.button("win.lock", lockKey, func() { t.desk.Lock(); t.refresh() })
	k.bind(fyne.KeyL, fyne.KeyModifierAlt, t.toggleLanguage)

	t.work = container.NewBorder(nil, nil, container.NewBorder(nil, lock, nil, nil, t.queue.content), nil, t.tabs)
	t.login = newLoginView(t)
	t.password = newPasswordView(t)
	t.root = container.NewBorder(header, footer, nil, nil, t.work)
	t.chooser = newChooser(t)
}

// refresh draws the desk's view.
func (t *Terminal) refresh() {
	v := t.desk.View()
	t.headLine.set(t.hallName(v), func(name string) string { return t.tr("win.hall", name, v.Window) })
	loggedIn := v.Staff != nil && !v.Locked
	switch {
	case v.Staff == nil:
		setText(t.staffLabel, t.tr("win.staff.none"))
	case v.Locked:
		setText(t.staffLabel, t.tr("win.staff.locked", v.Staff.Name))
	default:
		setText(t.staffLabel, v.Staff.Name+" "+v.Staff.ID)
	}
	t.drawCorner(v)
	center := t.work
	mustChange := loggedIn && v.Staff.MustChange
	switch {
	case !loggedIn:
		center = t.login.content
		t.chooser.close()
	case mustChange:
		center = t.password.content
	}
	if len(t.root.Objects) == 0 || t.root.Objects[0] != center {
		t.root.Objects[0] = center
		t.root.Refresh()
		switch {
		case !loggedIn:
			t.login.show(v)
		case mustChange:
			t.password.show(v)
		}
	}
	t.queue.draw(v)
	t.intake.draw(v)
	t.review.draw(v)
	t.followUps.draw(v)
}

// hallName is the hall's name in the clerk's language. The desk knows its
// Chinese name; the English one is looked up in the hall's set-up once per
// name.
func (t *Terminal) hallName(v desk.View) string {
	if t.Language() == theme.Chinese || v.HallName == "" {
		return v.HallName
	}
	if t.hallZh != v.HallName {
		t.hallZh, t.hallEn = v.HallName, v.HallName
		if h, err := t.desk.Hall(t.ctx); err == nil && h.Name.Zh == v.HallName {
			t.hallEn = t.pick(h.Name)
		}
	}
	return t.hallEn
}

func (t *Terminal) drawCorner(v desk.View) {
	red, green, grey := look.Color(theme.ColorNameLightRed), look.Color(theme.ColorNameLightGreen), color.Gray{0x99}
	switch {
	case v.Hub.Checked.IsZero():
		t.hubLight.FillColor = grey
		setText(t.hubLabel, t.tr("win.hub.checking"))
	case v.Hub.Online:
		t.hubLight.FillColor = green
		setText(t.hubLabel, t.tr("win.hub.online"))
	default:
		t.hubLight.FillColor = red
		setText(t.hubLabel, t.tr("win.hub.offline"))
	}
	t.hubLight.Refresh()
	switch s := v.Sync; {
	case s == nil:
		t.syncLight.FillColor = grey
		setText(t.syncLabel, t.tr("win.sync.none"))
	default:
		last := t.tr("win.sync.never")
		if !s.LastSuccess.IsZero() {
			last = t.tr("win.sync.last", s.LastSuccess.In(app.HallZone).Format("01-02 15:04"))
		}
		state := t.tr("win.sync.offline")
		t.syncLight.FillColor = red
		if s.Online {
			state = t.tr("win.sync.online")
			t.syncLight.FillColor = green
		}
		text := t.tr("win.sync.state", state, s.Pending, last)
		if s.Rejected > 0 {
			text += t.tr("win.sync.rejected", s.Rejected)
		}
		setText(t.syncLabel, text)
	}
	t.syncLight.Refresh()
	dev := func(name string, d desk.DeviceState) string {
		switch {
		case !d.Attached:
			return name + "—"
		case d.OK:
			return name + "✓"
		}
		return name + "✗"
	}
	setText(t.devLabel, dev(t.tr("win.dev.printer"), v.Printer)+" "+dev(t.tr("win.dev.display"), v.Display)+" "+dev(t.tr("win.dev.reader"), v.Reader))
	t.corner.Refresh()
	t.header.Refresh()
}

// setText changes a canvas text and redraws it.
func setText(tx *canvas.Text, s string) {
	if tx.Text != s {
		tx.Text = s
		tx.Refresh()
	}
}
