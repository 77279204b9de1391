package touch

import (
	"strings"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A button's label wraps at word boundaries (at characters in a word too
// long for the button, as Chinese is) when it is wider than the button, so
// a long label (an English department's name, an item's name in elderly
// mode) makes the button taller, never the screen wider. A label that fits
// is drawn exactly as Fyne draws it.

// maxWordEms bounds the width one word asks of a button, in text sizes:
// a longer word breaks between characters.
const maxWordEms = 8

// CreateRenderer draws the button as Fyne does, with its label wrapped.
func (b *Button) CreateRenderer() fyne.WidgetRenderer {
	inner := b.Button.CreateRenderer()
	r := &wrapRenderer{WidgetRenderer: inner, b: b}
	for _, o := range inner.Objects() {
		if l, ok := o.(*widget.RichText); ok {
			l.Wrapping = fyne.TextWrapWord
			r.label = l
		}
	}
	return r
}

type wrapRenderer struct {
	fyne.WidgetRenderer // Fyne's button renderer
	b                   *Button
	label               *widget.RichText
}

// wraps reports whether the label is the button's text alone, which this
// renderer lays out (a button with an icon keeps Fyne's layout).
func (r *wrapRenderer) wraps() bool {
	return r.label != nil && r.b.Icon == nil && r.b.Text != ""
}

// metrics are the theme's text size and inner padding for the button.
func (r *wrapRenderer) metrics() (text, pad float32) {
	th := r.b.Theme()
	return th.Size(fynetheme.SizeNameText), th.Size(fynetheme.SizeNameInnerPadding)
}

// oneLine is the width of the label's text unwrapped: its longest line.
func (r *wrapRenderer) oneLine() (width, word float32) {
	size, _ := r.metrics()
	style := fyne.TextStyle{Bold: true}
	for _, line := range strings.Split(r.b.Text, "\n") {
		width = max(width, fyne.MeasureText(line, size, style).Width)
		for _, w := range strings.Fields(line) {
			word = max(word, fyne.MeasureText(w, size, style).Width)
		}
	}
	return width, min(word, maxWordEms*size)
}

// labelSize is the size of the label in a button width wide: one line
// when it fits, else as wide as the button lets it be and as tall as its
// lines.
func (r *wrapRenderer) labelSize(width float32) fyne.Size {
	_, pad := r.metrics()
	one, _ := r.oneLine()
	w := max(width-2*pad, 0)
	if one <= w {
		w = one
	}
	if r.label.Size().Width != w {
		r.label.Resize(fyne.NewSize(w, r.label.Size().Height))
	}
	return fyne.NewSize(w, r.label.MinSize().Height)
}

// Layout lays the button out as Fyne does, then its label wrapped.
func (r *wrapRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.place(size)
}

func (r *wrapRenderer) place(size fyne.Size) {
	if !r.wraps() || size.Width <= 0 {
		return
	}
	l := r.labelSize(size.Width)
	r.label.Resize(l)
	r.label.Move(fyne.NewPos((size.Width-l.Width)/2, (size.Height-l.Height)/2))
}

// MinSize is as wide as the label's longest word and as tall as its lines
// at the button's width (one line before it has one).
func (r *wrapRenderer) MinSize() fyne.Size {
	if !r.wraps() {
		return r.WidgetRenderer.MinSize()
	}
	_, pad := r.metrics()
	one, word := r.oneLine()
	width := r.b.Size().Width
	if width <= 0 {
		width = one + 2*pad
	}
	h := r.labelSize(width).Height
	return fyne.NewSize(min(one, word)+2*pad, h+2*pad)
}

// Refresh redraws the button as Fyne does, then lays its label out again.
func (r *wrapRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.place(r.b.Size())
}
