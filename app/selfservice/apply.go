package selfservice

import (
	"context"

	"onewindow/app"
)

// Application is one self-service application in progress: the item, the
// applicant's ID card, the mobile number typed and the materials ticked.
// The card stays in it only until the kiosk goes home.
type Application struct {
	Item  app.Item
	Phone string
	held  []int // replaced, never changed in place: a copy may be in flight
	card  *app.IDCard
}

// SelfServiceItems are the items a kiosk may take in by itself.
func (s *Service) SelfServiceItems() []app.Item { return s.catalog.SelfServiceItems() }

// Apply starts an application for item it.
func (s *Service) Apply(it app.Item) *Application { return &Application{Item: it} }

// Card takes the applicant's card.
func (a *Application) Card(c app.IDCard) { a.card = &c }

// Applicant is the applicant's name and ID number as the kiosk shows them:
// masked. Both are empty before the card is read.
func (a *Application) Applicant() (name, idNumber string) {
	if a.card == nil {
		return "", ""
	}
	return app.MaskName(a.card.Name), a.card.Number.Masked()
}

// Materials are the item's materials as lines to tick, in lang.
func (a *Application) Materials(lang string) []string {
	out := make([]string, len(a.Item.Materials))
	for i, m := range a.Item.Materials {
		out[i] = app.MaterialLine(m, lang)
	}
	return out
}

// Hold ticks (or unticks) material i as held.
func (a *Application) Hold(i int, on bool) {
	var held []int
	for j := range a.Item.Materials {
		if j == i && on || j != i && a.Holds(j) {
			held = append(held, j)
		}
	}
	a.held = held
}

// Holds reports whether material i is ticked as held.
func (a *Application) Holds(i int) bool {
	for _, j := range a.held {
		if j == i {
			return true
		}
	}
	return false
}

// Receipt is an application taken in: the case as the kiosk shows it,
// what the receipt's QR code carries, and the receipt (回执) to print.
type Receipt struct {
	Case  CaseView
	QR    string
	Paper Paper
}

// Submit checks the application by the kiosk's rule (a self-service item,
// a mobile number, every required material held) and takes the case in as
// received, by this kiosk: a clerk at a window pre-reviews it (预审). The
// receipt says so and how to follow it (the kiosk's 办件查询, by its code or
// the card), and promises nothing the hall does not do: no SMS is sent. The
// problem says why it was not taken in: ProblemPhone, ProblemMaterials, or
// the records failing.
func (s *Service) Submit(ctx context.Context, a Application) (Receipt, app.KioskProblem) {
	form := app.SelfServiceForm{ItemCode: a.Item.Code, Phone: a.Phone, Held: a.held}
	switch {
	case a.card == nil:
		return Receipt{}, app.ProblemNoCard
	case !a.Item.AcceptsDocument(a.card.Document):
		return Receipt{}, ProblemDocument
	case app.CheckSelfService(a.Item, form) == nil:
	case !app.ValidMobile(a.Phone):
		return Receipt{}, ProblemPhone
	default:
		return Receipt{}, ProblemMaterials
	}
	if s.svc.Intake == nil {
		return Receipt{}, app.ProblemNotSetUp
	}
	c, err := s.svc.Intake.TakeIn(ctx, app.Intake{
		ItemCode:  a.Item.Code,
		Applicant: app.Applicant{Name: a.card.Name, IDNumber: a.card.Number, Document: a.card.Document, Phone: a.Phone},
		Received:  a.held,
		Actor:     "kiosk:" + s.cfg.Terminal,
		Outcome:   app.Submitted,
	})
	if err != nil {
		s.log.Error("self-service intake failed", "item", a.Item.Code, "err", err)
		return Receipt{}, app.RecordsProblem(err)
	}
	qr := app.CaseLink(s.cfg.PublicURL, c.Number, c.Key)
	doc := &app.DocumentPrint{
		HallName: s.cfg.HallName.Zh, Title: "自助申请回执",
		Lines: []string{
			"办件编号：" + c.Number,
			"事项：" + c.ItemName.Zh,
			"申请人：" + app.MaskName(c.Applicant.Name),
			"证件号码：" + c.Applicant.IDNumber.Masked(),
			"提交时间：" + c.Submitted.In(app.HallZone).Format("2006-01-02 15:04"),
			"",
			"状态：已收件，等待窗口工作人员预审。",
			"预审结果和办理进度：用手机扫描本回执的二维码，",
			"或在自助机「办件查询」扫码、刷身份证查看。",
		},
		QRPayload: qr, Printed: s.svc.Clock.Now().In(app.HallZone),
	}
	return Receipt{Case: viewOf(c), QR: qr, Paper: Paper{What: "receipt " + c.Number, Document: doc}}, app.ProblemNone
}
