// Package fynelocale gives Fyne a language it can read when the machine's
// locale is the C (POSIX) one, before Fyne first reads it.
//
// Fyne reads the user's language from LC_ALL, LC_MESSAGES or LANG (then
// LANGUAGE) when its lang package initialises, and again when a window
// opens. A machine set to C.UTF-8 (the default of Debian's minimal and
// container images, and of many systemd services) gives it "C", which is
// no language: Fyne then writes "Fyne error: Error parsing user locale C"
// on stderr, three lines each time, to every command, even help. Fyne
// falls back to English anyway, so saying English in LANGUAGE, which only
// Fyne's lookup and gettext read, changes nothing else.
//
// The screens' own words never follow the system's language (ui/theme);
// only Fyne's few built-in words (an entry's Copy and Paste) do.
//
// This package must be initialised before fyne.io/fyne/v2/lang. It imports
// only os and strings, so Go's rule for the order of package
// initialisation (packages in import-path order, each as soon as its
// imports are done) puts it before text/template, which lang imports and
// which sorts after it. The main
// package imports it; TestNoNoiseUnderCLocale in cmd/onewindow checks the
// order holds.
package fynelocale

import (
	"os"
	"strings"
)

func init() { Quiet(os.Getenv, os.Setenv) }

// Quiet sets LANGUAGE=en when the locale the environment names is C or
// POSIX with an encoding (C.UTF-8, C.utf8, POSIX.UTF-8) and LANGUAGE is
// not set. Plain C, POSIX or nothing at all Fyne already reads as English
// without complaint, and a real language is left alone.
func Quiet(getenv func(string) string, setenv func(string, string) error) {
	if getenv("LANGUAGE") != "" {
		return
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		loc := getenv(v)
		if loc == "" {
			continue
		}
		name, _, encoded := strings.Cut(loc, ".")
		if encoded && (name == "C" || name == "POSIX") {
			setenv("LANGUAGE", "en")
		}
		return
	}
}
