package kiosk

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

// showPIN asks for the technician PIN. Without a PIN set at install there
// is no way in: the page says so instead of offering a default.
func (k *Kiosk) showPIN() {
	if k.cfg.PIN == "" {
		k.show("pin", k.tr("tech.title"), container.NewVBox(k.message(k.tr("tech.nopin"), true)), nil)
		return
	}
	typed := widget.NewLabel("")
	typed.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	pad := touch.NewKeypad(touch.Digits, app.MaxPINLength, func(s string) {
		typed.SetText(k.tr("tech.pin") + " " + strings.Repeat("●", len(s)))
	})
	pad.OnKey = k.touched
	k.pinPad = pad
	typed.SetText(k.tr("tech.pin"))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	open := k.button(k.tr("tech.open"), func() {
		if k.pins.Try(k.cfg.PIN, pad.Text()) {
			k.log.Info("technician page opened")
			k.showStatus()
			return
		}
		k.log.Warn("wrong technician PIN")
		pad.SetText("")
		typed.SetText(k.tr("tech.pin"))
		if k.pins.Locked() {
			msg.SetText(k.tr("tech.locked"))
		} else {
			msg.SetText(k.tr("tech.wrong"))
		}
	})
	open.Importance = widget.HighImportance
	k.show("pin", k.tr("tech.title"), container.NewBorder(typed, container.NewVBox(msg, open), nil, nil, pad), nil)
}

// reportTimeout bounds one run of the doctor's checks from the page: the
// hub and central are asked over the network, each with its own timeout.
const reportTimeout = 30 * time.Second

// statusPage is what the technician page shows: the doctor's report, when
// the kiosk was given a way to make it, and the devices' own words.
type statusPage struct {
	report *health.Report
	lines  []string
}

// showStatus is the technician's status page: the same report as
// `onewindow doctor` (each check with its verdict and, when it is not
// well, the next step), then each device, the hub and the link to central
// as the kiosk's own drivers see them this moment.
func (k *Kiosk) showStatus() {
	rows := container.NewVBox(text(k.tr("tech.checking")))
	k.show("status", k.tr("tech.title"), container.NewVScroll(rows), nil)
	words := k.w
	async(k, func(ctx context.Context) statusPage {
		var p statusPage
		if k.cfg.Health != nil {
			// Longer than a device call: the report asks the hub and
			// central too.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
			r := k.cfg.Health(rctx)
			cancel()
			p.report = &r
		}
		p.lines = k.statusLines(ctx, words)
		return p
	}, func(p statusPage) {
		rows.Objects = nil
		if p.report != nil {
			rows.Add(k.reportView(*p.report))
			rows.Add(widget.NewSeparator())
			rows.Add(bold(k.tr("tech.live")))
		}
		for _, l := range p.lines {
			rows.Add(text(l))
		}
		test := k.button(k.tr("tech.testpage"), func() {
			async(k, func(ctx context.Context) error {
				if k.cfg.Printer == nil {
					return app.ErrNotConfigured
				}
				return k.cfg.Printer.PrintDocument(ctx, app.DocumentPrint{HallName: k.svc.HallName().Zh,
					Title: "测试页 Test page", Lines: []string{"终端 " + k.svc.Terminal()}, Printed: k.clock.Now().In(app.HallZone)})
			}, func(err error) { k.showStatus() })
		})
		syncNow := k.button(k.tr("tech.sync"), func() {
			rows.Add(text(k.tr("tech.syncing")))
			async(k, func(ctx context.Context) error {
				if k.cfg.Syncer == nil {
					return app.ErrNotConfigured
				}
				return k.cfg.Syncer.SyncNow(ctx)
			}, func(err error) { k.showStatus() })
		})
		rows.Add(container.NewGridWithColumns(3, test, syncNow, k.button(k.tr("tech.refresh"), k.showStatus)))
		rows.Refresh()
	})
}

// reportView draws a doctor's report for a technician standing at the
// kiosk: a line that sums it up, then each check with its verdict in a
// coloured box (in the kiosk's language: 正常, 警告, 失败, 跳过; in English the words doctor prints), what was
// found, and the next step under each that is not well.
func (k *Kiosk) reportView(r health.Report) fyne.CanvasObject {
	head := "onewindow doctor"
	if r.Terminal != "" {
		head += " — " + r.Terminal
	}
	head += " — " + r.At.In(app.HallZone).Format(time.DateTime)
	summary := bold(k.tr("tech.report.summary", r.Count(health.Fail), r.Count(health.Warn), r.Count(health.OK), r.Count(health.Skip)))
	if r.Failed() {
		summary.Importance = widget.DangerImportance
	}
	box := container.NewVBox(text(head), summary)
	for _, c := range r.Checks {
		box.Add(k.checkRow(c))
	}
	return box
}

