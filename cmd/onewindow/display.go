package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/sync/hub"
	"onewindow/ui/display"
	"onewindow/ui/voice"
)

func init() {
	register(command{
		name:    "display",
		summary: "run the hall screen: the numbers called and their windows, waiting counts, calls said aloud",
		run:     runDisplay,
	})
}

const displayUsage = `Usage: onewindow display [-config FILE] [-windowed] [-voice FOLDER] [-calls N] [-sample]

Starts the hall screen full screen (drawn for 1920×1080). It follows the
hall hub named in [hub] and shows the last calls with their windows, the
newest highlighted, and how many wait in each queue category. Each call is
said aloud with the voice pack: the one built in, or the hall's own
recordings in -voice FOLDER (clips missing there come from the built-in
pack; see assets/voice/README.md for their names). With no sound device the
screen runs silently and says so in the log.
`

func runDisplay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("display", displayUsage)
	f := addRoleFlags(fs, "load the built-in sample hall when the database has none, for the hall's name (demo only)",
		"open in a window instead of full screen; the window can then be closed")
	voiceDir := fs.String("voice", "", "a `folder` of the hall's own voice clips (WAV)")
	calls := fs.Int("calls", 8, "how many calls the screen lists")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 0 || *calls < 1 || *calls > 20 {
		fmt.Fprintf(stderr, "onewindow display: takes no arguments and -calls 1 to 20; run 'onewindow display -h' for help\n")
		return 2
	}
	fail := commandFailure(stderr, "display")
	// The screen only reads the hall's name from its store: without one
	// it still shows the calls.
	t, err := bootTerminal(ctx, bootSpec{role: config.RoleDisplay, what: "a hall screen", path: *f.config, screen: true,
		sample: f.sample, storeOptional: true}, stderr)
	if err != nil {
		return fail(err)
	}
	defer t.close()
	// The hall's name comes from the hall set-up central sent; before
	// enrolment the screen shows the hall's code.
	name := app.Text{Zh: t.cfg.Hall}
	if t.store != nil {
		if h, err := t.store.Hall(t.ctx); err == nil {
			name = h.Name
		}
	}
	pack, err := voicePack(*voiceDir)
	if err != nil {
		return fail(err)
	}
	err = t.runScreen(f.windowed, func(a fyne.App) (fyne.Window, error) {
		w := startDisplay(t.ctx, a, displayParts{name: name, hubURL: t.hubURL, hubCert: t.hubCert, hallKey: string(t.hallKey),
			pack: pack, calls: *calls, log: t.log})
		t.log.Info("hall screen started", "hub", t.cfg.Hub.Address)
		return w, nil
	})
	if err != nil {
		return fail(err)
	}
	return 0
}

// displayParts are what a hall screen is wired from.
type displayParts struct {
	name    app.Text
	hubURL  string
	hubCert []byte
	hallKey string
	pack    voice.Pack
	calls   int
	log     *slog.Logger
}

// startDisplay makes the hall screen's window in a and starts it
// following the hub. The window is not shown yet.
func startDisplay(ctx context.Context, a fyne.App, p displayParts) fyne.Window {
	w := a.NewWindow("onewindow · " + p.name.Zh)
	w.Resize(fyne.NewSize(1920, 1080))
	cfg := display.Config{HallName: p.name, Queue: hub.NewClient(p.hubURL, p.hallKey, 5*time.Second, hub.Pinned(p.hubCert)),
		Log: p.log, Calls: p.calls}
	if sp := voice.Open(p.log); sp.Available() {
		if len(p.pack) == 0 {
			p.log.Warn("no voice pack: calls are announced with a chime")
		}
		cfg.Announcer = &voice.Announcer{Pack: p.pack, Speaker: sp, Log: p.log}
	}
	d := display.New(w, cfg)
	d.Run(ctx)
	return w
}

// voicePack is the built-in pack with the hall's own clips over it. A
// hall folder that cannot be read is an error: the hall meant to use it.
func voicePack(dir string) (voice.Pack, error) {
	def, err := voice.DefaultPack()
	if err != nil {
		return nil, fmt.Errorf("the built-in voice pack: %w", err)
	}
	if dir == "" {
		return def, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errors.New("-voice " + dir + ": not a folder")
	}
	hall, err := voice.LoadPack(os.DirFS(dir), ".")
	if err != nil {
		return nil, fmt.Errorf("the hall's voice pack in %s: %w", dir, err)
	}
	return def.Over(hall), nil
}
