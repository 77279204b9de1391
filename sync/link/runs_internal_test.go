package link

import (
	"testing"

	"onewindow/app"
)

func TestFollowingRuns(t *testing.T) {
	batch := func(first, last, held int64) *flight {
		f := &flight{}
		for s := first; s <= last; s++ {
			f.b.ops = append(f.b.ops, app.Operation{Seq: s})
		}
		f.ans.Held = held
		return f
	}
	a, b, c, d := batch(1, 500, 500), batch(501, 1000, 1000), batch(1501, 2000, 2000), batch(2001, 2500, 2200)
	e := batch(2501, 2600, 2600)
	runs := followingRuns([]*flight{a, b, c, d, e})
	if len(runs) != 3 || len(runs[0]) != 2 || len(runs[1]) != 2 || len(runs[2]) != 1 {
		t.Errorf("runs %d: want [a b] [c d] [e]: a hole after b, and d held only in part", len(runs))
	}
	if got := followingRuns([]*flight{a}); len(got) != 1 || len(got[0]) != 1 {
		t.Errorf("one answer: %v", got)
	}
}
