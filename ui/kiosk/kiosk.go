// Package kiosk is the citizens' self-service screen: take a queue number,
// read a service guide, follow a case, submit a self-service application,
// rate a service, and a technician's status page behind a PIN. Each task is
// at most three taps from home and one tap back; an idle timeout goes home
// and forgets the citizen.
//
// The screens call the use cases of app/selfservice and draw what they
// return; the rules (what of a card leaves the kiosk, what a kiosk may
// submit, how a rating is made, searching the guide, which problem a
// failure is) live there and in app/. Each kiosk holds its own words
// (theme.Words) and swaps them when the citizen picks a language. Work that
// waits on a device or the network runs off the UI goroutine and comes back
// through fyne.Do.
package kiosk

import (
	"context"
	"fmt"
	"image/color"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/app/selfservice"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

// Voice says short prompts aloud in elderly mode; see ui/voice.
type Voice interface {
	Prompt(name string)
}

// Voice prompts the kiosk asks for.
const (
	PromptWelcome  = "prompt-welcome"
	PromptCard     = "prompt-card"
	PromptCategory = "prompt-category"
	PromptTicket   = "prompt-ticket"
)

// Config is what a kiosk needs. Devices may be nil, and so may the
// services behind the use cases: the screens then say the function is not
// set up on this kiosk.
type Config struct {
	// Self is the kiosk's use cases; the hall's name, the kiosk's code and
	// the clock are its too.
	Self    *selfservice.Service
	Reader  app.IDCardReader
	Printer app.Printer
	Scanner app.Scanner
	Syncer  app.Syncer
	Voice   Voice
	// PIN opens the technician page; empty means none was set at install.
	PIN app.TechnicianPIN
	// Health makes the report `onewindow doctor` prints, for the
	// technician page; nil shows only what the kiosk's own devices say.
	Health func(ctx context.Context) health.Report
	// Timeout bounds each call to a device or the hub.
	Timeout time.Duration
	Log     *slog.Logger
}

// Kiosk is the kiosk's screen in one window.
type Kiosk struct {
	cfg   Config
	svc   *selfservice.Service
	clock app.Clock
	win   fyne.Window
	theme *theme.Theme
	// w are the words of the citizen's language: the kiosk's own, swapped
	// when they pick another (setLanguage) and back to Chinese on Reset.
	w   *theme.Words
	log *slog.Logger

	idle *app.IdleTimer
	pins *app.PINAttempts

	// inline runs device and network work on the caller's goroutine, for
	// tests: the result is on screen when the tap returns.
	inline bool

	mu      sync.Mutex // guards queue and hubErr, written by the poller
	queue   app.QueueStatus
	hubErr  error
	session int // grows each time the kiosk goes home; stale results are dropped

	page      string // name of the page shown, for tests and the log
	cardWatch        // the card reader, watched by the page that takes a card
	onScan    func(string)
	secret    int // taps on the hall name, for the hidden technician entry
	secretAt  time.Time

	content *fyne.Container
	// root holds content under the kiosk's own theme, so the kiosk keeps
	// its look in a process that shows other screens too (the demo).
	root   *container.ThemeOverride
	hidden *hiddenTap // the technician entry on the home screen
	// the keypads of the pages that have one, for tests
	searchPad, phonePad, ratePad, pinPad *touch.Keypad
}

// New makes the kiosk's screen in w, in Chinese. It needs its use cases
// (cfg.Self): a kiosk without them cannot help anyone, so that is an error.
func New(w fyne.Window, cfg Config) (*Kiosk, error) {
	if cfg.Self == nil {
		return nil, fmt.Errorf("kiosk: no self-service: %w", app.ErrNotConfigured)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	words, err := theme.WordsIn(theme.Chinese)
	if err != nil {
		return nil, err
	}
	clock := cfg.Self.Clock()
	k := &Kiosk{
		cfg: cfg, svc: cfg.Self, clock: clock, win: w, log: cfg.Log, w: words,
		theme:   theme.New(theme.Touch),
		idle:    app.NewIdleTimer(clock, app.KioskIdleTimeout),
		pins:    app.NewPINAttempts(clock),
		content: container.NewStack(),
	}
	// The theme is the app's: Fyne measures text with the app's theme, so
	// a screen cannot keep a theme of its own beside another screen's in
	// one process. A kiosk is the only screen of its process.
	theme.Apply(fyne.CurrentApp(), k.theme)
	w.SetContent(k.content)
	// A kiosk's window is never closed by a citizen: the close button and
	// Alt+F4 do nothing. The technician stops the service instead.
	w.SetCloseIntercept(func() { k.log.Info("window close refused: a kiosk stays open") })
	k.Reset()
	return k, nil
}

// Run starts what the kiosk watches until ctx ends: the idle timer, the
// card reader, the scanner and the queue's waiting counts.
func (k *Kiosk) Run(ctx context.Context) {
	// Starting (parsing the fonts, drawing every glyph of the first page)
	// leaves garbage the heap keeps for a while; a kiosk then idles for
	// hours, so give it back once the first pages are up.
	time.AfterFunc(10*time.Second, debug.FreeOSMemory)
	go k.every(ctx, time.Second, func() { fyne.Do(k.CheckIdle) })
	// The first look at the hub runs beside the first frame: a hub that
	// is down or slow must not hold the kiosk's screen back.
	go func() {
		k.pollQueue()
		k.every(ctx, 10*time.Second, k.pollQueue)
	}()
	k.watchCards(ctx) // while a page that takes a card is shown (cards.go)
	if k.cfg.Scanner != nil {
		go func() {
			for ctx.Err() == nil {
				code, err := k.cfg.Scanner.Next(ctx)
				if err != nil {
					if ctx.Err() == nil {
						k.log.Warn("scanner", "err", err)
						time.Sleep(time.Second)
					}
					continue
				}
				fyne.Do(func() { k.Scanned(code) })
			}
		}()
	}
}

func (k *Kiosk) every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// pollQueue refreshes the waiting counts and whether the hub answers; it
// runs off the UI goroutine.
func (k *Kiosk) pollQueue() {
	if !k.svc.HasQueue() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), k.cfg.Timeout)
	defer cancel()
	st, err := k.svc.Waiting(ctx)
	k.mu.Lock()
	changed := (err == nil) != (k.hubErr == nil)
	if err == nil {
		k.queue = st
	}
	k.hubErr = err
	k.mu.Unlock()
	if err != nil && changed {
		k.log.Warn("hall hub not answering", "err", err)
	}
	if changed {
		fyne.Do(func() {
			if k.page == "home" {
				k.showHome() // the banner about the hub comes or goes
			}
		})
	}
}

