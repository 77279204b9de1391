package link_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/update"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

func TestBackoffDelay(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rand       float64
		attempt    int
		retryAfter time.Duration
		want       time.Duration
	}{
		{"first retry, top of the jitter", 0.999999, 0, 0, 999999 * time.Microsecond},
		{"third retry, half the jitter", 0.5, 2, 0, 2 * time.Second},
		{"full jitter may wait nothing", 0, 5, 0, 0},
		{"capped at five minutes", 0.999999, 20, 0, time.Duration(0.999999 * float64(5*time.Minute))},
		{"no overflow on a huge attempt", 0.5, 500, 0, 150 * time.Second},
		{"Retry-After is the least wait", 0.1, 0, 90 * time.Second, 90 * time.Second},
		{"Retry-After below the jitter", 0.5, 8, 10 * time.Second, 128 * time.Second},
		{"Retry-After beyond the cap", 0.5, 0, time.Hour, 5 * time.Minute},
	} {
		b := link.Backoff{Base: time.Second, Cap: 5 * time.Minute, Rand: func() float64 { return tc.rand }}
		if got := b.Delay(tc.attempt, tc.retryAfter); got != tc.want {
			t.Errorf("%s: Delay(%d, %v) with jitter %v = %v; want %v", tc.name, tc.attempt, tc.retryAfter, tc.rand, got, tc.want)
		}
	}
}

// TestRunBacksOffAndHonoursRetryAfter: while central is down the loop waits
// longer each time (capped), at least what Retry-After asks, and after a
// success goes back to the plain interval. Nothing sleeps for real.
func TestRunBacksOffAndHonoursRetryAfter(t *testing.T) {
	var failures atomic.Int32
	failures.Store(6)
	x := newTerm(t, t.TempDir()+"/central.db", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == wire.PathPush && failures.Add(-1) >= 0 {
				if failures.Load()%2 == 0 {
					w.Header().Set("Retry-After", "45")
				}
				http.Error(w, `{"error":"central is busy"}`, http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	x.accept(t, "GA-001", 1)
	ctx, cancel := context.WithCancel(context.Background())
	var waits []time.Duration
	var offline []bool
	x.opt.Rand = func() float64 { return 0.999 }
	x.opt.Interval = 30 * time.Second
	x.opt.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		offline = append(offline, !x.l.Status().Online)
		x.clock.Advance(d)
		if len(waits) == 8 {
			cancel()
		}
		return ctx.Err()
	}
	x.relink(t)
	if err := x.l.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run ended with %v; want context.Canceled", err)
	}
	jitter := func(s float64) time.Duration { return time.Duration(0.999 * s * float64(time.Second)) }
	want := []time.Duration{
		jitter(1), 45 * time.Second, jitter(4), 45 * time.Second, jitter(16), 45 * time.Second, // six failures, Retry-After on every other
		30 * time.Second, 30 * time.Second, // then all is well
	}
	for i := range want {
		if i >= len(waits) || waits[i] != want[i] {
			t.Fatalf("waits %v; want %v", waits, want)
		}
	}
	if offline[0] != true || offline[6] != false {
		t.Errorf("offline while failing %v, after success %v; want true then false", offline[0], offline[6])
	}
	scene.Agree(t, x.c, x.st)
}

// TestSyncNowNudgesRun: a technician's sync-now wakes a waiting loop.
func TestSyncNowNudgesRun(t *testing.T) {
	x := newTerm(t, t.TempDir()+"/central.db", nil)
	sleeping := make(chan struct{})
	x.opt.Sleep = func(ctx context.Context, d time.Duration) error {
		sleeping <- struct{}{}
		<-ctx.Done() // only a nudge or the end wakes it
		return ctx.Err()
	}
	x.relink(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- x.l.Run(ctx) }()
	<-sleeping
	x.accept(t, "GA-001", 1)
	x.l.Nudge()
	<-sleeping
	if s := x.l.Status(); s.Pending != 0 || !s.Online {
		t.Errorf("status after the nudge %+v; want online with nothing pending", s)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run ended with %v; want context.Canceled", err)
	}
	scene.Agree(t, x.c, x.st)
}

// TestLostAcknowledgement: central commits a batch and the connection drops
// before the answer; the terminal sends it again and central applies it
// once.
func TestLostAcknowledgement(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		var drop atomic.Int32
		drop.Store(3)
		x := newTerm(t, dsn, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != wire.PathPush || drop.Add(-1) < 0 {
					h.ServeHTTP(w, r)
					return
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r) // the batch commits …
				if rec.Code != http.StatusOK {
					t.Errorf("the batch whose answer is lost failed: %d %s", rec.Code, rec.Body)
				}
				conn, _, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				conn.Close() // … and the answer never leaves
			})
		})
		for i := range 5 {
			x.accept(t, "GA-001", i)
			err := x.l.SyncNow(ctx)
			if i < 3 && !errors.Is(err, link.ErrOffline) {
				t.Errorf("sync %d with the answer lost: %v; want ErrOffline", i, err)
			}
			if i >= 3 && err != nil {
				t.Errorf("sync %d: %v", i, err)
			}
		}
		var applied int
		x.c.DB().QueryRow(`SELECT count(*) FROM ops`).Scan(&applied)
		if applied != 5 {
			t.Errorf("central holds %d operations; want each of the 5 once", applied)
		}
		scene.Agree(t, x.c, x.st)
	})
}

