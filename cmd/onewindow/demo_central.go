//go:build unix

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/health"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/assets"
	"onewindow/sync/central"
	hubapi "onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/wire"
	webconsole "onewindow/web/console"
)

// enrolFunc enrols one more terminal's store with the demo's central.
type enrolFunc func(ctx context.Context, s *store.Store, terminal, role string) error

// decideFunc records a department's opinion at the demo's central, as a
// department's back office would.
type decideFunc func(ctx context.Context, number, dept string, approve bool, reason string) (wire.OpinionAnswer, error)

// startDemoCentral runs the reference central platform inside the demo,
// publishes the sample hall, enrols the kiosk and the hub with it and
// starts their links: the kiosk's cases and the hub's ticket events reach
// central, each with its health. The kiosk sees central only as an
// app.Syncer. enrol lets the demo enrol its other terminals as a
// technician would, with a code.
func startDemoCentral(ctx context.Context, dir string, named suite.Name, kiosk, hub *store.Store, hubSrv *hubapi.Server, log *slog.Logger) (syncer app.Syncer, url string, enrol enrolFunc, decide decideFunc, err error) {
	log = log.With("role", "central")
	// Central seals personal data under its own key, as it would on its
	// own machine.
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "central.key"))
	if err != nil {
		return nil, "", nil, nil, err
	}
	c, err := central.Open(ctx, filepath.Join(dir, "central.db"), central.Options{Keys: keys, Logger: log, Suite: named})
	if err != nil {
		return nil, "", nil, nil, fmt.Errorf("central: %w", err)
	}
	go func() { <-ctx.Done(); c.Close() }()
	if _, err := c.PublishCatalog(ctx, assets.SampleCatalog); err != nil {
		return nil, "", nil, nil, fmt.Errorf("central: publishing the sample catalogue: %w", err)
	}
	if _, err := c.PublishHall(ctx, assets.SampleHall); err != nil {
		return nil, "", nil, nil, fmt.Errorf("central: publishing the sample hall: %w", err)
	}
	if err := demoBookings(ctx, c); err != nil { // appointments: demo_booking.go
		return nil, "", nil, nil, err
	}
	if _, err := c.PublishCalendar(ctx, assets.Calendar2026); err != nil {
		return nil, "", nil, nil, fmt.Errorf("central: publishing the calendar: %w", err)
	}
	svc := console.NewService(c, app.SystemClock{})
	if err := demoConsoleAccounts(ctx, svc); err != nil {
		return nil, "", nil, nil, fmt.Errorf("central: the console's demo accounts: %w", err)
	}
	web, err := webconsole.New(svc, webconsole.Options{Where: app.Text{Zh: "演示", En: "demo"}, Logger: log})
	if err != nil {
		return nil, "", nil, nil, err
	}
	// A port a newcomer can type, unless it is taken.
	l, err := net.Listen("tcp", demoCentralAddr)
	if err != nil {
		if l, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, "", nil, nil, err
		}
	}
	site, err := centralWeb(ctx, c, web, log, false)
	if err != nil {
		return nil, "", nil, nil, err
	}
	srv := &http.Server{Handler: c.Handler(central.ServerOptions{Console: site}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	go func() { <-ctx.Done(); srv.Close() }()
	url = "http://" + l.Addr().String()
	enrol = func(ctx context.Context, s *store.Store, terminal, role string) error {
		if _, err := s.SyncCredentials(ctx); err == nil {
			return nil // enrolled on an earlier run of the demo in this folder
		}
		code, expires, err := c.CreateEnrolCode(ctx, demoHallCode, terminal, role, time.Hour)
		if err != nil {
			return fmt.Errorf("central: %w", err)
		}
		return link.Enrol(ctx, s, wire.Bundle{Central: url, Terminal: terminal, Hall: demoHallCode, Code: code, Expires: expires},
			link.Options{Logger: log})
	}
	if err := enrol(ctx, kiosk, "K01", central.RoleKiosk); err != nil {
		return nil, "", nil, nil, err
	}
	// The kiosk's applications go to the hub, which relays them.
	opt := link.Options{Logger: log.With("role", "kiosk-link"), Interval: 10 * time.Second, Role: "kiosk", Version: buildVersion(),
		Health: demoHealth(filepath.Join(dir, "kiosk.db"), dir), Relayed: true}
	lk, err := link.New(ctx, kiosk, opt)
	if err != nil {
		return nil, "", nil, nil, err
	}
	go lk.Run(ctx)
	if err := enrol(ctx, hub, "HUB", central.RoleHub); err != nil {
		return nil, "", nil, nil, err
	}
	hl, err := link.New(ctx, hub, link.Options{Logger: log.With("role", "hub-link"), Interval: 10 * time.Second, Role: "hub",
		Version: buildVersion(), Health: demoHealth(filepath.Join(dir, "hub.db"), dir)})
	if err != nil {
		return nil, "", nil, nil, err
	}
	go hl.Run(ctx)
	publishQueue(ctx, hubSrv, hub, hl)
	decide = func(ctx context.Context, number, dept string, approve bool, reason string) (wire.OpinionAnswer, error) {
		return c.RecordOpinion(ctx, wire.Opinion{Case: number, Department: dept, Approve: approve, Reason: reason})
	}
	log.Info("central running; the kiosk and the hub are enrolled", "url", url)
	return lk, url, enrol, decide, nil
}

// demoCentralAddr is where the demo's central (and its web console) listens.
const demoCentralAddr = "127.0.0.1:8480"

// demoConsolePassword is the password of the demo's console accounts. The
// demo makes them; nothing shipped has an account or a password.
const demoConsolePassword = "onewindow-demo"

// demoConsoleLogins are the console's demo accounts, as the demo tells them.
var demoConsoleLogins = []console.Account{
	{Login: "admin", Name: "系统管理员", Role: console.Admin},
	{Login: "gongan", Name: "区公安分局审批", Role: console.Reviewer, Department: "gongan"},
	{Login: "weijian", Name: "区卫健委审批", Role: console.Reviewer, Department: "weijian"},
	{Login: "yibao", Name: "区医保局审批", Role: console.Reviewer, Department: "yibao"},
	{Login: "renshe", Name: "区人社局审批", Role: console.Reviewer, Department: "renshe"},
	{Login: "xixi", Name: "西溪大厅管理员", Role: console.Manager, Halls: []string{demoHallCode}},
	{Login: "jiancha", Name: "区电子监察", Role: console.Supervisor},
}

// demoConsoleAccounts makes the demo's console accounts, once per folder.
func demoConsoleAccounts(ctx context.Context, svc *console.Service) error {
	for _, a := range demoConsoleLogins {
		if _, err := svc.Store.Account(ctx, a.Login); err == nil {
			continue
		}
		if err := svc.CreateAccount(ctx, console.CommandLine, a, demoConsolePassword); err != nil {
			return err
		}
	}
	return nil
}

// demoHealth is the health a demo terminal reports with its syncs: the
// cheap checks of its database, disk and outbox (the demo's terminals have
// no configuration file of their own).
func demoHealth(db, dir string) func(ctx context.Context) health.Report {
	return func(ctx context.Context) health.Report {
		r := health.Report{At: time.Now()}
		r.Add(store.CheckDatabaseQuick(ctx, db), health.Disk(dir), store.CheckOutbox(ctx, db, time.Now()))
		return r
	}
}
