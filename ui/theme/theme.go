// Package theme is the look and the language of every onewindow screen: the
// embedded CJK font (regular and really bold), a high-contrast light palette,
// three size modes (Compact for a clerk's keyboard-and-mouse terminal, Touch
// for the kiosk, Large for the kiosk's elderly mode), the minimum touch
// target, and the screens' words in Chinese and English (Words), which
// each screen holds for itself.
//
// It holds no rule of the hall and no screen: screens (ui/kiosk,
// ui/display, ui/window) build on it.
package theme

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"onewindow/assets/fonts"
)

// Mode is how large everything is drawn.
type Mode int

// Modes.
const (
	// Compact is for a clerk's window terminal, worked with keyboard and
	// mouse at arm's length: desktop sizes.
	Compact Mode = iota
	// Touch is the kiosk's normal mode: large text and targets of at least
	// MinTarget pixels for a finger.
	Touch
	// Large is the kiosk's elderly mode (适老化): larger text still, larger
	// targets, and (decided by the kiosk) slower timeouts and voice prompts.
	Large
)

func (m Mode) String() string {
	switch m {
	case Compact:
		return "compact"
	case Touch:
		return "touch"
	case Large:
		return "large"
	}
	return "unknown"
}

// MinTarget is the smallest side of anything a finger must hit on a touch
// screen, in Fyne's device-independent pixels at scale 1.
const MinTarget float32 = 60

// Colour names beyond Fyne's own, for screens that paint state.
const (
	// ColorNameHighlight marks what is newest or most important: the
	// number just called on the hall screen, the ticket number on a kiosk.
	ColorNameHighlight fyne.ThemeColorName = "onewindow-highlight"
	// ColorNameOnHighlight is text drawn on ColorNameHighlight.
	ColorNameOnHighlight fyne.ThemeColorName = "onewindow-on-highlight"
	// ColorNameBand is the background of a header or a panel that sets
	// itself apart from the page (the hall screen's title, a status bar).
	ColorNameBand fyne.ThemeColorName = "onewindow-band"
	// ColorNameOnBand is text drawn on ColorNameBand.
	ColorNameOnBand fyne.ThemeColorName = "onewindow-on-band"
	// The supervision lights (电子监察) of a case.
	ColorNameLightGreen  fyne.ThemeColorName = "onewindow-light-green"
	ColorNameLightYellow fyne.ThemeColorName = "onewindow-light-yellow"
	ColorNameLightRed    fyne.ThemeColorName = "onewindow-light-red"
)

// Size names beyond Fyne's own.
const (
	// SizeNameTarget is the smallest side of a tap or click target.
	SizeNameTarget fyne.ThemeSizeName = "onewindow-target"
	// SizeNameHero is the text size of the one thing a screen is about:
	// the ticket number on the kiosk, a called number on the hall screen.
	SizeNameHero fyne.ThemeSizeName = "onewindow-hero"
)

// palette is the high-contrast light palette. Every text colour has a
// contrast of at least 7:1 (WCAG AAA) on the background it is drawn on.
var palette = map[fyne.ThemeColorName]color.Color{
	fynetheme.ColorNameBackground:          color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	fynetheme.ColorNameForeground:          color.NRGBA{0x11, 0x11, 0x11, 0xFF},
	fynetheme.ColorNameButton:              color.NRGBA{0xE3, 0xEA, 0xF4, 0xFF},
	fynetheme.ColorNameDisabledButton:      color.NRGBA{0xEE, 0xEE, 0xEE, 0xFF},
	fynetheme.ColorNameDisabled:            color.NRGBA{0x59, 0x59, 0x59, 0xFF},
	fynetheme.ColorNamePrimary:             color.NRGBA{0x0A, 0x47, 0x8C, 0xFF},
	fynetheme.ColorNameForegroundOnPrimary: color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	fynetheme.ColorNameError:               color.NRGBA{0xA3, 0x00, 0x1B, 0xFF},
	fynetheme.ColorNameForegroundOnError:   color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	fynetheme.ColorNameSuccess:             color.NRGBA{0x14, 0x5A, 0x1E, 0xFF},
	fynetheme.ColorNameForegroundOnSuccess: color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	fynetheme.ColorNameWarning:             color.NRGBA{0x7A, 0x42, 0x00, 0xFF},
	fynetheme.ColorNameForegroundOnWarning: color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	fynetheme.ColorNameInputBackground:     color.NRGBA{0xF7, 0xF7, 0xF7, 0xFF},
	fynetheme.ColorNameInputBorder:         color.NRGBA{0x44, 0x44, 0x44, 0xFF},
	fynetheme.ColorNamePlaceHolder:         color.NRGBA{0x45, 0x45, 0x45, 0xFF},
	fynetheme.ColorNameFocus:               color.NRGBA{0x0A, 0x47, 0x8C, 0x66},
	fynetheme.ColorNameHover:               color.NRGBA{0x0A, 0x47, 0x8C, 0x22},
	fynetheme.ColorNamePressed:             color.NRGBA{0x0A, 0x47, 0x8C, 0x44},
	fynetheme.ColorNameSelection:           color.NRGBA{0x0A, 0x47, 0x8C, 0x33},
	fynetheme.ColorNameSeparator:           color.NRGBA{0x88, 0x88, 0x88, 0xFF},
	fynetheme.ColorNameHeaderBackground:    color.NRGBA{0xE3, 0xEA, 0xF4, 0xFF},
	fynetheme.ColorNameMenuBackground:      color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	fynetheme.ColorNameOverlayBackground:   color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	fynetheme.ColorNameShadow:              color.NRGBA{0x00, 0x00, 0x00, 0x44},
	fynetheme.ColorNameScrollBar:           color.NRGBA{0x44, 0x44, 0x44, 0xAA},
	fynetheme.ColorNameHyperlink:           color.NRGBA{0x0A, 0x47, 0x8C, 0xFF},
	ColorNameHighlight:                     color.NRGBA{0xA8, 0x0E, 0x0E, 0xFF},
	ColorNameOnHighlight:                   color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	ColorNameBand:                          color.NRGBA{0x0A, 0x47, 0x8C, 0xFF},
	ColorNameOnBand:                        color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	ColorNameLightGreen:                    color.NRGBA{0x14, 0x7A, 0x2E, 0xFF},
	ColorNameLightYellow:                   color.NRGBA{0xE0, 0xA8, 0x00, 0xFF},
	ColorNameLightRed:                      color.NRGBA{0xC6, 0x12, 0x1F, 0xFF},
}

