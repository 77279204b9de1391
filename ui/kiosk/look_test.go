package kiosk

// What the kiosk looks and sounds like: elderly mode, the languages, the
// touch targets, the golden screens and the spoken prompts.

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

func TestElderlyModeInOneTap(t *testing.T) {
	r := newRig(t)
	normal := r.k.theme.Size("text")
	r.tap(t, "长者模式（大字）")
	if !r.k.Elderly() || r.k.theme.Size("text") <= normal {
		t.Fatalf("elderly mode on: %v, text %v (was %v)", r.k.Elderly(), r.k.theme.Size("text"), normal)
	}
	r.tap(t, "取号")
	r.clock.Advance(app.KioskIdleTimeout + time.Second)
	r.k.CheckIdle()
	if r.k.Page() != "number" {
		t.Errorf("elderly mode should wait longer than %v", app.KioskIdleTimeout)
	}
	r.clock.Advance(app.ElderlyIdleTimeout)
	r.k.CheckIdle()
	if r.k.Page() != "home" || r.k.Elderly() {
		t.Errorf("after the elderly timeout: page %q, elderly %v; want home, off", r.k.Page(), r.k.Elderly())
	}
}

func TestLanguageSwitchesFromHome(t *testing.T) {
	r := newRig(t)
	env := os.Environ()
	r.tap(t, "English")
	r.mustShow(t, "Take a number", "Service guide", "Xixi District")
	if after := os.Environ(); !slices.Equal(env, after) {
		t.Errorf("the citizen's language changed the process's environment: %q, was %q", after, env)
	}
	r.tap(t, "Service guide")
	r.mustShow(t, "Browse by department")
	r.tap(t, "Home")
	r.tap(t, "中文")
	r.mustShow(t, "取号", "西溪区政务服务中心")
}

func TestTouchTargetsAreAtLeast60Pixels(t *testing.T) {
	r := newRig(t)
	check := func(where string) {
		t.Helper()
		walk(r.w.Content(), nil, func(o fyne.CanvasObject, _ []fyne.CanvasObject) bool {
			if b, ok := o.(*touch.Button); ok {
				if s := b.Size(); s.Width < theme.MinTarget || s.Height < theme.MinTarget {
					t.Errorf("%s: button %q is %v, smaller than %v×%v", where, b.Text, s, theme.MinTarget, theme.MinTarget)
				}
			}
			return false
		})
	}
	check("home")
	r.tap(t, "取号")
	check("number")
	r.tap(t, "返回首页")
	r.tap(t, "办事指南")
	r.tap(t, "按拼音首字母查找")
	check("search")
}

// TestGoldenScreens holds the key screens, in both languages, against
// images in testdata/ (a mismatch is written to testdata/failed/).
func TestGoldenScreens(t *testing.T) {
	for _, l := range []struct {
		lang        theme.Language
		number, cat string
	}{{theme.Chinese, "取号", "A  户籍业务"}, {theme.English, "Take a number", "A  Household Registration"}} {
		r := newRig(t)
		if l.lang == theme.English {
			r.tap(t, "English")
		}
		test.AssertImageMatches(t, "home-"+string(l.lang)+".png", r.w.Canvas().Capture())
		c := card(t, 1)
		r.reader.card = &c
		r.tap(t, l.number)
		r.tap(t, map[theme.Language]string{theme.Chinese: "读身份证", theme.English: "Read ID card"}[l.lang])
		test.AssertImageMatches(t, "number-"+string(l.lang)+".png", r.w.Canvas().Capture())
		r.printer.fail, r.printer.status = true, app.PrinterStatus{PaperOut: true}
		r.tap(t, l.cat)
		test.AssertImageMatches(t, "ticket-paper-out-"+string(l.lang)+".png", r.w.Canvas().Capture())
	}
}

type voiceLog struct{ said []string }

func (v *voiceLog) Prompt(name string) { v.said = append(v.said, name) }

func TestElderlyModeSpeaksPromptsAndNormalModeDoesNot(t *testing.T) {
	v := &voiceLog{}
	r := newRig(t, func(c *Config) { c.Voice = v })
	r.tap(t, "取号")
	if len(v.said) != 0 {
		t.Errorf("normal mode spoke %q", v.said)
	}
	r.tap(t, "返回首页")
	r.tap(t, "长者模式（大字）")
	r.tap(t, "取号")
	r.tap(t, "A  户籍业务")
	if got := strings.Join(v.said, " "); got != "prompt-welcome prompt-category prompt-ticket" {
		t.Errorf("elderly mode said %q", got)
	}
}

// TestBuiltKeysAreTranslated: keys made at run time (a state, a problem,
// a priority, a case's light, who acted) must be in both languages too, or
// a citizen reads the key.
func TestBuiltKeysAreTranslated(t *testing.T) {
	t.Parallel() // no window: only the words
	var keys []string
	for _, s := range app.CaseStates {
		keys = append(keys, "state."+string(s))
	}
	for _, p := range []app.KioskProblem{app.ProblemHubUnreachable, app.ProblemCategoryFull, app.ProblemCategoryClosed,
		app.ProblemPaperOut, app.ProblemPrinterCover, app.ProblemPrinterFault, app.ProblemReaderFault, app.ProblemNoCard,
		app.ProblemCardNotID, app.ProblemCardBad, app.ProblemCardExpired, app.ProblemNotFound, app.ProblemUnknownCode,
		app.ProblemRecords, app.ProblemNotSetUp, app.ProblemHallOffline, app.ProblemNotRateable,
		selfservice.ProblemBookingCode, selfservice.ProblemNoBookingKey, selfservice.ProblemTicketNumber, selfservice.ProblemNeedReason,
		selfservice.ProblemPhone, selfservice.ProblemMaterials, selfservice.ProblemDocument, selfservice.ProblemScanTicket} {
		keys = append(keys, "problem."+string(p))
	}
	for _, p := range []app.Priority{app.Elderly, app.Disability, app.Appointment} {
		keys = append(keys, "priority."+string(p))
	}
	for _, l := range []app.Light{app.Green, app.Yellow, app.Red} {
		keys = append(keys, "progress.light."+string(l))
	}
	for _, a := range []selfservice.Actor{selfservice.ByKiosk, selfservice.ByWindow, selfservice.ByCentral} {
		keys = append(keys, "actor."+string(a))
	}
	for _, l := range []theme.Language{theme.Chinese, theme.English} {
		w, err := theme.WordsIn(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if got := w.L(k); got == k || got == "" {
				t.Errorf("%s: %q is not translated", l, k)
			}
		}
	}
}
