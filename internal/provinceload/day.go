package main

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"onewindow/app"
)

// The hall's day, as events in hall time.

type eventKind uint8

const (
	evIssue eventKind = iota
	evCall
	evFinish
)

type event struct {
	at     time.Duration // from the day's start
	kind   eventKind
	ticket *app.Ticket
}

type eventHeap []event

func (h eventHeap) Len() int           { return len(h) }
func (h eventHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h eventHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)        { *h = append(*h, x.(event)) }
func (h *eventHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// plan draws the hall's citizens: how many come (1/3 to 5/3 of the
// average: township centres and city halls) and when, through the day,
// the last an hour before an 8-hour day ends.
func (t *terminal) plan(cat *app.Catalog) {
	n := *citizensF/3 + t.rng.IntN(*citizensF*4/3+1)
	open := *dayF * 7 / 8
	t.arrived = make([]time.Duration, n)
	for i := range t.arrived {
		t.arrived[i] = time.Duration(t.rng.Int64N(int64(open)))
	}
	slices.Sort(t.arrived)
}

// items a case may be taken in for: those taking the resident ID card.
var (
	itemsOnce sync.Once
	items     []app.Item
)

func caseItems(cat *app.Catalog) []app.Item {
	itemsOnce.Do(func() {
		for _, it := range cat.Items {
			if app.CheckDocumentFor(it, "") == nil && len(it.Materials) > 0 {
				items = append(items, it)
			}
		}
	})
	return items
}

// happen turns what happened in the hall up to hall time now into
// outbox operations.
func (t *terminal) happen(now time.Duration, cat *app.Catalog) {
	for len(t.arrived) > 0 && t.arrived[0] <= now {
		k := cat.Categories[t.rng.IntN(len(cat.Categories))]
		t.tickets[k.Prefix]++
		code := fmt.Sprintf("%s%03d", k.Prefix, t.tickets[k.Prefix])
		heap.Push(&t.events, event{at: t.arrived[0], kind: evIssue, ticket: &app.Ticket{Category: k.Prefix, Code: code, Seq: t.tickets[k.Prefix]}})
		t.arrived = t.arrived[1:]
	}
	for len(t.events) > 0 && t.events[0].at <= now {
		e := heap.Pop(&t.events).(event)
		real := time.Now().UTC()
		tk := e.ticket
		t.hubSeq++
		qe := app.QueueEvent{Seq: t.hubSeq, At: real, Window: tk.Window}
		switch e.kind {
		case evIssue:
			tk.Day = app.DateOf(real)
			tk.ID = string(tk.Day) + "/" + tk.Code
			tk.Issued, tk.State = real, app.Waiting
			qe.Kind = app.EventIssued
			heap.Push(&t.events, event{at: e.at + time.Duration(t.rng.IntN(25*60))*time.Second, kind: evCall, ticket: tk})
		case evCall:
			tk.Window, tk.Called, tk.State = 1+t.rng.IntN(6), real, app.Called
			qe.Kind, qe.Window = app.EventCalled, tk.Window
			heap.Push(&t.events, event{at: e.at + time.Duration(4*60+t.rng.IntN(16*60))*time.Second, kind: evFinish, ticket: tk})
		case evFinish:
			tk.Finished, tk.State, tk.Clerk = real, app.Done, fmt.Sprintf("S%04d", 1000+tk.Window)
			qe.Kind, qe.Window = app.EventFinished, tk.Window
		}
		qe.Ticket = *tk
		t.queue(app.OpTicket, tk.ID, qe, real)
		if e.kind != evFinish {
			continue
		}
		if t.rng.IntN(3) < 2 {
			t.takeIn(tk, cat, real)
		}
		if t.rng.IntN(5) < 2 {
			r := app.Rating{ID: app.NewID(), Level: app.RatingLevel(4 + t.rng.IntN(2)), Ticket: tk.Code, Window: tk.Window, Clerk: tk.Clerk, At: real}
			t.queue(app.OpRating, r.ID, app.RatingPayload{Rating: r}, real)
		}
	}
}

// takeIn queues an accepted case: the intake and its two steps.
func (t *terminal) takeIn(tk *app.Ticket, cat *app.Catalog, now time.Time) {
	its := caseItems(cat)
	it := its[t.rng.IntN(len(its))]
	t.cases++
	number := fmt.Sprintf("%s-%s-%06d", t.id, now.In(app.HallZone).Format("20060102"), t.cases)
	received := make([]int, len(it.Materials))
	for i := range received {
		received[i] = i
	}
	a := applicant(t.rng.IntN(1 << 20))
	acc := now
	k := app.CasePayload{Number: number, Item: it.Code, Name: a.Name, IDNumber: string(a.IDNumber), Phone: a.Phone,
		Received: received, State: app.Accepted, Window: tk.Window, Clerk: tk.Clerk, Ticket: tk.Code,
		Submitted: now, Accepted: &acc,
		Due: app.DateOf(now.AddDate(0, 0, 7)), Statutory: app.DateOf(now.AddDate(0, 0, 20))}
	prev := ""
	for i, st := range []app.CaseState{app.Submitted, app.Accepted} {
		e := app.CaseEvent{Case: number, Seq: i + 1, Actor: tk.Clerk, Action: string(st), State: st, At: now, PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		k.Events = append(k.Events, e)
	}
	t.queue(app.OpCase, number, k, now)
}

// applicant is the i-th of many fictitious applicants with valid ID
// numbers (as sync/scene's).
func applicant(i int) app.Applicant {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%20000)
	first := fmt.Sprintf("330106%s%03d", birth.Format("20060102"), (i/20000)%1000)
	c, _ := app.IDCheckDigit(first)
	return app.Applicant{Name: "测试" + strconv.Itoa(i%97), IDNumber: app.IDNumber(first + string(c)), Phone: "13800000000"}
}

func (t *terminal) queue(kind, entity string, payload any, now time.Time) {
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	t.seq++
	t.pending = append(t.pending, app.Operation{Seq: t.seq, ID: app.NewID(), Terminal: t.id, Kind: kind, Entity: entity, Created: now, Payload: body})
	m.generated.Add(1)
}
