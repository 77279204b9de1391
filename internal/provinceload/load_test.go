package main

import (
	"context"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"onewindow/app/pii"
	"onewindow/internal/pgtest"
	"onewindow/sync/central"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestADayReachesCentralOnce runs the generator for a short day against two
// central servers on one PostgreSQL schema: every operation it made is
// applied once, none refused, none left unsent, and the polls find the
// hall set-ups changed meanwhile.
func TestADayReachesCentralOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	keyFile := filepath.Join(t.TempDir(), "central.key")
	keys, err := pii.LoadOrCreate(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var servers []string
	for range 2 {
		c, err := central.Open(ctx, dsn, central.Options{Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		srv := httptest.NewServer(c.Handler(central.ServerOptions{}))
		t.Cleanup(srv.Close)
		servers = append(servers, srv.URL)
	}
	out := filepath.Join(t.TempDir(), "summary.json")
	for name, value := range map[string]string{
		"urls": servers[0] + "," + servers[1], "dsn": dsn, "keys": keyFile, "json": out,
		"terminals": "12", "citizens": "30", "day": "1h", "speed": "1000", "sync": "300ms",
		"drain": "20s", "publish-every": "50ms",
	} {
		if err := flag.Set(name, value); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.Generated == 0 || s.Applied != s.Generated || s.Rejected != 0 || s.LeftUnsent != 0 {
		t.Errorf("generated %d, applied %d, refused %d, left unsent %d; want all applied, none refused or left",
			s.Generated, s.Applied, s.Rejected, s.LeftUnsent)
	}
	if s.PushErrors != 0 || s.PollErrors != 0 || s.ChangesGot == 0 {
		t.Errorf("%d pushes and %d polls failed, %d changes received; want no failure and some changes", s.PushErrors, s.PollErrors, s.ChangesGot)
	}
	c, err := central.Open(ctx, dsn, central.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var held int64
	if err := c.DB().QueryRow(`SELECT count(*) FROM ops`).Scan(&held); err != nil || held != s.Generated {
		t.Errorf("central holds %d operations (%v); the generator made %d", held, err, s.Generated)
	}
}
