package kiosk

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/selfservice"
	"onewindow/app/store"
	"onewindow/device/escpos"
	"onewindow/device/serialport"
	"onewindow/device/sim/simctl"
	"onewindow/sync/hub"
)

// BenchmarkTapToPrinter measures the time from a tap on a category (the
// last tap of "take a number") to the ticket's bytes reaching the printer's
// serial port, through the real hub over HTTP, the real ESC/POS driver and
// the printer simulator on a pseudo-terminal. It reports the median and
// the 99th percentile; run it with enough taps for a p99:
//
//	go test -run '^$' -bench TapToPrinter -benchtime 300x ./ui/kiosk/
func BenchmarkTapToPrinter(b *testing.B) {
	dir := b.TempDir()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pd.key"))
	if err != nil {
		b.Fatal(err)
	}
	open := func(name, terminal string) *store.Store {
		s, err := store.Open(context.Background(), filepath.Join(dir, name), store.Options{Terminal: terminal, Keys: keys})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		if err := store.LoadSample(context.Background(), s); err != nil {
			b.Fatal(err)
		}
		return s
	}
	const key = "0123456789abcdef0123456789abcdef"
	srv, err := hub.New(open("hub.db", "HUB"), key, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	h := httptest.NewServer(srv.Handler())
	b.Cleanup(h.Close)

	simDir := filepath.Join(dir, "sim")
	os.MkdirAll(simDir, 0o755)
	sims, err := simctl.Start(simctl.Config{Dir: simDir, PaperDots: 576})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(sims.Close)
	port, err := serialport.Open(serialport.Config{Device: "ticket printer", Path: sims.Path(simctl.Printer), Baud: 9600})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { port.Close() })
	printer := escpos.New(port, escpos.Config{Options: escpos.DefaultOptions()})

	tp := &timedPrinter{Printer: printer}
	r := newRigWith(b, func(svc *selfservice.Services, cfg *selfservice.Config) {
		svc.Queue = hub.NewClient(h.URL, key, 3*time.Second)
		svc.Clock = app.SystemClock{}
		cfg.KioskKey = kioskKey
	}, func(c *Config) { c.Printer = tp })
	link := sims.Printer.Link()
	var lat, callLat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r.k.Home()
		r.tap(b, "取号")
		category := []string{"A  户籍业务", "B  社保医保", "H  综合业务"}[i%3]
		before, _ := link.Traffic()
		arrived := make(chan time.Time, 1)
		go func() {
			// The driver asks the printer's status (3 bytes) before the
			// job; the ticket itself is hundreds of bytes.
			for {
				if in, _ := link.Traffic(); in-before > 64 {
					arrived <- time.Now()
					return
				}
				time.Sleep(50 * time.Microsecond)
			}
		}()
		b.StartTimer()
		start := time.Now()
		r.tap(b, category)
		at := <-arrived
		b.StopTimer()
		lat = append(lat, at.Sub(start))
		callLat = append(callLat, tp.called.Sub(start))
		if r.k.Page() != "ticket" {
			b.Fatalf("tap %d ended on %q", i, r.k.Page())
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "ms-p99")
	// The share of it before the driver was called: the hub's issue and
	// the kiosk's own work. The rest is the driver's status query.
	slices.Sort(callLat)
	b.ReportMetric(float64(callLat[(len(callLat)*99)/100].Microseconds())/1000, "ms-p99-to-driver")
}

type timedPrinter struct {
	*escpos.Printer
	called time.Time
}

func (p *timedPrinter) PrintTicket(ctx context.Context, t app.TicketPrint) error {
	p.called = time.Now()
	return p.Printer.PrintTicket(ctx, t)
}
