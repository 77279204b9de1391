package theme

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"
)

func readTranslations(t *testing.T, file string) map[string]string {
	t.Helper()
	data, err := translations.ReadFile("translations/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}

// TestBothLanguagesHaveEveryKey: a key missing in one language shows the
// key itself on a kiosk.
func TestBothLanguagesHaveEveryKey(t *testing.T) {
	zh := readTranslations(t, locales[Chinese].file)
	en := readTranslations(t, locales[English].file)
	for k, v := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in Chinese (%q) but not in English", k, v)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("%q is empty in Chinese", k)
		}
	}
	for k, v := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q is in English (%q) but not in Chinese", k, v)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("%q is empty in English", k)
		}
	}
}

// TestEveryKeyTheScreensUseIsTranslated reads the sources of the screens
// whose words are in this package's files (the kiosk and the hall screen)
// for theme.L("…") and tr("…"), in both languages.
func TestEveryKeyTheScreensUseIsTranslated(t *testing.T) {
	zh := readTranslations(t, locales[Chinese].file)
	en := readTranslations(t, locales[English].file)
	kiosk, _ := filepath.Glob("../kiosk/*.go")
	display, _ := filepath.Glob("../display/*.go")
	files := append(kiosk, display...)
	re := regexp.MustCompile(`(?:theme\.L|\btr)\("([^"]+)"[,)]`)
	var missing []string
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			seen++
			if _, ok := zh[m[1]]; !ok {
				missing = append(missing, f+": "+m[1])
			}
			if _, ok := en[m[1]]; !ok {
				missing = append(missing, f+": "+m[1]+" (English)")
			}
		}
	}
	if seen < 50 {
		t.Fatalf("found only %d theme.L and tr calls in the screens; the pattern or the paths are wrong", seen)
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no translation for %s", m)
	}
}

// TestLFollowsSetLanguageOnly: the screens' words follow SetLanguage and
// nothing the operating system says; on Windows Fyne's own lookup reads the
// user's language from the system, where the environment is not consulted.
func TestLFollowsSetLanguageOnly(t *testing.T) {
	defer SetLanguage(Chinese)
	if err := SetLanguage(Chinese); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LC_ALL", "en_US.UTF-8") // what Fyne would read on Linux
	t.Setenv("LANG", "en_US.UTF-8")
	if got, want := L("home.number"), readTranslations(t, locales[Chinese].file)["home.number"]; got != want || want == "" {
		t.Errorf("L after SetLanguage(Chinese) with an English environment: %q, want %q", got, want)
	}
	if err := SetLanguage(English); err != nil {
		t.Fatal(err)
	}
	if got, want := L("home.number"), readTranslations(t, locales[English].file)["home.number"]; got != want || want == "" {
		t.Errorf("L after SetLanguage(English): %q, want %q", got, want)
	}
	if got := L("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key shows as %q; want the key itself, to be seen", got)
	}
}

