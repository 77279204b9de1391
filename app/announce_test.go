package app

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCallClips(t *testing.T) {
	for _, tc := range []struct {
		code   string
		window int
		want   string
	}{
		{"A012", 5, "please A 0 1 2 number to 5 window"},
		{"B100", 10, "please B 1 0 0 number to ten window"},
		{"C007", 12, "please C 0 0 7 number to ten 2 window"},
		{"D001", 20, "please D 0 0 1 number to 2 ten window"},
		{"E001", 105, "please E 0 0 1 number to 1 hundred 0 5 window"},
		{"F001", 110, "please F 0 0 1 number to 1 hundred 1 ten window"},
		{"g001", 999, "please G 0 0 1 number to 9 hundred 9 ten 9 window"},
	} {
		got := strings.Join(CallClips(tc.code, tc.window), " ")
		if got != tc.want {
			t.Errorf("CallClips(%s, %d) = %q, want %q", tc.code, tc.window, got, tc.want)
		}
	}
}

func TestCallText(t *testing.T) {
	if got := CallText("A012", 5, "zh"); got != "请 A012 号到 5 号窗口办理" {
		t.Errorf("zh: %q", got)
	}
	if got := CallText("A012", 5, "en"); got != "Number A012, please go to window 5" {
		t.Errorf("en: %q", got)
	}
}

func TestNumberClipsNeverEmpty(t *testing.T) {
	for n := -1; n <= 1000; n++ {
		if c := NumberClips(n); len(c) == 0 || slices.Contains(c, "") {
			t.Errorf("NumberClips(%d) = %q", n, c)
		}
	}
}

func TestCallBoardKeepsTheLastCallsNewestFirst(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, HallZone)
	b := CallBoard{Size: 3}
	for i, code := range []string{"A001", "B001", "A002", "C001"} {
		if !b.Add(Call{Code: code, Window: i + 1, At: now}, now) {
			t.Errorf("a fresh call %s should be announced", code)
		}
	}
	got := b.Calls()
	if len(got) != 3 || got[0].Code != "C001" || got[2].Code != "B001" {
		t.Fatalf("board = %+v, want C001, A002, B001", got)
	}
	b.Add(Call{Code: "B001", Window: 2, At: now}, now)
	if got := b.Calls(); got[0].Code != "B001" || len(got) != 3 || got[1].Code != "C001" {
		t.Errorf("a recall should move B001 to the top once: %+v", got)
	}
	if b.Add(Call{Code: "D001", Window: 4, At: now.Add(-2 * StaleCall)}, now) {
		t.Errorf("a call missed while offline must not be read out")
	}
}
