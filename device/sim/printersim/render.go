package printersim

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"sync"

	"github.com/skip2/go-qrcode"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"onewindow/device/escpos"
)

// FontPackage is the Debian package that ships the default CJK font: a
// single-face TTF covering GBK, unlike the .ttc collections of other
// packages.
const FontPackage = "fonts-droid-fallback"

// FontEnv names an environment variable that points at another CJK
// TrueType or OpenType font (one face, not a .ttc collection).
const FontEnv = "ONEWINDOW_SIM_FONT"

// FontCandidates are where the CJK font is looked for, in order.
func FontCandidates() []string {
	var c []string
	if p := os.Getenv(FontEnv); p != "" {
		c = append(c, p)
	}
	return append(c,
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf",
	)
}

// ErrNoFont says no CJK font was found; its message names the package.
var ErrNoFont = errors.New("printer simulator: no CJK font")

// Renderer draws printed pages. Half-width characters use Go Mono, as a
// printer's Font A is monospaced; everything else the CJK font, each in a
// fixed cell as the printer's 24-dot font puts it.
type Renderer struct {
	cjk, latin *opentype.Font

	mu    sync.Mutex
	faces map[faceKey]font.Face
}

type faceKey struct {
	latin bool
	px    int
}

// NewRenderer loads the CJK font from path, or from the first of
// FontCandidates that exists when path is empty.
func NewRenderer(path string) (*Renderer, error) {
	paths := FontCandidates()
	if path != "" {
		paths = []string{path}
	}
	var data []byte
	var tried []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil {
			data = b
			break
		}
		tried = append(tried, p)
	}
	if data == nil {
		return nil, fmt.Errorf("%w: none of %v exists; install the Debian package %s (apt-get install %s) or set %s to a single-face CJK .ttf/.otf",
			ErrNoFont, tried, FontPackage, FontPackage, FontEnv)
	}
	cjk, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (a .ttc collection will not do; use a single-face .ttf or .otf)", ErrNoFont, err)
	}
	latin, err := opentype.Parse(gomono.TTF)
	if err != nil {
		return nil, err
	}
	return &Renderer{cjk: cjk, latin: latin, faces: map[faceKey]font.Face{}}, nil
}

