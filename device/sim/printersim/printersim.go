// Package printersim simulates an ESC/POS thermal printer on a
// pseudo-terminal: it decodes what the driver sends, answers real-time status
// requests, and renders each cut page to a picture (PNG) — text in a CJK
// font, native QR codes drawn as QR codes, raster images dot for dot — so a
// test or a technician sees exactly what a citizen would have been handed.
// Paper out, paper near end, cover open and running out of paper in the
// middle of a job are set on command; line faults come from its sim.Link.
//
// It is for tests, demos and technicians; it must not be used by a
// production terminal, and its font is never the product's.
package printersim

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/text/encoding/charmap"

	"onewindow/app"
	"onewindow/device/escpos"
	"onewindow/device/sim"
)

// Page is one cut piece of paper.
type Page struct {
	N          int
	Image      *image.Gray
	Lines      []string // the text of each printed line, for tests
	QR         []string // the payloads of the QR codes printed
	Rasters    int      // raster images printed
	Incomplete bool     // paper ran out or the cover opened while printing
	Path       string   // where the PNG was written, if an output folder is set
}

// PNG encodes the page's picture.
func (p *Page) PNG() ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, p.Image); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Sim is a simulated printer.
type Sim struct {
	link  *sim.Link
	log   *slog.Logger
	r     *Renderer
	width int

	mu        sync.Mutex
	state     app.PrinterStatus
	paperLeft int // lines of paper before it runs out; < 0 for a full roll
	outDir    string
	pages     []*Page
	skipped   int

	// printing state, reset by ESC @
	align, sizeW, sizeH int
	bold, chinese       bool
	qrModule, qrECC     int
	qrData              []byte
	line                textLine
	blocks              []block
	text                []string
	qrs                 []string
	rasters             int
	lost                bool
}

// New puts a printer with a paper width of width dots (576 for 80 mm) on
// link. outDir, if not empty, receives a PNG of every page.
func New(link *sim.Link, r *Renderer, width int, outDir string, log *slog.Logger) *Sim {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if width <= 0 {
		width = 576
	}
	s := &Sim{link: link, log: log, r: r, width: width, outDir: outDir, paperLeft: -1}
	s.reset()
	return s
}

// Link is the simulator's pseudo-terminal.
func (s *Sim) Link() *sim.Link { return s.link }

// Pages returns every page printed so far.
func (s *Sim) Pages() []*Page {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Page(nil), s.pages...)
}

// Skipped counts bytes the printer did not understand.
func (s *Sim) Skipped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skipped
}

// State is the printer's condition.
func (s *Sim) State() app.PrinterStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// SetPaperOut empties or refills the paper roll.
func (s *Sim) SetPaperOut(out bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.PaperOut = out
	if !out {
		s.paperLeft = -1
		s.state.PaperNearEnd = false
	}
	s.log.Info("printer paper", "out", out)
}

// SetPaperNearEnd marks the roll nearly used up; the printer still prints.
func (s *Sim) SetPaperNearEnd(near bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.PaperNearEnd = near
	s.log.Info("printer paper near end", "near", near)
}

// SetCoverOpen opens or closes the cover.
func (s *Sim) SetCoverOpen(open bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.CoverOpen = open
	s.log.Info("printer cover", "open", open)
}

// SetError raises or clears a cutter jam.
func (s *Sim) SetError(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.Error = on
	s.log.Info("printer error", "on", on)
}

// PaperOutAfter lets n more lines (or images) print, then runs out of paper.
func (s *Sim) PaperOutAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paperLeft = n
	s.state.PaperNearEnd = true
	s.log.Info("printer paper runs out soon", "lines", n)
}

// Serve prints what the driver sends until the link closes.
func (s *Sim) Serve() error {
	return s.link.Serve(func(buf []byte) int {
		op, used, err := escpos.Parse(buf)
		switch {
		case errors.Is(err, escpos.ErrIncomplete):
			return 0
		case err != nil:
			s.mu.Lock()
			s.skipped += used
			s.mu.Unlock()
		case op.Kind == escpos.OpStatus:
			s.mu.Lock()
			b := escpos.EncodeStatus(op.N, s.state)
			s.mu.Unlock()
			if err := s.link.Reply([]byte{b}); err != nil {
				s.log.Warn("status reply failed", "error", err)
			}
		default:
			if err := s.apply(op); err != nil {
				s.log.Warn("render failed", "error", err)
			}
		}
		return used
	})
}

