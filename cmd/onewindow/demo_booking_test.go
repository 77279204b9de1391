//go:build unix

package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/internal/suitetest"
	hubapi "onewindow/sync/hub"
)

// TestDemoTakesBookings: the demo's central offers the demo hall's
// appointments on its citizens' pages, and the demo's kiosk gets the
// plan and the hall's booking key, the hub the plan only.
func TestDemoTakesBookings(t *testing.T) {
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
	srv, err := hubapi.New(hub, strings.Repeat("k", hubapi.MinKeyLength), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, url, _, _, err := startDemoCentral(ctx, dir, suitetest.Suite(), kiosk, hub, srv, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(url + "/book/" + demoHallCode + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "居民身份证换领") {
		t.Fatalf("the demo hall's booking page: %d\n%s", res.StatusCode, body)
	}
	var kioskKey, hubKey []byte
	var plan app.BookingPlan
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, kioskKey, _ = kiosk.BookingPlan(ctx)
		plan, hubKey, _ = hub.BookingPlan(ctx)
		if kioskKey != nil && plan.Offered() {
			break
		}
	}
	if kioskKey == nil || !plan.Offered() || hubKey != nil {
		t.Errorf("the kiosk's key %x, the hub's plan %+v and key %x; want the kiosk's, the plan, no key at the hub", kioskKey, plan, hubKey)
	}
}
