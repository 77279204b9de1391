package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"onewindow/app/config"
)

// runArgs runs the binary's run with args and returns its exit code and what
// it wrote.
func runArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpListsEverySubcommand(t *testing.T) {
	if len(commands) == 0 {
		t.Fatal("no subcommand is registered")
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, errOut := runArgs(t, args...)
		if code != 0 {
			t.Errorf("onewindow %s: wanted exit 0, got %d (stderr %q)", args[0], code, errOut)
		}
		for name, c := range commands {
			if c.summary == "" || strings.Contains(c.summary, "\n") {
				t.Errorf("subcommand %q: wanted a one-line summary, got %q", name, c.summary)
			}
			line := "  " + name + " "
			i := strings.Index(out, line)
			if i < 0 || !strings.Contains(out[i:], c.summary) {
				t.Errorf("onewindow %s: wanted a line for %q with %q, got:\n%s", args[0], name, c.summary, out)
			}
		}
	}
}

// TestUsageErrors: everything called wrongly exits 2 and says, on stderr,
// what was wrong and how to get help.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want []string // each must appear on stderr
	}{
		{nil, []string{"Usage: onewindow <subcommand>"}},
		{[]string{"frobnicate"}, []string{`unknown subcommand "frobnicate"`, "onewindow help"}},
		{[]string{"help", "frobnicate"}, []string{`no subcommand "frobnicate"`, "onewindow help"}},
		{[]string{"config"}, []string{"check or example", "onewindow config -h"}},
		{[]string{"config", "-nosuch"}, []string{"-nosuch", "onewindow config -h"}},
		{[]string{"config", "frob"}, []string{`unknown subcommand "frob"`, "onewindow config -h"}},
		{[]string{"config", "check"}, []string{"wanted one FILE, got 0", "onewindow config check -h"}},
		{[]string{"config", "check", "a.toml", "b.toml"}, []string{"wanted one FILE, got 2", "onewindow config check -h"}},
		{[]string{"config", "check", "-nosuch", "a.toml"}, []string{"flag provided but not defined: -nosuch", "onewindow config check -h"}},
		{[]string{"config", "example", "extra"}, []string{`takes no arguments, got ["extra"]`, "onewindow config example -h"}},
		{[]string{"config", "example", "--verbose"}, []string{"-verbose", "onewindow config example -h"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runArgs(t, tt.args...)
			if code != 2 {
				t.Errorf("wanted exit 2, got %d", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("wanted %q on stderr, got %q", w, errOut)
				}
			}
			if out != "" {
				t.Errorf("wanted nothing on stdout, got %q", out)
			}
		})
	}
}

