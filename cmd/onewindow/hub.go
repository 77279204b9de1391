package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/tjfoc/gmsm/gmtls"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/store"
	"onewindow/app/suite"
	webconsole "onewindow/web/console"

	"onewindow/app/config"
	"onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/tlcp"
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
and the hall screen listens to it. The configuration's role must be hub;
it listens on [hub] address of the configuration, requires the hall key
from it (there is no default key), and keeps the queue in the data folder's
database, so a restart loses nothing. With [hub] certificate_file and
key_file (made by 'onewindow setup -role hub') it serves TLS, or TLCP (国密)
when they are SM2 (setup -crypto-suite gm), and the terminals pin that
certificate; without them it serves plain HTTP and warns.
A hall has exactly one hub.

Once the hub is enrolled with central ('onewindow setup -enrol BUNDLE', as
any terminal), it sends every queue event (no names) to central for the
hall's statistics, with its health, and takes the catalogue and the hall's
windows from it. Without enrolment the events wait in its outbox; the queue
never waits on central.
`

func runHub(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("hub", hubUsage)
	f := addRoleFlags(fs, "load the built-in sample hall when the database has no catalogue yet (demo, or trying a hub before enrolment)", "")
	every := fs.Duration("sync-interval", 30*time.Second, "how often the hub syncs with central while all is well")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	fail := commandFailure(stderr, "hub")
	t, err := bootTerminal(ctx, bootSpec{role: config.RoleHub, what: "the hub", path: *f.config, sample: f.sample}, stderr)
	if err != nil {
		return fail(err)
	}
	defer t.close()
	srv, err := hub.New(t.store, string(t.hallKey), t.log)
	if err != nil {
		return fail(err)
	}
	if srv.Console, err = hallConsole(t.ctx, t.store, t.log); err != nil {
		return fail(err)
	}
	opt := syncOptions(t.log, t.path, config.RoleHub, nil)
	opt.Interval = *every
	if l, err := startSync(t.ctx, t.store, opt, "queue events"); err != nil {
		// The hall's queue does not wait on central: the hub runs, and
		// its events wait in its outbox until the enrolment is mended.
		t.log.Error("hub cannot sync with central; queue events wait in its outbox (enrol it again)", "err", err)
	} else if l != nil {
		publishQueue(t.ctx, srv, t.store, l)
	}
	l, err := net.Listen("tcp", t.cfg.Hub.Address)
	if err != nil {
		return fail(fmt.Errorf("cannot listen on %s: %v", t.cfg.Hub.Address, err))
	}
	if t.cfg.Hub.KeyFile != "" {
		// The hall's certificate, which every terminal pins: the hall key
		// and the hall's records cross the LAN encrypted, in TLS, or in
		// TLCP (国密) when set-up made SM2 certificates (-crypto-suite gm).
		std, gm, err := hubServerConfigs(t.cfg.Hub.CertificateFile, t.cfg.Hub.KeyFile)
		if err != nil {
			l.Close()
			return fail(fmt.Errorf("the hub's certificate and key (hub.certificate_file, hub.key_file): %v", err))
		}
		if gm != nil {
			l = tlcp.NewListener(l, nil, gm, func(format string, args ...any) { t.log.Warn(fmt.Sprintf(format, args...)) })
		} else {
			l = tls.NewListener(l, std)
			if t.store.Suite() == suite.GM {
				t.log.Warn("central names the gm suite (国密), but the hall's hub certificate is not SM2: the hall's LAN speaks TLS; 'onewindow setup -role hub … -crypto-suite gm -force' makes SM2 certificates (docs/security.md, Transport: TLCP)")
			}
		}
	} else {
		t.log.Warn("the hub serves plain HTTP: the hall key and the hall's records cross the LAN in clear; 'onewindow setup -role hub' makes the hall's certificate")
	}
	// Requests are retried within seconds and listeners catch up on today:
	// two days of both is plenty.
	go srv.Tidy(t.ctx, time.Hour, 48*time.Hour)
	t.startPurge() // the hall's personal data past its retention, once central has it
	httpServer := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-t.ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		httpServer.Shutdown(shutdown)
	}()
	t.log.Info("hub listening", "address", l.Addr().String(), "hall", t.cfg.Hall)
	if err := httpServer.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(err)
	}
	t.log.Info("hub stopped")
	return 0
}

// hubServerConfigs reads the hub's certificate and key files: an SM2
// double certificate (signing, then encryption, as set-up writes it under
// the gm suite) is served in TLCP, anything else in TLS.
func hubServerConfigs(certFile, keyFile string) (*tls.Config, *gmtls.Config, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, err
	}
	return tlcp.ServerConfigs(certPEM, keyPEM)
}

// publishQueue keys the hub's tickets' links with its enrolment and sends
// central the hall's queue for the citizens' pages (issue 18).
func publishQueue(ctx context.Context, srv *hub.Server, s *store.Store, l *link.Link) {
	srv.SetTicketKey(l.TicketKey)
	go srv.PublishQueue(ctx, s, l.SendQueue)
}

// hallConsole is the web console the hub serves its hall's managers on the
// LAN: the hall's dashboard from what the hub holds, with the WAN down too.
// They log in with their staff id and password.
func hallConsole(ctx context.Context, s *store.Store, log *slog.Logger) (http.Handler, error) {
	name := app.Text{Zh: "大厅", En: "hall"}
	if h, err := s.Hall(ctx); err == nil {
		name = h.Name
	}
	return webconsole.New(console.NewService(s.Console(), app.SystemClock{}),
		webconsole.Options{Where: name, Logger: log, HallOnly: true})
}
