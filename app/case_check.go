package app

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of a case's fields: one definition for the terminal that takes a
// case in, the hub that keeps the hall's records and central.
const (
	MaxNameRunes   = 50   // an applicant's name
	MaxPhoneRunes  = 20   // a phone number, mobile or fixed
	MaxStaffID     = 32   // a clerk's id, an event's actor
	MaxTicketCode  = 32   // a ticket's code or id
	MaxReasonRunes = 1000 // a refusal's reason, a step's note
	MaxWindow      = 999
)

// CheckApplicant says what is wrong with an applicant's details, in words
// a clerk understands, or nothing.
func CheckApplicant(a Applicant, now time.Time) []string {
	var why []string
	name := strings.TrimSpace(a.Name)
	switch {
	case name == "":
		why = append(why, "the applicant's name is empty")
	case utf8.RuneCountInString(name) > MaxNameRunes:
		why = append(why, fmt.Sprintf("the applicant's name is longer than %d characters", MaxNameRunes))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		why = append(why, "the applicant's name holds control characters")
	}
	if !a.Document.Valid() {
		why = append(why, fmt.Sprintf("the applicant's identity document %q is not one the hall takes", a.Document))
	} else if _, err := ParseDocumentNumber(a.Document, string(a.IDNumber), now); err != nil {
		what := "ID number"
		if a.Document != ResidentID {
			what = a.Document.Name().En + "'s number"
		}
		why = append(why, "the applicant's "+what+" is not valid: "+err.Error())
	}
	if a.Phone != "" && !validPhone(a.Phone) {
		why = append(why, "the applicant's phone number is not a phone number (digits, and - or + only)")
	}
	return why
}

// validPhone is a mobile or fixed-line number as people write it.
func validPhone(p string) bool {
	if utf8.RuneCountInString(p) > MaxPhoneRunes {
		return false
	}
	digits := 0
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' || c == '+' || c == ' ':
		default:
			return false
		}
	}
	return digits >= 7
}

// Check says why a case operation's payload cannot be taken (its intake
// fields and the steps it carries), in words staff at the hall understand,
// or "" when it can. item is the case's item in the catalogue of whoever
// checks; the steps are checked among themselves, not against a timeline
// held elsewhere.
func (k CasePayload) Check(item Item, now time.Time) string {
	if why := CheckApplicant(Applicant{Name: k.Name, IDNumber: IDNumber(k.IDNumber), Document: k.Document, Phone: k.Phone}, now); len(why) > 0 {
		return fmt.Sprintf("case %s: %s", k.Number, strings.Join(why, "; "))
	}
	if err := CheckDocumentFor(item, k.Document); err != nil {
		return fmt.Sprintf("case %s: %v", k.Number, err)
	}
	switch {
	case !k.State.Valid():
		return fmt.Sprintf("case %s: %q is not a case state", k.Number, k.State)
	case k.Window < 0 || k.Window > MaxWindow:
		return fmt.Sprintf("case %s: window %d is not a window number (0–%d)", k.Number, k.Window, MaxWindow)
	case len(k.Clerk) > MaxStaffID || len(k.Ticket) > MaxTicketCode:
		return fmt.Sprintf("case %s: the clerk's id or the ticket is too long", k.Number)
	case utf8.RuneCountInString(k.Reason) > MaxReasonRunes:
		return fmt.Sprintf("case %s: the reason is longer than %d characters", k.Number, MaxReasonRunes)
	case k.Submitted.IsZero():
		return fmt.Sprintf("case %s: the time of intake is missing", k.Number)
	case len(k.Events) == 0:
		return fmt.Sprintf("case %s: the operation carries no event", k.Number)
	}
	for _, m := range slices.Concat(k.Received, k.Missing) {
		if m < 0 || m >= len(item.Materials) {
			return fmt.Sprintf("case %s: item %s has no material number %d", k.Number, item.Code, m)
		}
	}
	for i, e := range k.Events {
		switch {
		case e.Case != k.Number:
			return fmt.Sprintf("case %s: step %d belongs to case %q", k.Number, e.Seq, e.Case)
		case e.Seq < 1 || (i > 0 && e.Seq != k.Events[i-1].Seq+1):
			return fmt.Sprintf("case %s: step %d is out of order", k.Number, e.Seq)
		case i > 0 && e.PrevHash != k.Events[i-1].Hash:
			return fmt.Sprintf("case %s: step %d does not follow step %d", k.Number, e.Seq, e.Seq-1)
		case e.Hash != e.ComputeHash():
			return fmt.Sprintf("case %s: step %d does not match its hash; it was altered", k.Number, e.Seq)
		case len(e.Actor) > 64 || len(e.Action) > 64 || utf8.RuneCountInString(e.Note) > MaxReasonRunes:
			return fmt.Sprintf("case %s: step %d has a field longer than allowed", k.Number, e.Seq)
		}
	}
	return ""
}
