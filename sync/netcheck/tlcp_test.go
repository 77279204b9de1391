package netcheck_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/sync/central"
	"onewindow/sync/netcheck"
	"onewindow/sync/scene"
)

// TestCentralTLCP: the doctor of a terminal pinning an SM2 CA says central
// answers over TLCP, and, when central answers TLS only, says to start it
// with its SM2 certificates.
func TestCentralTLCP(t *testing.T) {
	t.Parallel()
	c := scene.Central(t, filepath.Join(t.TempDir(), "central.db"), app.SystemClock{})
	pki, gm := scene.NewPKI(t), scene.NewSM2PKI(t)
	ctx := context.Background()

	both := scene.ServeTLCP(t, c.Handler(central.ServerOptions{}), &pki, &gm)
	if checks := netcheck.CentralChecks(ctx, both, gm.CAPEM, true, netcheck.Options{}); checks[0].Verdict != health.OK || !strings.Contains(checks[0].Detail, "TLCP") {
		t.Errorf("central on TLS and TLCP, the SM2 CA pinned: %+v; want OK over TLCP", checks[0])
	}
	tlsOnly := scene.ServeTLCP(t, c.Handler(central.ServerOptions{}), &pki, nil)
	if checks := netcheck.CentralChecks(ctx, tlsOnly, gm.CAPEM, true, netcheck.Options{}); checks[0].Verdict != health.Fail || !strings.Contains(checks[0].Next, "-tlcp-sign-cert") {
		t.Errorf("central on TLS only, the SM2 CA pinned: %+v; want a failure saying to give central its SM2 certificates", checks[0])
	}
}
