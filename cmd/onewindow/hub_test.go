package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/setup"
	"onewindow/sync/central"
	"onewindow/sync/hub"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestHubSendsTicketEventsToCentral: a hub set up and enrolled as a
// technician does it (`setup -role hub … -central`, `setup -enrol`) and run
// as `onewindow hub` sends every ticket event to central over HTTP, without
// a name; central lists the hub with its role and health.
func TestHubSendsTicketEventsToCentral(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	centralDB := filepath.Join(dir, "central.db")
	c := scene.Central(t, centralDB, app.SystemClock{})
	srv := scene.Serve(t, c, central.ServerOptions{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := l.Addr().String()
	l.Close()
	cfg := filepath.Join(dir, "onewindow.toml")
	if code, out, errOut := runArgs(t, "setup", "-config", cfg, "-role", "hub", "-hall", scene.Hall, "-terminal", "330106H01",
		"-hub", address, "-hall-key", benchHallKey, "-central", srv.URL, "-data", filepath.Join(dir, "data")); code != 0 {
		t.Fatalf("setup -role hub: %d %s %s", code, out, errOut)
	}
	otc, _, err := c.CreateEnrolCode(ctx, scene.Hall, "330106H01", central.RoleHub, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bundle, _ := json.Marshal(wire.Bundle{Central: srv.URL, Terminal: "330106H01", Hall: scene.Hall, Code: otc})
	write(t, filepath.Join(dir, "bundle.json"), string(bundle), 0o600)
	if code, out, errOut := runArgs(t, "setup", "-config", cfg, "-enrol", filepath.Join(dir, "bundle.json")); code != 0 {
		t.Fatalf("setup -enrol on the hub: %d %s %s", code, out, errOut)
	}

	done := make(chan int, 1)
	var hubOut, hubErr strings.Builder
	go func() {
		done <- runHub(ctx, []string{"-config", cfg, "-sample", "-sync-interval", "100ms"}, &hubOut, &hubErr)
	}()
	// Set-up made the hall's hub certificate: the hub speaks TLS, and a
	// terminal pins the certificate.
	cert, err := os.ReadFile(filepath.Join(dir, setup.HubCertFileName))
	if err != nil {
		t.Fatalf("set-up of the hub made no certificate: %v", err)
	}
	client := hub.NewClient(hub.URL(address, true), benchHallKey, 2*time.Second, hub.Pinned(cert))
	var issued []app.Ticket
	deadline := time.Now().Add(10 * time.Second)
	for len(issued) < 2 {
		tk, err := client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A", Elderly: true, Who: "张*"})
		if err != nil {
			if time.Now().After(deadline) {
				t.Fatalf("the hub does not issue: %v\n%s", err, hubErr.String())
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		issued = append(issued, tk)
	}
	if _, err := client.Call(ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Finish(ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", centralDB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kinds := map[string]int{}
	for time.Now().Before(deadline) {
		clear(kinds)
		rows, err := db.Query(`SELECT kind, ticket, terminal, hall, category FROM ticket_events`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var kind, ticket, terminal, hall, category string
			rows.Scan(&kind, &ticket, &terminal, &hall, &category)
			if terminal != "330106H01" || hall != scene.Hall || category != "A" || (ticket != issued[0].ID && ticket != issued[1].ID) {
				t.Errorf("central holds a ticket event %s %s from %s of hall %s, category %s", kind, ticket, terminal, hall, category)
			}
			kinds[kind]++
		}
		rows.Close()
		if kinds["issued"] == 2 && kinds["called"] == 1 && kinds["finished"] == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if kinds["issued"] != 2 || kinds["called"] != 1 || kinds["finished"] != 1 {
		t.Fatalf("central holds ticket events %v; want 2 issued, 1 called, 1 finished\n%s", kinds, hubErr.String())
	}
	var dump string
	db.QueryRow(`SELECT group_concat(op_id || terminal || ticket || kind || priority || state, ' ') FROM ticket_events`).Scan(&dump)
	if strings.Contains(dump, "张") {
		t.Errorf("central keeps the masked name of a ticket: %s", dump)
	}
	code, out, errOut := runArgs(t, "central", "terminals", "-db", centralDB, "-hall", scene.Hall)
	if code != 0 || !strings.Contains(out, "330106H01") || !strings.Contains(out, " hub ") || strings.Contains(out, "not reported") {
		t.Errorf("central terminals: %d\n%s%s; want the hub listed with its role and its health", code, out, errOut)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("the hub stopped with %d: %s", code, hubErr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hub did not stop")
	}
}
