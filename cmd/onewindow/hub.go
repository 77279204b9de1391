package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"onewindow/app/config"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/sync/hub"
)

func init() {
	register(command{
		name:    "hub",
		summary: "run the hall's queue authority: issues and calls numbers for every kiosk and window over the LAN",
		run:     runHub,
	})
}

const hubUsage = `Usage: onewindow hub [-config FILE] [-sample] [-sync-interval D]

Runs the hall hub: kiosks issue numbers through it, windows call through it
and the hall screen listens to it. It listens on [hub] address of the
configuration, requires the hall key from it (there is no default key), and
keeps the queue in the data folder's database, so a restart loses nothing.
A hall has exactly one hub.

Once the hub is enrolled with central ('onewindow setup -enrol BUNDLE', as
any terminal), it sends every queue event (no names) to central for the
hall's statistics, with its health, and takes the catalogue and the hall's
windows from it. Without enrolment the events wait in its outbox; the queue
never waits on central.
`

func runHub(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("hub", hubUsage)
	path := fs.String("config", defaultConfigPath, "the terminal's configuration `file`")
	sample := fs.Bool("sample", false, "load the built-in sample hall when the database has no catalogue yet (demo, or trying a hub before enrolment)")
	every := fs.Duration("sync-interval", 30*time.Second, "how often the hub syncs with central while all is well")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow hub: %v\n", err)
		return 1
	}
	log, closeLog := roleLogger(cfg, stderr)
	defer closeLog()
	key, err := cfg.HallKey()
	if err == nil && key == "" {
		err = errors.New("the configuration names no hall key ([hub] hall_key_file); the hub does not start without one")
	}
	if err != nil {
		fmt.Fprintf(stderr, "onewindow hub: %v\n", err)
		return 1
	}
	s, err := openTerminalStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow hub: %v\n", err)
		return 1
	}
	defer s.Close()
	if *sample {
		if err := store.LoadSample(ctx, s); err != nil {
			fmt.Fprintf(stderr, "onewindow hub: loading the sample hall: %v\n", err)
			return 1
		}
	}
	srv, err := hub.New(s, string(key), log)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow hub: %v\n", err)
		return 1
	}
	opt := syncOptions(log, *path, config.RoleHub, nil)
	opt.Interval = *every
	if _, err := startSync(ctx, s, opt, "queue events"); err != nil {
		// The hall's queue does not wait on central: the hub runs, and
		// its events wait in its outbox until the enrolment is mended.
		log.Error("hub cannot sync with central; queue events wait in its outbox (enrol it again)", "err", err)
	}
	l, err := net.Listen("tcp", cfg.Hub.Address)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow hub: cannot listen on %s: %v\n", cfg.Hub.Address, err)
		return 1
	}
	// Requests are retried within seconds and listeners catch up on today:
	// two days of both is plenty.
	go srv.Tidy(ctx, time.Hour, 48*time.Hour)
	httpServer := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		httpServer.Shutdown(shutdown)
	}()
	log.Info("hub listening", "address", l.Addr().String(), "hall", cfg.Hall)
	if err := httpServer.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "onewindow hub: %v\n", err)
		return 1
	}
	log.Info("hub stopped")
	return 0
}

// openTerminalStore opens the terminal's database in its data folder, with
// the personal-data key from the configuration.
func openTerminalStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	keys, err := pii.LoadOrCreate(cfg.Paths.KeyFile)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, terminalDatabase(cfg), store.Options{Terminal: cfg.Terminal, Keys: keys})
}
