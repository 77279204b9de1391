package public_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
	"onewindow/web/public"
)

// kioskKey is the hall's booking key as its kiosk gets it from central: a
// kiosk's store enrolled with central and pulled.
func kioskKey(t *testing.T, s *site) []byte {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kiosk.db"), store.Options{Terminal: "330106K09", Keys: scene.Keys(t, 3), Clock: s.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	code, exp, err := s.c.CreateEnrolCode(ctx, scene.Hall, "330106K09", central.RoleKiosk, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	opt := link.Options{Clock: s.clock, Timeout: 10 * time.Second}
	if err := link.Enrol(ctx, st, wire.Bundle{Central: s.srv.URL, Terminal: "330106K09", Hall: scene.Hall, Code: code, Expires: exp}, opt); err != nil {
		t.Fatal(err)
	}
	l, err := link.New(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	_, key, err := st.BookingPlan(ctx)
	if err != nil || key == nil {
		t.Fatalf("the kiosk's booking key: %v", err)
	}
	return key
}

// TestBookingOnAPhone (#18 §4): on a phone, a citizen chooses the hall,
// the item, the day and a slot, books with their name, ID number and
// mobile, and gets the code; at the hall the kiosk checks the booking in
// by their ID card, and the ticket's page on the phone shows the
// priority. Another booking is cancelled on the phone.
func TestBookingOnAPhone(t *testing.T) {
	s := newSite(t, t.TempDir()+"/central.db", public.Options{})
	bg := context.Background()
	if _, err := s.c.UpdateHall(bg, scene.Hall, func(h *app.Hall) error {
		h.Booking = app.BookingPlan{Slots: []app.BookingSlot{
			{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 4}},
			{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 4, "B": 4}},
			{Start: "14:00", End: "15:00", Capacity: map[string]int{"A": 2}},
		}, HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx := phone(t)
	var done string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(s.srv.URL+"/book/"), chromedp.WaitVisible(`a.choice`), shoot("book-halls"),
		chromedp.Click(`a[href="/book/330106/"]`), chromedp.WaitVisible(`a[href="/book/330106/GA-003/"]`), shoot("book-items"),
		chromedp.Click(`a[href="/book/330106/GA-003/"]`), chromedp.WaitVisible(`ul.days`),
		chromedp.Click(`a[href="/book/330106/GA-003/2026-11-23/10:00-11:00"]`), chromedp.WaitVisible(`form.book`),
		chromedp.Navigate(s.srv.URL+"/book/330106/GA-003/?day=2026-11-23"), chromedp.WaitVisible(`ul.choices`), shoot("book-slots"),
		chromedp.Click(`a[href="/book/330106/GA-003/2026-11-23/10:00-11:00"]`), chromedp.WaitVisible(`form.book`),
		chromedp.SendKeys(`input[name="name"]`, "张三"),
		chromedp.SendKeys(`input[name="id_number"]`, "11010519491231002X"),
		chromedp.SendKeys(`input[name="mobile"]`, "13800138000"), shoot("book-form"),
		chromedp.Submit(`form.book`), chromedp.WaitVisible(`p.number.code`), shoot("book-done"),
		chromedp.Text(`main`, &done),
	); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\d{8}`).FindString(done)
	if m == "" || !strings.Contains(done, "预约成功") || !strings.Contains(done, "张*") {
		t.Fatalf("the confirmation:\n%s", done)
	}

	// At the hall: the hub pulls the booking, the kiosk reads the card.
	if _, err := s.link.Pull(bg); err != nil {
		t.Fatal(err)
	}
	key := kioskKey(t, s)
	ci, err := s.hub.CheckInBooking(bg, app.BookingCheckIn{RequestID: s.id(), IDKey: app.BookingIDKey(suitetest.Suite(), key, "11010519491231002X")})
	if err != nil || ci.Outcome != app.CheckedIn || ci.Ticket.Priority != app.Appointment {
		t.Fatalf("the kiosk's check-in: %+v %v", ci, err)
	}
	tk := *ci.Ticket
	tk.Key = s.link.TicketKey(tk.ID)
	s.snapshot()
	var ticket string
	if err := chromedp.Run(ctx, chromedp.Navigate(s.ticketLink(tk)), chromedp.WaitVisible(`#live`),
		chromedp.Text(`section.ticket`, &ticket)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ticket, tk.Code) || !strings.Contains(ticket, "优先") {
		t.Errorf("the checked-in ticket's page:\n%s", ticket)
	}

	// Another booking, cancelled on the phone.
	b, err := s.c.Book(bg, app.BookingRequest{Hall: scene.Hall, Item: "GA-003", Day: "2026-11-24", Slot: "14:00-15:00",
		Name: "王堃", IDNumber: "330106198807150031", Mobile: "13900001111"})
	if err != nil {
		t.Fatal(err)
	}
	var cancelled string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(s.srv.URL+"/book/330106/cancel?code="+b.Code), chromedp.WaitVisible(`form.book`),
		chromedp.SendKeys(`input[name="id_number"]`, "330106198807150031"), shoot("book-cancel"),
		chromedp.Submit(`form.book`), chromedp.WaitVisible(`p.ready`), chromedp.Text(`main`, &cancelled),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cancelled, "预约已取消") {
		t.Errorf("the cancel:\n%s", cancelled)
	}
	if bs, _ := s.c.HallBookings(bg, scene.Hall, "2026-11-24"); len(bs) != 1 || bs[0].State != app.BookingCancelled {
		t.Errorf("central's booking after the cancel: %+v", bs)
	}
}
