package app

import (
	"fmt"
	"time"
)

// RatingLevel is one of the five national levels of 好差评.
type RatingLevel int

// Rating levels, best first.
const (
	VerySatisfied    RatingLevel = 5 // 非常满意
	Satisfied        RatingLevel = 4 // 满意
	FairlySatisfied  RatingLevel = 3 // 基本满意
	Dissatisfied     RatingLevel = 2 // 不满意
	VeryDissatisfied RatingLevel = 1 // 非常不满意
)

var levelNames = map[RatingLevel]Text{
	VerySatisfied:    {"非常满意", "Very satisfied"},
	Satisfied:        {"满意", "Satisfied"},
	FairlySatisfied:  {"基本满意", "Fairly satisfied"},
	Dissatisfied:     {"不满意", "Dissatisfied"},
	VeryDissatisfied: {"非常不满意", "Very dissatisfied"},
}

// Name is the level's name on the national scale.
func (l RatingLevel) Name() Text { return levelNames[l] }

// Valid reports whether l is one of the five levels.
func (l RatingLevel) Valid() bool { _, ok := levelNames[l]; return ok }

// Bad reports whether the level needs a follow-up (差评): 不满意 or 非常不满意.
func (l RatingLevel) Bad() bool { return l == Dissatisfied || l == VeryDissatisfied }

// BadRatingReasons are the reasons a citizen may pick for a bad rating.
var BadRatingReasons = []struct {
	Code string
	Text Text
}{
	{"wait", Text{"等候时间太长", "Waited too long"}},
	{"attitude", Text{"服务态度不好", "Unfriendly service"}},
	{"unclear", Text{"告知不清楚", "Unclear explanation"}},
	{"repeat", Text{"多次跑腿", "Had to come more than once"}},
	{"slow", Text{"办理时间太长", "Took too long to process"}},
	{"rules", Text{"办事规定不合理", "Unreasonable requirements"}},
	{"other", Text{"其他", "Other"}},
}

func validReason(code string) bool {
	for _, r := range BadRatingReasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// Rating is a citizen's rating (评价) of one service, linked to the ticket
// or the case it was for, the window and the clerk.
type Rating struct {
	ID      string      `json:"id"`
	Level   RatingLevel `json:"level"`
	Reasons []string    `json:"reasons,omitempty"` // codes from BadRatingReasons
	Comment string      `json:"comment,omitempty"`
	Ticket  string      `json:"ticket,omitempty"` // queue number of the hall-day, e.g. A012
	Case    string      `json:"case,omitempty"`   // case number
	Window  int         `json:"window,omitempty"`
	Clerk   string      `json:"clerk,omitempty"`
	At      time.Time   `json:"at"`
}

// Validate checks a rating before it is stored.
func (r Rating) Validate() error {
	var p Problems
	if !r.Level.Valid() {
		p.Add("level", fmt.Sprintf("is %d; must be 1 (非常不满意) to 5 (非常满意)", r.Level))
	}
	if r.Ticket == "" && r.Case == "" {
		p.Add("ticket/case", "a rating must name the ticket or the case it is for")
	}
	for _, c := range r.Reasons {
		if !validReason(c) {
			p.Add("reasons", fmt.Sprintf("%q is not a reason on the list", c))
		}
	}
	if len([]rune(r.Comment)) > 500 {
		p.Add("comment", "is longer than 500 characters")
	}
	if r.Window < 0 {
		p.Add("window", "must not be negative")
	}
	return p.Err(ErrInvalidInput)
}

// FollowUp is the rectification (整改) a bad rating opens.
type FollowUp struct {
	Rating   string    `json:"rating"`
	Due      Date      `json:"due"`
	Opened   time.Time `json:"opened_at"`
	Resolved time.Time `json:"resolved_at,omitzero"` // zero while open
	Note     string    `json:"note,omitempty"`
}
