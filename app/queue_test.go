package app

import (
	"onewindow/app/suite"
	"testing"
	"time"
)

func TestPriorityFor(t *testing.T) {
	r := DefaultQueueRules
	tests := []struct {
		claim Priority
		age   int
		want  Priority
	}{
		{NoPriority, 65, Elderly},
		{NoPriority, 64, NoPriority},
		{NoPriority, 0, NoPriority}, // no card read
		{Disability, 30, Disability},
		{Appointment, 80, Appointment},
	}
	for _, tt := range tests {
		if got := r.PriorityFor(tt.claim, tt.age); got != tt.want {
			t.Errorf("PriorityFor(%q, %d) = %q, want %q", tt.claim, tt.age, got, tt.want)
		}
	}
	r.ElderlyAge = 60
	if got := r.PriorityFor(NoPriority, 64); got != Elderly {
		t.Errorf("with the age set to 60, a 64-year-old gets %q, want elderly", got)
	}
}

func TestWhoKey(t *testing.T) {
	a := WhoKey(suite.Intl, []byte("hall key one"), "11010519491231002X")
	if a != WhoKey(suite.Intl, []byte("hall key one"), "11010519491231002X") || len(a) != 64 {
		t.Errorf("WhoKey is not a stable 64-character hex string: %q", a)
	}
	if a == WhoKey(suite.Intl, []byte("hall key two"), "11010519491231002X") || a == WhoKey(suite.Intl, []byte("hall key one"), "110105194912310039") {
		t.Error("WhoKey does not depend on both the key and the number")
	}
}

func TestPickNext(t *testing.T) {
	c := func(id, cat string, p Priority) Candidate { return Candidate{ID: id, Category: cat, Priority: p} }
	tests := []struct {
		name   string
		cands  []Candidate
		cats   []string
		streak int
		want   string
	}{
		{"empty", nil, []string{"A"}, 0, ""},
		{"first in line", []Candidate{c("A1", "A", ""), c("A2", "A", "")}, []string{"A"}, 0, "A1"},
		{"category order wins over time", []Candidate{c("B1", "B", ""), c("A1", "A", "")}, []string{"A", "B"}, 0, "A1"},
		{"second category when first is empty", []Candidate{c("B1", "B", ""), c("C1", "C", "")}, []string{"A", "B"}, 0, "B1"},
		{"not served here", []Candidate{c("C1", "C", "")}, []string{"A", "B"}, 0, ""},
		{"priority first", []Candidate{c("A1", "A", ""), c("A2", "A", Elderly)}, []string{"A"}, 0, "A2"},
		{"priority within the category only", []Candidate{c("A1", "A", ""), c("B1", "B", Elderly)}, []string{"A", "B"}, 0, "A1"},
		{"fairness cap reached", []Candidate{c("A1", "A", ""), c("A2", "A", Elderly)}, []string{"A"}, 3, "A1"},
		{"cap reached but only priority waits", []Candidate{c("A2", "A", Disability)}, []string{"A"}, 3, "A2"},
		{"cap not yet reached", []Candidate{c("A1", "A", ""), c("A2", "A", Appointment)}, []string{"A"}, 2, "A2"},
		{"transferred here first", []Candidate{c("A1", "A", Elderly), {ID: "B7", Category: "B", Targeted: true}}, []string{"A"}, 0, "B7"},
	}
	for _, tt := range tests {
		i := PickNext(tt.cands, tt.cats, tt.streak, 3)
		got := ""
		if i >= 0 {
			got = tt.cands[i].ID
		}
		if got != tt.want {
			t.Errorf("%s: PickNext = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEstimateWait(t *testing.T) {
	tests := []struct {
		ahead, open int
		per         time.Duration
		want        time.Duration
	}{
		{0, 1, 6 * time.Minute, 6 * time.Minute},
		{5, 2, 4 * time.Minute, 12 * time.Minute},
		{3, 0, time.Minute, 4 * time.Minute}, // no window open yet: as if one
	}
	for _, tt := range tests {
		if got := EstimateWait(tt.ahead, tt.open, tt.per); got != tt.want {
			t.Errorf("EstimateWait(%d, %d, %v) = %v, want %v", tt.ahead, tt.open, tt.per, got, tt.want)
		}
	}
	if TicketCode("A", 7) != "A007" || TicketCode("H", 999) != "H999" {
		t.Error("TicketCode does not pad to three digits")
	}
}

func TestLineAhead(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    LineAhead
		p    Priority
		want int
	}{
		{"ordinary waits for everyone before it", LineAhead{Before: 3, PriorityBefore: 1, Ordinary: 2, Headroom: 3, Cap: 3}, NoPriority, 3},
		{"elderly behind one ordinary is next", LineAhead{Before: 1, Ordinary: 1, Headroom: 3, Cap: 3}, Elderly, 0},
		{"behind priority ones within the cap", LineAhead{Before: 4, PriorityBefore: 2, Ordinary: 2, Headroom: 3, Cap: 3}, Appointment, 2},
		{"the cap lets an ordinary one in", LineAhead{Before: 5, PriorityBefore: 3, Ordinary: 2, Headroom: 3, Cap: 3}, Elderly, 4},
		{"a window at its cap calls an ordinary one first", LineAhead{Before: 1, Ordinary: 1, Headroom: 0, Cap: 3}, Elderly, 1},
		{"no ordinary one to let in", LineAhead{Before: 5, PriorityBefore: 5, Headroom: 3, Cap: 3}, Disability, 5},
	} {
		if got := tc.l.Ahead(tc.p); got != tc.want {
			t.Errorf("%s: %+v Ahead(%q) = %d, want %d", tc.name, tc.l, tc.p, got, tc.want)
		}
	}
}
