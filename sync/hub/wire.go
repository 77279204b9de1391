package hub

import (
	"time"

	"onewindow/app"
)

// The hub's JSON bodies. The queue's own types (app.IssueRequest,
// app.QueueStatus, app.WindowStatus) carry no JSON: their form on the LAN
// is this file's, each body the same fields as its app type with tags, so
// that a plain conversion (issueBody(r), app.WindowStatus(b)) goes between
// them and the compiler says when the two drift apart. Tickets and queue events travel as app.Ticket and
// app.QueueEvent, whose JSON is also how the hub keeps them.

// issueBody is the body of POST /v1/tickets.
type issueBody struct {
	RequestID string       `json:"request_id"`
	Category  string       `json:"category"`
	Claim     app.Priority `json:"priority,omitempty"`
	Elderly   bool         `json:"elderly,omitempty"`
	Who       string       `json:"who,omitempty"`
	WhoKey    string       `json:"who_key,omitempty"`
}

// requeueBody is the body of POST /v1/tickets/requeue.
type requeueBody struct {
	RequestID string `json:"request_id"`
	TicketID  string `json:"ticket_id,omitempty"`
	WhoKey    string `json:"who_key,omitempty"`
	WhoKeyAlt string `json:"who_key_alt,omitempty"` // under the other crypto suite (store.Requeue)
}

// actionBody is the body of every window action.
type actionBody struct {
	RequestID string `json:"request_id"`
	Category  string `json:"category,omitempty"` // transfer to a category
	Window    int    `json:"window,omitempty"`   // transfer to a window
	Reason    string `json:"reason,omitempty"`   // pause
	Clerk     string `json:"clerk,omitempty"`    // staff: who is logged in
}

// windowBody answers GET /v1/windows/{window}.
type windowBody struct {
	Window      int         `json:"window"`
	Categories  []string    `json:"categories"`
	Paused      bool        `json:"paused"`
	PauseReason string      `json:"pause_reason,omitempty"`
	Current     *app.Ticket `json:"current,omitempty"`
	Waiting     int         `json:"waiting"`
	Clerk       string      `json:"clerk,omitempty"`
}

// queueBody answers GET /v1/queue.
type queueBody struct {
	Categories []categoryBody   `json:"categories"`
	Calls      []app.QueueEvent `json:"calls"`
}

type categoryBody struct {
	Prefix  string        `json:"prefix"`
	Name    app.Text      `json:"name"`
	Waiting int           `json:"waiting"`
	Wait    time.Duration `json:"wait_ns"`
	Issued  int           `json:"issued"`
	Limit   int           `json:"limit"`
	Closes  string        `json:"closes"`
	Open    bool          `json:"open"`
}

func queueBodyOf(s app.QueueStatus) queueBody {
	b := queueBody{Categories: make([]categoryBody, len(s.Categories)), Calls: s.Calls}
	for i, c := range s.Categories {
		b.Categories[i] = categoryBody(c)
	}
	return b
}

func (b queueBody) status() app.QueueStatus {
	s := app.QueueStatus{Calls: b.Calls}
	for _, c := range b.Categories {
		s.Categories = append(s.Categories, app.CategoryStatus(c))
	}
	return s
}

// caseBody is a case on the LAN: app.Case's fields with tags. It carries
// the applicant's name and ID number to the hall's windows, which need
// them to accept a case or hand out its result; the kiosk masks them.
type caseBody struct {
	Number    string        `json:"number"`
	ItemCode  string        `json:"item"`
	ItemName  app.Text      `json:"item_name"`
	Applicant app.Applicant `json:"applicant"` // Name, IDNumber, Phone
	Received  []int         `json:"received"`
	Missing   []int         `json:"missing,omitempty"`
	Reason    string        `json:"reason,omitempty"`
	State     app.CaseState `json:"state"`
	Window    int           `json:"window,omitempty"`
	Clerk     string        `json:"clerk,omitempty"`
	Ticket    string        `json:"ticket,omitempty"`
	Submitted time.Time     `json:"submitted_at"`
	Accepted  time.Time     `json:"accepted_at,omitzero"`
	Due       app.Date      `json:"due,omitempty"`
	Statutory app.Date      `json:"statutory_due,omitempty"`
	Updated   time.Time     `json:"updated_at"`
	Purged    time.Time     `json:"purged_at,omitzero"` // the applicant was erased after retention
	Key       string        `json:"key,omitempty"`      // of its link to its progress page
}

func caseOf(c app.Case) caseBody { return caseBody(c) }

func casesOf(cs []app.Case) []caseBody {
	out := make([]caseBody, len(cs))
	for i, c := range cs {
		out[i] = caseBody(c)
	}
	return out
}

// caseWithEvents is the answer of GET /v1/cases/{number}.
type caseWithEvents struct {
	Case   caseBody        `json:"case"`
	Events []app.CaseEvent `json:"events"`
}

// lightBody is one open case of GET /v1/cases/open, with its light.
type lightBody struct {
	Case  caseBody  `json:"case"`
	Light app.Light `json:"light"`
}

// findBody is the body of POST /v1/cases/find.
type findBody struct {
	IDNumber string `json:"id_number"`
}

// decisionBody is the body of POST /v1/cases/{number}/decide.
type decisionBody struct {
	To       app.CaseState `json:"to"`
	Actor    string        `json:"actor"`
	Received []int         `json:"received"` // null leaves the list as it is; [] is none received
	Note     string        `json:"note,omitempty"`
	Action   string        `json:"action,omitempty"`
}

// noteBody is the body of POST /v1/cases/{number}/note.
type noteBody struct {
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Note   string `json:"note"`
}

// ratingBody is the body of POST /v1/ratings: the hub fills in the rest.
type ratingBody struct {
	Level   app.RatingLevel `json:"level"`
	Reasons []string        `json:"reasons,omitempty"`
	Comment string          `json:"comment,omitempty"`
	Ticket  string          `json:"ticket,omitempty"`
	Case    string          `json:"case,omitempty"`
}

// ratedBody answers POST /v1/ratings.
type ratedBody struct {
	Rating   app.Rating    `json:"rating"`
	FollowUp *app.FollowUp `json:"follow_up,omitempty"`
}

// resolveBody is the body of POST /v1/followups/{rating}/resolve.
type resolveBody struct {
	Actor string `json:"actor"`
	Note  string `json:"note"`
}

// openFollowUpBody is one follow-up of GET /v1/followups.
type openFollowUpBody struct {
	app.FollowUp
	Level  app.RatingLevel `json:"level"`
	Window int             `json:"window,omitempty"`
	Clerk  string          `json:"clerk,omitempty"`
	Late   bool            `json:"late,omitempty"`
}
