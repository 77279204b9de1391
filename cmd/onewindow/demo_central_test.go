//go:build unix

package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/internal/suitetest"
	hubapi "onewindow/sync/hub"
)

// TestDemoCentralTakesTheHubsTickets: in the demo, the embedded central
// enrols the hub as well as the kiosk, and the hub's ticket events reach
// it with the hub's health, and its queue snapshots for the citizens'
// pages.
func TestDemoCentralTakesTheHubsTickets(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "personal-data.key"))
	if err != nil {
		t.Fatal(err)
	}
	open := func(name, terminal string) *store.Store {
		s, err := store.Open(ctx, filepath.Join(dir, name), store.Options{Terminal: terminal, Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := store.LoadSample(ctx, s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	kiosk, hub := open("kiosk.db", "K01"), open("hub.db", "HUB")
	if _, err := hub.Issue(ctx, app.IssueRequest{Category: "A"}); err != nil {
		t.Fatal(err)
	}
	srv, err := hubapi.New(hub, strings.Repeat("k", hubapi.MinKeyLength), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := startDemoCentral(ctx, dir, suitetest.Suite(), kiosk, hub, srv, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tickets, reports, public int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		db.QueryRow(`SELECT count(*) FROM ticket_events WHERE terminal = 'HUB' AND kind = 'issued'`).Scan(&tickets)
		db.QueryRow(`SELECT count(*) FROM terminal_health WHERE terminal IN ('HUB', 'K01')`).Scan(&reports)
		db.QueryRow(`SELECT count(*) FROM public_tickets WHERE code = 'A001' AND state = 'waiting'`).Scan(&public)
		if tickets == 1 && reports == 2 && public == 1 {
			return
		}
	}
	t.Errorf("central holds %d issued tickets from the demo's hub, %d health reports and %d tickets for the citizens' pages; want 1, 2 (hub and kiosk) and 1",
		tickets, reports, public)
}

// TestDemoConsoleHasItsAccounts: the demo's central serves the web console
// with the accounts the demo prints, and makes them once per folder.
func TestDemoConsoleHasItsAccounts(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "personal-data.key"))
	if err != nil {
		t.Fatal(err)
	}
	var stores []*store.Store
	for _, name := range []string{"kiosk.db", "hub.db"} {
		s, err := store.Open(ctx, filepath.Join(dir, name), store.Options{Terminal: strings.TrimSuffix(name, ".db"), Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := store.LoadSample(ctx, s); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
	}
	srv, err := hubapi.New(stores[1], strings.Repeat("k", hubapi.MinKeyLength), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, url, _, _, err := startDemoCentral(ctx, dir, suitetest.Suite(), stores[0], stores[1], srv, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.Get(url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("the demo's console has no login form:\n%s", page)
	}
	res, err = client.PostForm(url+"/login", neturl.Values{"csrf": {string(m[1])}, "login": {"gongan"}, "password": {demoConsolePassword}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "待本部门审批的办件") {
		t.Fatalf("logging in as the demo's gongan: %d\n%s", res.StatusCode, page)
	}
}
