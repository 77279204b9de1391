//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"onewindow/device/sim/printersim"
	"onewindow/device/sim/simctl"
)

func init() {
	register(command{
		name:    "sim",
		summary: "simulate the hall's devices on pseudo-terminals (card reader, printer, queue bus, scanner)",
		run:     runSim,
	})
}

func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return simMain(ctx, args, os.Stdin, stdout, stderr)
}

const simUsage = `Usage: onewindow sim [flags]

Starts a simulator for every hall device, each on its own pseudo-terminal, prints
the path of each, and reads commands from standard input to play the hardware's
part: place an ID card, run out of paper, press a caller key, inject a fault.
`

// simMain is the sim subcommand with its input passed in.
func simMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := commandFlags("sim", simUsage+"\n"+simctl.Help()+"\n")
	dir := fs.String("dir", "", "folder for the device links; it is created if missing (default: a new temporary folder, removed on exit)")
	pages := fs.String("pages", "", "folder for the printed pages as PNG (default: a folder 'pages' beside the device links)")
	font := fs.String("font", "", fmt.Sprintf("CJK font for printed pages, a single-face .ttf or .otf (default: $%s, else the font of the Debian package %s)", printersim.FontEnv, printersim.FontPackage))
	paper := fs.Int("paper", 80, "paper width in millimetres: 80 or 58")
	ending := fs.String("ending", "cr", "the scanner's line ending: cr, lf or crlf")
	slow := fs.Duration("slow", 1500*time.Millisecond, "how late a reply comes under the 'slow' fault")
	quiet := fs.Bool("quiet", false, "log only warnings, not every page printed and every text shown")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	var dots int
	switch *paper {
	case 80:
		dots = 576
	case 58:
		dots = 384
	default:
		fmt.Fprintf(stderr, "onewindow sim: -paper %d: hall printers take 80 or 58 mm paper\n", *paper)
		return 2
	}
	endings := map[string]string{"cr": "\r", "lf": "\n", "crlf": "\r\n"}
	lineEnd, ok := endings[*ending]
	if !ok {
		fmt.Fprintf(stderr, "onewindow sim: -ending %q: use cr, lf or crlf\n", *ending)
		return 2
	}
	if *slow < 0 {
		fmt.Fprintf(stderr, "onewindow sim: -slow %v: a delay cannot be negative\n", *slow)
		return 2
	}

	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	linkDir := *dir
	if linkDir == "" {
		d, err := simctl.DefaultDir()
		if err != nil {
			fmt.Fprintf(stderr, "onewindow sim: %v\n", err)
			return 1
		}
		defer os.RemoveAll(d)
		linkDir = d
	} else if err := os.MkdirAll(linkDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "onewindow sim: %v\n", err)
		return 1
	}
	pageDir := *pages
	if pageDir == "" {
		pageDir = filepath.Join(linkDir, "pages")
	}
	if err := os.MkdirAll(pageDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "onewindow sim: %v\n", err)
		return 1
	}

	set, err := simctl.Start(simctl.Config{Dir: linkDir, PagesDir: pageDir, FontPath: *font, PaperDots: dots,
		LineEnding: lineEnd, Slow: *slow, Log: log})
	if err != nil {
		fmt.Fprintf(stderr, "onewindow sim: %v\n", err)
		return 1
	}
	defer set.Close()
	fmt.Fprint(stdout, set.Describe())
	fmt.Fprintf(stdout, "printed pages go to %s\n", pageDir)
	fmt.Fprintln(stdout, "type help for the commands; Ctrl-C stops the simulators")

	switch err := set.Console(ctx, stdin, stdout); {
	case errors.Is(err, io.EOF):
		// No console (started in the background): keep simulating until
		// stopped.
		<-ctx.Done()
	case errors.Is(err, simctl.ErrQuit), errors.Is(err, context.Canceled):
	default:
		fmt.Fprintf(stderr, "onewindow sim: %v\n", err)
		return 1
	}
	return 0
}
