package window

import (
	"image/color"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// messageText is the message bar's text: drawn as canvas text (white on
// red for an error), and wrapped onto more lines at the bar's width, so a
// long message never widens the window. It asks for no width of its own.
type messageText struct {
	widget.BaseWidget
	Text  string
	Color color.Color
	size  float32
	width float32 // the width it was last laid out at
}

func newMessageText(c color.Color, size float32) *messageText {
	m := &messageText{Color: c, size: size}
	m.ExtendBaseWidget(m)
	return m
}

// lines is the text broken at width: between words where there are
// spaces, anywhere in Chinese.
func (m *messageText) lines(width float32) []string {
	if m.Text == "" || width <= 0 {
		return []string{m.Text}
	}
	measure := func(s string) float32 { return fyne.MeasureText(s, m.size, fyne.TextStyle{}).Width }
	var out []string
	for _, para := range strings.Split(m.Text, "\n") {
		line := []rune{}
		for _, r := range para {
			if len(line) > 0 && measure(string(append(line, r))) > width {
				cut := len(line)
				if !unicode.IsSpace(r) {
					// Break after the line's last space, if a word would
					// otherwise be cut.
					if i := strings.LastIndexFunc(string(line), unicode.IsSpace); i > 0 {
						cut = len([]rune(string(line)[:i])) + 1
					}
				}
				out = append(out, strings.TrimRightFunc(string(line[:cut]), unicode.IsSpace))
				line = append([]rune{}, line[cut:]...)
				if unicode.IsSpace(r) {
					continue
				}
			}
			line = append(line, r)
		}
		out = append(out, string(line))
	}
	return out
}

func (m *messageText) CreateRenderer() fyne.WidgetRenderer {
	return &messageRenderer{m: m}
}

type messageRenderer struct {
	m     *messageText
	texts []fyne.CanvasObject
}

func (r *messageRenderer) lineHeight() float32 {
	return fyne.MeasureText("国Ag", r.m.size, fyne.TextStyle{}).Height
}

func (r *messageRenderer) MinSize() fyne.Size {
	return fyne.NewSize(0, r.lineHeight()*float32(len(r.m.lines(r.m.width))))
}

func (r *messageRenderer) Layout(size fyne.Size) {
	r.m.width = size.Width
	r.draw()
}

// draw makes the canvas texts of the lines at the width last laid out.
func (r *messageRenderer) draw() {
	lines := r.m.lines(r.m.width)
	for len(r.texts) < len(lines) {
		tx := canvas.NewText("", r.m.Color)
		tx.TextSize = r.m.size
		r.texts = append(r.texts, tx)
	}
	r.texts = r.texts[:len(lines)]
	h := r.lineHeight()
	for i, l := range lines {
		tx := r.texts[i].(*canvas.Text)
		tx.Text, tx.Color = l, r.m.Color
		tx.Move(fyne.NewPos(0, h*float32(i)))
		tx.Resize(fyne.NewSize(r.m.width, h))
		tx.Refresh()
	}
}

func (r *messageRenderer) Refresh()                     { r.draw() }
func (r *messageRenderer) Objects() []fyne.CanvasObject { return r.texts }
func (r *messageRenderer) Destroy()                     {}
