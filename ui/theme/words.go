package theme

import (
	"fmt"

	"onewindow/app"
)

// Words are the screens' words in one language, read from the translation
// files (translations/). They are the one way a screen speaks: every screen
// holds its own Words and asks it, and switches language by taking other
// Words. Nothing of the process changes (no locale, no environment), so a
// kiosk whose citizen taps English leaves the clerk's screen beside it in
// the demo, and every other screen, as they were.
type Words struct {
	lang  Language
	texts map[string]string // shared between the Words of a language: never written
	// then is a second language said after the first, for a screen read
	// by people of either (Both).
	then *Words
}

// WordsIn are the screens' words in l.
func WordsIn(l Language) (*Words, error) {
	load, ok := loaded[l]
	if !ok {
		return nil, fmt.Errorf("language %q: the screens speak zh and en", l)
	}
	texts, err := load()
	if err != nil {
		return nil, err
	}
	return &Words{lang: l, texts: texts}, nil
}

// MustWordsIn is WordsIn for the two languages the files are tested to hold.
func MustWordsIn(l Language) *Words {
	w, err := WordsIn(l)
	if err != nil {
		panic(err)
	}
	return w
}

// Both are the words of first and then second on one line, "终端设置  Terminal
// set-up": for the technician's set-up screens, read before anyone could
// choose a language.
func Both(first, second Language) (*Words, error) {
	w, err := WordsIn(first)
	if err != nil {
		return nil, err
	}
	if w.then, err = WordsIn(second); err != nil {
		return nil, err
	}
	return w, nil
}

// Language is the language of the words (the first, for Both).
func (w *Words) Language() Language { return w.lang }

// L is the text under key, formatted with args (fmt verbs) when there are
// any. A key without a text is shown as itself, so a missing word is seen,
// and a test reads the sources for every key used.
func (w *Words) L(key string, args ...any) string {
	s, ok := w.texts[key]
	if !ok {
		s = key
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	if w.then != nil {
		s += "  " + w.then.L(key, args...)
	}
	return s
}

// Pick is a catalogue text in the words' language (Chinese when the
// catalogue has no English); for Both, in both.
func (w *Words) Pick(t app.Text) string {
	s := t.In(string(w.lang))
	if w.then != nil {
		s += "  " + w.then.Pick(t)
	}
	return s
}
