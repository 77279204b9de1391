package kiosk

import (
	"image/color"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// title is large text that wraps at words (between characters in a word
// too long for the line) when it is wider than the space it is given: a
// page's heading or a ticket's category, whose long English or elderly
// mode's large text must make the page taller, never wider than the
// screen. Text that fits is one canvas.Text, drawn as before.
type title struct {
	widget.BaseWidget
	text      string
	colour    color.Color
	size      float32
	style     fyne.TextStyle
	alignment fyne.TextAlign
	lines     []*canvas.Text
	box       *fyne.Container
}

func newTitle(text string, colour color.Color, size float32, style fyne.TextStyle) *title {
	t := &title{text: text, colour: colour, size: size, style: style, box: &fyne.Container{}}
	t.ExtendBaseWidget(t)
	return t
}

// measure is the width of s in the title's face.
func (t *title) measure(s string) float32 { return fyne.MeasureText(s, t.size, t.style).Width }

// wrap breaks the text into lines no wider than width.
func (t *title) wrap(width float32) []string {
	if width <= 0 || t.measure(t.text) <= width {
		return []string{t.text}
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(t.text) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if t.measure(try) <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = ""
		for _, r := range word { // a word longer than the line breaks between characters
			if line != "" && t.measure(line+string(r)) > width {
				lines = append(lines, line)
				line = ""
			}
			line += string(r)
		}
	}
	return append(lines, line)
}

func (t *title) line(s string) *canvas.Text {
	c := canvas.NewText(s, t.colour)
	c.TextSize, c.TextStyle, c.Alignment = t.size, t.style, t.alignment
	return c
}

func (t *title) lineHeight() float32 { return fyne.MeasureText("M", t.size, t.style).Height }

// MinSize is the widest word's width and the lines' height at the width
// the title has.
func (t *title) MinSize() fyne.Size {
	widest := float32(0)
	for _, w := range strings.Fields(t.text) {
		widest = max(widest, t.measure(w))
	}
	widest = min(widest, 8*t.size)
	n := len(t.wrap(t.Size().Width))
	return fyne.NewSize(min(widest, t.measure(t.text)), float32(n)*t.lineHeight())
}

func (t *title) CreateRenderer() fyne.WidgetRenderer { return &titleRenderer{t: t} }

type titleRenderer struct{ t *title }

func (r *titleRenderer) Layout(size fyne.Size) {
	t := r.t
	texts := t.wrap(size.Width)
	t.lines = t.lines[:0]
	objs := make([]fyne.CanvasObject, len(texts))
	for i, s := range texts {
		c := t.line(s)
		t.lines = append(t.lines, c)
		objs[i] = c
	}
	t.box.Objects = objs
	t.box.Resize(size)
	if len(t.lines) == 1 {
		t.lines[0].Resize(size) // as a canvas.Text of the whole size
		return
	}
	h := t.lineHeight()
	top := max((size.Height-float32(len(t.lines))*h)/2, 0)
	for i, c := range t.lines {
		c.Move(fyne.NewPos(0, top+float32(i)*h))
		c.Resize(fyne.NewSize(size.Width, h))
	}
}

func (r *titleRenderer) MinSize() fyne.Size           { return r.t.MinSize() }
func (r *titleRenderer) Refresh()                     { r.Layout(r.t.Size()); canvas.Refresh(r.t) }
func (r *titleRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t.box} }
func (r *titleRenderer) Destroy()                     {}

// tick is a check box whose words wrap (a widget.Check's do not, and a
// long material's name would widen the page): the box, and beside it the
// words, which a tap on toggles too.
type tick struct {
	widget.BaseWidget
	Text  string
	check *widget.Check
	label *widget.Label
}

func newTick(text string, checked bool, changed func(bool)) *tick {
	t := &tick{Text: text, check: widget.NewCheck("", nil), label: widget.NewLabel(text)}
	t.check.SetChecked(checked)
	t.check.OnChanged = changed
	t.label.Wrapping = fyne.TextWrapWord
	t.ExtendBaseWidget(t)
	return t
}

// Tapped toggles the box: the words are as much a target as the box.
func (t *tick) Tapped(*fyne.PointEvent) { t.check.SetChecked(!t.check.Checked) }

// Words are the box's words, for a program that drives the kiosk by them
// (internal/kioskshots).
func (t *tick) Words() string { return t.Text }

func (t *tick) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, t.check, nil, t.label))
}

// numberedLine is a guide's numbered line ("1. 居民身份证…"): the number
// hangs beside its words, so a long line wraps under the words and the
// number is never left alone on a line.
var numberedLine = regexp.MustCompile(`^(\d+[.、．])\s*(\S.*)$`)

// guideLine is one line of an item's guide, wrapped; a numbered one keeps
// its number beside its words.
func guideLine(line string) fyne.CanvasObject {
	m := numberedLine.FindStringSubmatch(line)
	if m == nil {
		return text(line)
	}
	return container.NewBorder(nil, nil, widget.NewLabel(m[1]), nil, text(m[2]))
}
