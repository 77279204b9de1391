package kiosk

// Elderly mode (适老化) and legibility, measured on the rendered pages:
// the size of every text drawn, the spacing of a paragraph's lines, and
// each text's contrast against the pixels it is drawn on (issue 15 item 6).

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"onewindow/ui/theme"
)

// drawn is a text on screen: where, in which parent, how large, in which
// colour.
type drawn struct {
	text   *canvas.Text
	parent fyne.CanvasObject
	at     fyne.Position // on the canvas
	inView bool          // wholly inside every scroll it is in
}

// drawnTexts is every visible text the canvas draws, inside labels,
// buttons and every other widget.
func drawnTexts(w fyne.Window) []drawn {
	var out []drawn
	var visit func(o, parent fyne.CanvasObject, at fyne.Position, clip image.Rectangle)
	visit = func(o, parent fyne.CanvasObject, at fyne.Position, clip image.Rectangle) {
		if o == nil || !o.Visible() {
			return
		}
		at = at.Add(o.Position())
		switch x := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(x.Text) != "" {
				box := image.Rect(int(at.X), int(at.Y), int(at.X+x.Size().Width), int(at.Y+x.Size().Height))
				out = append(out, drawn{x, parent, at, box.In(clip)})
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				visit(c, x, at, clip)
			}
		case *container.Scroll:
			view := image.Rect(int(at.X), int(at.Y), int(at.X+x.Size().Width)+1, int(at.Y+x.Size().Height)+1)
			visit(x.Content, x, at, clip.Intersect(view))
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				visit(c, x, at, clip)
			}
		}
	}
	size := w.Canvas().Size()
	visit(w.Content(), nil, fyne.Position{}, image.Rect(0, 0, int(size.Width)+1, int(size.Height)+1))
	return out
}

// luminance is a colour's WCAG relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrastOf is the WCAG contrast ratio of two colours.
func contrastOf(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// background is the colour most of a text's box is painted in on img.
func background(img image.Image, d drawn) color.Color {
	count := map[color.NRGBA]int{}
	s := d.text.Size()
	for y := int(d.at.Y); y < int(d.at.Y+s.Height); y++ {
		for x := int(d.at.X); x < int(d.at.X+s.Width); x++ {
			count[color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)]++
		}
	}
	var best color.NRGBA
	for c, n := range count {
		if n > count[best] {
			best = c
		}
	}
	return best
}

// checkLegible measures the page on screen: every text at least least px
// (and, when largest > 0, the largest at least that), a paragraph's lines
// at least 1.3 text sizes apart, and every text in view at least 4.5:1
// against the pixels behind it. It returns how many texts and how many
// pairs of lines it measured.
func checkLegible(t *testing.T, w fyne.Window, where string, least, largest float32) (texts, pairs int) {
	t.Helper()
	drawnOn := drawnTexts(w)
	img := w.Canvas().Capture()
	biggest := float32(0)
	rows := map[fyne.CanvasObject][]drawn{}
	for _, d := range drawnOn {
		size := d.text.TextSize
		biggest = max(biggest, size)
		if size < least {
			t.Errorf("%s: %q is %v px, under %v px", where, d.text.Text, size, least)
		}
		rows[d.parent] = append(rows[d.parent], d)
		if !d.inView {
			continue
		}
		if c := contrastOf(d.text.Color, background(img, d)); c < 4.5 {
			t.Errorf("%s: %q has contrast %.1f:1 on what is behind it, under 4.5:1", where, d.text.Text, c)
		}
	}
	if biggest < largest {
		t.Errorf("%s: the largest text is %v px, under %v px", where, biggest, largest)
	}
	for _, para := range rows {
		sort.Slice(para, func(i, j int) bool { return para[i].at.Y < para[j].at.Y })
		for i := 1; i < len(para); i++ {
			a, b := para[i-1], para[i]
			if a.text.TextSize != b.text.TextSize || b.at.Y == a.at.Y {
				continue
			}
			pairs++
			if gap := (b.at.Y - a.at.Y) / a.text.TextSize; gap < 1.3 {
				t.Errorf("%s: lines %q and %q are %.2f text sizes apart, under 1.3", where, a.text.Text, b.text.Text, gap)
			}
		}
	}
	checkNumbers(t, drawnOn, where)
	return len(drawnOn), pairs
}

// checkNumbers: a numbered line's number ("1.") is never alone on its
// line: some words are drawn beside it, on the same line.
func checkNumbers(t *testing.T, texts []drawn, where string) {
	t.Helper()
	for _, n := range texts {
		if !numberOnly.MatchString(strings.TrimSpace(n.text.Text)) {
			continue
		}
		beside := false
		for _, w := range texts {
			if w.at.X > n.at.X && math.Abs(float64(w.at.Y-n.at.Y)) < float64(n.text.TextSize)/2 && !numberOnly.MatchString(w.text.Text) {
				beside = true
				break
			}
		}
		if !beside {
			t.Errorf("%s: the number %q is alone on its line", where, n.text.Text)
		}
	}
}

var numberOnly = regexp.MustCompile(`^\d+[.、．]$`)

// TestEveryPageIsLegible walks every page in both languages: in normal
// mode no text is under 24 px; in elderly mode (适老化) none is under
// 32 px and the largest is at least 40 px; lines are at least 1.3 apart
// and every text has a contrast of at least 4.5:1, measured on the
// rendered page.
func TestEveryPageIsLegible(t *testing.T) {
	eachLook(t, func(r *rig, lang theme.Language, elderly bool) {
		least, largest := float32(24), float32(0)
		if elderly {
			least, largest = 32, 40
		}
		texts, pairs := 0, 0
		eachPage(t, r, func(where string) {
			n, p := checkLegible(t, r.w, fmt.Sprintf("%s, elderly %v, %s", lang, elderly, where), least, largest)
			texts, pairs = texts+n, pairs+p
		})
		if texts < 1000 || pairs < 10 {
			t.Errorf("%s, elderly %v: measured only %d texts and %d pairs of lines", lang, elderly, texts, pairs)
		}
	})
}
