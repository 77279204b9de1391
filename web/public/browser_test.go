package public_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/app"
	"onewindow/internal/browsertest"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
	"onewindow/web/public"
)

// ShotsEnv names a folder: the browser tests save each page they see
// there as public-*.png (docs/screenshots).
const ShotsEnv = "ONEWINDOW_PUBLIC_SHOTS"

func shoot(name string) chromedp.Action { return browsertest.Shoot(ShotsEnv, "public", name) }

// phone is chromium at a phone's size.
func phone(t *testing.T) context.Context { return browsertest.Chrome(t, 390, 844) }

// liveHas waits until the ticket page's live part holds text, with no
// reload: the page's script puts each event in place.
func liveHas(text string) chromedp.Action {
	return chromedp.Poll(`document.getElementById("live").innerText.includes(`+jsString(text)+`)`, nil,
		chromedp.WithPollingTimeout(15*time.Second))
}

func jsString(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		if r == '"' || r == '\\' {
			b = append(b, '\\')
		}
		b = append(b, string(r)...)
	}
	return string(append(b, '"'))
}

// TestATicketOnAPhone: a citizen opens their ticket's code on a phone and
// keeps the page open; the place goes down as windows call, 即将叫到您
// appears, the hall's link goes down and the page says from when its data
// is, the link comes back, and the call names the window: all without a
// reload.
func TestATicketOnAPhone(t *testing.T) {
	s := newSite(t, t.TempDir()+"/central.db", public.Options{Recheck: 200 * time.Millisecond})
	ts := s.issue("A", 7)
	s.snapshot()
	ctx := phone(t)
	var marker string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(s.ticketLink(ts[6])), chromedp.WaitVisible(`#live`), liveHas("6 人"),
		chromedp.Evaluate(`window.stayed = "yes"`, nil), shoot("ticket"),
	); err != nil {
		t.Fatal(err)
	}
	s.call(1)
	s.snapshot()
	if err := chromedp.Run(ctx, liveHas("5 人")); err != nil {
		t.Fatalf("the place after a call: %v", err)
	}
	s.call(2)
	s.snapshot()
	if err := chromedp.Run(ctx, liveHas("4 人")); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		if _, err := s.hub.StartServing(context.Background(), s.id(), w); err != nil {
			t.Fatal(err)
		}
		s.call(w)
	}
	s.snapshot()
	if err := chromedp.Run(ctx, liveHas("即将叫到您"), liveHas("2 人"), shoot("ticket-near")); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(app.StaleAfter + time.Minute) // the hub sends nothing: its link is down
	if err := chromedp.Run(ctx, liveHas("数据更新于 09:30"), shoot("ticket-stale")); err != nil {
		t.Fatalf("the stale notice: %v", err)
	}
	for _, w := range []int{1, 2} {
		s.hub.StartServing(context.Background(), s.id(), w)
		s.call(w)
	}
	s.hub.StartServing(context.Background(), s.id(), 1)
	if tk := s.call(1); tk.Code != "A007" {
		t.Fatalf("window 1 called %s; want A007", tk.Code)
	}
	s.snapshot() // the link is back
	if err := chromedp.Run(ctx, liveHas("请到 1 号窗口办理"), shoot("ticket-called"),
		chromedp.Evaluate(`window.stayed`, &marker)); err != nil {
		t.Fatal(err)
	}
	if marker != "yes" {
		t.Error("the page was reloaded; it should follow the ticket in place")
	}
}

// TestACaseOnAPhone: a receipt's code opens the case's progress on a
// phone, and the hall's 办件公示 lists it once decided.
func TestACaseOnAPhone(t *testing.T) {
	s := newSite(t, t.TempDir()+"/central.db", public.Options{})
	bg := context.Background()
	c := scene.TakeIn(t, s.hub, "GA-001", 1)
	if _, err := s.link.Push(bg); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.RecordOpinion(bg, wire.Opinion{Case: c.Number, Department: "gongan", Approve: true}); err != nil {
		t.Fatal(err)
	}
	ctx := phone(t)
	var text string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(app.CaseLink(s.srv.URL, c.Number, c.Key)), chromedp.WaitVisible(`dl.facts`),
		chromedp.Text(`main`, &text), shoot("case"),
		chromedp.Navigate(s.srv.URL+"/gs/"+scene.Hall+"?day=2026-11-23"), chromedp.WaitVisible(`ul.cases`), shoot("publicity"),
	); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{c.Number, "准予许可", "统一出件窗口", app.MaskName(c.Applicant.Name)} {
		if !strings.Contains(text, want) {
			t.Errorf("the case's page lacks %q:\n%s", want, text)
		}
	}
	if code, _ := get(t, app.CaseLink(s.srv.URL, c.Number, "aaaaaaaaaaaaaaaa")); code != http.StatusNotFound {
		t.Errorf("a guessed case key: %d; want 404", code)
	}
}