// CheckIdle goes home and forgets the citizen when nobody touched the
// kiosk for the idle timeout.
// Run calls it every second; tests call it after moving the clock.
func (k *Kiosk) CheckIdle() {
	chosen := k.theme.Mode() != theme.Touch || k.w.Language() != theme.Chinese
	if (k.page != "home" || chosen) && k.idle.Expired() {
		k.log.Info("idle timeout: back to the home screen", "from", k.page)
		k.Reset()
	}
}

// refresh redraws the page under the kiosk's theme (a new page, a new
// mode or language).
func (k *Kiosk) refresh() {
	theme.Apply(fyne.CurrentApp(), k.theme)
	k.content.Refresh()
}

// tr is the kiosk's words under key in the citizen's language, formatted
// with args when there are any.
func (k *Kiosk) tr(key string, args ...any) string { return k.w.L(key, args...) }

// pick is a catalogue text in the citizen's language.
func (k *Kiosk) pick(t app.Text) string { return k.w.Pick(t) }

// lang is the citizen's language, as the catalogue names it.
func (k *Kiosk) lang() string { return string(k.w.Language()) }

// touched records activity for the idle timer.
func (k *Kiosk) touched() { k.idle.Touch() }

// Page is the name of the page on screen: home, number, ticket, guide, …
func (k *Kiosk) Page() string { return k.page }

// Elderly reports whether elderly mode is on.
func (k *Kiosk) Elderly() bool { return k.theme.Mode() == theme.Large }

// Home shows the home screen and forgets the task: the card read, the
// ticket, the case, what was typed. The citizen's choice of language and
// elderly mode stays until the kiosk is left idle (Reset).
func (k *Kiosk) Home() {
	k.session++
	k.leaveCards("home")
	k.onScan = nil
	k.idle.Touch()
	k.showHome()
}

// Reset goes home and forgets the citizen altogether, their choice of
// language and elderly mode too: the next person starts afresh.
func (k *Kiosk) Reset() {
	if k.theme.Mode() != theme.Touch || k.w.Language() != theme.Chinese {
		k.theme.SetMode(theme.Touch)
		k.setWords(theme.Chinese)
		k.refresh()
	}
	k.idle = app.NewIdleTimer(k.clock, app.KioskIdleTimeout)
	k.Home()
}

// setElderly switches elderly mode: larger text and targets, a longer idle
// timeout, voice prompts.
func (k *Kiosk) setElderly(on bool) {
	mode, timeout := theme.Touch, app.KioskIdleTimeout
	if on {
		mode, timeout = theme.Large, app.ElderlyIdleTimeout
	}
	k.theme.SetMode(mode)
	k.idle = app.NewIdleTimer(k.clock, timeout)
	k.refresh()
	k.showHome()
	if on {
		k.prompt(PromptWelcome)
	}
}