// TestHelpFlags: -h on every level documents it on stdout and exits 0.
func TestHelpFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"config", "-h"}, "onewindow config check FILE"},
		{[]string{"help", "config"}, "onewindow config example"},
		{[]string{"config", "check", "-h"}, "Usage: onewindow config check FILE"},
		{[]string{"config", "example", "-help"}, "Usage: onewindow config example"},
	}
	for _, tt := range tests {
		code, out, errOut := runArgs(t, tt.args...)
		if code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("onewindow %s: wanted exit 0 and %q on stdout, got exit %d, stdout %q, stderr %q",
				strings.Join(tt.args, " "), tt.want, code, out, errOut)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	write(t, good, config.Example(), 0o644)
	write(t, filepath.Join(dir, "hall.key"), strings.Repeat("5a", 32)+"\n", 0o600)
	bad := filepath.Join(dir, "bad.toml")
	write(t, bad, "role = \"kiosk\"\nhall = \"310105-01\"\nterminal = \"K01\"\nlogg = 1\n[devices.printer]\nport = \"/dev/ttyUSB1\"\nbaud = 9601\n", 0o644)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string // each must appear on stdout, in order
		wantErr  string   // must appear on stderr
	}{
		{"valid", []string{"config", "check", good}, 0, []string{
			good + ": ok",
			"a window terminal W05 in hall 310105-01, window 5 serving A, C",
			"printer on /dev/ttyUSB1 at 9600 baud, native QR codes",
		}, ""},
		{"invalid", []string{"config", "check", bad}, 1, []string{
			bad + ": the configuration is not valid (6 problems):",
			"  logg: is not a setting onewindow knows; the settings at the top of the file are role, hall,",
			"  hub.address: is missing; a kiosk needs the hall hub's address",
			"  hub.hall_key_file: is missing; a kiosk needs the hall key and there is no default",
			"  central.url: is missing",
			"  devices.idcard: is missing; a kiosk needs an ID-card reader",
			"  devices.printer.baud: 9601 is not a rate serial devices use",
		}, ""},
		{"absent", []string{"config", "check", filepath.Join(dir, "absent.toml")}, 1, nil, "no such file"},
		{"example", []string{"config", "example"}, 0, []string{config.Example()}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runArgs(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("wanted exit %d, got %d (stdout %q, stderr %q)", tt.wantCode, code, out, errOut)
			}
			rest := out
			for _, w := range tt.wantOut {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("wanted %q on stdout (after the lines before it), got:\n%s", w, out)
					break
				}
				rest = rest[i+len(w):]
			}
			if tt.wantErr == "" && errOut != "" || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("wanted %q on stderr, got %q", tt.wantErr, errOut)
			}
		})
	}
}

func write(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// TestEveryCommandAnswersHelp walks the registry: every subcommand and
// each of its own answer -h and --help (and `help NAME [SUB]`) with their
// usage on stdout, nothing on stderr, and exit 0. `logs export --help`
// once answered "say 'export'".
func TestEveryCommandAnswersHelp(t *testing.T) {
	paths := [][]string{nil} // onewindow -h itself
	for name, c := range commands {
		paths = append(paths, []string{name})
		for _, sub := range c.subs {
			paths = append(paths, []string{name, sub})
		}
	}
	for _, path := range paths {
		calls := [][]string{append(slices.Clone(path), "-h"), append(slices.Clone(path), "--help"), append([]string{"help"}, path...)}
		if len(path) == 0 {
			calls = append(calls, []string{"help", "-h"}, []string{"help", "--help"})
		}
		for _, args := range calls {
			code, out, errOut := runArgs(t, args...)
			want := strings.Join(append([]string{"onewindow"}, path...), " ")
			if len(path) == 0 {
				want = "onewindow <subcommand>"
			}
			if code != 0 || errOut != "" || !strings.Contains(out, "Usage") || !strings.Contains(out, want) {
				t.Errorf("onewindow %s: wanted exit 0 and a usage naming %q on stdout, got exit %d, stdout %q, stderr %q",
					strings.Join(args, " "), want, code, firstLine(out), errOut)
			}
		}
	}
}

// TestRegistryNamesEverySubcommand: every `onewindow NAME SUB` line of a
// command's usage is in its registered subs, which TestEveryCommandAnswersHelp
// walks, and every registered sub is in its usage.
func TestRegistryNamesEverySubcommand(t *testing.T) {
	for name, c := range commands {
		_, out, _ := runArgs(t, name, "-h")
		re := regexp.MustCompile(`(?m)^(?:Usage:)?\s*onewindow ` + regexp.QuoteMeta(name) + ` ([a-z][a-z-]*)\b`)
		inUsage := map[string]bool{}
		for _, m := range re.FindAllStringSubmatch(out, -1) {
			inUsage[m[1]] = true
			if !slices.Contains(c.subs, m[1]) {
				t.Errorf("onewindow %s -h names the subcommand %q, which its registration (subs) does not", name, m[1])
			}
		}
		for _, sub := range c.subs {
			if !inUsage[sub] {
				t.Errorf("onewindow %s registers the subcommand %q, which its usage does not show", name, sub)
			}
		}
	}
}
