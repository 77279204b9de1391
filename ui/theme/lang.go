package theme

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

// Language is a language the screens speak.
type Language string

// Languages: Chinese first, as the hall's own.
const (
	Chinese Language = "zh"
	English Language = "en"
)

// files are the files holding the screens' words in each language (named
// as Fyne names its translations: zh_Hans is simplified Chinese).
var files = map[Language]string{
	Chinese: "onewindow.zh_Hans.json",
	English: "onewindow.en.json",
}

//go:embed translations
var translations embed.FS

// loaded reads each language's words once; every Words in a language
// shares them, read only.
var loaded = map[Language]func() (map[string]string, error){
	Chinese: load(Chinese),
	English: load(English),
}

func load(l Language) func() (map[string]string, error) {
	return sync.OnceValues(func() (map[string]string, error) {
		data, err := translations.ReadFile("translations/" + files[l])
		if err != nil {
			return nil, err
		}
		var texts map[string]string
		if err := json.Unmarshal(data, &texts); err != nil {
			return nil, fmt.Errorf("the screens' %s words: %w", l, err)
		}
		return texts, nil
	})
}
