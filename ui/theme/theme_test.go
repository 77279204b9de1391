package theme

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"onewindow/app"
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
	t.Parallel()
	zh := readTranslations(t, files[Chinese])
	en := readTranslations(t, files[English])
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
// that ask their words by tr("…") (the kiosk, the hall screen and the
// set-up wizard) for every key, in both languages.
func TestEveryKeyTheScreensUseIsTranslated(t *testing.T) {
	t.Parallel()
	zh := readTranslations(t, files[Chinese])
	en := readTranslations(t, files[English])
	var sources []string
	for _, screen := range []string{"kiosk", "display", "setup"} {
		found, _ := filepath.Glob("../" + screen + "/*.go")
		sources = append(sources, found...)
	}
	re := regexp.MustCompile(`\btr\("([^"]+)"[,)]`)
	var missing []string
	seen := map[string]int{}
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			seen[filepath.Base(filepath.Dir(f))]++
			if _, ok := zh[m[1]]; !ok {
				missing = append(missing, f+": "+m[1])
			}
			if _, ok := en[m[1]]; !ok {
				missing = append(missing, f+": "+m[1]+" (English)")
			}
		}
	}
	if seen["kiosk"]+seen["display"] < 50 || seen["setup"] < 20 {
		t.Fatalf("found only %v tr calls in the screens; the pattern or the paths are wrong", seen)
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no translation for %s", m)
	}
}

// TestWordsFollowTheirLanguageOnly: the screens' words are those of the
// language asked for and nothing the operating system says (Fyne's own
// lookup reads the system's language: on Windows the user's setting).
func TestWordsFollowTheirLanguageOnly(t *testing.T) {
	t.Setenv("LC_ALL", "en_US.UTF-8") // what Fyne would read on Linux
	t.Setenv("LANG", "en_US.UTF-8")
	if got, want := MustWordsIn(Chinese).L("home.number"), readTranslations(t, files[Chinese])["home.number"]; got != want || want == "" {
		t.Errorf("Chinese words with an English environment: home.number = %q, want %q", got, want)
	}
	if got, want := MustWordsIn(English).L("home.number"), readTranslations(t, files[English])["home.number"]; got != want || want == "" {
		t.Errorf("English words: home.number = %q, want %q", got, want)
	}
	if got := MustWordsIn(English).L("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key shows as %q; want the key itself, to be seen", got)
	}
}

// TestEveryKeyTheWindowTerminalUsesIsTranslated reads the window
// terminal's sources for its keys ("win.…" literals; the keys it builds
// from a prefix are checked by ui/window's own tests).
func TestEveryKeyTheWindowTerminalUsesIsTranslated(t *testing.T) {
	t.Parallel()
	zh := readTranslations(t, files[Chinese])
	en := readTranslations(t, files[English])
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

// TestWordsDoNotTouchTheProcess: taking words in a language changes
// nothing of the process (the environment Fyne reads its locale from), so
// screens in different languages live side by side.
func TestWordsDoNotTouchTheProcess(t *testing.T) {
	t.Parallel()
	before := os.Environ()
	en := MustWordsIn(English)
	if got := en.L("win.window", 5); got != "Window 5" {
		t.Errorf("English win.window = %q", got)
	}
	zh := MustWordsIn(Chinese)
	if got := zh.L("win.window", 5); got != "5号窗口" {
		t.Errorf("Chinese win.window = %q", got)
	}
	if got := zh.L("home.number"); got != "取号" || zh.Language() != Chinese {
		t.Errorf("English words changed the Chinese ones: home.number = %q, language %s", got, zh.Language())
	}
	if after := os.Environ(); !slices.Equal(before, after) {
		t.Errorf("taking words changed the environment: %q, was %q", after, before)
	}
	if got := en.L("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key should show itself, got %q", got)
	}
	if _, err := WordsIn("fr"); err == nil {
		t.Error("WordsIn(fr) should fail: the screens speak zh and en")
	}
}

// TestBothSaysEachLanguage: the set-up screens' words, Chinese then English.
func TestBothSaysEachLanguage(t *testing.T) {
	t.Parallel()
	w, err := Both(Chinese, English)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.L("home.number"); got != "取号  Take a number" {
		t.Errorf("both home.number = %q", got)
	}
	if got := w.L("win.window", 5); got != "5号窗口  Window 5" {
		t.Errorf("both win.window = %q", got)
	}
	if got := w.Pick(app.Text{Zh: "户籍业务", En: "Household registration"}); got != "户籍业务  Household registration" {
		t.Errorf("both Pick = %q", got)
	}
	if _, err := Both(Chinese, "fr"); err == nil {
		t.Error("Both(zh, fr) should fail")
	}
}

func TestModesGrowTextAndTargets(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
		// A field's typed text and its placeholder (the window terminal's
		// placeholders were 0x595959, 6.5:1 on the field, drawn in
		// strokes so thin they read as 3.3:1).
		{fynetheme.ColorNameForeground, fynetheme.ColorNameInputBackground},
		{fynetheme.ColorNamePlaceHolder, fynetheme.ColorNameInputBackground},
		{fynetheme.ColorNamePlaceHolder, fynetheme.ColorNameBackground},
	} {
		if c := contrast(rgb(pair[0]), rgb(pair[1])); c < 7 {
			t.Errorf("%s on %s has contrast %.1f:1, want at least 7:1", pair[0], pair[1], c)
		}
	}
}

func pow(x, y float64) float64 { return math.Pow(x, y) }
