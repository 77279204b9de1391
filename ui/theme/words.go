package theme

import (
	"encoding/json"
	"fmt"

	"onewindow/app"
)

// Words are the screens' words in one language, read from the same
// translation files as lang.L, but without touching the process's language.
//
// lang.L has one language per process, and SetLanguage changes it for every
// screen. That suits the kiosk, whose citizen picks the language. The
// clerk's window terminal keeps its own: in the demo it shares the process
// with a kiosk, and a citizen tapping English at the kiosk must not turn
// the clerk's screen English. A terminal holds a Words and asks it.
type Words struct {
	lang  Language
	texts map[string]string
}

// WordsIn reads the screens' words in l.
func WordsIn(l Language) (*Words, error) {
	loc, ok := locales[l]
	if !ok {
		return nil, fmt.Errorf("language %q: the screens speak zh and en", l)
	}
	data, err := translations.ReadFile("translations/" + loc.file)
	if err != nil {
		return nil, err
	}
	w := &Words{lang: l}
	if err := json.Unmarshal(data, &w.texts); err != nil {
		return nil, fmt.Errorf("the screens' %s words: %w", l, err)
	}
	return w, nil
}

// MustWordsIn is WordsIn for the two languages the files are tested to hold.
func MustWordsIn(l Language) *Words {
	w, err := WordsIn(l)
	if err != nil {
		panic(err)
	}
	return w
}

// Language is the language of the words.
func (w *Words) Language() Language { return w.lang }

// L is the text under key, formatted with args (fmt verbs) when there are
// any. A key without a text is shown as itself, as lang.L does, so a
// missing word is seen, and a test reads the sources for every key used.
func (w *Words) L(key string, args ...any) string {
	s, ok := w.texts[key]
	if !ok {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Pick is a catalogue text in the words' language (Chinese when the
// catalogue has no English).
func (w *Words) Pick(t app.Text) string { return t.In(string(w.lang)) }
