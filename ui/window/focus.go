package window

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The desktop driver hands a key without Ctrl or Alt (F1 to F12) to the
// focused widget only, never to the canvas: a focusable widget of Fyne's
// own would swallow the window's function keys. Every widget that can
// take the focus in the window is therefore one of the window's own
// (entry, button and check in keys.go; the drop-down and the list below),
// and each gives the router the first look at a key. keys_test.go holds
// every kind to it.

// dropDown is a drop-down list that lets the window's keys through.
type dropDown struct {
	widget.Select
	r *router
}

func newDropDown(r *router) *dropDown {
	d := &dropDown{r: r}
	d.ExtendBaseWidget(d)
	return d
}

func (d *dropDown) TypedKey(ev *fyne.KeyEvent) { d.r.pass(ev, d.Select.TypedKey) }

// rows is a list that lets the window's keys through.
type rows struct {
	widget.List
	r *router
}

func newRows(r *router, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *rows {
	l := &rows{r: r}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *rows) TypedKey(ev *fyne.KeyEvent) { l.r.pass(ev, l.List.TypedKey) }