// sizes per mode. Compact is close to Fyne's defaults with a CJK-friendly
// text size; Touch and Large are for fingers and for eyes at a kiosk: in
// Touch no text a citizen reads is under 24 px, in Large (适老化) none
// under 32 px and the headings 40 px and more (ui/kiosk's tests measure
// them on the rendered pages).
var sizes = map[Mode]map[fyne.ThemeSizeName]float32{
	Compact: {
		fynetheme.SizeNameText:               15,
		fynetheme.SizeNameCaptionText:        12,
		fynetheme.SizeNameHeadingText:        24,
		fynetheme.SizeNameSubHeadingText:     18,
		fynetheme.SizeNamePadding:            4,
		fynetheme.SizeNameInnerPadding:       8,
		fynetheme.SizeNameLineSpacing:        4,
		fynetheme.SizeNameInlineIcon:         20,
		fynetheme.SizeNameScrollBar:          12,
		fynetheme.SizeNameSeparatorThickness: 1,
		fynetheme.SizeNameInputBorder:        1,
		fynetheme.SizeNameInputRadius:        4,
		SizeNameTarget:                       32,
		SizeNameHero:                         48,
	},
	Touch: {
		fynetheme.SizeNameText:               24,
		fynetheme.SizeNameCaptionText:        24,
		fynetheme.SizeNameHeadingText:        40,
		fynetheme.SizeNameSubHeadingText:     30,
		fynetheme.SizeNamePadding:            8,
		fynetheme.SizeNameInnerPadding:       14,
		fynetheme.SizeNameLineSpacing:        6,
		fynetheme.SizeNameInlineIcon:         32,
		fynetheme.SizeNameScrollBar:          24,
		fynetheme.SizeNameSeparatorThickness: 2,
		fynetheme.SizeNameInputBorder:        2,
		fynetheme.SizeNameInputRadius:        8,
		SizeNameTarget:                       MinTarget,
		SizeNameHero:                         120,
	},
	Large: {
		fynetheme.SizeNameText:               32,
		fynetheme.SizeNameCaptionText:        32,
		fynetheme.SizeNameHeadingText:        52,
		fynetheme.SizeNameSubHeadingText:     40,
		fynetheme.SizeNamePadding:            10,
		fynetheme.SizeNameInnerPadding:       18,
		fynetheme.SizeNameLineSpacing:        8,
		fynetheme.SizeNameInlineIcon:         40,
		fynetheme.SizeNameScrollBar:          28,
		fynetheme.SizeNameSeparatorThickness: 2,
		fynetheme.SizeNameInputBorder:        3,
		fynetheme.SizeNameInputRadius:        8,
		SizeNameTarget:                       84,
		SizeNameHero:                         150,
	},
}

var (
	regular = fyne.NewStaticResource("NotoSansSC-Regular.otf", fonts.Regular)
	bold    = fyne.NewStaticResource("NotoSansSC-Bold.otf", fonts.Bold)
)

// Theme is onewindow's fyne.Theme. It is always light: a hall is brightly
// lit and a dark kiosk reads worse there. Its mode may change while it is
// in use; call Apply afterwards so every widget redraws.
type Theme struct {
	mu   sync.RWMutex
	mode Mode
}

var _ fyne.Theme = (*Theme)(nil)

// New returns a theme in mode m.
func New(m Mode) *Theme { return &Theme{mode: m} }

// Mode returns the current mode.
func (t *Theme) Mode() Mode {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.mode
}

// SetMode changes the mode. Apply makes the screens redraw with it.
func (t *Theme) SetMode(m Mode) {
	if _, ok := sizes[m]; !ok {
		return
	}
	t.mu.Lock()
	t.mode = m
	t.mu.Unlock()
}

// Apply makes a the app's theme t, or (when it is already) redraws every
// window so a new mode or language shows at once.
func Apply(a fyne.App, t *Theme) { a.Settings().SetTheme(t) }

// Color returns the palette's colour; the variant is ignored (always light).
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := palette[n]; ok {
		return c
	}
	return fynetheme.DefaultTheme().Color(n, fynetheme.VariantLight)
}

// Font returns the embedded CJK font: Bold for bold text, Regular for
// everything else (its Latin letters serve monospace text well enough, and
// Fyne's own monospace font has no Chinese).
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Bold {
		return bold
	}
	return regular
}

// Icon returns Fyne's icon.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return fynetheme.DefaultTheme().Icon(n) }

// Size returns the size for the current mode.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	m := t.Mode()
	if s, ok := sizes[m][n]; ok {
		return s
	}
	return fynetheme.DefaultTheme().Size(n)
}

// RegularFont and BoldFont are the embedded fonts as Fyne resources, for a
// canvas.Text that sets its own style or a printout rendered off screen.
func RegularFont() fyne.Resource { return regular }

// BoldFont is the embedded bold face; see RegularFont.
func BoldFont() fyne.Resource { return bold }