// TestTLSPinning: central serves TLS; a terminal pinning the CA from its
// bundle syncs, one pinning another CA refuses to talk.
func TestTLSPinning(t *testing.T) {
	ctx := context.Background()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(t, t.TempDir()+"/central.db", clock)
	pki := scene.NewPKI(t)
	srv := httptest.NewUnstartedServer(c.Handler(central.ServerOptions{}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the impostor's failed handshake is expected
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pki.Server}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()
	opt := link.Options{Clock: clock, Sleep: (&scene.NoSleep{Clock: clock}).Sleep}
	bundle := func() wire.Bundle {
		code, exp, err := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return wire.Bundle{Central: srv.URL, Terminal: scene.Terminal, Code: code, Expires: exp, CAPEM: string(pki.CAPEM)}
	}
	// Pinning another CA: the handshake fails, the code is not spent.
	impostor := bundle()
	impostor.CAPEM = string(scene.NewPKI(t).CAPEM)
	st := scene.OpenStore(t, t.TempDir(), clock)
	defer st.Close()
	err := link.Enrol(ctx, st, impostor, opt)
	if !errors.Is(err, link.ErrOffline) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("enrol pinning the wrong CA: %v; want a certificate error", err)
	}
	impostor.CAPEM = string(pki.CAPEM)
	if err := link.Enrol(ctx, st, impostor, opt); err != nil {
		t.Fatalf("enrol with the right CA and the code the failed attempt did not spend: %v", err)
	}
	l, err := link.New(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SyncNow(ctx); err != nil {
		t.Fatalf("sync over TLS: %v", err)
	}
	if _, err := st.Catalog(ctx); err != nil {
		t.Errorf("no catalogue after a sync over TLS: %v", err)
	}
	// An update is fetched over the same pinned TLS, and not from a
	// central whose certificate another CA signed.
	pub, priv, _ := update.GenerateKey()
	var pkg bytes.Buffer
	update.Sign(&pkg, priv, update.Manifest{Version: "0.9.0", OS: "linux", Arch: "amd64"}, "p.deb", []byte("deb"), time.Now())
	if _, err := c.PublishUpdate(ctx, pkg.Bytes(), []update.PublicKey{pub}, false); err != nil {
		t.Fatal(err)
	}
	creds, _ := st.SyncCredentials(ctx)
	if _, got, err := link.FetchUpdate(ctx, creds, "linux-amd64.owu", "", update.MaxPackage, opt); err != nil || !bytes.Equal(got, pkg.Bytes()) {
		t.Errorf("fetch an update over TLS: %d bytes, %v; want the package", len(got), err)
	}
	creds.CAPEM = scene.NewPKI(t).CAPEM
	if _, _, err := link.FetchUpdate(ctx, creds, "linux-amd64.owu", "", update.MaxPackage, opt); !errors.Is(err, link.ErrOffline) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("fetch an update pinning another CA: %v; want a certificate error", err)
	}
}