func (r *Renderer) face(latin bool, px int) (font.Face, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := faceKey{latin, px}
	if f, ok := r.faces[k]; ok {
		return f, nil
	}
	f := r.cjk
	size := float64(px) * 0.92
	if latin {
		f = r.latin
		size = float64(px) * 0.9
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	r.faces[k] = face
	return face, nil
}

// Dot sizes of the printer's fonts and lines.
const (
	cellH        = 24 // a character's height at size 1
	lineGap      = 6  // spacing below a line of text
	blankLine    = 30 // a line feed with nothing on the line
	pageMargin   = 16 // white paper above and below the print
	inkWhite     = 0xFF
	inkBlack     = 0x00
	inkThreshold = 0x80
)

// block is one printed element of a page.
type block interface {
	height() int
	draw(r *Renderer, img *image.Gray, y, width int) error
}

type segment struct {
	text string
	w, h int
	bold bool
}

type textLine struct {
	align int
	segs  []segment
}

func (l textLine) height() int {
	h := 1
	for _, s := range l.segs {
		h = max(h, s.h)
	}
	return h*cellH + lineGap
}

func cellWidth(r rune, w int) int {
	if r < 0x80 {
		return 12 * w
	}
	return 24 * w
}

func (l textLine) width() int {
	n := 0
	for _, s := range l.segs {
		for _, r := range s.text {
			n += cellWidth(r, s.w)
		}
	}
	return n
}

func offset(align, content, width int) int {
	switch align {
	case 1:
		return max(0, (width-content)/2)
	case 2:
		return max(0, width-content)
	}
	return 0
}

func (l textLine) draw(r *Renderer, img *image.Gray, y, width int) error {
	x := offset(l.align, l.width(), width)
	lh := l.height() - lineGap
	for _, s := range l.segs {
		for _, ch := range s.text {
			cw := cellWidth(ch, s.w)
			if ch != ' ' {
				// Characters sit on the line's bottom, as a printer aligns
				// sizes on the baseline.
				if err := r.glyph(img, ch, x, y+lh-s.h*cellH, s.w, s.h, s.bold); err != nil {
					return err
				}
			}
			x += cw
		}
	}
	return nil
}

// glyph draws ch in its cell at x, y, magnified w×h.
func (r *Renderer) glyph(dst *image.Gray, ch rune, x, y, w, h int, bold bool) error {
	latin := ch < 0x80
	px := cellH * h
	face, err := r.face(latin, px)
	if err != nil {
		return err
	}
	natural := cellWidth(ch, h) // the cell at magnification h×h
	cell := image.NewGray(image.Rect(0, 0, natural, px))
	draw.Draw(cell, cell.Bounds(), image.White, image.Point{}, draw.Src)
	m := face.Metrics()
	adv, ok := face.GlyphAdvance(ch)
	if !ok {
		ch = '\uFFFD'
		adv, _ = face.GlyphAdvance(ch)
	}
	gx := fixed.I(natural)/2 - adv/2
	baseline := (fixed.I(px)-(m.Ascent+m.Descent))/2 + m.Ascent
	d := &font.Drawer{Dst: cell, Src: image.Black, Face: face, Dot: fixed.Point26_6{X: gx, Y: baseline}}
	d.DrawString(string(ch))
	if bold {
		d.Dot = fixed.Point26_6{X: gx + fixed.I(max(1, h)), Y: baseline}
		d.DrawString(string(ch))
	}
	target := image.Rect(x, y, x+cellWidth(ch, w), y+px)
	var src image.Image = cell
	if w != h {
		scaled := image.NewGray(image.Rect(0, 0, target.Dx(), target.Dy()))
		xdraw.ApproxBiLinear.Scale(scaled, scaled.Bounds(), cell, cell.Bounds(), xdraw.Src, nil)
		src = scaled
	}
	// Thermal dots are on or off: threshold the antialiased glyph.
	b := src.Bounds()
	for yy := 0; yy < b.Dy(); yy++ {
		for xx := 0; xx < b.Dx(); xx++ {
			if src.(*image.Gray).GrayAt(b.Min.X+xx, b.Min.Y+yy).Y < inkThreshold {
				px := image.Pt(target.Min.X+xx, target.Min.Y+yy)
				if px.In(dst.Bounds()) {
					dst.SetGray(px.X, px.Y, color.Gray{Y: inkBlack})
				}
			}
		}
	}
	return nil
}

type blank struct{ lines int }

func (b blank) height() int                                 { return b.lines * blankLine }
func (b blank) draw(*Renderer, *image.Gray, int, int) error { return nil }

type qrBlock struct {
	align  int
	data   string
	module int
	ecc    int
}

func (q qrBlock) bitmap() ([][]bool, error) {
	level := map[int]qrcode.RecoveryLevel{48: qrcode.Low, 49: qrcode.Medium, 50: qrcode.High, 51: qrcode.Highest}[q.ecc]
	c, err := qrcode.New(q.data, level)
	if err != nil {
		return nil, err
	}
	return c.Bitmap(), nil
}

func (q qrBlock) height() int {
	bm, err := q.bitmap()
	if err != nil {
		return 0
	}
	return len(bm) * q.module
}

func (q qrBlock) draw(_ *Renderer, img *image.Gray, y, width int) error {
	bm, err := q.bitmap()
	if err != nil {
		return err
	}
	x0 := offset(q.align, len(bm)*q.module, width)
	for my, row := range bm {
		for mx, on := range row {
			if on {
				draw.Draw(img, image.Rect(x0+mx*q.module, y+my*q.module, x0+(mx+1)*q.module, y+(my+1)*q.module), image.Black, image.Point{}, draw.Src)
			}
		}
	}
	return nil
}

type rasterBlock struct {
	align int
	r     *escpos.Raster
}

func (b rasterBlock) height() int { return b.r.Height }

func (b rasterBlock) draw(_ *Renderer, img *image.Gray, y, width int) error {
	x0 := offset(b.align, b.r.WidthBytes*8, width)
	for yy := 0; yy < b.r.Height; yy++ {
		for xx := 0; xx < b.r.WidthBytes*8; xx++ {
			if b.r.At(xx, yy) && x0+xx < width {
				img.SetGray(x0+xx, y+yy, color.Gray{Y: inkBlack})
			}
		}
	}
	return nil
}

// render draws blocks on a strip of paper width dots wide.
func (r *Renderer) render(blocks []block, width int) (*image.Gray, error) {
	h := 2 * pageMargin
	for _, b := range blocks {
		h += b.height()
	}
	img := image.NewGray(image.Rect(0, 0, width, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.Gray{Y: inkWhite}), image.Point{}, draw.Src)
	y := pageMargin
	for _, b := range blocks {
		if err := b.draw(r, img, y, width); err != nil {
			return nil, err
		}
		y += b.height()
	}
	return img, nil
}
