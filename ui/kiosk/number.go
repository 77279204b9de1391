package kiosk

import (
	"context"
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"onewindow/app"
	"onewindow/ui/theme"
)

// numberState is what the take-a-number page knows of the citizen: the
// card read (only its age, masked name and keyed hash leave the kiosk)
// and whether they check in for an appointment.
type numberState struct {
	card        *app.IDCard
	appointment bool
	cardMsg     string
	cardBad     bool
	requestID   string // kept across a retry, so a retry cannot issue twice
	category    string
	problem     string
}

// showNumber is the take-a-number page: an optional ID card, then the
// categories; a tap on a category issues and prints the ticket.
func (k *Kiosk) showNumber() {
	st := &numberState{}
	k.drawNumber(st)
	k.prompt(PromptCategory)
}

func (k *Kiosk) drawNumber(st *numberState) {
	var cardLine fyne.CanvasObject
	switch {
	case st.card != nil:
		age := st.card.Number.AgeOn(k.cfg.Clock.Now())
		line := fmt.Sprintf(theme.L("number.card.read"), app.MaskName(st.card.Name))
		if k.cfg.Rules.PriorityFor(app.NoPriority, age) == app.Elderly {
			line += " " + theme.L("number.card.elderly")
		}
		cardLine = k.message(line, false)
	case st.cardMsg != "":
		cardLine = k.message(st.cardMsg, st.cardBad)
	default:
		cardLine = text(theme.L("number.card.hint"))
	}
	read := k.button(theme.L("number.card.button"), func() {
		st.cardMsg, st.cardBad = theme.L("number.card.reading"), false
		k.drawNumber(st)
		k.readCard(func(c app.IDCard, err error) { k.numberCard(st, c, err) })
	})
	appt := k.button(theme.L("number.appointment.off"), func() {
		if st.card == nil {
			st.cardMsg, st.cardBad = theme.L("number.appointment.needcard"), true
		} else {
			st.appointment = !st.appointment
		}
		k.drawNumber(st)
	})
	if st.appointment {
		appt.SetText(theme.L("number.appointment.on"))
		appt.Importance = widget.HighImportance
	}

	status := k.queueStatus()
	waiting := map[string]app.CategoryStatus{}
	for _, c := range status.Categories {
		waiting[c.Prefix] = c
	}
	var cats []fyne.CanvasObject
	for _, c := range k.catalog.Categories {
		label := fmt.Sprintf("%s  %s", c.Prefix, theme.Pick(c.Name))
		if w, ok := waiting[c.Prefix]; ok {
			label += "\n" + fmt.Sprintf(theme.L("number.category.waiting"), w.Waiting, minutes(w.Wait))
		}
		prefix := c.Prefix
		b := k.button(label, func() { k.issue(st, prefix) })
		if w, ok := waiting[c.Prefix]; ok && !w.Open {
			b.SetText(fmt.Sprintf("%s  %s\n%s", c.Prefix, theme.Pick(c.Name), theme.L("number.category.closed")))
			b.Disable()
		}
		cats = append(cats, b)
	}
	var msg fyne.CanvasObject
	if st.problem != "" {
		msg = k.message(st.problem, true)
	}
	body := container.NewBorder(
		container.NewVBox(cardLine, container.NewGridWithColumns(2, read, appt), bold(theme.L("number.choose"))),
		nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, cats...)))
	k.show("number", theme.L("number.title"), body, msg)
	k.onCard = func(c app.IDCard, err error) { k.numberCard(st, c, err) }
}

func (k *Kiosk) numberCard(st *numberState, c app.IDCard, err error) {
	if err != nil {
		st.card, st.appointment = nil, false
		st.cardMsg, st.cardBad = cardProblem(err), true
	} else {
		st.card, st.cardMsg = &c, ""
	}
	k.drawNumber(st)
}

// issue takes a number in category for the citizen and prints it.
func (k *Kiosk) issue(st *numberState, category string) {
	if k.cfg.Queue == nil {
		st.problem = problemText(app.ProblemNotSetUp)
		k.drawNumber(st)
		return
	}
	if st.requestID == "" || st.category != category {
		st.requestID = app.NewID()
		st.category = category
	}
	req := app.IssueRequest{RequestID: st.requestID, Category: category}
	if st.card != nil {
		req.Age = st.card.Number.AgeOn(k.cfg.Clock.Now())
		req.Who = app.MaskName(st.card.Name)
		req.WhoKey = app.WhoKey(k.cfg.HallKey, st.card.Number)
		if st.appointment {
			req.Claim = app.Appointment
		}
	}
	type result struct {
		t   app.Ticket
		err error
	}
	async(k, func(ctx context.Context) result {
		t, err := k.cfg.Queue.Issue(ctx, req)
		return result{t, err}
	}, func(r result) {
		if r.err != nil {
			k.log.Warn("take a number failed", "category", category, "err", r.err)
			st.problem = problemText(app.QueueProblem(r.err))
			k.drawNumber(st)
			return
		}
		k.showTicket(r.t)
	})
}

