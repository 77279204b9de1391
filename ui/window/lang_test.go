package window

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/ui/theme"
)

// The window terminal in English, the hall's second language: every word
// on screen is English except the hall's data (the clerk's and the masked
// applicant's names, what central wrote) and the titles of the Chinese
// notices, which are named as printed. The paper stays Chinese.

// screenText is every text drawn in the window now, its pop-ups included,
// walking the widgets' renderers past what is hidden.
func (b *bench) screenText() []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(x.Text) != "" {
				out = append(out, x.Text)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	b.term.onUI(func() {
		c := b.term.Window().Canvas()
		walk(c.Content())
		for _, o := range c.Overlays().List() {
			walk(o)
		}
	})
	return out
}

var han = regexp.MustCompile(`\p{Han}`)

// data is what may stay Chinese on an English screen: names and records,
// not words of the screen.
var data = []string{
	"陈晓燕", "林海峰", "张*", "王*", // the clerk, the manager, the applicants masked
	"受理通知书", "一次性告知书", "不予受理通知书", // the notices, named as printed
	"出生医学证明已核验", // a department's note, as central wrote it
	"中文",        // the language switch names Chinese in Chinese
}

// mustSpeakEnglish fails for every text on screen with Chinese in it that
// is not data.
func (b *bench) mustSpeakEnglish(where string) {
	b.t.Helper()
	texts := b.screenText()
	if len(texts) < 10 {
		b.t.Fatalf("%s: only %d texts found on screen: %q", where, len(texts), texts)
	}
	for _, s := range texts {
		rest := s
		for _, d := range data {
			rest = strings.ReplaceAll(rest, d, "")
		}
		if han.MatchString(rest) {
			b.t.Errorf("%s: Chinese on the English screen: %q", where, s)
		}
	}
}

