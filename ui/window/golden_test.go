package window

import (
	"image"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"onewindow/app"
)

// The main screens against golden images in testdata/. A change in what is
// drawn fails here and writes the new image to testdata/failed/ to look at;
// copy it over the golden file when the change is meant.

func TestGoldenLogin(t *testing.T) {
	b := newBench(t)
	test.AssertImageMatches(t, "login.png", b.capture())
}

func TestGoldenIntakeAccepted(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.issue("A")
	b.key(fyne.KeyF1)
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	b.term.onUI(func() { b.term.say("受理：已打印受理通知书", false) })
	test.AssertImageMatches(t, "intake_accepted.png", b.capture())
}

func TestGoldenCaseDetail(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.takeIn("csyjs", 0, 1, 2) // 出生一件事: four departments decide in parallel
	b.ctrl(fyne.KeyS)
	number := b.term.desk.View().CaseNumber
	if _, err := b.Store.ApplyCentralDecision(b.ctx, app.CentralDecision{Case: number, State: app.InReview, Department: "weijian", Approve: true, Note: "出生医学证明已核验"}); err != nil {
		t.Fatal(err)
	}
	b.key(fyne.KeyF10)
	b.typeText(number)
	b.key(fyne.KeyReturn)
	test.AssertImageMatches(t, "case_detail.png", b.capture())
}

// capture draws the window as it stands between redraws.
// TestNoThemeOverride: the terminal wears its theme as the app's, so the
// goldens above show it in its own sizes, and without an override, for
// which Fyne would parse the CJK fonts a second time.
func TestNoThemeOverride(t *testing.T) {
	b := newBench(t)
	if _, ok := b.term.Window().Content().(*container.ThemeOverride); ok {
		t.Error("the terminal's content is in a theme override")
	}
	if got := fyne.CurrentApp().Settings().Theme(); got != fyne.Theme(look.Theme) {
		t.Errorf("the app's theme is %T %p; want the terminal's", got, got)
	}
}

func (b *bench) capture() (img image.Image) {
	b.term.onUI(func() { img = b.term.Window().Canvas().Capture() })
	return img
}

// The same screens in English, the hall's second language.

func TestGoldenLoginEnglish(t *testing.T) {
	b := newBench(t)
	b.english()
	test.AssertImageMatches(t, "login_en.png", b.capture())
}

func TestGoldenIntakeAcceptedEnglish(t *testing.T) {
	b := newBench(t)
	b.english()
	b.mustLogin()
	b.issue("A")
	b.key(fyne.KeyF1)
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	b.term.onUI(func() { b.term.say("Accepted: the 受理通知书 (acceptance notice) is printed", false) })
	test.AssertImageMatches(t, "intake_accepted_en.png", b.capture())
}

func TestGoldenCaseDetailEnglish(t *testing.T) {
	b := newBench(t)
	b.english()
	b.mustLogin()
	b.takeIn("csyjs", 0, 1, 2)
	b.ctrl(fyne.KeyS)
	number := b.term.desk.View().CaseNumber
	if _, err := b.Store.ApplyCentralDecision(b.ctx, app.CentralDecision{Case: number, State: app.InReview, Department: "weijian", Approve: true, Note: "出生医学证明已核验"}); err != nil {
		t.Fatal(err)
	}
	b.key(fyne.KeyF10)
	b.typeText(number)
	b.key(fyne.KeyReturn)
	test.AssertImageMatches(t, "case_detail_en.png", b.capture())
}

// The pre-review of a kiosk's application, its materials checked: the
// window as one of a hall, in both languages.

func TestGoldenPreReview(t *testing.T) { goldenPreReview(t, "pre_review.png", false) }

func TestGoldenPreReviewEnglish(t *testing.T) { goldenPreReview(t, "pre_review_en.png", true) }

func goldenPreReview(t *testing.T, file string, english bool) {
	b := newHallBench(t)
	k := b.terminal("330106K03")
	b.apply(k, "GA-007", 0)
	b.Clock.Advance(2 * time.Minute)
	b.apply(k, "RS-004", 0)
	if english {
		b.english()
	}
	b.mustLogin()
	b.ctrl(fyne.KeyK)
	b.ctrl(fyne.Key1)
	test.AssertImageMatches(t, file, b.capture())
}
