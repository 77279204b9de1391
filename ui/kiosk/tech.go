package kiosk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/ui/touch"
)

// showPIN asks for the technician PIN. Without a PIN set at install there
// is no way in: the page says so instead of offering a default.
func (k *Kiosk) showPIN() {
	if k.cfg.PIN == "" {
		k.show("pin", lang.L("tech.title"), container.NewVBox(k.message(lang.L("tech.nopin"), true)), nil)
		return
	}
	typed := widget.NewLabel("")
	typed.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	pad := touch.NewKeypad(touch.Digits, app.MaxPINLength, func(s string) {
		typed.SetText(lang.L("tech.pin") + " " + strings.Repeat("●", len(s)))
	})
	pad.OnKey = k.touched
	k.pinPad = pad
	typed.SetText(lang.L("tech.pin"))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	open := k.button(lang.L("tech.open"), func() {
		if k.pins.Try(k.cfg.PIN, pad.Text()) {
			k.log.Info("technician page opened")
			k.showStatus()
			return
		}
		k.log.Warn("wrong technician PIN")
		pad.SetText("")
		typed.SetText(lang.L("tech.pin"))
		if k.pins.Locked() {
			msg.SetText(lang.L("tech.locked"))
		} else {
			msg.SetText(lang.L("tech.wrong"))
		}
	})
	open.Importance = widget.HighImportance
	k.show("pin", lang.L("tech.title"), container.NewBorder(typed, container.NewVBox(msg, open), nil, nil, pad), nil)
}

// showStatus is the technician's status page: each device, the hub and
// the link to central, in the technician's words.
func (k *Kiosk) showStatus() {
	rows := container.NewVBox(text(lang.L("tech.checking")))
	k.show("status", lang.L("tech.title"), container.NewVScroll(rows), nil)
	async(k, k.statusLines, func(lines []string) {
		rows.Objects = nil
		for _, l := range lines {
			rows.Add(text(l))
		}
		test := k.button(lang.L("tech.testpage"), func() {
			async(k, func(ctx context.Context) error {
				if k.cfg.Printer == nil {
					return app.ErrNotConfigured
				}
				return k.cfg.Printer.PrintDocument(ctx, app.DocumentPrint{HallName: k.cfg.HallName.Zh,
					Title: "测试页 Test page", Lines: []string{"终端 " + k.cfg.Terminal}, Printed: k.cfg.Clock.Now().In(app.HallZone)})
			}, func(err error) { k.showStatus() })
		})
		syncNow := k.button(lang.L("tech.sync"), func() {
			rows.Add(text(lang.L("tech.syncing")))
			async(k, func(ctx context.Context) error {
				if k.cfg.Syncer == nil {
					return app.ErrNotConfigured
				}
				return k.cfg.Syncer.SyncNow(ctx)
			}, func(err error) { k.showStatus() })
		})
		rows.Add(container.NewGridWithColumns(3, test, syncNow, k.button(lang.L("tech.refresh"), k.showStatus)))
	})
}

// statusLines asks every device and service how it is. Nothing here may
// show personal data: a card on the reader is only "a card is present".
func (k *Kiosk) statusLines(ctx context.Context) []string {
	var out []string
	add := func(what, state string) { out = append(out, what+": "+state) }
	add(lang.L("tech.terminal"), k.cfg.Terminal)

	if k.cfg.Printer == nil {
		add(lang.L("tech.printer"), lang.L("tech.none"))
	} else if st, err := k.cfg.Printer.Status(ctx); err != nil {
		add(lang.L("tech.printer"), err.Error())
	} else {
		add(lang.L("tech.printer"), st.String())
	}

	if k.cfg.Reader == nil {
		add(lang.L("tech.reader"), lang.L("tech.none"))
	} else {
		_, err := k.cfg.Reader.Read(ctx)
		switch {
		case err == nil:
			add(lang.L("tech.reader"), "ready, a card is present")
		case errors.Is(err, app.ErrNoCard):
			add(lang.L("tech.reader"), "ready, no card")
		default:
			add(lang.L("tech.reader"), err.Error())
		}
	}

	if k.cfg.Scanner == nil {
		add(lang.L("tech.scanner"), lang.L("tech.none"))
	} else {
		add(lang.L("tech.scanner"), "configured")
	}

	if k.cfg.Queue == nil {
		add(lang.L("tech.hub"), lang.L("tech.none"))
	} else if st, err := k.cfg.Queue.Queue(ctx, 0); err != nil {
		add(lang.L("tech.hub"), err.Error())
	} else {
		waiting := 0
		for _, c := range st.Categories {
			waiting += c.Waiting
		}
		add(lang.L("tech.hub"), fmt.Sprintf("ok, %d waiting", waiting))
	}

	if k.cfg.Syncer == nil {
		add(lang.L("tech.central"), lang.L("tech.none"))
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
		add(lang.L("tech.central"), state)
	}
	return out
}