// setLanguage speaks l to the citizen from now on: this kiosk's words
// only, nothing of the process's.
func (k *Kiosk) setLanguage(l theme.Language) {
	if !k.setWords(l) {
		return
	}
	k.refresh()
	k.showHome()
}

// setWords swaps the kiosk's words for those of l.
func (k *Kiosk) setWords(l theme.Language) bool {
	w, err := theme.WordsIn(l)
	if err != nil {
		k.log.Error("language", "err", err)
		return false
	}
	k.w = w
	return true
}

func (k *Kiosk) prompt(name string) {
	if k.Elderly() && k.cfg.Voice != nil {
		k.cfg.Voice.Prompt(name)
	}
}

// show puts a page on screen under a header with its title and the home
// button, and an optional message line at the bottom.
func (k *Kiosk) show(name, title string, body fyne.CanvasObject, message fyne.CanvasObject) {
	k.leaveCards(name)
	k.page, k.onScan = name, nil
	heading := newTitle(title, k.theme.Color(theme.ColorNameOnBand, 0), k.theme.Size("subHeadingText"), fyne.TextStyle{Bold: true})
	// Light on the dark band, so the way home is the plainest thing on
	// every page.
	home := touch.NewButton(k.tr("common.home"), func() { k.touched(); k.Home() })
	band := canvas.NewRectangle(k.theme.Color(theme.ColorNameBand, 0))
	header := container.NewStack(band, container.NewPadded(container.NewBorder(nil, nil, nil, home, heading)))
	var bottom fyne.CanvasObject
	if message != nil {
		bottom = container.NewPadded(message)
	}
	k.content.Objects = []fyne.CanvasObject{container.NewBorder(header, bottom, nil, nil, container.NewPadded(body))}
	k.refresh()
}

// message is a line of text in plain words: problems in the error colour.
func (k *Kiosk) message(text string, problem bool) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.TextStyle = fyne.TextStyle{Bold: true}
	if problem {
		l.Importance = widget.DangerImportance
	}
	return l
}

// problemText is the plain words for a problem.
func (k *Kiosk) problemText(p app.KioskProblem) string { return k.tr("problem." + string(p)) }

// async runs work off the UI goroutine and then on it, unless the citizen
// has gone home meanwhile: a result must never reach the next citizen.
func async[T any](k *Kiosk, work func(ctx context.Context) T, then func(T)) {
	session := k.session
	run := func() T {
		ctx, cancel := context.WithTimeout(context.Background(), k.cfg.Timeout)
		defer cancel()
		return work(ctx)
	}
	if k.inline {
		r := run()
		if k.session == session {
			then(r)
		}
		return
	}
	go func() {
		r := run()
		fyne.Do(func() {
			if k.session == session {
				then(r)
			}
		})
	}()
}

// cardEvent hands a reader's report to the page that waits for a card.
func (k *Kiosk) cardEvent(ev app.CardEvent) {
	switch ev.Kind {
	case app.CardPlaced:
		k.touched()
		if k.onCard != nil {
			k.onCard(ev.Card, k.svc.CheckCard(ev.Card))
		}
	case app.CardUnreadable:
		k.touched()
		if k.onCard != nil {
			k.onCard(app.IDCard{}, ev.Err)
		}
	case app.ReaderOffline:
		k.log.Warn("ID-card reader offline", "err", ev.Err)
	case app.ReaderOnline:
		k.log.Info("ID-card reader online")
	}
}

// Scanned hands a scanned code to the page that waits for one. At home a
// receipt's code opens its case and a ticket's code where it is now (and
// from there, once served, its rating): what a citizen holding either most
// likely came back for.
func (k *Kiosk) Scanned(code string) {
	k.touched()
	if k.onScan != nil {
		k.onScan(code)
		return
	}
	if k.page != "home" {
		return
	}
	if selfservice.IsTicket(code) {
		k.showPlace(code)
		return
	}
	k.showProgress()
	k.onScan(code)
}

// readCard asks the reader for the card on it now.
func (k *Kiosk) readCard(then func(app.IDCard, error)) {
	if k.cfg.Reader == nil {
		then(app.IDCard{}, app.ErrNotConfigured)
		return
	}
	type result struct {
		card app.IDCard
		err  error
	}
	async(k, func(ctx context.Context) result {
		c, err := k.cfg.Reader.Read(ctx)
		if err == nil {
			err = k.svc.CheckCard(c)
		}
		return result{c, err}
	}, func(r result) { then(r.card, r.err) })
}

// cardProblem is the plain words for a failed card read.
func (k *Kiosk) cardProblem(err error) string { return k.problemText(selfservice.CardProblem(err)) }

// hubDown reports whether the last look at the hub failed.
func (k *Kiosk) hubDown() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return !k.svc.HasQueue() || k.hubErr != nil
}

func (k *Kiosk) queueStatus() app.QueueStatus {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.queue
}

