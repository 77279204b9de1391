// Package display is the hall screen (叫号大屏): the last numbers called
// with their windows, the newest highlighted, the waiting count per queue
// category, and each call said aloud. It is drawn for 1920×1080 and read
// from across the hall.
//
// It follows the hub's event stream and draws; which calls to keep and
// what to say are app.CallBoard's and app.CallClips' rules. It speaks the
// language of its Config, with words of its own (theme.Words).
package display

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	"onewindow/app"
	"onewindow/ui/theme"
)

// Queue is the hall's queue as the screen follows it; the hub client is one.
type Queue interface {
	Queue(ctx context.Context, calls int) (app.QueueStatus, error)
	Listen(ctx context.Context, after int64, fn func(app.QueueEvent), status func(err error)) error
}

// Announcer says a call aloud; ui/voice's Announcer is one.
type Announcer interface {
	Call(code string, window int)
}

// Config is what the hall screen needs.
type Config struct {
	HallName  app.Text
	Queue     Queue
	Announcer Announcer // nil: calls are shown only
	Clock     app.Clock
	Log       *slog.Logger
	Calls     int            // how many calls the board keeps; 8 when zero
	Language  theme.Language // the screen's words; Chinese when empty
}

// Sizes of the hall screen's text at scale 1, for 1920×1080 read from ten
// metres: a character of 160 px is about 4 cm high on a 55-inch screen.
const (
	newestSize = 160
	callSize   = 72
	countSize  = 52
	titleSize  = 56
	bannerSize = 44
)

// Display is the hall screen in one window.
type Display struct {
	// mu makes each change whole: Fyne runs them on its UI goroutine, but
	// its test driver runs them on the caller's.
	mu    sync.Mutex
	cfg   Config
	win   fyne.Window
	th    *theme.Theme
	w     *theme.Words // the screen's own words
	board app.CallBoard

	status   app.QueueStatus
	hubErr   error
	lastText string // the latest call in words
	content  *fyne.Container
	clock    *canvas.Text
}

// New makes the hall screen in w. It speaks Chinese when it does not speak
// cfg.Language.
func New(w fyne.Window, cfg Config) *Display {
	if cfg.Clock == nil {
		cfg.Clock = app.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Calls <= 0 {
		cfg.Calls = 8
	}
	if cfg.Language == "" {
		cfg.Language = theme.Chinese
	}
	words, err := theme.WordsIn(cfg.Language)
	if err != nil {
		cfg.Log.Error("language", "err", err)
		words = theme.MustWordsIn(theme.Chinese)
	}
	d := &Display{cfg: cfg, win: w, th: theme.New(theme.Touch), w: words, board: app.CallBoard{Size: cfg.Calls},
		content: container.NewStack()}
	// The app's theme: Fyne measures text with it (see ui/kiosk). The
	// hall screen is the only screen of its process.
	theme.Apply(fyne.CurrentApp(), d.th)
	w.SetContent(d.content)
	w.SetCloseIntercept(func() { cfg.Log.Info("window close refused: the hall screen stays open") })
	d.draw()
	return d
}

// Run follows the hub until ctx ends: the current board first, then every
// event, reconnecting by itself when the stream breaks.
func (d *Display) Run(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(d.tick)
			}
		}
	}()
	go func() {
		var after int64
		for ctx.Err() == nil {
			st, err := d.fetch(ctx)
			if err == nil {
				for _, c := range st.Calls {
					after = max(after, c.Seq)
				}
				fyne.Do(func() { d.SetStatus(st); d.SetHubError(nil) })
				break
			}
			fyne.Do(func() { d.SetHubError(err) })
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
		}
		err := d.cfg.Queue.Listen(ctx, after, func(ev app.QueueEvent) {
			st, err := d.fetch(ctx)
			fyne.Do(func() {
				d.Apply(ev)
				if err == nil {
					d.SetStatus(st)
				}
			})
		}, func(err error) {
			if err != nil {
				d.cfg.Log.Warn("hall hub not answering", "err", err)
			} else {
				d.cfg.Log.Info("hall hub connected")
			}
			fyne.Do(func() { d.SetHubError(err) })
		})
		if err != nil && ctx.Err() == nil {
			d.cfg.Log.Error("following the hub stopped", "err", err)
		}
	}()
}

func (d *Display) fetch(ctx context.Context) (app.QueueStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return d.cfg.Queue.Queue(ctx, d.cfg.Calls)
}

// SetStatus shows a fresh look at the queue: the waiting counts, and the
// calls when the board is still empty (at start).
func (d *Display) SetStatus(st app.QueueStatus) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status = st
	if len(d.board.Calls()) == 0 {
		for i := len(st.Calls) - 1; i >= 0; i-- {
			c := st.Calls[i]
			d.board.Add(app.Call{Code: c.Ticket.Code, Window: c.Window, At: c.At}, time.Time{})
		}
	}
	d.draw()
}

// SetHubError shows (or, with nil, clears) that the hub cannot be reached.
func (d *Display) SetHubError(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if (err == nil) == (d.hubErr == nil) {
		d.hubErr = err
		return
	}
	d.hubErr = err
	d.draw()
}

