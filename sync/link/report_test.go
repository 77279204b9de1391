package link_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"onewindow/app/health"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestHealthGoesWithTheSync: a terminal's sync carries its health report to
// central over HTTP, at most every HealthEvery however often it syncs;
// central keeps the last one per terminal and lists a hall's terminals with
// role, last seen, last sync and what is not well; a bad report is refused
// and changes nothing.
func TestHealthGoesWithTheSync(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		x := newTerm(t, dsn, nil)
		calls := 0
		printer := health.Check{Name: "ticket printer", Verdict: health.Fail, Detail: "/dev/ttyUSB1 vanished", Next: "plug the printer in again"}
		x.opt.Role, x.opt.Version = "kiosk", "1.2.3"
		x.opt.Health = func(ctx context.Context) health.Report {
			calls++
			r := health.Report{Terminal: "whatever it says", At: x.clock.Now()}
			r.Add(health.Check{Name: "disk space", Verdict: health.OK, Detail: "9 GiB free"})
			r.Add(health.Check{Name: "outbox", Verdict: health.Warn, Detail: "3 waiting", Next: "wait for the WAN"})
			if calls == 1 {
				r.Add(printer)
			}
			return r
		}
		x.relink(t)
		before, err := x.c.Terminals(ctx, scene.Hall)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) != 1 || before[0].Health != nil || before[0].Summary() != "not reported" {
			t.Fatalf("before any report: %+v; want one terminal, not reported", before)
		}
		x.accept(t, "GA-001", 1)
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		ts, err := x.c.Terminals(ctx, scene.Hall)
		if err != nil {
			t.Fatal(err)
		}
		got := ts[0]
		if got.Role != "kiosk" || got.Version != "1.2.3" || got.LastSync.IsZero() || got.LastSeen.IsZero() || got.Health == nil {
			t.Fatalf("after a sync: %+v; want role kiosk, version 1.2.3, a last sync and a health report", got)
		}
		if got.Health.Terminal != scene.Terminal {
			t.Errorf("the stored report names terminal %q; want %s, the one that authenticated", got.Health.Terminal, scene.Terminal)
		}
		bad := got.Health.NotWell()
		if got.Health.Worst() != health.Fail || len(bad) != 2 || bad[0].Name != "ticket printer" || bad[0].Next != printer.Next || bad[1].Name != "outbox" {
			t.Errorf("stored health: worst %v, not well %+v; want the failing printer (with its next step) first, then the outbox warning", got.Health.Worst(), bad)
		}
		if s := got.Summary(); s != "FAIL: ticket printer, outbox" {
			t.Errorf("summary %q", s)
		}
		// Syncs every 30 s do not run the checks every time.
		for range 3 {
			x.clock.Advance(30 * time.Second)
			if err := x.l.SyncNow(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if calls != 1 {
			t.Errorf("the health checks ran %d times in 90 s of syncs; want once", calls)
		}
		x.clock.Advance(5 * time.Minute)
		if err := x.l.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		ts, _ = x.c.Terminals(ctx, scene.Hall)
		if calls != 2 || ts[0].Health.Worst() != health.Warn {
			t.Errorf("after 5 minutes: %d runs, stored worst %v; want a second run whose report (printer back) replaced the first", calls, ts[0].Health.Worst())
		}
		// A central that refuses reports (an older one) does not have the
		// checks run every sync either.
		x2 := newTerm(t, t.TempDir()+"/older-central.db", func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == wire.PathReport {
					http.NotFound(w, r)
					return
				}
				h.ServeHTTP(w, r)
			})
		})
		runs := 0
		x2.opt.Health = func(ctx context.Context) health.Report {
			runs++
			return health.Report{At: x2.clock.Now()}
		}
		x2.relink(t)
		for range 4 {
			if err := x2.l.SyncNow(ctx); err != nil {
				t.Fatalf("a sync with a central that refuses reports: %v; want the sync to succeed", err)
			}
			x2.clock.Advance(30 * time.Second)
		}
		if runs != 1 {
			t.Errorf("with reports refused, the checks ran %d times in 4 syncs; want once", runs)
		}
		if _, err := x.c.Terminals(ctx, "999999"); err == nil {
			t.Errorf("listing a hall with no terminals: no error; want one that says so")
		}

		// A bad report is refused with the field named and changes nothing.
		creds, err := x.st.SyncCredentials(ctx)
		if err != nil {
			t.Fatal(err)
		}
		post := func(body []byte) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, x.srv.URL+wire.PathReport, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+creds.Terminal+":"+creds.Secret)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var p wire.Problem
			json.NewDecoder(resp.Body).Decode(&p)
			return resp.StatusCode, p.Error
		}
		many := wire.Report{Role: "kiosk", Health: health.Report{At: x.clock.Now()}}
		for range wire.MaxReportChecks + 1 {
			many.Health.Add(health.Check{Name: "x", Verdict: health.OK})
		}
		manyBody, _ := json.Marshal(many)
		for _, tc := range []struct {
			name, body, want string
		}{
			{"unknown verdict", `{"role":"kiosk","health":{"at":"2026-11-23T09:30:00Z","checks":[{"name":"disk","verdict":"maybe","detail":""}]}}`, "verdict"},
			{"no time", `{"role":"kiosk","health":{"checks":[]}}`, "health.at"},
			{"bad role", `{"role":"kiosk; drop","health":{"at":"2026-11-23T09:30:00Z","checks":[]}}`, "role"},
			{"unknown field", `{"role":"kiosk","name":"张三","health":{"at":"2026-11-23T09:30:00Z","checks":[]}}`, "unknown field"},
			{"too many checks", string(manyBody), "health.checks"},
		} {
			status, msg := post([]byte(tc.body))
			if status != http.StatusBadRequest || !strings.Contains(msg, tc.want) {
				t.Errorf("%s: %d %q; want 400 naming %s", tc.name, status, msg, tc.want)
			}
		}
		after, _ := x.c.Terminals(ctx, scene.Hall)
		if after[0].Health.Worst() != health.Warn || len(after[0].Health.Checks) != 2 {
			t.Errorf("after refused reports the stored one is %+v; want the last good one", after[0].Health)
		}
		// A terminal whose clock is far off: central adds the clock check.
		late := wire.Report{Role: "kiosk", Health: health.Report{At: x.clock.Now().Add(-10 * time.Minute)}}
		late.Health.Add(health.Check{Name: "disk space", Verdict: health.OK})
		lateBody, _ := json.Marshal(late)
		if status, msg := post(lateBody); status != http.StatusNoContent {
			t.Fatalf("a report from a terminal whose clock is behind: %d %q", status, msg)
		}
		after, _ = x.c.Terminals(ctx, scene.Hall)
		if bad := after[0].Health.NotWell(); len(bad) != 1 || bad[0].Name != "clock" || bad[0].Verdict != health.Fail || !strings.Contains(bad[0].Detail, "behind central") {
			t.Errorf("the stored report of a terminal 10 minutes behind: %+v; want central's clock check failing", bad)
		}
		// Without credentials there is no report at all.
		req, _ := http.NewRequest(http.MethodPost, x.srv.URL+wire.PathReport, strings.NewReader(`{}`))
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a report without credentials: %v %v; want 401", resp.StatusCode, err)
		}
	})
}