// tile is a large home-screen button with a title and a line under it.
func (k *Kiosk) tile(title, sub string, primary bool, tapped func()) fyne.CanvasObject {
	b := touch.NewButton("", func() { k.touched(); tapped() })
	if primary {
		b.Importance = widget.HighImportance
	}
	fg := k.theme.Color("foreground", 0)
	if primary {
		fg = k.theme.Color("foregroundOnPrimary", 0)
	}
	t := canvas.NewText(title, fg)
	t.TextSize = k.theme.Size("subHeadingText")
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignCenter
	s := canvas.NewText(sub, fg)
	s.TextSize = k.theme.Size("helperText")
	s.Alignment = fyne.TextAlignCenter
	label := container.NewVBox(layout.NewSpacer(), t, s, layout.NewSpacer())
	return container.NewStack(b, label)
}

// showHome draws the home screen.
func (k *Kiosk) showHome() {
	k.leaveCards("home")
	k.page, k.onScan = "home", nil

	hall := canvas.NewText(k.pick(k.svc.HallName()), k.theme.Color(theme.ColorNameOnBand, 0))
	hall.TextSize = k.theme.Size("headingText")
	hall.TextStyle = fyne.TextStyle{Bold: true}
	// The hall's name is the hidden technician entry: five taps within
	// three seconds. It looks like a title, so citizens do not find it.
	secret := newHiddenTap(func() { k.secretTap() })
	k.hidden = secret
	band := canvas.NewRectangle(k.theme.Color(theme.ColorNameBand, 0))
	welcome := canvas.NewText(k.tr("home.welcome"), k.theme.Color(theme.ColorNameOnBand, 0))
	welcome.TextSize = k.theme.Size("text")
	header := container.NewStack(band, secret, container.NewPadded(container.NewVBox(hall, welcome)))

	tiles := container.NewGridWithColumns(2,
		k.tile(k.tr("home.number"), k.tr("home.number.sub"), true, k.showNumber),
		k.tile(k.tr("home.guide"), k.tr("home.guide.sub"), false, k.showGuide),
		k.tile(k.tr("home.progress"), k.tr("home.progress.sub"), false, k.showProgress),
		k.tile(k.tr("home.apply"), k.tr("home.apply.sub"), false, k.showApply),
		k.tile(k.tr("home.rate"), k.tr("home.rate.sub"), false, k.showRate),
	)
	elderly := touch.NewButton(k.tr("home.elderly.on"), func() { k.touched(); k.setElderly(!k.Elderly()) })
	if k.Elderly() {
		elderly.SetText(k.tr("home.elderly.off"))
		elderly.Importance = widget.HighImportance
	}
	other := theme.English
	if k.w.Language() == theme.English {
		other = theme.Chinese
	}
	language := touch.NewButton(k.tr("home.language"), func() { k.touched(); k.setLanguage(other) })
	footer := container.NewGridWithColumns(2, elderly, language)

	var notice fyne.CanvasObject = layout.NewSpacer()
	if k.hubDown() {
		notice = k.message(k.problemText(app.ProblemHubUnreachable), true)
	}
	k.content.Objects = []fyne.CanvasObject{container.NewBorder(header,
		container.NewVBox(notice, container.NewPadded(footer)), nil, nil, container.NewPadded(tiles))}
	k.refresh()
}

// secretTap counts taps on the hall name toward the technician entry.
func (k *Kiosk) secretTap() {
	now := k.clock.Now()
	if now.Sub(k.secretAt) > 3*time.Second {
		k.secret = 0
	}
	k.secret++
	k.secretAt = now
	if k.secret >= 5 {
		k.secret = 0
		k.touched()
		k.showPIN()
	}
}

// hiddenTap is an invisible tappable area.
type hiddenTap struct {
	widget.BaseWidget
	tapped func()
}

func newHiddenTap(fn func()) *hiddenTap {
	h := &hiddenTap{tapped: fn}
	h.ExtendBaseWidget(h)
	return h
}

func (h *hiddenTap) Tapped(*fyne.PointEvent) { h.tapped() }

func (h *hiddenTap) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// list is a vertical list of large buttons, scrolling when long.
func (k *Kiosk) list(items ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.NewVBox(items...))
}

// button is a touch button that counts as activity.
func (k *Kiosk) button(label string, tapped func()) *touch.Button {
	return touch.NewButton(label, func() { k.touched(); tapped() })
}

// text is a wrapped label.
func text(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// bold is a wrapped bold label.
func bold(s string) *widget.Label {
	l := text(s)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// hero is very large bold text: a ticket or case number.
func (k *Kiosk) hero(s string, size float32) *canvas.Text {
	t := canvas.NewText(s, k.theme.Color(theme.ColorNameHighlight, 0))
	t.TextSize = size
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignCenter
	return t
}
