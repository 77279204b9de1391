package app

import (
	"errors"
	"testing"
	"time"
)

func TestTicketMovesFollowTheTable(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, HallZone)
	rules := QueueRules{MaxRecalls: 1}
	moves := map[QueueEventKind]func(*Ticket) error{
		EventCalled:      func(k *Ticket) error { return k.Call(3, now) },
		EventRecalled:    func(k *Ticket) error { _, err := k.Recall(rules, now); return err },
		EventNoShow:      func(k *Ticket) error { return k.Skip(now) },
		EventServing:     func(k *Ticket) error { return k.StartServing(now) },
		EventFinished:    func(k *Ticket) error { return k.Finish(now) },
		EventTransferred: func(k *Ticket) error { return k.Transfer(3, "B", 0) },
		EventRequeued:    func(k *Ticket) error { return k.Requeue() },
	}
	want := map[QueueEventKind]map[TicketState]TicketState{
		EventCalled:      {Waiting: Called},
		EventRecalled:    {Called: Called},
		EventNoShow:      {Called: NoShow},
		EventServing:     {Called: Serving},
		EventFinished:    {Called: Done, Serving: Done},
		EventTransferred: {Called: Waiting, Serving: Waiting},
		EventRequeued:    {NoShow: Waiting},
	}
	for kind, move := range moves {
		for _, from := range []TicketState{Waiting, Called, Serving, Done, NoShow} {
			tk := Ticket{Code: "A001", State: from, Window: 3}
			err := move(&tk)
			to, allowed := want[kind][from]
			switch {
			case allowed && err != nil:
				t.Errorf("%s from %s: want %s, got %v", kind, from, to, err)
			case allowed && tk.State != to:
				t.Errorf("%s from %s: want %s, got %s", kind, from, to, tk.State)
			case !allowed && err == nil:
				t.Errorf("%s from %s: want it refused, it moved to %s", kind, from, tk.State)
			case !allowed && tk.State != from:
				t.Errorf("%s from %s refused, but the ticket changed to %s", kind, from, tk.State)
			case from.CanMove(kind) != allowed:
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, kind, !allowed, allowed)
			}
		}
	}
}

func TestRecallBeyondTheLimitIsANoShow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, HallZone)
	tk := Ticket{Code: "A001", State: Called}
	rules := QueueRules{MaxRecalls: 2}
	var kinds []QueueEventKind
	for range 3 {
		k, err := tk.Recall(rules, now)
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, k)
	}
	if kinds[0] != EventRecalled || kinds[1] != EventRecalled || kinds[2] != EventNoShow || tk.State != NoShow || !tk.Finished.Equal(now) {
		t.Errorf("three recalls with two allowed: want recalled, recalled, no_show and a finished no-show; got %v, %s, finished %v", kinds, tk.State, tk.Finished)
	}
	if _, err := tk.Recall(rules, now); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("recalling a no-show: want ErrInvalidInput, got %v", err)
	}
}

func TestRequeueOnceOnly(t *testing.T) {
	t.Parallel()
	tk := Ticket{Code: "A001", State: NoShow, Window: 2, Recalls: 2}
	if err := tk.Requeue(); err != nil || tk.State != Waiting || !tk.Requeued || tk.Window != 0 || tk.Recalls != 0 {
		t.Fatalf("first requeue: want a fresh waiting ticket, got %+v, %v", tk, err)
	}
	tk.State = NoShow
	if err := tk.Requeue(); !errors.Is(err, ErrNotRequeueable) {
		t.Errorf("second requeue: want ErrNotRequeueable, got %v", err)
	}
}

func TestCheckIssueCallAndTransfer(t *testing.T) {
	t.Parallel()
	at := func(hm string) time.Time {
		v, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hm, HallZone)
		return v
	}
	for _, tt := range []struct {
		name string
		err  error
		want error
	}{
		{"open, below the limit", CheckIssue("A", at("09:00"), "17:00", 9, 10), nil},
		{"at the limit", CheckIssue("A", at("09:00"), "17:00", 10, 10), ErrCategoryFull},
		{"at closing time", CheckIssue("A", at("17:00"), "17:00", 0, 10), ErrCategoryClosed},
		{"paused window", CheckCall(1, true, nil), ErrWindowPaused},
		{"a ticket still only called", CheckCall(1, false, &Ticket{State: Called}), ErrWindowBusy},
		{"a ticket being served", CheckCall(1, false, &Ticket{State: Serving}), nil},
		{"transfer to both", CheckTransfer(1, "B", 2), ErrInvalidInput},
		{"transfer to nowhere", CheckTransfer(1, "", 0), ErrInvalidInput},
		{"transfer to itself", CheckTransfer(1, "", 1), ErrInvalidInput},
	} {
		if !errors.Is(tt.err, tt.want) || (tt.want == nil) != (tt.err == nil) {
			t.Errorf("%s: want %v, got %v", tt.name, tt.want, tt.err)
		}
	}
}
