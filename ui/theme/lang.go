package theme

import (
	"embed"
	"fmt"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"onewindow/app"
)

// Language is a language the screens speak.
type Language string

// Languages: Chinese first, as the hall's own.
const (
	Chinese Language = "zh"
	English Language = "en"
)

// locales are what Fyne's translation lookup is told for each language,
// and the files holding the screens' words in it. Chinese is zh-Hans, the
// tag of Fyne's own Chinese, so that Fyne's dialogs and ours agree.
var locales = map[Language]struct{ env, file, tag string }{
	Chinese: {"zh_CN.UTF-8", "onewindow.zh_Hans.json", "zh-Hans"},
	English: {"en_US.UTF-8", "onewindow.en.json", "en"},
}

//go:embed translations
var translations embed.FS

var (
	langMu   sync.Mutex
	current  Language
	loadOnce sync.Once
	loadErr  error
)

// SetLanguage makes l the language of lang.L and of Pick.
//
// Fyne's translations follow the system locale and offer no switch, so this
// sets the locale variable Fyne reads (LC_ALL, which outranks the others)
// and has Fyne look again by adding the language's file once more. Call it
// from the UI goroutine, then redraw (screens rebuild themselves; Apply
// refreshes the rest).
func SetLanguage(l Language) error {
	loc, ok := locales[l]
	if !ok {
		return fmt.Errorf("language %q: the screens speak zh and en", l)
	}
	loadOnce.Do(func() { loadErr = lang.AddTranslationsFS(translations, "translations") })
	if loadErr != nil {
		return fmt.Errorf("loading the screens' translations: %w", loadErr)
	}
	langMu.Lock()
	defer langMu.Unlock()
	if err := os.Setenv("LC_ALL", loc.env); err != nil {
		return err
	}
	data, err := translations.ReadFile("translations/" + loc.file)
	if err != nil {
		return err
	}
	if err := lang.AddTranslationsForLocale(data, fyne.Locale(loc.tag)); err != nil {
		return err
	}
	current = l
	return nil
}

// CurrentLanguage is the language last set, Chinese before any.
func CurrentLanguage() Language {
	langMu.Lock()
	defer langMu.Unlock()
	if current == "" {
		return Chinese
	}
	return current
}

// L is the screens' text under key in the current language (SetLanguage;
// Chinese before any), from the same files as Fyne's lang.L. The kiosk and
// the hall screen ask it rather than lang.L: Fyne takes its language from
// the operating system, which on Windows is the user's language setting
// and not the environment SetLanguage changes, so there a kiosk followed
// Windows and its language button did nothing.
func L(key string) string { return allWords()[CurrentLanguage()].L(key) }

var allWords = sync.OnceValue(func() map[Language]*Words {
	return map[Language]*Words{Chinese: MustWordsIn(Chinese), English: MustWordsIn(English)}
})

// Pick is a catalogue text in the current language.
func Pick(t app.Text) string { return t.In(string(CurrentLanguage())) }
