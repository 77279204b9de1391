package central_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/assets"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// bookingPlan is the plan the tests publish for the scene's hall: 09:00–
// 10:00 and 10:00–11:00 with places for queue A, a week ahead.
func bookingPlan(places int) app.BookingPlan {
	return app.BookingPlan{
		Slots: []app.BookingSlot{
			{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": places}},
			{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": places, "B": places}},
		},
		HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30,
	}
}

// offerBookings publishes plan in the scene's hall set-up.
func offerBookings(t testing.TB, c *central.Central, plan app.BookingPlan) {
	t.Helper()
	if _, err := c.UpdateHall(context.Background(), scene.Hall, func(h *app.Hall) error {
		h.Booking = plan
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// idNumber is the i-th of a run of valid ID numbers, born 1980-01-01.
func idNumber(i int) string {
	first := fmt.Sprintf("11010519800101%03d", i%1000)
	if i >= 1000 {
		first = fmt.Sprintf("1101051980%02d01%03d", 1+i/1000%12, i%1000)
	}
	c, _ := app.IDCheckDigit(first)
	return first + string(c)
}

func bookingOf(i int) app.BookingRequest {
	return app.BookingRequest{Hall: scene.Hall, Item: "GA-003", Day: "2026-11-24", Slot: "09:00-10:00",
		Name: "张三", IDNumber: idNumber(i), Mobile: "13800138000"}
}

// held counts central's bookings and the places taken in their slots.
func held(t testing.TB, c *central.Central) (bookings, taken int) {
	t.Helper()
	if err := c.DB().QueryRow(`SELECT COUNT(*), (SELECT COALESCE(SUM(taken), 0) FROM booking_slots) FROM bookings WHERE state <> 'cancelled'`).
		Scan(&bookings, &taken); err != nil {
		t.Fatal(err)
	}
	return
}

// TestBookingRefusals (#18 §4): each bad request is refused with its reason
// and changes nothing.
func TestBookingRefusals(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		if _, err := c.Book(ctx, bookingOf(1)); !errors.Is(err, app.ErrBookingNotOffered) {
			t.Fatalf("a hall without a plan takes no booking: %v", err)
		}
		offerBookings(t, c, bookingPlan(1))
		b, err := c.Book(ctx, bookingOf(1))
		if err != nil {
			t.Fatal(err)
		}
		if !app.ValidBookingCode(b.Code) || b.Who != "张*" || b.Category != "A" || !app.ValidWhoKey(b.IDKey) {
			t.Fatalf("booking %+v", b)
		}
		var name []byte
		if err := c.DB().QueryRow(rebind(c, `SELECT name_sealed FROM bookings WHERE code = ?`), b.Code).Scan(&name); err != nil ||
			strings.Contains(string(name), "张三") {
			t.Fatalf("the name is sealed at rest: %v", err)
		}
		for _, tc := range []struct {
			name string
			edit func(*app.BookingRequest)
			want error
			text string
		}{
			{"wrong check digit", func(r *app.BookingRequest) { r.IDNumber = idNumber(2)[:17] + wrongDigit(idNumber(2)) }, app.ErrInvalidIDNumber, "check digit"},
			{"in the past", func(r *app.BookingRequest) { r.Day = "2026-11-23" }, app.ErrBookingClosed, "started or is past"},
			{"beyond the horizon", func(r *app.BookingRequest) { r.Day = "2026-12-04" }, app.ErrBookingClosed, "more than 7 days ahead"},
			{"over capacity", func(r *app.BookingRequest) {}, app.ErrBookingFull, "no places are left"},
			{"a second for the same person, item and day", func(r *app.BookingRequest) { r.IDNumber = idNumber(1); r.Slot = "10:00-11:00" }, app.ErrBookingTwice, "already holds a booking"},
		} {
			r := bookingOf(2)
			tc.edit(&r)
			_, err := c.Book(ctx, r)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("%s: %v; want %v saying %q", tc.name, err, tc.want, tc.text)
			}
			if n, taken := held(t, c); n != 1 || taken != 1 {
				t.Errorf("%s: %d bookings and %d places taken after the refusal; want 1 and 1", tc.name, n, taken)
			}
		}

		// Cancelling needs the ID number it was booked with; then the place is free again.
		if _, err := c.CancelBooking(ctx, scene.Hall, b.Code, idNumber(2)); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("a stranger's cancel: %v; want not found", err)
		}
		if _, err := c.CancelBooking(ctx, scene.Hall, "00000000", idNumber(1)); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("an unknown code: %v; want not found", err)
		}
		got, err := c.CancelBooking(ctx, scene.Hall, b.Code, idNumber(1))
		if err != nil || got.State != app.BookingCancelled {
			t.Fatalf("cancel: %+v %v", got, err)
		}
		if _, err := c.CancelBooking(ctx, scene.Hall, b.Code, idNumber(1)); !errors.Is(err, app.ErrBookingNotOpen) {
			t.Errorf("cancelled twice: %v", err)
		}
		if n, taken := held(t, c); n != 0 || taken != 0 {
			t.Errorf("after the cancel: %d bookings, %d places taken", n, taken)
		}
		if _, err := c.Book(ctx, bookingOf(2)); err != nil {
			t.Errorf("the freed place: %v", err)
		}
		slots, err := c.BookingSlots(ctx, scene.Hall, "GA-003", "2026-11-24")
		if err != nil || len(slots) != 2 || slots[0].Left != 0 || slots[1].Left != 1 || !slots[0].Open {
			t.Errorf("slots: %+v %v", slots, err)
		}
	})
}

func wrongDigit(id string) string {
	if id[17] == '0' {
		return "1"
	}
	return "0"
}

