package kiosk

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

// applyState is a self-service application in progress. The card stays in
// memory only until the kiosk goes home.
type applyState struct {
	item app.Item
	card *app.IDCard
	form app.SelfServiceForm
}

// showApply lists the items a kiosk may take in by itself.
func (k *Kiosk) showApply() {
	var items []fyne.CanvasObject
	for _, it := range k.catalog.SelfServiceItems() {
		it := it
		items = append(items, k.button(theme.Pick(it.Name), func() {
			st := &applyState{item: it, form: app.SelfServiceForm{ItemCode: it.Code}}
			k.applyCard(st, "", false)
		}))
	}
	k.show("apply", theme.L("apply.title"), container.NewBorder(bold(theme.L("apply.choose")), nil, nil, nil,
		k.list(items...)), nil)
}

// applyCard waits for the applicant's ID card.
func (k *Kiosk) applyCard(st *applyState, msg string, problem bool) {
	read := k.button(theme.L("number.card.button"), func() {
		k.applyCard(st, theme.L("number.card.reading"), false)
		k.readCard(func(c app.IDCard, err error) { k.applyCardRead(st, c, err) })
	})
	read.Importance = widget.HighImportance
	body := container.NewVBox(bold(theme.Pick(st.item.Name)), text(theme.L("apply.card")), read,
		k.button(theme.L("common.back"), k.showApply))
	var m fyne.CanvasObject
	if msg != "" {
		m = k.message(msg, problem)
	}
	k.show("apply-card", theme.L("apply.title"), body, m)
	k.onCard = func(c app.IDCard, err error) { k.applyCardRead(st, c, err) }
	k.prompt(PromptCard)
}

func (k *Kiosk) applyCardRead(st *applyState, c app.IDCard, err error) {
	if err != nil {
		k.applyCard(st, cardProblem(err), true)
		return
	}
	st.card = &c
	k.applyForm(st, "")
}

// applyForm asks for a mobile number on the digit keypad and the materials
// the applicant holds, as a list to tick.
func (k *Kiosk) applyForm(st *applyState, problem string) {
	phone := widget.NewLabel("")
	phone.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	showPhone := func(p string) { phone.SetText(theme.L("apply.phone") + " " + p + "_") }
	pad := touch.NewKeypad(touch.Digits, 11, func(p string) { st.form.Phone = p; showPhone(p) })
	pad.OnKey = k.touched
	pad.SetText(st.form.Phone)
	showPhone(st.form.Phone)
	k.phonePad = pad

	held := map[int]bool{}
	for _, i := range st.form.Held {
		held[i] = true
	}
	var mats []fyne.CanvasObject
	for i, m := range st.item.Materials {
		i := i
		c := widget.NewCheck(app.MaterialLine(m, string(theme.CurrentLanguage())), func(on bool) {
			k.touched()
			held[i] = on
			st.form.Held = st.form.Held[:0]
			for j := range st.item.Materials {
				if held[j] {
					st.form.Held = append(st.form.Held, j)
				}
			}
		})
		c.SetChecked(held[i])
		mats = append(mats, c)
	}
	submit := k.button(theme.L("apply.submit"), func() { k.submit(st) })
	submit.Importance = widget.HighImportance
	who := text(fmt.Sprintf(theme.L("progress.applicant"), app.MaskName(st.card.Name), st.card.Number.Masked()))
	left := container.NewVBox(bold(theme.Pick(st.item.Name)), who, bold(theme.L("apply.materials")))
	left.Objects = append(left.Objects, mats...)
	body := container.NewBorder(nil, submit, nil, nil,
		container.NewGridWithColumns(2, container.NewVScroll(left), container.NewVBox(phone, pad)))
	var m fyne.CanvasObject
	if problem != "" {
		m = k.message(problem, true)
	}
	k.show("apply-form", theme.L("apply.title"), body, m)
}

// submit checks the form by the kiosk's rule, takes the case in as
// received (a clerk examines it) and prints the receipt.
func (k *Kiosk) submit(st *applyState) {
	if err := app.CheckSelfService(st.item, st.form); err != nil {
		msg := theme.L("apply.invalid")
		if !app.ValidMobile(st.form.Phone) {
			msg = theme.L("apply.invalid.phone")
		}
		k.applyForm(st, msg)
		return
	}
	in := app.Intake{
		ItemCode:  st.item.Code,
		Applicant: app.Applicant{Name: st.card.Name, IDNumber: st.card.Number, Phone: st.form.Phone},
		Received:  st.form.Held,
		Actor:     "kiosk:" + k.cfg.Terminal,
		Outcome:   app.Submitted,
	}
	type result struct {
		c   app.Case
		err error
	}
	async(k, func(ctx context.Context) result {
		c, err := k.cfg.Records.TakeIn(ctx, in)
		return result{c, err}
	}, func(r result) {
		if r.err != nil {
			k.log.Error("self-service intake failed", "item", st.item.Code, "err", r.err)
			k.applyForm(st, problemText(app.RecordsProblem(r.err)))
			return
		}
		k.showReceipt(r.c)
	})
}

// showReceipt shows the case number large with its QR code and prints the
// receipt (回执).
func (k *Kiosk) showReceipt(c app.Case) {
	status := widget.NewLabel(theme.L("ticket.printing"))
	status.Wrapping = fyne.TextWrapWord
	status.TextStyle = fyne.TextStyle{Bold: true}
	done := k.button(theme.L("ticket.done"), func() { k.Home() })
	done.Importance = widget.HighImportance
	info := container.NewVBox(
		bold(theme.L("apply.done")),
		container.NewCenter(k.hero(c.Number, k.theme.Size("headingText"))),
		text(theme.Pick(c.ItemName)),
		text(theme.L("apply.next")),
	)
	body := container.NewBorder(nil, container.NewVBox(status, done), nil, container.NewCenter(qrImage(app.CaseQR(c.Number), 220)), info)
	k.show("receipt", theme.L("apply.title"), body, nil)
	if k.cfg.Printer == nil {
		k.printFailed(status, app.ProblemNotSetUp)
		return
	}
	doc := app.DocumentPrint{
		HallName: k.cfg.HallName.Zh, Title: "自助申请回执",
		Lines: []string{
			"办件编号：" + c.Number,
			"事项：" + c.ItemName.Zh,
			"申请人：" + app.MaskName(c.Applicant.Name),
			"证件号码：" + c.Applicant.IDNumber.Masked(),
			"提交时间：" + c.Submitted.In(app.HallZone).Format("2006-01-02 15:04"),
			"",
			"状态：已收件，窗口工作人员审核后将短信通知您。",
			"凭本回执的二维码可在自助机查询办理进度。",
		},
		QRPayload: app.CaseQR(c.Number), Printed: k.cfg.Clock.Now().In(app.HallZone),
	}
	async(k, func(ctx context.Context) app.KioskProblem {
		if err := k.cfg.Printer.PrintDocument(ctx, doc); err != nil {
			k.log.Warn("receipt print failed", "case", c.Number, "err", err)
			ps, serr := k.cfg.Printer.Status(ctx)
			return app.PrintProblem(ps, serr)
		}
		return app.ProblemNone
	}, func(p app.KioskProblem) {
		if p == app.ProblemNone {
			k.setStatus(status, theme.L("apply.printed"))
			return
		}
		k.printFailed(status, p)
	})
}
