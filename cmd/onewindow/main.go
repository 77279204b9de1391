// Command onewindow is the one binary of the service hall: kiosk, window
// terminal, hall screen, hub, central platform, simulators and the tools a
// technician needs, chosen by subcommand. main only parses the subcommand and
// wires the parts; the work is done in app/, device/, sync/ and ui/. The
// roles that run on a hall's machines (kiosk, window, display, hub) start
// the same way, through bootTerminal (boot.go); each role's file keeps only
// what makes it different.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sort"
	"syscall"

	// Before Fyne reads the machine's language: under C.UTF-8 it would
	// print "Fyne error: Error parsing user locale C" to every command.
	_ "onewindow/internal/fynelocale"
)

// command is one subcommand. Each lives in its own file and registers itself.
type command struct {
	name    string
	summary string // one line for `onewindow help`
	// subs are the command's own subcommands (`onewindow central serve`),
	// each of which answers -h and --help with its usage as the command
	// does; TestEveryCommandAnswersHelp walks them all.
	subs []string
	// run does the work and returns the exit code: 0 success, 1 failure,
	// 2 bad usage (unknown flag, missing argument).
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("onewindow: subcommand registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand; it is main without the process around it,
// so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch {
	case name == "help" || isHelpFlag(name):
		if len(args) > 1 && !isHelpFlag(args[1]) {
			// help central serve is central serve -h.
			if c, ok := commands[args[1]]; ok {
				return c.run(ctx, append(slices.Clone(args[2:]), "-h"), stdout, stderr)
			}
			fmt.Fprintf(stderr, "onewindow: there is no subcommand %q; run 'onewindow help' to list them\n", args[1])
			return 2
		}
		usage(stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "onewindow: unknown subcommand %q; run 'onewindow help' to list them\n", name)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

// isHelpFlag says whether arg asks for help as the flag package takes it.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h"
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "onewindow — the software of a government service hall (政务服务大厅)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: onewindow <subcommand> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Subcommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "  help       show this list, or 'help <subcommand>' for its flags")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every subcommand, and each of its own (onewindow central serve), answers -h")
	fmt.Fprintln(w, "and --help with its usage.")
}
