package store

import (
	"context"
	"testing"

	"onewindow/app"
)

// openWithCap is a store whose hall lets a window make cap priority calls
// in a row.
func openWithCap(t *testing.T, cap int) *fixture {
	t.Helper()
	f := open(t)
	st := app.DefaultSettings
	st.Queue.PriorityCap = cap
	if err := f.SetSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestAheadIsWhoIsCalledFirst: the number of people a ticket is told are
// ahead of it is how many the window really calls before it. An elderly
// ticket behind one ordinary ticket is called next, so 0 are ahead, not 1;
// with the cap on priority calls in a row, the ordinary ones it lets in
// count.
func TestAheadIsWhoIsCalledFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := openWithCap(t, 2)
	// Category E is served by window 7 alone. The ordinary tickets cannot
	// know of the priority ones that come after them; those can.
	told := map[string]int{}
	issue(t, f, "E")
	issue(t, f, "E")
	elderly, err := f.Issue(ctx, fromCard("E", elder))
	if err != nil || elderly.Priority != app.Elderly {
		t.Fatalf("a 70-year-old's ticket: %+v, %v", elderly, err)
	}
	if elderly.Ahead != 0 {
		t.Errorf("an elderly ticket behind two ordinary ones is called next: told %d ahead, want 0", elderly.Ahead)
	}
	told[elderly.Code] = elderly.Ahead
	for range 4 {
		tk, err := f.Issue(ctx, app.IssueRequest{Category: "E", Claim: app.Disability}) // an appointment comes with a booking only
		if err != nil {
			t.Fatal(err)
		}
		told[tk.Code] = tk.Ahead
	}
	// The window calls them all; each ticket told n ahead must be call n+1.
	for i := 0; len(told) > 0; i++ {
		got := call(t, f, 7)
		f.Finish(ctx, "", 7)
		if n, ok := told[got.Code]; ok {
			if n != i {
				t.Errorf("%s (%s) was told %d ahead but was call %d", got.Code, got.Priority, n, i+1)
			}
			delete(told, got.Code)
		}
		if i > 10 {
			t.Fatalf("tickets never called: %v", told)
		}
	}
}
