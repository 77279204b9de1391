package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"onewindow/app"
	"onewindow/sync/wire"
)

// PushRecords sends one batch of a terminal's outbox (the gzip body
// wire.BatchBody made) and returns the hub's answer. A gap is a
// *app.SequenceGap naming the operation to send from.
func (c *Client) PushRecords(ctx context.Context, hall string, body []byte) (wire.PushAnswer, error) {
	var ans wire.PushAnswer
	return ans, c.do(ctx, http.MethodPost, "/v1/records", gzipBody{body, hall}, &ans)
}

// FindCases finds the hall's cases of an ID number's holder.
func (c *Client) FindCases(ctx context.Context, id app.IDNumber) ([]app.Case, error) {
	var bs []caseBody
	err := c.do(ctx, http.MethodPost, "/v1/cases/find", findBody{IDNumber: string(id)}, &bs)
	return appCases(bs), err
}

// CasesInState lists the hall's cases in a state, oldest first.
func (c *Client) CasesInState(ctx context.Context, state app.CaseState) ([]app.Case, error) {
	var bs []caseBody
	err := c.do(ctx, http.MethodGet, "/v1/cases?state="+url.QueryEscape(string(state)), nil, &bs)
	return appCases(bs), err
}

// OpenCases lists the hall's open cases with their lights; window 0 is the
// whole hall's.
func (c *Client) OpenCases(ctx context.Context, window int) ([]app.CaseWithLight, error) {
	var bs []lightBody
	if err := c.do(ctx, http.MethodGet, "/v1/cases/open?window="+strconv.Itoa(window), nil, &bs); err != nil {
		return nil, err
	}
	out := make([]app.CaseWithLight, len(bs))
	for i, b := range bs {
		out[i] = app.CaseWithLight{Case: app.Case(b.Case), Light: b.Light}
	}
	return out, nil
}

// Case returns one of the hall's cases with its timeline.
func (c *Client) Case(ctx context.Context, number string) (app.Case, []app.CaseEvent, error) {
	var b caseWithEvents
	err := c.do(ctx, http.MethodGet, "/v1/cases/"+url.PathEscape(number), nil, &b)
	return app.Case(b.Case), b.Events, err
}

// CaseEnded says whether one of the hall's cases has ended and when, by
// its timeline at the hub (app.EndedAt), which alone chains a case's steps
// after intake: a terminal whose hall has a hub purges its own copy of a
// case by it (store.EndedFunc). A case the hub does not hold has not ended.
func (c *Client) CaseEnded(ctx context.Context, number string) (time.Time, bool, error) {
	_, events, err := c.Case(ctx, number)
	if errors.Is(err, app.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	at, ok := app.EndedAt(events)
	return at, ok, nil
}

// Verify checks a case's timeline on the hub against its hash chain.
func (c *Client) Verify(ctx context.Context, number string) error {
	var ok map[string]bool
	return c.do(ctx, http.MethodGet, "/v1/cases/"+url.PathEscape(number)+"/verify", nil, &ok)
}

// Decide moves one of the hall's cases on; the hub chains the step.
func (c *Client) Decide(ctx context.Context, number string, d app.Decision) (app.Case, error) {
	var b caseBody
	err := c.do(ctx, http.MethodPost, "/v1/cases/"+url.PathEscape(number)+"/decide", decisionBody(d), &b)
	return app.Case(b), err
}

// NoteCase adds a remark to one of the hall's cases.
func (c *Client) NoteCase(ctx context.Context, number, actor, action, note string) (app.CaseEvent, error) {
	var e app.CaseEvent
	err := c.do(ctx, http.MethodPost, "/v1/cases/"+url.PathEscape(number)+"/note", noteBody{actor, action, note}, &e)
	return e, err
}

// RateServed rates a ticket served today or a case of the hall, once; the
// hub checks both and fills in the window and clerk.
func (c *Client) RateServed(ctx context.Context, r app.Rating) (app.Rating, *app.FollowUp, error) {
	var b ratedBody
	err := c.do(ctx, http.MethodPost, "/v1/ratings",
		ratingBody{Level: r.Level, Reasons: r.Reasons, Comment: r.Comment, Ticket: r.Ticket, Case: r.Case}, &b)
	return b.Rating, b.FollowUp, err
}

// OpenFollowUps lists the hall's open follow-ups of bad ratings.
func (c *Client) OpenFollowUps(ctx context.Context) ([]app.OpenFollowUp, error) {
	var bs []openFollowUpBody
	if err := c.do(ctx, http.MethodGet, "/v1/followups", nil, &bs); err != nil {
		return nil, err
	}
	out := make([]app.OpenFollowUp, len(bs))
	for i, b := range bs {
		out[i] = app.OpenFollowUp(b)
	}
	return out, nil
}

// ResolveFollowUp closes one of the hall's follow-ups.
func (c *Client) ResolveFollowUp(ctx context.Context, rating, actor, note string) error {
	var ok map[string]bool
	return c.do(ctx, http.MethodPost, "/v1/followups/"+url.PathEscape(rating)+"/resolve", resolveBody{actor, note}, &ok)
}

func appCases(bs []caseBody) []app.Case {
	out := make([]app.Case, len(bs))
	for i, b := range bs {
		out[i] = app.Case(b)
	}
	return out
}

// Pusher sends a terminal's outbox to the hub: the same operations, in the
// same batches and with the same exactly-once discipline as a push to
// central (sync/link); the hub applies them to the hall's records and
// relays them to central. A terminal of a hall with a hub pushes to the hub
// only, so that central learns each case's steps in the one order the hall
// chained them.
type Pusher struct {
	ob             app.Outbox
	c              *Client
	terminal, hall string
	log            *slog.Logger
}

// NewPusher pushes ob, the outbox of terminal of hall, through c.
func NewPusher(ob app.Outbox, c *Client, terminal, hall string, log *slog.Logger) *Pusher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pusher{ob: ob, c: c, terminal: terminal, hall: hall, log: log}
}

