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
	"onewindow/app/selfservice"
	"onewindow/ui/theme"
)

// numberState is the take-a-number page: the use case's number in the
// making (the card read, of which only the age, masked name and keyed hash
// leave the kiosk) and what the page says. A booking is checked in on its
// own page (booking.go), which the page leads to.
type numberState struct {
	n       *selfservice.Number
	cardMsg string
	cardBad bool
	problem string
}

// showNumber is the take-a-number page: an optional ID card, then the
// categories; a tap on a category issues and prints the ticket.
func (k *Kiosk) showNumber() {
	st := &numberState{n: k.svc.TakeNumber()}
	k.drawNumber(st)
	k.prompt(PromptCategory)
}

func (k *Kiosk) drawNumber(st *numberState) {
	var cardLine fyne.CanvasObject
	switch v := st.n.Visitor(); {
	case v != nil:
		line := k.tr("number.card.read", v.Name)
		if v.Elderly {
			line += " " + k.tr("number.card.elderly")
		}
		cardLine = k.message(line, false)
	case st.cardMsg != "":
		cardLine = k.message(st.cardMsg, st.cardBad)
	case k.svc.OffersBookings(context.Background()):
		cardLine = text(k.tr("number.card.hint") + k.tr("number.checkin.hint"))
	default:
		cardLine = text(k.tr("number.card.hint"))
	}
	read := k.button(k.tr("number.card.button"), func() {
		st.cardMsg, st.cardBad = k.tr("number.card.reading"), false
		k.drawNumber(st)
		k.readCard(func(c app.IDCard, err error) { k.numberCard(st, c, err) })
	})
	buttons := container.NewGridWithColumns(1, read)
	if k.svc.OffersBookings(context.Background()) { // 预约签到 (booking.go)
		buttons = container.NewGridWithColumns(2, read, k.button(k.tr("number.checkin"), k.showCheckIn))
	}

	status := k.queueStatus()
	waiting := map[string]app.CategoryStatus{}
	for _, c := range status.Categories {
		waiting[c.Prefix] = c
	}
	var cats []fyne.CanvasObject
	for _, c := range k.svc.Categories() {
		label := fmt.Sprintf("%s  %s", c.Prefix, k.pick(c.Name))
		if w, ok := waiting[c.Prefix]; ok {
			label += "\n" + k.tr("number.category.waiting", w.Waiting, minutes(w.Wait))
		}
		prefix := c.Prefix
		b := k.button(label, func() { k.issue(st, prefix) })
		if w, ok := waiting[c.Prefix]; ok && !w.Open {
			b.SetText(fmt.Sprintf("%s  %s\n%s", c.Prefix, k.pick(c.Name), k.tr("number.category.closed")))
			b.Disable()
		}
		cats = append(cats, b)
	}
	var msg fyne.CanvasObject
	if st.problem != "" {
		msg = k.message(st.problem, true)
	}
	body := container.NewBorder(
		container.NewVBox(cardLine, buttons, bold(k.tr("number.choose"))),
		nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, cats...)))
	k.show("number", k.tr("number.title"), body, msg)
	k.takeCards(func(c app.IDCard, err error) { k.numberCard(st, c, err) })
}

func (k *Kiosk) numberCard(st *numberState, c app.IDCard, err error) {
	if err != nil {
		st.n.ForgetCard()
		st.cardMsg, st.cardBad = k.cardProblem(err), true
	} else {
		st.n.Card(c)
		st.cardMsg = ""
	}
	k.drawNumber(st)
}

// issue takes a number in category for the citizen and prints it.
func (k *Kiosk) issue(st *numberState, category string) {
	req := st.n.Request(category)
	type result struct {
		t selfservice.Issued
		p app.KioskProblem
	}
	async(k, func(ctx context.Context) result {
		t, p := k.svc.Issue(ctx, req)
		return result{t, p}
	}, func(r result) {
		if r.p != app.ProblemNone {
			st.problem = k.problemText(r.p)
			k.drawNumber(st)
			return
		}
		k.showTicket(r.t)
	})
}

// showTicket shows the number large with its QR code, and prints it. The
// number stays on screen whatever the printer does: when it fails, the
// citizen photographs the screen.
func (k *Kiosk) showTicket(t selfservice.Issued) {
	status := widget.NewLabel(k.tr("ticket.printing"))
	status.Wrapping = fyne.TextWrapWord
	status.TextStyle = fyne.TextStyle{Bold: true}
	// The print starts before the page is drawn: drawing (the QR code, the
	// layout) takes longer than sending the ticket, and the citizen waits
	// for the paper, not for the screen.
	k.print(t.Paper, status, "ticket.printed")
	k.drawTicket(t, status)
	k.prompt(PromptTicket)
}

// print prints paper and then says on the status line whether it came
// out (the words under done), and what to do when it did not.
func (k *Kiosk) print(paper selfservice.Paper, status *widget.Label, done string) {
	async(k, func(ctx context.Context) app.KioskProblem {
		return k.svc.Print(ctx, k.cfg.Printer, paper)
	}, func(p app.KioskProblem) {
		if p == app.ProblemNone {
			k.setStatus(status, k.tr(done))
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
	if k.w.Language() == theme.Chinese {
		sep = ""
	}
	k.setStatus(status, k.problemText(p)+sep+k.tr("ticket.photograph"))
}

func (k *Kiosk) drawTicket(issued selfservice.Issued, status *widget.Label) {
	t := issued.Ticket
	centred := func(s string, bold bool) *widget.Label {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignCenter, fyne.TextStyle{Bold: bold})
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	info := container.NewVBox(
		container.NewCenter(k.hero(t.Code, k.theme.Size(theme.SizeNameHero))),
		centred(k.pick(issued.Category.Name), true),
		centred(k.tr("ticket.ahead", t.Ahead, minutes(t.Wait)), false),
	)
	if t.Priority != app.NoPriority {
		info.Add(centred(k.tr("priority."+string(t.Priority)), true))
	}
	qr := qrImage(issued.QR, 260)
	done := k.button(k.tr("ticket.done"), func() { k.Home() })
	done.Importance = widget.HighImportance
	body := container.NewBorder(nil, container.NewVBox(status, done), nil, nil,
		container.NewGridWithColumns(2, info, container.NewCenter(qr)))
	k.show("ticket", k.tr("ticket.title"), body, nil)
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
