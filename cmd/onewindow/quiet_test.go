//go:build unix

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoNoiseUnderCLocale: a command prints only what it means to say,
// whatever the machine's locale. Under C.UTF-8 (Debian's default in
// minimal images and services) Fyne printed "Fyne error: Error parsing
// user locale C" to every command, even help, from its package's
// initialisation: only a process run from its start shows it, so the
// test binary runs `onewindow help` as the binary does (TestMain's
// ONEWINDOW_CHILD=run, unix only), with the locale variables replaced.
func TestNoNoiseUnderCLocale(t *testing.T) {
	t.Parallel()
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "LANG=") && !strings.HasPrefix(e, "LANGUAGE=") && !strings.HasPrefix(e, "LC_") {
			env = append(env, e)
		}
	}
	args, _ := json.Marshal([]string{"help"})
	for _, locale := range []string{"LANG=C", "LANG=C.UTF-8", "LANG=C.utf8", "LANG=POSIX", "LC_ALL=C.UTF-8", "LANG=", "LANG=zh_CN.UTF-8", "LANG=en_US.UTF-8"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(env[:len(env):len(env)], "ONEWINDOW_CHILD=run", "ONEWINDOW_ARGS="+string(args), locale)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "Usage: onewindow") {
			t.Errorf("%s onewindow help: %v, stdout %q", locale, err, out)
		}
		if stderr.Len() != 0 {
			t.Errorf("%s onewindow help wrote to stderr:\n%s", locale, stderr.String())
		}
	}
}
