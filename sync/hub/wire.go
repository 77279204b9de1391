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
	Age       int          `json:"age,omitempty"`
	Who       string       `json:"who,omitempty"`
	WhoKey    string       `json:"who_key,omitempty"`
}

// requeueBody is the body of POST /v1/tickets/requeue.
type requeueBody struct {
	RequestID string `json:"request_id"`
	TicketID  string `json:"ticket_id,omitempty"`
	WhoKey    string `json:"who_key,omitempty"`
}

// actionBody is the body of every window action.
type actionBody struct {
	RequestID string `json:"request_id"`
	Category  string `json:"category,omitempty"` // transfer to a category
	Window    int    `json:"window,omitempty"`   // transfer to a window
	Reason    string `json:"reason,omitempty"`   // pause
}

// windowBody answers GET /v1/windows/{window}.
type windowBody struct {
	Window      int         `json:"window"`
	Categories  []string    `json:"categories"`
	Paused      bool        `json:"paused"`
	PauseReason string      `json:"pause_reason,omitempty"`
	Current     *app.Ticket `json:"current,omitempty"`
	Waiting     int         `json:"waiting"`
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
