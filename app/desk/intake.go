package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"onewindow/app"
)

// SearchItems finds catalogue items by name, code or pinyin initials.
func (d *Desk) SearchItems(query string) []app.Item {
	cat := d.Catalog()
	if cat == nil {
		return nil
	}
	return app.SearchItems(cat.Items, query)
}

// Applicant checks what the clerk typed: a name and an ID number that
// passes app.ParseIDNumber.
func (d *Desk) Applicant(name, idNumber, phone string) (app.Applicant, error) {
	name = strings.TrimSpace(name)
	var p app.Problems
	if name == "" {
		p.Add("姓名", "is empty")
	}
	id, err := app.ParseIDNumber(idNumber, d.now())
	if err != nil {
		p.Add("身份证号", err.Error())
	}
	if err := p.Err(app.ErrInvalidInput); err != nil {
		return app.Applicant{}, err
	}
	return app.Applicant{Name: name, IDNumber: id, Phone: strings.TrimSpace(phone)}, nil
}

// ApplicantFromCard takes the applicant from an ID card read at the window.
// An expired card is refused: the hall may not take in a case on it.
func (d *Desk) ApplicantFromCard(c app.IDCard) (app.Applicant, error) {
	if err := app.CheckCard(c, d.now()); err != nil {
		return app.Applicant{}, fmt.Errorf("%w: %w", app.ErrBadCardData, err)
	}
	return app.Applicant{Name: c.Name, IDNumber: c.Number, Document: c.Document}, nil
}

// ReadCard reads the card on the window's reader now.
func (d *Desk) ReadCard(ctx context.Context) (app.Applicant, error) {
	if _, err := d.staff(); err != nil {
		return app.Applicant{}, err
	}
	if d.svc.Reader == nil {
		return app.Applicant{}, fmt.Errorf("read ID card: %w: this window has no card reader; type the number", app.ErrDeviceOffline)
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DeviceTimeout)
	defer cancel()
	c, err := d.svc.Reader.Read(ctx)
	if errors.Is(err, app.ErrNoCard) {
		d.deviceResult(&d.v.Reader, nil)
		return app.Applicant{}, fmt.Errorf("read ID card: %w", err)
	}
	d.deviceResult(&d.v.Reader, err)
	if err != nil {
		return app.Applicant{}, fmt.Errorf("read ID card: %w", err)
	}
	return d.ApplicantFromCard(c)
}

// OnCard sets the function told when a card is placed on the reader while
// the window is open, so the intake form fills itself.
func (d *Desk) OnCard(fn func(app.Applicant, error)) {
	d.mu.Lock()
	d.onCard = fn
	d.mu.Unlock()
}

func (d *Desk) handleCard(e app.CardEvent) {
	switch e.Kind {
	case app.ReaderOffline:
		d.deviceResult(&d.v.Reader, fmt.Errorf("%w: %v", app.ErrDeviceOffline, e.Err))
		return
	case app.ReaderOnline:
		d.deviceResult(&d.v.Reader, nil)
		return
	case app.CardPlaced, app.CardUnreadable:
	default:
		return
	}
	if _, err := d.staff(); err != nil {
		return // a card on a locked window's reader is not read into anything
	}
	d.Touch()
	var a app.Applicant
	err := e.Err
	if e.Kind == app.CardPlaced {
		a, err = d.ApplicantFromCard(e.Card)
	}
	d.mu.Lock()
	fn := d.onCard
	d.mu.Unlock()
	if fn != nil {
		fn(a, err)
	}
}

// IntakeForm is what the clerk has gathered for a new case.
type IntakeForm struct {
	Item      app.Item
	Applicant app.Applicant
	Received  []int // indexes of the item's materials ticked as received
}

// Outcome is a case taken in and how its notice went. The case is stored
// whatever happened to the print: PrintErr says the notice did not come out,
// and Reprint prints it again.
type Outcome struct {
	Case     app.Case
	Notice   app.NoticePrint
	PrintErr error
	// PastCalendar says that the case's promised date runs past the
	// holiday calendar, which ends on CalendarEnds (empty: the terminal
	// has none): the days after it were counted skipping weekends only, so
	// a holiday not yet announced may fall before the date. The clerk tells
	// the applicant, and checks the date once central publishes next
	// year's calendar.
	PastCalendar bool
	CalendarEnds app.Date
}

// Accept takes the case in (受理): it gets its number and promised due
// date, and the 受理通知书 prints.
func (d *Desk) Accept(ctx context.Context, f IntakeForm) (Outcome, error) {
	return d.takeIn(ctx, f, app.Accepted, "", "")
}

