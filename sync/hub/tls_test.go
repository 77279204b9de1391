package hub

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/setup"
)

// TestTheHubOverTLS: a terminal pinning the hall's hub certificate speaks
// TLS to the hub; a hub presenting another certificate is refused by name,
// and a terminal speaking plain HTTP gets no answer.
func TestTheHubOverTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := app.NewManualClock(morning)
	s := openStore(t, t.TempDir(), clock)
	t.Cleanup(func() { s.Close() })
	srv, err := New(s, testKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := setup.MakeHubCertificate("330106", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ts.StartTLS()
	t.Cleanup(ts.Close)

	pinned := NewClient(ts.URL, testKey, 5*time.Second, Pinned(certPEM))
	if _, err := pinned.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
		t.Fatalf("a terminal pinning the hall's certificate: %v", err)
	}
	other, _, _ := setup.MakeHubCertificate("330106", time.Now())
	stranger := NewClient(ts.URL, testKey, 5*time.Second, Pinned(other))
	if _, err := stranger.Queue(ctx, 1); !errors.Is(err, ErrNotTheHallsHub) {
		t.Errorf("a hub with another certificate: %v; want ErrNotTheHallsHub", err)
	}
	plain := NewClient(strings.Replace(ts.URL, "https://", "http://", 1), testKey, 5*time.Second)
	if _, err := plain.Queue(ctx, 1); err == nil {
		t.Error("plain HTTP to the TLS hub was answered")
	}
}