// showTicket shows the number large with its QR code, and prints it. The
// number stays on screen whatever the printer does: when it fails, the
// citizen photographs the screen.
func (k *Kiosk) showTicket(t app.Ticket) {
	cat, _ := k.catalog.Category(t.Category)
	status := widget.NewLabel(theme.L("ticket.printing"))
	status.Wrapping = fyne.TextWrapWord
	status.TextStyle = fyne.TextStyle{Bold: true}
	// The print starts before the page is drawn: drawing (the QR code, the
	// layout) takes longer than sending the ticket, and the citizen waits
	// for the paper, not for the screen.
	k.printTicket(t, cat, status)
	k.drawTicket(t, cat, status)
	k.prompt(PromptTicket)
}

// printTicket prints the ticket and then says on the status line whether
// it came out, and what to do when it did not.
func (k *Kiosk) printTicket(t app.Ticket, cat app.Category, status *widget.Label) {
	if k.cfg.Printer == nil {
		k.printFailed(status, app.ProblemNotSetUp)
		return
	}
	tp := app.TicketPrint{
		HallName: k.cfg.HallName.Zh, Number: t.Code, Category: cat.Name.Zh,
		Ahead: t.Ahead, EstimatedWait: t.Wait, Issued: t.Issued.In(app.HallZone), // the hall's time on paper, whatever the zone the hub sent
		QRPayload: app.TicketQR(t), Footer: "请留意叫号，过号请到服务台重新排队",
	}
	async(k, func(ctx context.Context) app.KioskProblem {
		err := k.cfg.Printer.PrintTicket(ctx, tp)
		if err == nil {
			return app.ProblemNone
		}
		k.log.Warn("ticket print failed", "ticket", t.Code, "err", err)
		ps, serr := k.cfg.Printer.Status(ctx)
		return app.PrintProblem(ps, serr)
	}, func(p app.KioskProblem) {
		if p == app.ProblemNone {
			k.setStatus(status, theme.L("ticket.printed"))
			return
		}
		k.printFailed(status, p)
	})
}

// setStatus changes a status line and lays the page out again: a wrapped
// line that grows must push the buttons down, not be cut off.
func (k *Kiosk) setStatus(status *widget.Label, text string) {
	status.SetText(text)
	k.refresh()
}

func (k *Kiosk) printFailed(status *widget.Label, p app.KioskProblem) {
	status.Importance = widget.DangerImportance
	sep := " "
	if theme.CurrentLanguage() == theme.Chinese {
		sep = ""
	}
	k.setStatus(status, problemText(p)+sep+theme.L("ticket.photograph"))
}

func (k *Kiosk) drawTicket(t app.Ticket, cat app.Category, status *widget.Label) {
	centred := func(s string, bold bool) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignCenter, fyne.TextStyle{Bold: bold})
	}
	info := container.NewVBox(
		container.NewCenter(k.hero(t.Code, k.theme.Size(theme.SizeNameHero))),
		centred(theme.Pick(cat.Name), true),
		centred(fmt.Sprintf(theme.L("ticket.ahead"), t.Ahead, minutes(t.Wait)), false),
	)
	if t.Priority != app.NoPriority {
		info.Add(centred(theme.L("priority."+string(t.Priority)), true))
	}
	qr := qrImage(app.TicketQR(t), 260)
	done := k.button(theme.L("ticket.done"), func() { k.Home() })
	done.Importance = widget.HighImportance
	body := container.NewBorder(nil, container.NewVBox(status, done), nil, nil,
		container.NewGridWithColumns(2, info, container.NewCenter(qr)))
	k.show("ticket", theme.L("ticket.title"), body, nil)
}

// qrImage draws payload as a QR code of side px.
func qrImage(payload string, px float32) fyne.CanvasObject {
	q, err := qrcode.New(payload, qrcode.Medium)
	var img image.Image
	if err == nil {
		img = q.Image(256)
	} else {
		img = image.NewGray(image.Rect(0, 0, 1, 1))
	}
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillContain
	c.ScaleMode = canvas.ImageScalePixels
	c.SetMinSize(fyne.NewSize(px, px))
	return c
}

// minutes rounds a wait up to whole minutes, at least one.
func minutes(d time.Duration) int {
	m := int((d + time.Minute - 1) / time.Minute)
	return max(m, 1)
}
