package netcheck_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/app/setup"
	"onewindow/app/store"
	"onewindow/sync/central"
	"onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/netcheck"
	"onewindow/sync/scene"
)

func TestCentralTLSPin(t *testing.T) {
	t.Parallel()
	c := scene.Central(t, filepath.Join(t.TempDir(), "central.db"), app.SystemClock{})
	pki, other := scene.NewPKI(t), scene.NewPKI(t)
	srv := scene.ServeTLS(t, c, pki)
	ctx := context.Background()

	if _, err := link.Probe(ctx, srv.URL, pki.CAPEM, link.Options{}); err != nil {
		t.Fatalf("with the right CA pinned: want an answer, got %v", err)
	}
	_, err := link.Probe(ctx, srv.URL, other.CAPEM, link.Options{})
	if !errors.Is(err, link.ErrTLS) || !strings.Contains(err.Error(), "not signed by the pinned CA") {
		t.Fatalf("with another CA pinned: want ErrTLS naming the pin, got %v", err)
	}
	checks := netcheck.CentralChecks(ctx, srv.URL, other.CAPEM, true, netcheck.Options{})
	if checks[0].Verdict != health.Fail || !strings.Contains(checks[0].Next, "certificate") {
		t.Fatalf("doctor's central check with a wrong pin: want FAIL with a next step about the certificate, got %+v", checks[0])
	}
	checks = netcheck.CentralChecks(ctx, srv.URL, pki.CAPEM, true, netcheck.Options{})
	if checks[0].Verdict != health.OK || checks[1].Verdict != health.OK {
		t.Fatalf("doctor's central and clock checks with the right pin: want ok, ok; got %+v", checks)
	}
}

func TestCentralUnreachableAndClock(t *testing.T) {
	t.Parallel()
	c := scene.Central(t, filepath.Join(t.TempDir(), "central.db"), app.SystemClock{})
	srv := scene.Serve(t, c, central.ServerOptions{})
	ctx := context.Background()

	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	_, err := link.Probe(ctx, deadURL, nil, link.Options{Timeout: 2 * time.Second})
	if !errors.Is(err, link.ErrOffline) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("central down: want ErrUnreachable saying the connection was refused, got %v", err)
	}
	checks := netcheck.CentralChecks(ctx, deadURL, nil, true, netcheck.Options{Timeout: 2 * time.Second})
	if checks[0].Verdict != health.Warn || checks[1].Verdict != health.Skip {
		t.Fatalf("central down: the hall keeps working, so want warn and a skipped clock; got %+v", checks)
	}

	// The terminal's clock ten minutes fast against central's Date header.
	fast := app.NewManualClock(time.Now().Add(10 * time.Minute))
	checks = netcheck.CentralChecks(ctx, srv.URL, nil, true, netcheck.Options{Clock: fast})
	if checks[1].Verdict != health.Fail || !strings.Contains(checks[1].Detail, "ahead of central") {
		t.Fatalf("clock 10 min fast: want a failed clock check saying it is ahead, got %+v", checks[1])
	}
	slow := app.NewManualClock(time.Now().Add(-time.Minute))
	checks = netcheck.CentralChecks(ctx, srv.URL, nil, true, netcheck.Options{Clock: slow})
	if checks[1].Verdict != health.Warn || !strings.Contains(checks[1].Detail, "behind central") {
		t.Fatalf("clock 1 min slow: want a warning saying it is behind, got %+v", checks[1])
	}
}

func TestHub(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "hub.db"), store.Options{Terminal: "H01", Keys: scene.Keys(t, 5)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := strings.Repeat("ab", 32)
	h, err := hub.New(st, key, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	// The hall's hub certificate, as the hub's set-up makes it, pinned by
	// the terminal.
	srv, certPEM := scene.ServeHubTLS(t, h.Handler())
	addr := strings.TrimPrefix(srv.URL, "https://")
	certFile := filepath.Join(dir, "hub.pem")
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		t.Fatal(err)
	}

	cfg := &config.Config{Role: config.RoleKiosk, Hub: config.Hub{Address: addr, HallKey: config.Secret(key), CertificateFile: certFile}}
	if c := netcheck.Hub(context.Background(), cfg, netcheck.Options{}); c.Verdict != health.OK || !strings.HasPrefix(c.Detail, "https://") {
		t.Errorf("hub up over TLS, right key: want ok, got %+v", c)
	}
	cfg.Hub.HallKey = config.Secret(strings.Repeat("cd", 32))
	if c := netcheck.Hub(context.Background(), cfg, netcheck.Options{}); c.Verdict != health.Fail || !strings.Contains(c.Next, "hall key") {
		t.Errorf("hub up, wrong key: want FAIL about the hall key, got %+v", c)
	}
	cfg.Hub.HallKey = config.Secret(key)
	other, _, _ := setup.MakeHubCertificate("330106", time.Now())
	otherFile := filepath.Join(dir, "other.pem")
	os.WriteFile(otherFile, other, 0o644)
	cfg.Hub.CertificateFile = otherFile
	if c := netcheck.Hub(context.Background(), cfg, netcheck.Options{}); c.Verdict != health.Fail || !strings.Contains(c.Detail, "other than the hall's") {
		t.Errorf("a hub with another certificate: want FAIL naming it, got %+v", c)
	}
	cfg.Hub.CertificateFile = certFile
	// A hub on plain HTTP works, and the doctor warns.
	plain := httptest.NewServer(h.Handler())
	plainCfg := &config.Config{Role: config.RoleKiosk, Hub: config.Hub{Address: strings.TrimPrefix(plain.URL, "http://"), HallKey: config.Secret(key)}}
	if c := netcheck.Hub(context.Background(), plainCfg, netcheck.Options{}); c.Verdict != health.Warn || !strings.Contains(c.Detail, "plain HTTP") {
		t.Errorf("a hub on plain HTTP: want a warning saying so, got %+v", c)
	}
	plain.Close()
	srv.Close()
	cfg.Hub.HallKey = config.Secret(key)
	if c := netcheck.Hub(context.Background(), cfg, netcheck.Options{Timeout: 2 * time.Second}); c.Verdict != health.Fail || !strings.Contains(c.Detail, "refused") {
		t.Errorf("hub down: want FAIL saying the connection was refused, got %+v", c)
	}
}
