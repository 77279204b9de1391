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
	"onewindow/sync/tlcp"
	"onewindow/sync/wire"
)

// TestHubOverTLCP: a hall of a province on the gm suite, set up as a
// technician does it. Central serves TLS and TLCP on one port; the hub's
// set-up with -crypto-suite gm makes SM2 double certificates (hub.pem,
// hub-key.pem 0600); the hub, enrolled with a bundle pinning the SM2 CA,
// sends its ticket events to central over TLCP and serves a terminal
// pinning hub.pem over TLCP. A kiosk's set-up refuses -crypto-suite (it
// learns the suite from central, and the protocol from hub.pem).
func TestHubOverTLCP(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	centralDB := filepath.Join(dir, "central.db")
	c := scene.Central(t, centralDB, app.SystemClock{})
	pki, gm := scene.NewPKI(t), scene.NewSM2PKI(t)
	centralURL := scene.ServeTLCP(t, c.Handler(central.ServerOptions{}), &pki, &gm)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := l.Addr().String()
	l.Close()
	cfg := filepath.Join(dir, "onewindow.toml")
	if code, out, errOut := runArgs(t, "setup", "-config", cfg, "-role", "hub", "-hall", scene.Hall, "-terminal", "330106H01",
		"-hub", address, "-hall-key", benchHallKey, "-central", centralURL, "-data", filepath.Join(dir, "data"), "-crypto-suite", "gm"); code != 0 {
		t.Fatalf("setup -role hub -crypto-suite gm: %d %s %s", code, out, errOut)
	}
	cert, err := os.ReadFile(filepath.Join(dir, setup.HubCertFileName))
	if err != nil || !tlcp.IsSM2(cert) {
		t.Fatalf("set-up of a gm hub made no SM2 certificate: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, setup.HubKeyFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the hub's SM2 keys: %v, %v; want a 0600 file", fi, err)
	}
	if text, _ := os.ReadFile(cfg); !strings.Contains(string(text), "TLCP") {
		t.Errorf("the hub's configuration does not say the terminals speak TLCP to it:\n%s", text)
	}
	if code, _, errOut := runArgs(t, "setup", "-config", filepath.Join(dir, "kiosk.toml"), "-role", "kiosk", "-hall", scene.Hall,
		"-terminal", "330106K01", "-hub", address, "-hall-key", benchHallKey, "-crypto-suite", "gm"); code != 2 || !strings.Contains(errOut, "-crypto-suite") {
		t.Errorf("setup -role kiosk -crypto-suite gm: %d %s; want it refused, saying why", code, errOut)
	}
	otc, _, err := c.CreateEnrolCode(ctx, scene.Hall, "330106H01", central.RoleHub, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bundle, _ := json.Marshal(wire.Bundle{Central: centralURL, Terminal: "330106H01", Hall: scene.Hall, Code: otc, CAPEM: string(gm.CAPEM)})
	write(t, filepath.Join(dir, "bundle.json"), string(bundle), 0o600)
	if code, out, errOut := runArgs(t, "setup", "-config", cfg, "-enrol", filepath.Join(dir, "bundle.json")); code != 0 {
		t.Fatalf("setup -enrol on the hub, over TLCP: %d %s %s", code, out, errOut)
	}

	done := make(chan int, 1)
	var hubOut, hubErr strings.Builder
	go func() {
		done <- runHub(ctx, []string{"-config", cfg, "-sample", "-sync-interval", "100ms"}, &hubOut, &hubErr)
	}()
	client := hub.NewClient(hub.URL(address, true), benchHallKey, 2*time.Second, hub.Pinned(cert))
	deadline := time.Now().Add(10 * time.Second)
	var issued app.Ticket
	for issued.ID == "" {
		if issued, err = client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
			if time.Now().After(deadline) {
				t.Fatalf("the hub does not issue over TLCP: %v\n%s", err, hubErr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	db, err := sql.Open("sqlite", centralDB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	for time.Now().Before(deadline) && n == 0 {
		db.QueryRow(`SELECT count(*) FROM ticket_events WHERE ticket = ?`, issued.ID).Scan(&n)
		time.Sleep(50 * time.Millisecond)
	}
	if n == 0 {
		t.Errorf("central has no event of the ticket the hub issued: its sync over TLCP\n%s", hubErr.String())
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