func (s *Sim) reset() {
	s.align, s.sizeW, s.sizeH = 0, 1, 1
	s.bold, s.chinese = false, true
	s.qrModule, s.qrECC, s.qrData = 3, 48, nil
}

// canPrint uses up a line of paper; false when there is none to print on.
func (s *Sim) canPrint() bool {
	if s.state.PaperOut || s.state.CoverOpen || s.state.Error {
		s.lost = true
		return false
	}
	if s.paperLeft == 0 {
		s.state.PaperOut = true
		s.lost = true
		return false
	}
	if s.paperLeft > 0 {
		s.paperLeft--
	}
	return true
}

func (s *Sim) add(b block) {
	if s.canPrint() {
		s.blocks = append(s.blocks, b)
	}
}

func (s *Sim) endLine(forceBlank bool) {
	if len(s.line.segs) == 0 {
		if forceBlank {
			s.add(blank{lines: 1})
		}
		return
	}
	l := s.line
	s.line = textLine{}
	if s.canPrint() {
		s.blocks = append(s.blocks, l)
		var t strings.Builder
		for _, seg := range l.segs {
			t.WriteString(seg.text)
		}
		s.text = append(s.text, t.String())
	}
}

func (s *Sim) apply(op escpos.Op) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch op.Kind {
	case escpos.OpInit:
		s.reset()
	case escpos.OpChineseOn:
		s.chinese = true
	case escpos.OpChineseOff:
		s.chinese = false
	case escpos.OpAlign:
		s.align = op.N
	case escpos.OpBold:
		s.bold = op.N == 1
	case escpos.OpSize:
		s.sizeW, s.sizeH = op.N>>4&7+1, op.N&7+1
	case escpos.OpPrintMode:
		s.bold = op.N&0x08 != 0
	case escpos.OpText:
		text := op.Text()
		if !s.chinese {
			t, _ := charmap.CodePage437.NewDecoder().Bytes(op.Data)
			text = string(t)
		}
		if len(s.line.segs) == 0 {
			s.line.align = s.align
		}
		s.line.segs = append(s.line.segs, segment{text: text, w: s.sizeW, h: s.sizeH, bold: s.bold})
	case escpos.OpLF:
		s.endLine(true)
	case escpos.OpFeed:
		s.endLine(false)
		if op.N > 0 {
			s.add(blank{lines: op.N})
		}
	case escpos.OpQRModule:
		if op.N >= 1 && op.N <= 16 {
			s.qrModule = op.N
		}
	case escpos.OpQRECC:
		if op.N >= 48 && op.N <= 51 {
			s.qrECC = op.N
		}
	case escpos.OpQRStore:
		s.qrData = op.Data
	case escpos.OpQRPrint:
		s.endLine(false)
		if len(s.qrData) > 0 {
			s.add(qrBlock{align: s.align, data: string(s.qrData), module: s.qrModule, ecc: s.qrECC})
			s.qrs = append(s.qrs, string(s.qrData))
		}
	case escpos.OpRaster:
		s.endLine(false)
		s.add(rasterBlock{align: s.align, r: op.Raster})
		s.rasters++
	case escpos.OpCut:
		s.endLine(false)
		if op.N > 0 {
			s.add(blank{lines: min(op.N, 10)})
		}
		return s.cut()
	}
	return nil
}

func (s *Sim) cut() error {
	blocks, text, qrs, rasters, lost := s.blocks, s.text, s.qrs, s.rasters, s.lost
	s.blocks, s.text, s.qrs, s.rasters, s.lost = nil, nil, nil, 0, false
	if len(text) == 0 && len(qrs) == 0 && rasters == 0 {
		return nil // nothing came out: no page to tear off
	}
	img, err := s.r.render(blocks, s.width)
	if err != nil {
		return err
	}
	p := &Page{N: len(s.pages) + 1, Image: img, Lines: text, QR: qrs, Rasters: rasters, Incomplete: lost}
	if s.outDir != "" {
		p.Path = filepath.Join(s.outDir, fmt.Sprintf("page-%03d.png", p.N))
		data, err := p.PNG()
		if err == nil {
			err = os.WriteFile(p.Path, data, 0o644)
		}
		if err != nil {
			return fmt.Errorf("write page: %w", err)
		}
	}
	s.pages = append(s.pages, p)
	s.log.Info("page printed", "page", p.N, "png", p.Path, "incomplete", lost)
	return nil
}