// shows reports whether some text on screen contains want.
func (b *bench) shows(want string) bool {
	for _, s := range b.screenText() {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

func (b *bench) mustShow(where string, want ...string) {
	b.t.Helper()
	for _, w := range want {
		if !b.shows(w) {
			b.t.Errorf("%s: %q is not on screen; it shows %q", where, w, b.screenText())
		}
	}
}

func (b *bench) english() {
	b.t.Helper()
	b.term.onUI(func() {
		if err := b.term.SetLanguage(theme.English); err != nil {
			b.t.Fatal(err)
		}
	})
}

func TestEnglishScreens(t *testing.T) {
	b := newBench(t)
	b.english()
	b.mustShow("login", "Window 1 · staff login", "Log in  [Enter]", "中文  [Alt+L]",
		"Xixi District Government Service Center · Window 1", "Not logged in", "Queue server: online", "Central: not enrolled")
	b.mustSpeakEnglish("login")

	b.login("S1001", "wrong")
	if msg := b.term.Message(); !strings.Contains(msg, "Log in failed: wrong staff ID or password; 4 more wrong tries") {
		t.Errorf("a wrong password in English: %q", msg)
	}
	b.mustLogin()
	b.issue("A")
	b.key(fyne.KeyF1)
	b.mustShow("called", "Call next  [F1]", "Called: waiting for the citizen", "Intake [F9]", "Cases [F10]", "Follow-ups [F11]",
		"Waiting for this window: 0", "A001")
	b.mustSpeakEnglish("called")

	b.takeIn("jmsfzhl", 0, 1)
	b.mustShow("intake", "Chosen: ", "Applicant: 张*", "(from the ID card)", "required", "[Ctrl+1]")
	b.mustSpeakEnglish("intake")
	b.ctrl(fyne.KeyS)
	number := b.term.desk.View().CaseNumber
	if number == "" {
		t.Fatalf("not accepted: %q", b.term.Message())
	}
	if msg := b.term.Message(); !strings.Contains(msg, "Accepted: "+number+", 受理通知书 (acceptance notice) printed") {
		t.Errorf("accepted in English: %q", msg)
	}
	b.mustShow("accepted", "Case "+number+" · Accepted", "Promised by ")
	b.mustSpeakEnglish("accepted")
	// The notice is a legal document in Chinese whatever the screen speaks.
	if page := b.page(1); !strings.Contains(page, "受理通知书") || han.FindAllString(page, -1) == nil {
		t.Errorf("the notice must print in Chinese:\n%s", page)
	}

	b.key(fyne.KeyF10)
	b.typeText(number)
	b.key(fyne.KeyReturn)
	b.mustShow("case", "applicant 张*", "Parallel approval", "Timeline", "✓ Timeline complete", "Accepted", "Hand out result  [Ctrl+H]")
	b.mustSpeakEnglish("case")
	b.ctrl(fyne.KeyH)
	if msg := b.term.Message(); msg != "Hand out: Waiting for District Public Security Sub-bureau to decide" {
		t.Errorf("a refused hand-out in English: %q", msg)
	}

	b.key(fyne.KeyF11)
	b.mustShow("follow-ups", "0 open", "Close follow-up  [Ctrl+E]", "Choose what was done")
	b.mustSpeakEnglish("follow-ups")

	b.key(fyne.KeyF7)
	b.mustShow("pause", "Why pause? (press the key in brackets)", "Cancel  [Esc]", "On a break  [1]")
	b.mustSpeakEnglish("pause chooser")
	b.key(fyne.KeyEscape)

	b.key(fyne.KeyF6)
	b.mustShow("transfer", "Transfer to which category or window?", "Window 2, household registration  [2]")
	b.mustSpeakEnglish("transfer chooser")
	b.key(fyne.KeyEscape)

	// Back to Chinese with Alt+L: the same screen, the case still open.
	b.term.onUI(func() { b.term.Press(fyne.KeyL, fyne.KeyModifierAlt) })
	if b.term.Language() != theme.Chinese {
		t.Fatalf("Alt+L should switch back to Chinese")
	}
	b.mustShow("Chinese again", "叫号  [F1]", "差评整改 [F11]", "待整改 0 件", "选择整改情况")
	b.key(fyne.KeyF10)
	b.mustShow("Chinese case", "全程留痕", "申请人 张*", "已受理")
}

// TestLanguageSwitchKeepsTheWork: switching in the middle of an intake
// keeps the item, the card and the ticks, and words them anew.
func TestLanguageSwitchKeepsTheWork(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.takeIn("jmsfzhl", 0)
	b.english()
	iv := b.term.intake
	if !b.is(func() bool { return iv.list.item != nil && iv.fromCard != nil && iv.list.ticks[0].Checked }) {
		t.Fatal("the switch lost the intake")
	}
	if got := b.get(func() string { return iv.list.text[0].Text }); han.MatchString(strings.ReplaceAll(got, "居民身份证", "")) || !strings.Contains(got, "[Ctrl+1]") {
		t.Errorf("the checklist in English: %q", got)
	}
	if got := b.get(func() string { return iv.out.advice.Selected }); got != app.SupplementAdvice[0].Text.En {
		t.Errorf("the advice chosen should stay chosen, in English: %q", got)
	}
	b.mustSpeakEnglish("intake after the switch")
}

// TestEveryBuiltKeyIsTranslated checks the keys the screen builds from a
// prefix (the theme's test reads the literal ones from the sources).
func TestEveryBuiltKeyIsTranslated(t *testing.T) {
	var keys []string
	for _, k := range ticketStates {
		keys = append(keys, k)
	}
	for _, k := range stateNames {
		keys = append(keys, k)
	}
	for _, k := range lightNames {
		keys = append(keys, k)
	}
	for a := range actionNames {
		keys = append(keys, "win.action."+a)
	}
	for _, n := range []string{"call", "recall", "skip", "start", "finish", "transfer", "pause", "resume"} {
		keys = append(keys, "win.queue."+n)
	}
	for _, l := range []theme.Language{theme.Chinese, theme.English} {
		w := theme.MustWordsIn(l)
		for _, k := range keys {
			if w.L(k) == k {
				t.Errorf("%s: no words for %s", l, k)
			}
		}
	}
}

// TestEnglishStatusCorner: the corner in English with the hub down, a
// link to central that is offline with work waiting and refusals, and a
// printer that failed: it must say so and still fit the window.
func TestEnglishStatusCorner(t *testing.T) {
	b := newBench(t)
	b.english()
	b.term.onUI(func() {
		v := b.term.desk.View()
		v.Hub = desk.LinkState{Online: false, Checked: hallrig.Start}
		v.Sync = &app.SyncStatus{Online: false, Pending: 12, Rejected: 2, LastSuccess: hallrig.Start}
		v.Printer = desk.DeviceState{Attached: true, OK: false}
		v.Display = desk.DeviceState{Attached: false}
		b.term.drawCorner(v)
	})
	b.mustShow("corner", "Queue server: offline (intake works)", "Central: offline · 12 to send · last 11-23 09:30 · 2 refused", "Printer✗ Display— Reader✓")
	b.mustSpeakEnglish("corner")
	// The header holds the hall, the window, the clerk and the corner on
	// one line of a 1280-pixel window.
	var width float32
	b.term.onUI(func() { width = b.term.header.MinSize().Width })
	if width > 1280-2*8 {
		t.Errorf("the header needs %s px, wider than the window", fmt.Sprint(width))
	}
	// Laid out, the hall's name gives way and the window stays named.
	b.term.onUI(func() { b.term.header.Refresh() })
	if hall := b.get(func() string { return b.term.hallLabel.Text }); !strings.Contains(hall, "…") || !strings.HasSuffix(hall, "· Window 1") {
		t.Errorf("the hall's line should be cut to fit and keep the window: %q", hall)
	}
}