// Push sends every waiting operation and says how many the hub took.
func (p *Pusher) Push(ctx context.Context) (int, error) {
	sent := 0
	var after int64
	resent := false
	for {
		ops, err := p.ob.PendingOperationsAfter(ctx, after, wire.MaxBatchOps)
		if err != nil || len(ops) == 0 {
			return sent, err
		}
		body, _, n, err := wire.BatchBody(p.terminal, ops)
		if err != nil {
			return sent, err
		}
		ops = ops[:n]
		first, last := ops[0].Seq, ops[n-1].Seq
		ans, err := p.c.PushRecords(ctx, p.hall, body)
		var gap *app.SequenceGap
		if errors.As(err, &gap) && !resent && gap.Expected < first {
			// The hub lost what it had taken (its database was replaced):
			// send it again from where it stands.
			resent = true
			if _, err := p.ob.ResendFrom(ctx, gap.Expected); err != nil {
				return sent, err
			}
			after = gap.Expected - 1
			continue
		}
		if err != nil {
			return sent, err
		}
		if ans.Held < first {
			return sent, fmt.Errorf("the hub holds up to operation %d after a batch of %d–%d", ans.Held, first, last)
		}
		upTo := min(ans.Held, last)
		var rej []app.Rejection
		for _, x := range ans.Rejected {
			if x.Seq >= first && x.Seq <= upTo {
				rej = append(rej, app.Rejection{Seq: x.Seq, Reason: x.Reason})
			}
		}
		if err := p.ob.AcknowledgeOperations(ctx, first, upTo, rej); err != nil {
			return sent, fmt.Errorf("record the hub's answer: %w", err)
		}
		if len(rej) > 0 {
			p.log.Warn("the hub refused operations", "count", len(rej), "first", rej[0].Seq)
		}
		sent += int(upTo - first + 1)
		after = upTo
	}
}

// Run pushes every interval until ctx ends, more slowly while the hub is
// unreachable.
func (p *Pusher) Run(ctx context.Context, every time.Duration) {
	wait := every
	for {
		_, err := p.Push(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if wait == every {
				p.log.Warn("cannot send records to the hall hub; they wait in the outbox", "err", err)
			}
			wait = min(wait*2, 30*time.Second)
		default:
			wait = every
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}