// TestBookingNeverOverCapacity (#18 §5): 100 bookers at once on the same
// slot of 10 places: 10 are booked, 90 refused as full, on SQLite and on
// PostgreSQL.
func TestBookingNeverOverCapacity(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		offerBookings(t, c, bookingPlan(10))
		var wg sync.WaitGroup
		var mu sync.Mutex
		results := map[string]int{}
		for i := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.Book(ctx, bookingOf(i))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					results["booked"]++
				case errors.Is(err, app.ErrBookingFull):
					results["full"]++
				default:
					results[err.Error()]++
				}
			}()
		}
		wg.Wait()
		if results["booked"] != 10 || results["full"] != 90 {
			t.Errorf("100 bookers on 10 places: %v", results)
		}
		if n, taken := held(t, c); n != 10 || taken != 10 {
			t.Errorf("%d bookings held, %d places taken; want 10", n, taken)
		}
	})
}

// TestBookingsReachTheHubAndTheKeyTheKiosks: the bookings go to the hall's
// hub only; the booking key to its kiosks only, never in the published
// set-up, and it keys the bookings' id_key.
func TestBookingsReachTheHubAndTheKeyTheKiosks(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		offerBookings(t, c, bookingPlan(5))
		b, err := c.Book(ctx, bookingOf(1))
		if err != nil {
			t.Fatal(err)
		}
		srv := scene.Serve(t, c, central.ServerOptions{})
		get := func(terminal, role, path string, out any) {
			t.Helper()
			code, _, err := c.CreateEnrolCode(ctx, scene.Hall, terminal, role, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			ans, err := c.Enrol(ctx, code, terminal)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+terminal+":"+ans.Secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s as %s: %d %v", path, role, resp.StatusCode, err)
			}
		}
		kinds := func(ans wire.ChangesAnswer) (bookings int, key string) {
			for _, ch := range ans.Changes {
				switch ch.Kind {
				case wire.ChangeBooking:
					bookings++
				case wire.ChangeHall:
					var h app.Hall
					json.Unmarshal(ch.Body, &h)
					key = h.BookingKey
				}
			}
			return
		}
		var hub, kiosk, window wire.ChangesAnswer
		get("330106H01", central.RoleHub, wire.PathChanges+"?since=0", &hub)
		get("330106K01", central.RoleKiosk, wire.PathChanges+"?since=0", &kiosk)
		get("330106W01", central.RoleWindow, wire.PathChanges+"?since=0", &window)
		if n, key := kinds(hub); n != 1 || key != "" {
			t.Errorf("the hub gets %d bookings and key %q; want 1 and none", n, key)
		}
		n, key := kinds(kiosk)
		if n != 0 || len(key) != 64 {
			t.Errorf("a kiosk gets %d bookings and key %q; want none and the key", n, key)
		}
		if n, k := kinds(window); n != 0 || k != "" {
			t.Errorf("a window gets %d bookings and key %q; want neither", n, k)
		}
		raw, _ := hex.DecodeString(key)
		if app.BookingIDKey(suitetest.Suite(), raw, app.IDNumber(idNumber(1))) != b.IDKey {
			t.Error("the kiosk's key does not make the booking's id_key")
		}
		var hubSnap, kioskSnap wire.Snapshot
		get("330106H02", central.RoleHub, wire.PathSnapshot, &hubSnap)
		get("330106K02", central.RoleKiosk, wire.PathSnapshot, &kioskSnap)
		if len(hubSnap.Bookings) != 1 || hubSnap.Hall.BookingKey != "" || len(kioskSnap.Bookings) != 0 || kioskSnap.Hall.BookingKey != key {
			t.Errorf("snapshots: hub %d bookings key %q; kiosk %d bookings key %q", len(hubSnap.Bookings), hubSnap.Hall.BookingKey,
				len(kioskSnap.Bookings), kioskSnap.Hall.BookingKey)
		}
		if h, _ := c.HallSetup(ctx, scene.Hall); h.BookingKey != "" {
			t.Error("the published set-up holds the booking key")
		}
	})
}

// TestPublishHallWithABookingPlan: a hall's set-up file carries its plan
// (`central publish hall`); a bad plan refuses the file with the problem
// named, and a booking key in a file is never published.
func TestPublishHallWithABookingPlan(t *testing.T) {
	ctx := context.Background()
	c := scene.Central(t, t.TempDir()+"/central.db", app.NewManualClock(scene.Start))
	var h map[string]any
	if err := json.Unmarshal(assets.SampleHall, &h); err != nil {
		t.Fatal(err)
	}
	h["booking"] = map[string]any{"slots": []any{map[string]any{"start": "09:00", "end": "10:00", "capacity": map[string]int{"A": 3}}},
		"horizon_days": 7, "early_minutes": 30, "late_minutes": 15, "grace_minutes": 30}
	h["booking_key"] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	good, _ := json.Marshal(h)
	if _, err := c.PublishHall(ctx, good); err != nil {
		t.Fatal(err)
	}
	if hs, _ := c.HallSetup(ctx, scene.Hall); !hs.Booking.Offered() || hs.Booking.Slots[0].Capacity["A"] != 3 || hs.BookingKey != "" {
		t.Errorf("published: %+v, key %q", hs.Booking, hs.BookingKey)
	}
	h["booking"].(map[string]any)["horizon_days"] = 0
	bad, _ := json.Marshal(h)
	if _, err := c.PublishHall(ctx, bad); !errors.Is(err, app.ErrInvalidInput) || !strings.Contains(err.Error(), "booking.horizon_days") {
		t.Errorf("a bad plan: %v", err)
	}
	if hs, _ := c.HallSetup(ctx, scene.Hall); hs.Booking.HorizonDays != 7 {
		t.Error("a refused file changed the plan")
	}
}
