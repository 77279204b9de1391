package window

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Keyboard-first: every action has a key, shown on its button. Fyne hands a
// key to the focused widget only, and an Entry swallows every Ctrl shortcut
// it does not know, so the window's keys would die whenever the clerk is
// typing. The widgets below give the window's router the first look at
// each key and shortcut; the canvas handlers catch them when nothing has
// the focus.

// binding is one key of the window.
type binding struct {
	key   fyne.KeyName
	mod   fyne.KeyModifier // 0 for a function key on its own
	label string           // how the button shows it: F1, Ctrl+S
	do    func()
}

// router dispatches the window's keys.
type router struct {
	bindings []binding
	// intercept, when set, sees every key first (an open chooser takes
	// its digits and Escape).
	intercept func(fyne.KeyName) bool
	touched   func()
}

func (r *router) bind(key fyne.KeyName, mod fyne.KeyModifier, do func()) string {
	label := string(key)
	switch mod {
	case fyne.KeyModifierControl:
		label = "Ctrl+" + label
	case fyne.KeyModifierAlt:
		label = "Alt+" + label
	}
	r.bindings = append(r.bindings, binding{key: key, mod: mod, label: label, do: do})
	return label
}

// key handles a key typed without a modifier; it reports whether the key
// was the window's.
func (r *router) key(ev *fyne.KeyEvent) bool {
	if r.touched != nil {
		r.touched()
	}
	if r.intercept != nil && r.intercept(ev.Name) {
		return true
	}
	for _, b := range r.bindings {
		if b.mod == 0 && b.key == ev.Name {
			b.do()
			return true
		}
	}
	return false
}

// pass gives a key to the window first and, when it is not the window's,
// to the focused widget's own handling (typed).
func (r *router) pass(ev *fyne.KeyEvent, typed func(*fyne.KeyEvent)) {
	if !r.key(ev) {
		typed(ev)
	}
}

// shortcut handles a key typed with Ctrl or Alt.
func (r *router) shortcut(s fyne.Shortcut) bool {
	if r.touched != nil {
		r.touched()
	}
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return false
	}
	for _, b := range r.bindings {
		if b.mod != 0 && b.key == cs.KeyName && b.mod == cs.Modifier {
			b.do()
			return true
		}
	}
	return false
}

// install hooks the router into a canvas for the keys typed while nothing,
// or a widget that does not take shortcuts, has the focus.
func (r *router) install(c fyne.Canvas) {
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { r.key(ev) })
	for _, b := range r.bindings {
		if b.mod == 0 {
			continue
		}
		b := b
		c.AddShortcut(&desktop.CustomShortcut{KeyName: b.key, Modifier: b.mod}, func(fyne.Shortcut) {
			if r.touched != nil {
				r.touched()
			}
			b.do()
		})
	}
}

// entry is a text field that lets the window's keys through.
type entry struct {
	widget.Entry
	r *router
	// onEnter runs on Return in a single-line field.
	onEnter func()
}

func newEntry(r *router, hint string) *entry {
	e := &entry{r: r}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = hint
	return e
}

func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if e.r.key(ev) {
		return
	}
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && e.onEnter != nil && !e.MultiLine {
		e.onEnter()
		return
	}
	e.Entry.TypedKey(ev)
}

func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if e.r.shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

func (e *entry) TypedRune(ch rune) {
	if e.r.touched != nil {
		e.r.touched()
	}
	e.Entry.TypedRune(ch)
}

// button is a button that lets the window's keys through when it has the
// focus (after Tab), and shows its key on its face.
type button struct {
	widget.Button
	r   *router
	key string // how the face shows the button's key, or ""
}

func newButton(r *router, text, key string, tapped func()) *button {
	b := &button{r: r, key: key}
	b.ExtendBaseWidget(b)
	b.Text = b.face(text)
	b.OnTapped = func() {
		if r.touched != nil {
			r.touched()
		}
		tapped()
	}
	return b
}

// face is the button's text with its key.
func (b *button) face(text string) string {
	if b.key == "" {
		return text
	}
	return text + "  [" + b.key + "]"
}

// setText changes the words on the button, keeping its key.
func (b *button) setText(text string) { b.SetText(b.face(text)) }

func (b *button) TypedKey(ev *fyne.KeyEvent) { b.r.pass(ev, b.Button.TypedKey) }

// check is a checkbox that lets the window's keys through.
type check struct {
	widget.Check
	r *router
}

func newCheck(r *router, text string, changed func(bool)) *check {
	c := &check{r: r}
	c.ExtendBaseWidget(c)
	c.Text = text
	c.OnChanged = changed
	return c
}

func (c *check) TypedKey(ev *fyne.KeyEvent) { c.r.pass(ev, c.Check.TypedKey) }

// Press delivers a key as the desktop driver would: with Ctrl or Alt as a
// shortcut to the focused widget that takes shortcuts, else to the canvas;
// on its own to the focused widget, else to the canvas. It is for scripted
// walkthroughs (the screenshots, a demo); call it on the UI goroutine, then
// Wait for the action it started.
func (t *Terminal) Press(key fyne.KeyName, mod fyne.KeyModifier) {
	c := t.win.Canvas()
	if mod != 0 {
		var s fyne.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: mod}
		if mod == fyne.KeyModifierControl && key == fyne.KeyA {
			s = &fyne.ShortcutSelectAll{} // as the driver turns it into
		}
		if f, ok := c.Focused().(fyne.Shortcutable); ok {
			f.TypedShortcut(s)
		} else if h, ok := c.(fyne.Shortcutable); ok {
			h.TypedShortcut(s)
		}
		return
	}
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if fn := c.OnTypedKey(); fn != nil {
		fn(ev)
	}
}

// FocusedText is the text of the field that has the keyboard, and whether a
// text field has it: what a clerk's typing (or an input method's) made.
// Call it on the UI goroutine.
func (t *Terminal) FocusedText() (string, bool) {
	e, ok := t.win.Canvas().Focused().(*entry)
	if !ok {
		return "", false
	}
	return e.Text, true
}

// Type types text into the focused field, as the driver would.
func (t *Terminal) Type(text string) {
	if f := t.win.Canvas().Focused(); f != nil {
		for _, r := range text {
			f.TypedRune(r)
		}
	}
}