// RequestMissing records the case as waiting for materials and prints the
// 一次性告知书, which lists every required material not ticked: the
// applicant is told once, completely. advice is a code from
// app.SupplementAdvice.
func (d *Desk) RequestMissing(ctx context.Context, f IntakeForm, advice string) (Outcome, error) {
	t := app.ChoiceText(app.SupplementAdvice, advice)
	if t.Zh == "" {
		return Outcome{}, fmt.Errorf("%w: %q is not advice on the list", app.ErrInvalidInput, advice)
	}
	return d.takeIn(ctx, f, app.SupplementRequested, "", t.Zh)
}

// Refuse records the application as not taken in (不予受理) with a reason
// from app.RefusalReasons and the clerk's optional words, and prints the
// 不予受理通知书.
func (d *Desk) Refuse(ctx context.Context, f IntakeForm, reason, extra string) (Outcome, error) {
	note, err := app.RefusalNote(reason, extra)
	if err != nil {
		return Outcome{}, err
	}
	return d.takeIn(ctx, f, app.Refused, note, "")
}

func (d *Desk) takeIn(ctx context.Context, f IntakeForm, outcome app.CaseState, reason, advice string) (Outcome, error) {
	m, err := d.staff()
	if err != nil {
		return Outcome{}, err
	}
	if f.Item.Code == "" {
		return Outcome{}, fmt.Errorf("%w: choose the service item first", app.ErrInvalidInput)
	}
	v := d.View()
	ticket := ""
	if v.Current != nil {
		ticket = v.Current.Code
		if v.Current.State == app.Called {
			// The citizen is plainly at the window; the hub may be down,
			// which must not stop the intake.
			d.Start(ctx)
		}
	}
	c, err := d.svc.Store.TakeIn(ctx, app.Intake{ItemCode: f.Item.Code, Applicant: f.Applicant, Received: f.Received,
		Window: d.cfg.Window, Ticket: ticket, Actor: m.ID, Outcome: outcome, Reason: reason})
	if err != nil {
		return Outcome{}, err
	}
	d.log.Info("case taken in", "window", d.cfg.Window, "case", c.Number, "item", c.ItemCode, "outcome", string(c.State), "staff", m.ID)
	d.update(func(v *View) { v.CaseNumber = c.Number })
	n, perr := d.print(ctx, m, c, f.Item, advice, "notice_printed")
	return d.outcome(ctx, c, n, perr), nil
}

// Reprint prints a case's intake notice again, after the printer failed or
// the applicant lost it.
func (d *Desk) Reprint(ctx context.Context, number string) (Outcome, error) {
	m, err := d.staff()
	if err != nil {
		return Outcome{}, err
	}
	c, err := d.svc.Store.Case(ctx, number)
	if err != nil {
		return Outcome{}, err
	}
	item, err := d.svc.Store.Item(ctx, c.ItemCode)
	if err != nil {
		return Outcome{}, err
	}
	n, perr := d.print(ctx, m, c, item, app.SupplementAdvice[0].Text.Zh, "notice_reprinted")
	return d.outcome(ctx, c, n, perr), nil
}

// outcome is a case taken in with its notice, saying whether its promised
// date runs past the holiday calendar.
func (d *Desk) outcome(ctx context.Context, c app.Case, n app.NoticePrint, perr error) Outcome {
	out := Outcome{Case: c, Notice: n, PrintErr: perr}
	if c.Due == "" {
		return out
	}
	from := c.Accepted // the limit counts from acceptance
	if from.IsZero() {
		from = d.now()
	}
	cal, err := d.svc.Store.Calendar(ctx)
	switch {
	case err != nil:
		d.log.Error("window terminal: reading the holiday calendar", "err", err)
	case !cal.CoversUntil(from, c.Due):
		out.PastCalendar, out.CalendarEnds = true, cal.End()
		d.log.Warn("due date runs past the holiday calendar", "case", c.Number, "due", string(c.Due), "calendar_ends", string(cal.End()))
	}
	return out
}

// print prints the case's notice and records the step in its timeline,
// failure included, so the timeline says whether the applicant has paper.
func (d *Desk) print(ctx context.Context, m app.Staff, c app.Case, item app.Item, advice, action string) (app.NoticePrint, error) {
	n, err := app.NoticeFor(c, item, d.View().HallName, advice, d.now())
	if err != nil {
		return n, err
	}
	n.QRPayload = app.CaseLink(d.cfg.PublicURL, c.Number, c.Key)
	if d.svc.Printer == nil {
		err = fmt.Errorf("%w: this window has no printer", app.ErrPrintFailed)
	} else {
		pctx, cancel := context.WithTimeout(ctx, d.cfg.DeviceTimeout)
		err = d.svc.Printer.PrintNotice(pctx, n)
		cancel()
		d.deviceResult(&d.v.Printer, err)
	}
	note := n.Kind.Title()
	if err != nil {
		action, note = "notice_print_failed", note+": "+err.Error()
	}
	if _, nerr := d.svc.Store.NoteCase(ctx, c.Number, m.ID, action, note); nerr != nil {
		d.log.Error("case step not recorded", "case", c.Number, "action", action, "err", nerr)
	}
	return n, err
}
