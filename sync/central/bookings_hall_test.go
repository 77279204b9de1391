package central_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// hallTerminal is a terminal of the scene's hall with its own store,
// enrolled with central as role over HTTP, and its link.
func hallTerminal(t *testing.T, c *central.Central, url, id, role string, clock *app.ManualClock) (*store.Store, *link.Link) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{Terminal: id, Keys: scene.Keys(t, 3), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	code, exp, err := c.CreateEnrolCode(ctx, scene.Hall, id, role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	opt := link.Options{Clock: clock, Sleep: (&scene.NoSleep{Clock: clock}).Sleep, Timeout: 5 * time.Second, Role: role}
	if err := link.Enrol(ctx, st, wire.Bundle{Central: url, Terminal: id, Hall: scene.Hall, Code: code, Expires: exp}, opt); err != nil {
		t.Fatal(err)
	}
	l, err := link.New(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	return st, l
}

// TestBookingCheckedInWithTheWANDown (#18 §3, §4): a booking made at
// central reaches the hall's hub with its other data; the kiosk gets the
// hall's booking key. With the WAN down, the kiosk checks the booking in
// at the hub by the card (the keyed hash), the ticket has the appointment
// priority; a second check-in is refused. When the WAN is back, the hub's
// outbox tells central, whose booking shows checked in with the ticket.
func TestBookingCheckedInWithTheWANDown(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		clock := app.NewManualClock(scene.Start) // 09:30
		c := scene.Central(t, dsn, clock)
		offerBookings(t, c, bookingPlan(5))
		r := bookingOf(1)
		r.Day, r.Slot = "2026-11-23", "10:00-11:00" // today, checked in from 09:30
		b, err := c.Book(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		var down atomic.Bool
		api := c.Handler(central.ServerOptions{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() {
				http.Error(w, "the WAN is down", http.StatusBadGateway)
				return
			}
			api.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)

		hubStore, hubLink := hallTerminal(t, c, srv.URL, "330106H01", central.RoleHub, clock)
		kioskStore, kioskLink := hallTerminal(t, c, srv.URL, "330106K01", central.RoleKiosk, clock)
		for _, l := range []*link.Link{hubLink, kioskLink} {
			if err := l.SyncNow(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if bs, err := hubStore.Bookings(ctx, "2026-11-23"); err != nil || len(bs) != 1 || bs[0].Code != b.Code || bs[0].IDKey != b.IDKey {
			t.Fatalf("the hub's bookings: %+v %v", bs, err)
		}
		if bs, _ := kioskStore.Bookings(ctx, "2026-11-23"); len(bs) != 0 {
			t.Errorf("the kiosk holds %d bookings; only the hub keeps them", len(bs))
		}
		if _, key, _ := hubStore.BookingPlan(ctx); key != nil {
			t.Error("the hub holds the booking key")
		}
		plan, key, err := kioskStore.BookingPlan(ctx)
		if err != nil || !plan.Offered() || key == nil {
			t.Fatalf("the kiosk's plan and key: %+v %v", plan, err)
		}

		down.Store(true)
		hs, err := hub.New(hubStore, "a hall key of at least thirty-two characters", nil)
		if err != nil {
			t.Fatal(err)
		}
		hubSrv := httptest.NewServer(hs.Handler())
		t.Cleanup(hubSrv.Close)
		kiosk := hub.NewClient(hubSrv.URL, "a hall key of at least thirty-two characters", 5*time.Second)
		ans, err := kiosk.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "r1", IDKey: app.BookingIDKey(suitetest.Suite(), key, app.IDNumber(idNumber(1)))})
		if err != nil || ans.Outcome != app.CheckedIn || ans.Ticket == nil || ans.Ticket.Priority != app.Appointment {
			t.Fatalf("check-in by card with the WAN down: %+v %v", ans, err)
		}
		again, err := kiosk.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "r2", Code: b.Code})
		if err != nil || again.Outcome != app.CheckInAlready {
			t.Fatalf("the second check-in: %+v %v", again, err)
		}
		if err := hubLink.SyncNow(ctx); err == nil {
			t.Fatal("a sync with the WAN down succeeded")
		}
		// Meanwhile the citizen cancels online: central has not heard of
		// the check-in. The hall's check-in stands, and takes its place again.
		if _, err := c.CancelBooking(ctx, scene.Hall, b.Code, idNumber(1)); err != nil {
			t.Fatal(err)
		}

		down.Store(false)
		if err := hubLink.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
		bs, err := c.HallBookings(ctx, scene.Hall, "2026-11-23")
		if err != nil || len(bs) != 1 || bs[0].State != app.BookingDone || bs[0].Ticket != ans.Ticket.ID {
			t.Fatalf("central's booking after the hub's push: %+v %v", bs, err)
		}
		if _, taken := held(t, c); taken != 1 {
			t.Errorf("%d places taken after the check-in that followed a cancel; want 1", taken)
		}
		if err := hubLink.SyncNow(ctx); err != nil { // central's changes: cancelled, then checked in
			t.Fatal(err)
		}
		if hb, _ := hubStore.Bookings(ctx, "2026-11-23"); len(hb) != 1 || hb[0].State != app.BookingDone {
			t.Errorf("the hub's booking after central's changes: %+v", hb)
		}
	})
}
