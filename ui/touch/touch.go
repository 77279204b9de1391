// Package touch holds the widgets a touch screen needs beyond Fyne's own:
// a button that never shrinks below a finger's target, and on-screen
// keypads for digits and Latin letters (Fyne has no on-screen keyboard on
// the desktop, and its Chinese input does not work on Linux, so the kiosk's
// few typed fields are digits and letters).
//
// Widgets here hold no rule of the hall; screens give them callbacks.
package touch

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/ui/theme"
)

// Button is a widget.Button whose both sides are at least the theme's
// target size (theme.SizeNameTarget: 60 px at scale 1 in touch mode).
type Button struct {
	widget.Button
}

// NewButton makes a button with a label and a tap handler.
func NewButton(label string, tapped func()) *Button {
	b := &Button{}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// NewPrimaryButton makes a button drawn in the primary colour: the one
// action a screen is about.
func NewPrimaryButton(label string, tapped func()) *Button {
	b := NewButton(label, tapped)
	b.Importance = widget.HighImportance
	return b
}

// MinSize is the label's size, grown to the target size on each side.
func (b *Button) MinSize() fyne.Size {
	b.ExtendBaseWidget(b)
	min := b.Button.MinSize()
	t := b.Theme().Size(theme.SizeNameTarget)
	return fyne.NewSize(max(min.Width, t), max(min.Height, t))
}

// Keypad layouts.
var (
	// Digits is a telephone keypad with delete.
	Digits = [][]string{{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {Delete, "0", Clear}}
	// Letters is a QWERTY keyboard with digits above, for pinyin initials,
	// ticket numbers and case numbers.
	Letters = [][]string{
		{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"},
		{"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"},
		{"A", "S", "D", "F", "G", "H", "J", "K", "L", "-"},
		{"Z", "X", "C", "V", "B", "N", "M", Delete, Clear},
	}
)

// Special keys. Their labels are characters the embedded font has (it
// has no ⌫ or ✕): an arrow, and 清除 "clear", which the kiosk's English
// users learn from the keys' colour and place.
const (
	Delete = "←"
	Clear  = "清除"
)

// Keypad is an on-screen keypad that edits a string of at most Max
// characters and reports every change.
type Keypad struct {
	widget.BaseWidget
	Max      int
	OnChange func(text string)
	// OnKey, if set, is told of every key before it takes effect, so a
	// screen can count it as activity (the kiosk's idle timer).
	OnKey func()

	text    string
	keys    map[string]*Button
	content *fyne.Container
}

// NewKeypad makes a keypad with the given rows of keys.
func NewKeypad(rows [][]string, maxLen int, onChange func(string)) *Keypad {
	k := &Keypad{Max: maxLen, OnChange: onChange, keys: map[string]*Button{}}
	var lines []fyne.CanvasObject
	for _, row := range rows {
		var cells []fyne.CanvasObject
		for _, key := range row {
			b := NewButton(key, func() { k.Press(key) })
			if key == Delete || key == Clear {
				b.Importance = widget.WarningImportance
			}
			k.keys[key] = b
			cells = append(cells, b)
		}
		lines = append(lines, container.NewGridWithColumns(len(row), cells...))
	}
	k.content = container.NewVBox(lines...)
	k.ExtendBaseWidget(k)
	return k
}

// Key returns the button of a key, for tests and for screens that tap it.
func (k *Keypad) Key(label string) *Button { return k.keys[label] }

// Text is what has been typed.
func (k *Keypad) Text() string { return k.text }

// SetText replaces what has been typed, without calling OnChange.
func (k *Keypad) SetText(s string) { k.text = s }

// Press acts as if key was tapped.
func (k *Keypad) Press(key string) {
	if k.OnKey != nil {
		k.OnKey()
	}
	r := []rune(k.text)
	switch key {
	case Delete:
		if len(r) == 0 {
			return
		}
		r = r[:len(r)-1]
	case Clear:
		if len(r) == 0 {
			return
		}
		r = nil
	default:
		if k.Max > 0 && len(r) >= k.Max {
			return
		}
		r = append(r, []rune(key)...)
	}
	k.text = string(r)
	if k.OnChange != nil {
		k.OnChange(k.text)
	}
}

// CreateRenderer draws the keys.
func (k *Keypad) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(k.content) }
