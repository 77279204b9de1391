package app

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCaseTransitions(t *testing.T) {
	allowed := map[[2]CaseState]bool{
		{Submitted, Accepted}: true, {Submitted, SupplementRequested}: true, {Submitted, Refused}: true,
		{SupplementRequested, Accepted}: true, {SupplementRequested, SupplementRequested}: true, {SupplementRequested, Refused}: true,
		{Accepted, InReview}: true, {Accepted, Approved}: true, {Accepted, Denied}: true,
		{InReview, Approved}: true, {InReview, Denied}: true,
		{Approved, ResultIssued}: true, {Denied, ResultIssued}: true,
		{ResultIssued, Closed}: true, {Refused, Closed}: true,
	}
	for _, from := range CaseStates {
		for _, to := range CaseStates {
			want := allowed[[2]CaseState{from, to}]
			err := CheckMove(from, to)
			if want && err != nil {
				t.Errorf("%s → %s: refused (%v), want allowed", from, to, err)
			}
			if !want && !errors.Is(err, ErrIllegalTransition) {
				t.Errorf("%s → %s: error %v, want ErrIllegalTransition", from, to, err)
			}
		}
	}
	if CanMove("nonsense", Accepted) || CaseState("nonsense").Valid() {
		t.Error("an unknown state must be neither valid nor movable")
	}
}

func TestLightOf(t *testing.T) {
	cal := calendar2026(t)
	c := Case{State: Accepted, Due: "2026-11-30"} // Monday
	tests := []struct {
		now   string
		state CaseState
		warn  int
		want  Light
	}{
		{"2026-11-23", Accepted, 2, Green},  // 5 working days left
		{"2026-11-25", Accepted, 2, Green},  // 3 left
		{"2026-11-26", Accepted, 2, Yellow}, // 2 left
		{"2026-11-28", InReview, 2, Yellow}, // Saturday, 1 left
		{"2026-11-30", Accepted, 2, Yellow}, // due today
		{"2026-11-30", Accepted, 0, Yellow}, // due today, no warning window: still the last day
		{"2026-11-27", Accepted, 0, Green},
		{"2026-12-01", Accepted, 2, Red},
		{"2026-12-01", Approved, 2, NoLight}, // decided: the limit no longer runs
		{"2026-12-01", Submitted, 2, NoLight},
	}
	for _, tt := range tests {
		c.State = tt.state
		if got := LightOf(c, day(tt.now), cal, tt.warn); got != tt.want {
			t.Errorf("light of a %s case due %s on %s (warn %d) = %q, want %q", tt.state, c.Due, tt.now, tt.warn, got, tt.want)
		}
	}
}

func chain(n int) []CaseEvent {
	var evs []CaseEvent
	prev := ""
	at := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := CaseEvent{Case: "K01-20261123-000001", Seq: i, Actor: "S1001", Action: "step", State: Accepted,
			At: at.Add(time.Duration(i) * time.Minute), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		evs = append(evs, e)
	}
	return evs
}

func TestVerifyChain(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(evs []CaseEvent) ([]CaseEvent, int)
		want   string // empty: intact
	}{
		{"intact", func(e []CaseEvent) ([]CaseEvent, int) { return e, 4 }, ""},
		{"note edited", func(e []CaseEvent) ([]CaseEvent, int) { e[1].Note = "edited"; return e, 4 }, "step 2 (step) was changed"},
		{"time edited", func(e []CaseEvent) ([]CaseEvent, int) { e[2].At = e[2].At.Add(time.Hour); return e, 4 }, "step 3"},
		{"middle removed", func(e []CaseEvent) ([]CaseEvent, int) { return append(e[:1], e[2:]...), 4 }, "step 2 is missing"},
		{"last removed", func(e []CaseEvent) ([]CaseEvent, int) { return e[:3], 4 }, "had 4 steps, 3 remain"},
		{"reordered", func(e []CaseEvent) ([]CaseEvent, int) { e[1], e[2] = e[2], e[1]; return e, 4 }, "out of order"},
		{"renumbered after removal", func(e []CaseEvent) ([]CaseEvent, int) {
			e = append(e[:1], e[2:]...)
			for i := range e {
				e[i].Seq = i + 1
			}
			return e, 3
		}, "does not follow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := chain(4)
			head := evs[3].Hash
			evs, count := tt.tamper(evs)
			err := VerifyChain(evs, head, count)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("VerifyChain of an intact chain = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrChainBroken) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("VerifyChain = %v; want ErrChainBroken saying %q", err, tt.want)
			}
		})
	}
}

func TestEventHashCoversEveryField(t *testing.T) {
	base := chain(1)[0]
	edits := []func(*CaseEvent){
		func(e *CaseEvent) { e.Case += "x" },
		func(e *CaseEvent) { e.Seq++ },
		func(e *CaseEvent) { e.Actor += "x" },
		func(e *CaseEvent) { e.Action += "x" },
		func(e *CaseEvent) { e.State = Refused },
		func(e *CaseEvent) { e.At = e.At.Add(time.Nanosecond) },
		func(e *CaseEvent) { e.Note += "x" },
		func(e *CaseEvent) { e.PrevHash = "00" },
		// Moving a character between adjacent fields must change the hash too.
		func(e *CaseEvent) { e.Actor, e.Action = e.Actor+"s", strings.TrimPrefix(e.Action, "s") },
	}
	for i, edit := range edits {
		e := base
		edit(&e)
		if e.ComputeHash() == base.Hash {
			t.Errorf("edit %d left the hash unchanged", i)
		}
	}
}
