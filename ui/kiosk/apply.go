package kiosk

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/ui/touch"
)

// showApply lists the items a kiosk may take in by itself.
func (k *Kiosk) showApply() {
	var items []fyne.CanvasObject
	for _, it := range k.svc.SelfServiceItems() {
		it := it
		items = append(items, k.button(k.pick(it.Name), func() {
			k.applyCard(k.svc.Apply(it), "", false)
		}))
	}
	k.show("apply", k.tr("apply.title"), container.NewBorder(bold(k.tr("apply.choose")), nil, nil, nil,
		k.list(items...)), nil)
}

// applyCard waits for the applicant's ID card.
func (k *Kiosk) applyCard(a *selfservice.Application, msg string, problem bool) {
	read := k.button(k.tr("number.card.button"), func() {
		k.applyCard(a, k.tr("number.card.reading"), false)
		k.readCard(func(c app.IDCard, err error) { k.applyCardRead(a, c, err) })
	})
	read.Importance = widget.HighImportance
	body := container.NewVBox(bold(k.pick(a.Item.Name)), text(k.tr("apply.card")), read,
		k.button(k.tr("common.back"), k.showApply))
	var m fyne.CanvasObject
	if msg != "" {
		m = k.message(msg, problem)
	}
	k.show("apply-card", k.tr("apply.title"), body, m)
	k.takeCards(func(c app.IDCard, err error) { k.applyCardRead(a, c, err) })
	k.prompt(PromptCard)
}

func (k *Kiosk) applyCardRead(a *selfservice.Application, c app.IDCard, err error) {
	if err != nil {
		k.applyCard(a, k.cardProblem(err), true)
		return
	}
	a.Card(c)
	k.applyForm(a, "")
}

// applyForm asks for a mobile number on the digit keypad and the materials
// the applicant holds, as a list to tick.
func (k *Kiosk) applyForm(a *selfservice.Application, problem string) {
	phone := widget.NewLabel("")
	phone.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	showPhone := func(p string) { phone.SetText(k.tr("apply.phone") + " " + p + "_") }
	pad := touch.NewKeypad(touch.Digits, 11, func(p string) { a.Phone = p; showPhone(p) })
	pad.OnKey = k.touched
	pad.SetText(a.Phone)
	showPhone(a.Phone)
	k.phonePad = pad

	var mats []fyne.CanvasObject
	for i, line := range a.Materials(k.lang()) {
		i := i
		mats = append(mats, newTick(line, a.Holds(i), func(on bool) {
			k.touched()
			a.Hold(i, on)
		}))
	}
	submit := k.button(k.tr("apply.submit"), func() { k.submit(a) })
	submit.Importance = widget.HighImportance
	name, id := a.Applicant()
	who := text(k.tr("progress.applicant", name, id))
	left := container.NewVBox(bold(k.pick(a.Item.Name)), who, bold(k.tr("apply.materials")))
	left.Objects = append(left.Objects, mats...)
	body := container.NewBorder(nil, submit, nil, nil,
		container.NewGridWithColumns(2, container.NewVScroll(left), container.NewVBox(phone, pad)))
	var m fyne.CanvasObject
	if problem != "" {
		m = k.message(problem, true)
	}
	k.show("apply-form", k.tr("apply.title"), body, m)
}

// submit hands the application to the use case, which checks it by the
// kiosk's rule and takes the case in; then the receipt is printed.
func (k *Kiosk) submit(a *selfservice.Application) {
	form := *a // what was typed and ticked at the tap
	type result struct {
		r selfservice.Receipt
		p app.KioskProblem
	}
	async(k, func(ctx context.Context) result {
		r, p := k.svc.Submit(ctx, form)
		return result{r, p}
	}, func(r result) {
		if r.p != app.ProblemNone {
			k.applyForm(a, k.problemText(r.p))
			return
		}
		k.showReceipt(r.r)
	})
}

// showReceipt shows the case number large with its QR code and prints the
// receipt (回执).
func (k *Kiosk) showReceipt(r selfservice.Receipt) {
	status := widget.NewLabel(k.tr("ticket.printing"))
	status.Wrapping = fyne.TextWrapWord
	status.TextStyle = fyne.TextStyle{Bold: true}
	done := k.button(k.tr("ticket.done"), func() { k.Home() })
	done.Importance = widget.HighImportance
	info := container.NewVBox(
		bold(k.tr("apply.done")),
		container.NewCenter(k.hero(r.Case.Number, k.theme.Size("headingText"))),
		text(k.pick(r.Case.Item)),
		text(k.tr("apply.next")),
	)
	body := container.NewBorder(nil, container.NewVBox(status, done), nil, container.NewCenter(qrImage(r.QR, 220)), info)
	k.show("receipt", k.tr("apply.title"), body, nil)
	k.print(r.Paper, status, "apply.printed")
}
