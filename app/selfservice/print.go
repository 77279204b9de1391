package selfservice

import (
	"context"

	"onewindow/app"
)

// Paper is what a use case has printed, made without knowing the printer:
// a queue ticket or a document (a receipt, a service guide). Exactly one of
// Ticket and Document is set.
type Paper struct {
	What     string // what it is, for the log: "ticket A001", "receipt K01-…"
	Ticket   *app.TicketPrint
	Document *app.DocumentPrint
}

// Print prints paper on p and says how it went for the citizen:
// app.ProblemNone, app.ProblemNotSetUp without a printer, or what the
// printer's status, asked after the failure, says went wrong.
func (s *Service) Print(ctx context.Context, p app.Printer, paper Paper) app.KioskProblem {
	if p == nil {
		return app.ProblemNotSetUp
	}
	var err error
	if paper.Ticket != nil {
		err = p.PrintTicket(ctx, *paper.Ticket)
	} else {
		err = p.PrintDocument(ctx, *paper.Document)
	}
	if err == nil {
		return app.ProblemNone
	}
	s.log.Warn("print failed", "paper", paper.What, "err", err)
	st, serr := p.Status(ctx)
	return app.PrintProblem(st, serr)
}
