package window

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"onewindow/ui/theme"
)

// TestFunctionKeysWhateverHasFocus presses F1 to F12 with each kind of
// widget the window has focused (a single-line field, a button, a
// checkbox, a drop-down, a list) and checks each key does its action: the
// desktop driver hands a function key to the focused widget only.
func TestFunctionKeysWhateverHasFocus(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	term := b.term
	type focused struct {
		kind string
		tab  func() *container.TabItem
		o    fyne.Focusable
	}
	tabOf := func(c fyne.CanvasObject) func() *container.TabItem {
		return func() *container.TabItem {
			for _, ti := range term.tabs.Items {
				if ti.Content == c {
					return ti
				}
			}
			return nil
		}
	}
	intake, cases, followUps := tabOf(term.intake.content), tabOf(term.cases.content), tabOf(term.followUps.content)
	widgets := []focused{
		{"the 受理 search field", intake, term.intake.search},
		{"the 办件 search field", cases, term.cases.query},
		{"the refusal-reason drop-down", intake, term.intake.out.reason},
		{"the refusal's words", intake, term.intake.out.reasonText},
		{"the item list", intake, term.intake.results},
		{"the case list", cases, term.cases.list},
		{"the hall-view checkbox", cases, term.cases.hall},
		{"the follow-up action drop-down", followUps, term.followUps.action},
		{"the call button", intake, term.queue.callNext},
	}
	queueKeys := map[fyne.KeyName]string{"F1": "call", "F2": "recall", "F3": "skip", "F4": "start", "F5": "finish", "F6": "transfer", "F8": "resume"}
	for _, w := range widgets {
		for i := 1; i <= 12; i++ {
			key := fyne.KeyName(fmt.Sprintf("F%d", i))
			term.onUI(func() {
				term.tabs.Select(w.tab())
				term.win.Canvas().Focus(w.o)
				term.say("", false)
			})
			if got := b.is(func() bool { return term.win.Canvas().Focused() == w.o }); !got {
				t.Fatalf("%s does not take the focus", w.kind)
			}
			b.key(key)
			fail := func(did string) { t.Errorf("%s with %s focused: %s", key, w.kind, did) }
			switch key {
			case "F7":
				if !b.is(term.chooser.Open) {
					fail("the pause reasons did not open")
				}
				term.onUI(term.chooser.close)
			case "F9", "F10", "F11":
				want := map[fyne.KeyName]func() *container.TabItem{"F9": intake, "F10": cases, "F11": followUps}[key]()
				if !b.is(func() bool { return term.tabs.Selected() == want }) {
					fail("its tab is not shown")
				}
			case "F12":
				if v := term.desk.View(); !v.Locked {
					fail("the window is not locked")
				}
				b.mustLogin()
			default:
				what := term.tr("win.queue." + queueKeys[key])
				if m := term.Message(); !strings.Contains(m, what) {
					fail(fmt.Sprintf("the message bar says %q, not a word of %q", m, what))
				}
			}
		}
	}
}

// TestLeftPanelKeepsItsWidth changes the left panel's words (the language,
// a long line in the panel) and checks the panel keeps its width.
func TestLeftPanelKeepsItsWidth(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	term := b.term
	width := func() float32 {
		var w float32
		term.onUI(func() {
			term.win.Content().Refresh()
			w = term.queue.content.Size().Width
		})
		return w
	}
	want := width()
	if want != float32(panelWidth) {
		t.Errorf("the left panel is %v wide, not %v", want, float32(panelWidth))
	}
	long := strings.Repeat("a long reason for a pause ", 8)
	for _, change := range []struct {
		what string
		do   func()
	}{
		{"English", func() { _ = term.SetLanguage(theme.English) }},
		{"a long pause reason", func() { term.queue.paused.SetText(long) }},
		{"a long ticket state", func() { term.queue.state.SetText(long) }},
		{"a long keypad refusal", func() { term.queue.keypad.SetText(long) }},
		{"Chinese", func() { _ = term.SetLanguage(theme.Chinese) }},
	} {
		term.onUI(change.do)
		if got := width(); got != want {
			t.Errorf("after %s the left panel is %v wide, not %v", change.what, got, want)
		}
	}
}