// checkRow is one check of a report.
func (k *Kiosk) checkRow(c health.Check) fyne.CanvasObject {
	fill, ink := k.theme.Color(theme.ColorNameLightGreen, 0), color.Color(color.White)
	switch c.Verdict {
	case health.Fail:
		fill = k.theme.Color(fynetheme.ColorNameError, 0)
	case health.Warn:
		fill, ink = k.theme.Color(theme.ColorNameLightYellow, 0), k.theme.Color(fynetheme.ColorNameForeground, 0)
	case health.Skip:
		fill, ink = color.Gray{0xDD}, k.theme.Color(fynetheme.ColorNameForeground, 0)
	}
	word := canvas.NewText(k.verdictWord(c.Verdict), ink)
	word.TextStyle = fyne.TextStyle{Bold: true}
	word.Alignment = fyne.TextAlignCenter
	badge := container.NewStack(canvas.NewRectangle(fill), container.NewCenter(word))
	verdict := container.NewVBox(container.NewGridWrap(fyne.NewSize(96, 40), badge))

	// One rich text per check: its lines sit closer together than labels
	// would, so a report of a dozen checks fits a kiosk's screen.
	block := func(s string, bold bool, colour fyne.ThemeColorName) *widget.TextSegment {
		return &widget.TextSegment{Text: s, Style: widget.RichTextStyle{
			TextStyle: fyne.TextStyle{Bold: bold}, ColorName: colour, SizeName: fynetheme.SizeNameText}}
	}
	segs := []widget.RichTextSegment{block(k.checkName(c.Name), true, fynetheme.ColorNameForeground), block(c.Detail, false, fynetheme.ColorNameForeground)}
	if c.Next != "" && c.Verdict != health.OK {
		colour := fynetheme.ColorNameForeground
		if c.Verdict == health.Fail {
			colour = fynetheme.ColorNameError
		}
		segs = append(segs, block(k.tr("tech.next")+c.Next, true, colour))
	}
	lines := widget.NewRichText(segs...)
	lines.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, verdict, nil, lines)
}

// statusLines asks every device and service how it is, in w (the words of
// the page that asked: this runs off the UI goroutine). Nothing here may
// show personal data: a card on the reader is only "a card is present".
func (k *Kiosk) statusLines(ctx context.Context, w *theme.Words) []string {
	var out []string
	add := func(what, state string) { out = append(out, what+": "+state) }
	add(w.L("tech.terminal"), k.svc.Terminal())

	if k.cfg.Printer == nil {
		add(w.L("tech.printer"), w.L("tech.none"))
	} else if st, err := k.cfg.Printer.Status(ctx); err != nil {
		add(w.L("tech.printer"), err.Error())
	} else {
		add(w.L("tech.printer"), st.String())
	}

	if k.cfg.Reader == nil {
		add(w.L("tech.reader"), w.L("tech.none"))
	} else {
		_, err := k.cfg.Reader.Read(ctx)
		switch {
		case err == nil:
			add(w.L("tech.reader"), "ready, a card is present")
		case errors.Is(err, app.ErrNoCard):
			add(w.L("tech.reader"), "ready, no card")
		default:
			add(w.L("tech.reader"), err.Error())
		}
	}

	if k.cfg.Scanner == nil {
		add(w.L("tech.scanner"), w.L("tech.none"))
	} else {
		add(w.L("tech.scanner"), "configured")
	}

	if !k.svc.HasQueue() {
		add(w.L("tech.hub"), w.L("tech.none"))
	} else if st, err := k.svc.Waiting(ctx); err != nil {
		add(w.L("tech.hub"), err.Error())
	} else {
		waiting := 0
		for _, c := range st.Categories {
			waiting += c.Waiting
		}
		add(w.L("tech.hub"), fmt.Sprintf("ok, %d waiting", waiting))
	}

	if k.cfg.Syncer == nil {
		add(w.L("tech.central"), w.L("tech.none"))
	} else {
		s := k.cfg.Syncer.Status()
		state := "offline"
		if s.Online {
			state = "online"
		}
		if !s.Enrolled {
			state += ", not enrolled"
		}
		state += fmt.Sprintf(", %d waiting to send, %d rejected", s.Pending, s.Rejected)
		if !s.LastSuccess.IsZero() {
			state += ", last sync " + s.LastSuccess.In(app.HallZone).Format(time.DateTime)
		}
		if s.LastError != "" {
			state += ", last error: " + s.LastError
		}
		add(w.L("tech.central"), state)
	}
	return out
}
