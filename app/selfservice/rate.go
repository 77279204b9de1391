package selfservice

import (
	"context"
	"regexp"
	"strings"

	"onewindow/app"
)

// Rating is a citizen's rating in progress: what it is for (a ticket's
// number of the day, or a case), the level and, for a bad one, why.
type Rating struct {
	Ticket  string // A012
	Case    string
	Level   app.RatingLevel
	Reasons []string // codes of app.BadRatingReasons, in its order
}

var ticketCodeRe = regexp.MustCompile(`^[A-Z][0-9]{3}$`)

// RateTyped starts a rating of the ticket whose number was typed on the
// kiosk's keypad (a012 or A012): ProblemTicketNumber when it is not one.
func RateTyped(typed string) (Rating, app.KioskProblem) {
	code := strings.ToUpper(typed)
	if !ticketCodeRe.MatchString(code) {
		return Rating{}, ProblemTicketNumber
	}
	return Rating{Ticket: code}, app.ProblemNone
}

// RateScanned starts a rating of the ticket or the case whose code was
// scanned: a ticket's id (2026-11-24/B007) is rated by its number.
func RateScanned(code string) (Rating, app.KioskProblem) {
	sc, err := app.ParseScannedCode(code)
	if err != nil {
		return Rating{}, app.ProblemUnknownCode
	}
	var r Rating
	if sc.Ticket != "" {
		r.Ticket = sc.Ticket[strings.LastIndex(sc.Ticket, "/")+1:]
	}
	r.Case = sc.Case
	return r, app.ProblemNone
}

// For is what the rating is for, as the citizen reads it: the case, or
// else the ticket's number.
func (r Rating) For() string {
	if r.Case != "" {
		return r.Case
	}
	return r.Ticket
}

// Levels are the five national levels, best first, as a kiosk offers them.
func Levels() []app.RatingLevel {
	return []app.RatingLevel{app.VerySatisfied, app.Satisfied, app.FairlySatisfied, app.Dissatisfied, app.VeryDissatisfied}
}

// Reason ticks (or unticks) a reason for a bad rating.
func (r *Rating) Reason(code string, on bool) {
	var reasons []string
	for _, x := range app.BadRatingReasons {
		if x.Code == code && on || x.Code != code && r.Gives(x.Code) {
			reasons = append(reasons, x.Code)
		}
	}
	r.Reasons = reasons
}

// Gives reports whether the reason code is ticked.
func (r Rating) Gives(code string) bool {
	for _, c := range r.Reasons {
		if c == code {
			return true
		}
	}
	return false
}

// NeedsReason reports whether the rating is bad and gives no reason yet:
// a bad rating is followed up, and the follow-up needs to know why.
func (r Rating) NeedsReason() bool { return r.Level.Bad() && len(r.Reasons) == 0 }

// Rate keeps the rating. followUp says whether the hall will follow it up
// (a bad rating); the problem, why it was not kept.
func (s *Service) Rate(ctx context.Context, r Rating) (followUp bool, p app.KioskProblem) {
	if r.NeedsReason() {
		return false, ProblemNeedReason
	}
	if s.svc.Ratings == nil {
		return false, app.ProblemNotSetUp
	}
	_, _, err := s.svc.Ratings.Rate(ctx, app.Rating{Level: r.Level, Reasons: r.Reasons, Ticket: r.Ticket, Case: r.Case,
		At: s.svc.Clock.Now()})
	if err != nil {
		s.log.Error("rating not saved", "err", err)
		return false, app.RecordsProblem(err)
	}
	return r.Level.Bad(), app.ProblemNone
}
