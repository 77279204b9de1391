package window

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	fynetheme "fyne.io/fyne/v2/theme"
)

// headerLine lays out the left of the header: the hall and the window,
// then the clerk, as a row. The status corner on the right and the clerk
// are never cut; when they need the room (a long English hall name beside
// a corner full of trouble) the hall's name gives way, ending in "…", and
// the window's number stays.
type headerLine struct {
	hall, staff *canvas.Text
	name        string
	format      func(name string) string
	width       float32 // the width the hall's text was last cut for
}

// headerGap is the room between the hall and the clerk, besides padding.
const headerGap = 12

// set gives the hall's name and how to word it with the window.
func (h *headerLine) set(name string, format func(string) string) {
	h.name, h.format = name, format
	h.fit(h.width)
}

// fit cuts the hall's name until its line fits in width (0: no limit).
func (h *headerLine) fit(width float32) {
	if h.format == nil {
		return
	}
	h.width = width
	text := h.format(h.name)
	if width > 0 {
		runes := []rune(h.name)
		for k := len(runes); k > 0 && h.measure(text) > width; k-- {
			text = h.format(string(runes[:k-1]) + "…")
		}
	}
	setText(h.hall, text)
}

func (h *headerLine) measure(s string) float32 {
	return fyne.MeasureText(s, h.hall.TextSize, h.hall.TextStyle).Width
}

func (h *headerLine) spacing() float32 { return 2*look.Size(fynetheme.SizeNamePadding) + headerGap }

// MinSize is the clerk's width, the room between, and the window's number
// with the shortest cut of the hall's name.
func (h *headerLine) MinSize([]fyne.CanvasObject) fyne.Size {
	least := h.measure("…")
	if h.format != nil {
		least = h.measure(h.format("…"))
	}
	s := h.staff.MinSize()
	return fyne.NewSize(least+h.spacing()+s.Width, max(h.hall.MinSize().Height, s.Height))
}

// Layout gives the clerk its width and the hall what is left, at most
// what it needs uncut.
func (h *headerLine) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	s := h.staff.MinSize()
	room := size.Width - h.spacing() - s.Width
	if h.format != nil && h.measure(h.format(h.name)) <= room {
		room = 0 // it fits uncut
	}
	if room != h.width {
		h.fit(room)
	}
	w := h.hall.MinSize().Width
	h.hall.Move(fyne.NewPos(0, 0))
	h.hall.Resize(fyne.NewSize(w, size.Height))
	h.staff.Move(fyne.NewPos(w+h.spacing(), 0))
	h.staff.Resize(fyne.NewSize(s.Width, size.Height))
}
