package link_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestSyncOverTLCP: a province on the gm suite serves TLS and TLCP on one
// port. A terminal whose bundle pins the SM2 CA enrols, pushes and pulls
// over TLCP (the pinned CA alone decides: nothing else is configured;
// ONEWINDOW_TEST_SUITE=gm runs it on a gm province); a terminal pinning the ECDSA CA still syncs
// over TLS on the same port; one pinning another SM2 CA is refused before
// its code is spent, with an error that says TLCP and why.
func TestSyncOverTLCP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	c := scene.Central(t, filepath.Join(dir, "central.db"), app.SystemClock{})
	pki, gm := scene.NewPKI(t), scene.NewSM2PKI(t)
	url := scene.ServeTLCP(t, c.Handler(central.ServerOptions{}), &pki, &gm)
	opt := link.Options{Timeout: 5 * time.Second}

	code, exp, err := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bundle := wire.Bundle{Central: url, Terminal: scene.Terminal, Hall: scene.Hall, Code: code, Expires: exp, CAPEM: string(gm.CAPEM)}
	st := scene.OpenStore(t, t.TempDir(), app.SystemClock{})
	defer st.Close()

	wrong := bundle
	wrong.CAPEM = string(scene.NewSM2PKI(t).CAPEM)
	err = link.EnrolChecked(ctx, st, wrong, opt)
	if !errors.Is(err, link.ErrTLS) || !strings.Contains(err.Error(), "TLCP") || !strings.Contains(err.Error(), "not signed by the pinned SM2 CA") {
		t.Fatalf("enrol pinning another SM2 CA: %v; want ErrTLS saying the TLCP handshake failed on the CA", err)
	}
	if err := link.EnrolChecked(ctx, st, bundle, opt); err != nil {
		t.Fatalf("enrol over TLCP with the code the refused attempt did not spend: %v", err)
	}
	creds, err := st.SyncCredentials(ctx)
	if err != nil || creds.Suite != suitetest.Suite() {
		t.Fatalf("enrolment: suite %q, %v; want central's %s", creds.Suite, err, suitetest.Suite())
	}
	l, err := link.New(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Pull(ctx); err != nil {
		t.Fatalf("pull over TLCP: %v", err)
	}
	taken := scene.TakeIn(t, st, "GA-001", 1)
	if err := l.SyncNow(ctx); err != nil {
		t.Fatalf("push over TLCP: %v", err)
	}
	scene.Agree(t, c, st)
	if ev := scene.CentralEvents(t, c, taken.Number); len(ev) == 0 {
		t.Errorf("central has no event of case %s pushed over TLCP", taken.Number)
	}

	// A terminal of the same province not moved yet: TLS on the same port.
	code2, exp2, _ := c.CreateEnrolCode(ctx, scene.Hall, "330106K02", central.RoleKiosk, time.Hour)
	st2 := scene.OpenStore(t, t.TempDir(), app.SystemClock{})
	defer st2.Close()
	if err := link.EnrolChecked(ctx, st2, wire.Bundle{Central: url, Terminal: "330106K02", Hall: scene.Hall, Code: code2, Expires: exp2, CAPEM: string(pki.CAPEM)}, opt); err != nil {
		t.Fatalf("a terminal pinning the ECDSA CA, on the same port: %v", err)
	}
}

// TestTerminalMovesToTLCP: a terminal synced over TLS, with a case still
// waiting in its outbox, is enrolled again with a bundle pinning the SM2
// CA (docs/security.md, Transport: TLCP) and syncs on over TLCP: central
// holds every case once, and agrees with the terminal.
func TestTerminalMovesToTLCP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := scene.Central(t, filepath.Join(t.TempDir(), "central.db"), app.SystemClock{})
	pki, gm := scene.NewPKI(t), scene.NewSM2PKI(t)
	url := scene.ServeTLCP(t, c.Handler(central.ServerOptions{}), &pki, &gm)
	opt := link.Options{Timeout: 5 * time.Second}
	st := scene.OpenStore(t, t.TempDir(), app.SystemClock{})
	defer st.Close()
	enrol := func(ca []byte) *link.Link {
		t.Helper()
		code, exp, err := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := link.EnrolChecked(ctx, st, wire.Bundle{Central: url, Terminal: scene.Terminal, Hall: scene.Hall, Code: code, Expires: exp, CAPEM: string(ca)}, opt); err != nil {
			t.Fatal(err)
		}
		l, err := link.New(ctx, st, opt)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	l := enrol(pki.CAPEM)
	if _, err := l.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	scene.TakeIn(t, st, "GA-001", 1)
	if err := l.SyncNow(ctx); err != nil {
		t.Fatalf("sync over TLS: %v", err)
	}
	waiting := scene.TakeIn(t, st, "GA-001", 2)
	l = enrol(gm.CAPEM)
	if err := l.SyncNow(ctx); err != nil {
		t.Fatalf("sync over TLCP after the move: %v", err)
	}
	if ev := scene.CentralEvents(t, c, waiting.Number); len(ev) == 0 {
		t.Errorf("the case waiting at the move (%s) did not reach central over TLCP", waiting.Number)
	}
	scene.Agree(t, c, st)
}

// TestTLCPTerminalMeetsTLSOnlyCentral: a terminal given an SM2 CA while
// central was started without its SM2 certificates is told so.
func TestTLCPTerminalMeetsTLSOnlyCentral(t *testing.T) {
	t.Parallel()
	c := scene.Central(t, filepath.Join(t.TempDir(), "central.db"), app.SystemClock{})
	pki := scene.NewPKI(t)
	url := scene.ServeTLCP(t, c.Handler(central.ServerOptions{}), &pki, nil)
	_, err := link.Probe(context.Background(), url, scene.NewSM2PKI(t).CAPEM, link.Options{Timeout: 5 * time.Second})
	if !errors.Is(err, link.ErrTLS) || !strings.Contains(err.Error(), "does not speak TLCP") {
		t.Errorf("probe: %v; want ErrTLS saying central does not speak TLCP", err)
	}
}
