package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"onewindow/app"
	"onewindow/app/config"
)

func init() {
	register(command{
		name:    "config",
		summary: "check a terminal's configuration file, or print a commented example",
		run:     runConfig,
		subs:    []string{"check", "example"},
	})
}

const configUsage = `Usage:
  onewindow config check FILE   check FILE and name every problem in it
  onewindow config example      print an example file with a comment on every setting

check prints a summary and exits 0 when FILE is valid, prints each problem
and exits 1 when it is not, and exits 2 when it is called wrongly.
Start a new terminal's file with:
  onewindow config example > ` + defaultConfigPath + `
`

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("config", configUsage)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "onewindow config: say what to do, check or example; run 'onewindow config -h' for help\n")
		return 2
	}
	switch sub, rest := fs.Arg(0), fs.Args()[1:]; sub {
	case "check":
		return runConfigCheck(rest, stdout, stderr)
	case "example":
		return runConfigExample(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "onewindow config: unknown subcommand %q; run 'onewindow config -h' for help\n", sub)
		return 2
	}
}

const configCheckUsage = `Usage: onewindow config check FILE

Reads the configuration file FILE and checks every setting, and the hall key
file it names. Prints a summary and exits 0 when the file is valid; prints
each problem with the setting it is in and exits 1 when it is not.
`

func runConfigCheck(args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("config check", configCheckUsage)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "onewindow config check: wanted one FILE, got %d arguments; run 'onewindow config check -h' for help\n", fs.NArg())
		return 2
	}
	path := fs.Arg(0)
	c, err := config.Load(path)
	var pe *app.ProblemsError
	switch {
	case errors.As(err, &pe) && errors.Is(err, app.ErrInvalidConfig):
		count := fmt.Sprintf("%d problems", len(pe.Problems))
		if len(pe.Problems) == 1 {
			count = "1 problem"
		}
		fmt.Fprintf(stdout, "%s: %v (%s):\n", path, pe.Kind, count)
		for _, p := range pe.Problems {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "onewindow config check: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	for _, line := range strings.Split(strings.TrimRight(c.Summary(), "\n"), "\n") {
		fmt.Fprintf(stdout, "  %s\n", line)
	}
	return 0
}

const configExampleUsage = `Usage: onewindow config example

Prints an example configuration of a window terminal, with a comment on every
setting, to copy and edit.
`

func runConfigExample(args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("config example", configExampleUsage)
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	fmt.Fprint(stdout, config.Example())
	return 0
}

// commandFlags makes the flag set of one (sub)command. It prints nothing by
// itself: parseFlags decides where help and errors go.
func commandFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("onewindow "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		if hasFlags(fs) {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseCommandFlags parses args into fs. When the command should stop there, done
// is true and code is its exit code: help asked for goes to stdout with 0, a
// bad flag to stderr with 2 and a pointer to the help.
func parseCommandFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return 0, true
	default:
		fmt.Fprintf(stderr, "%s: %v; run '%s -h' for help\n", fs.Name(), err, fs.Name())
		return 2, true
	}
}

// parseFlagsNoArgs is parseCommandFlags for a command that takes flags
// only: anything left over is a usage error.
func parseFlagsNoArgs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code, true
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "%s: takes no arguments, got %q; run '%s -h' for help\n", fs.Name(), fs.Args(), fs.Name())
		return 2, true
	}
	return 0, false
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