// Apply takes one queue event: a call or recall goes on the board and is
// said aloud; other events change only the counts, which SetStatus brings.
func (d *Display) Apply(ev app.QueueEvent) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !ev.Kind.Call() {
		return
	}
	window := ev.Window
	if window == 0 {
		window = ev.Ticket.Window
	}
	c := app.Call{Code: ev.Ticket.Code, Window: window, At: ev.At}
	if d.board.Add(c, d.cfg.Clock.Now()) {
		d.lastText = app.CallText(c.Code, c.Window, string(d.w.Language()))
		d.cfg.Log.Info("call", "ticket", c.Code, "window", c.Window)
		if d.cfg.Announcer != nil {
			d.cfg.Announcer.Call(c.Code, c.Window)
		}
	}
	d.draw()
}

func (d *Display) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.clock != nil {
		d.clock.Text = d.cfg.Clock.Now().In(app.HallZone).Format("15:04")
		d.clock.Refresh()
	}
}

// columnWidth is the width of one of the two columns.
func (d *Display) columnWidth() float32 {
	w := d.win.Canvas().Size().Width
	if w < 100 {
		w = 1920
	}
	return w/2 - 4*d.th.Size("padding")
}

// fit shrinks t until it fits in width: a long category name (English
// ones are) must not run into its count.
func (d *Display) fit(t *canvas.Text, width float32) {
	for t.TextSize > 20 && fyne.MeasureText(t.Text, t.TextSize, t.TextStyle).Width > width {
		t.TextSize -= 2
	}
}

// tr is the screen's words under key, formatted with args when there are any.
func (d *Display) tr(key string, args ...any) string { return d.w.L(key, args...) }

func (d *Display) text(s string, size float32, bold bool, c fyne.ThemeColorName) *canvas.Text {
	t := canvas.NewText(s, d.th.Color(c, 0))
	t.TextSize = size
	t.TextStyle = fyne.TextStyle{Bold: bold}
	return t
}

// Texts lists every text on screen, for tests.
func (d *Display) Texts() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			out = append(out, x.Text)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(d.content)
	return out
}

func (d *Display) draw() {
	band := func(obj fyne.CanvasObject, color fyne.ThemeColorName) fyne.CanvasObject {
		return container.NewStack(canvas.NewRectangle(d.th.Color(color, 0)), container.NewPadded(obj))
	}
	d.clock = d.text(d.cfg.Clock.Now().In(app.HallZone).Format("15:04"), titleSize, true, theme.ColorNameOnBand)
	header := band(container.NewBorder(nil, nil, nil, d.clock,
		d.text(d.w.Pick(d.cfg.HallName), titleSize, true, theme.ColorNameOnBand)), theme.ColorNameBand)

	calls := d.board.Calls()
	var left []fyne.CanvasObject
	left = append(left, d.text(d.tr("display.calling"), callSize*0.6, true, "foreground"))
	if len(calls) == 0 {
		left = append(left, d.text(d.tr("display.nocalls"), callSize, false, "disabled"))
	} else {
		c := calls[0]
		newest := container.NewHBox(
			d.text(c.Code, newestSize, true, theme.ColorNameOnHighlight),
			layout.NewSpacer(),
			d.text(d.tr("display.window", c.Window), newestSize*0.6, true, theme.ColorNameOnHighlight))
		left = append(left, band(newest, theme.ColorNameHighlight))
		for _, c := range calls[1:] {
			left = append(left, container.NewHBox(
				d.text(c.Code, callSize, true, "foreground"),
				layout.NewSpacer(),
				d.text(d.tr("display.window", c.Window), callSize, false, "foreground")))
		}
	}

	right := []fyne.CanvasObject{d.text(d.tr("display.waiting"), callSize*0.6, true, "foreground")}
	for _, c := range d.status.Categories {
		line := d.tr("display.count", c.Waiting)
		color := fyne.ThemeColorName("foreground")
		if !c.Open {
			line = d.tr("display.closed")
			color = "disabled"
		}
		count := d.text(line, countSize, true, color)
		name := d.text(c.Prefix+" "+d.w.Pick(c.Name), countSize, false, color)
		d.fit(name, d.columnWidth()-count.MinSize().Width-2*d.th.Size("padding")-8)
		right = append(right, container.NewHBox(name, layout.NewSpacer(), count))
	}

	var footer fyne.CanvasObject
	switch {
	case d.hubErr != nil:
		footer = band(d.text(d.tr("display.offline"), bannerSize, true, "foregroundOnError"), "error")
	case d.lastText != "":
		footer = band(d.text(d.lastText, bannerSize, true, theme.ColorNameOnBand), theme.ColorNameBand)
	default:
		footer = band(d.text(d.tr("display.hint"), bannerSize, false, theme.ColorNameOnBand), theme.ColorNameBand)
	}

	body := container.New(layout.NewGridLayoutWithColumns(2),
		container.NewPadded(container.NewVBox(left...)),
		container.NewPadded(container.NewVBox(right...)))
	d.content.Objects = []fyne.CanvasObject{container.NewBorder(header, footer, nil, nil, body)}
	d.content.Refresh()
}