// TestEveryKeyTheWindowTerminalUsesIsTranslated reads the window
// terminal's sources for its keys ("win.…" literals; the keys it builds
// from a prefix are checked by ui/window's own tests).
func TestEveryKeyTheWindowTerminalUsesIsTranslated(t *testing.T) {
	zh := readTranslations(t, locales[Chinese].file)
	en := readTranslations(t, locales[English].file)
	files, _ := filepath.Glob("../window/*.go")
	re := regexp.MustCompile(`"(win\.[a-z0-9_.]*[a-z0-9_])"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			seen++
			if _, ok := zh[m[1]]; !ok {
				t.Errorf("%s: no Chinese for %s", f, m[1])
			}
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s: no English for %s", f, m[1])
			}
		}
	}
	if seen < 100 {
		t.Fatalf("found only %d keys in the window terminal; the pattern or the path is wrong", seen)
	}
}

func TestWordsDoNotTouchTheProcessLanguage(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { SetLanguage(Chinese) })
	if err := SetLanguage(Chinese); err != nil {
		t.Fatal(err)
	}
	en := MustWordsIn(English)
	if got := en.L("win.window", 5); got != "Window 5" {
		t.Errorf("English win.window = %q", got)
	}
	if got := MustWordsIn(Chinese).L("win.window", 5); got != "5号窗口" {
		t.Errorf("Chinese win.window = %q", got)
	}
	if got := lang.L("home.number"); got != "取号" || CurrentLanguage() != Chinese {
		t.Errorf("Words changed the process's language: home.number = %q, current %s", got, CurrentLanguage())
	}
	if got := en.L("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key should show itself, got %q", got)
	}
	if _, err := WordsIn("fr"); err == nil {
		t.Error("WordsIn(fr) should fail")
	}
}

func TestSetLanguageSwitchesFyneTranslations(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { SetLanguage(Chinese) })
	for _, tc := range []struct {
		l    Language
		want string
	}{{English, "Take a number"}, {Chinese, "取号"}, {English, "Take a number"}} {
		if err := SetLanguage(tc.l); err != nil {
			t.Fatal(err)
		}
		if got := lang.L("home.number"); got != tc.want {
			t.Errorf("after SetLanguage(%s), home.number = %q, want %q", tc.l, got, tc.want)
		}
		if CurrentLanguage() != tc.l {
			t.Errorf("CurrentLanguage = %s, want %s", CurrentLanguage(), tc.l)
		}
	}
	if err := SetLanguage("fr"); err == nil {
		t.Errorf("SetLanguage(fr) should fail: the screens speak zh and en")
	}
}

func TestModesGrowTextAndTargets(t *testing.T) {
	th := New(Compact)
	var prevText, prevTarget float32
	for _, m := range []Mode{Compact, Touch, Large} {
		th.SetMode(m)
		text, target := th.Size(fynetheme.SizeNameText), th.Size(SizeNameTarget)
		if text <= prevText || target <= prevTarget {
			t.Errorf("%s: text %v, target %v; each mode must be larger than the one before", m, text, target)
		}
		prevText, prevTarget = text, target
	}
	th.SetMode(Touch)
	if th.Size(SizeNameTarget) < MinTarget {
		t.Errorf("touch targets are %v, want at least %v", th.Size(SizeNameTarget), MinTarget)
	}
}

func TestBoldTextUsesTheBoldFace(t *testing.T) {
	th := New(Touch)
	if th.Font(fyne.TextStyle{Bold: true}) != BoldFont() || th.Font(fyne.TextStyle{}) != RegularFont() {
		t.Errorf("the theme does not pick the embedded bold and regular faces")
	}
	if th.Font(fyne.TextStyle{Monospace: true}) != RegularFont() {
		t.Errorf("monospace text must use the CJK font too, or Chinese in it shows as boxes")
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b [3]float64) float64 {
	lum := func(c [3]float64) float64 {
		var l [3]float64
		for i, v := range c {
			v /= 255
			if v <= 0.03928 {
				l[i] = v / 12.92
			} else {
				l[i] = pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestTextColoursHaveHighContrast(t *testing.T) {
	th := New(Touch)
	rgb := func(n fyne.ThemeColorName) [3]float64 {
		r, g, b, _ := th.Color(n, fynetheme.VariantLight).RGBA()
		return [3]float64{float64(r >> 8), float64(g >> 8), float64(b >> 8)}
	}
	for _, pair := range [][2]fyne.ThemeColorName{
		{fynetheme.ColorNameForeground, fynetheme.ColorNameBackground},
		{fynetheme.ColorNameForeground, fynetheme.ColorNameButton},
		{fynetheme.ColorNameForegroundOnPrimary, fynetheme.ColorNamePrimary},
		{fynetheme.ColorNameError, fynetheme.ColorNameBackground},
		{fynetheme.ColorNameDisabled, fynetheme.ColorNameBackground},
		{ColorNameOnBand, ColorNameBand},
		{ColorNameOnHighlight, ColorNameHighlight},
		{ColorNameHighlight, fynetheme.ColorNameBackground},
	} {
		if c := contrast(rgb(pair[0]), rgb(pair[1])); c < 7 {
			t.Errorf("%s on %s has contrast %.1f:1, want at least 7:1", pair[0], pair[1], c)
		}
	}
}

func pow(x, y float64) float64 { return math.Pow(x, y) }
