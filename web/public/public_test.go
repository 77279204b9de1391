package public_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
	"onewindow/web/public"
)

// TestTicketPageFollowsTheQueue: a ticket's code opens its place on a
// phone; calls move it on, 即将叫到您 shows within the hall's places, a
// call names the window, and a hall whose link went quiet shows when its
// data is from instead of a place that may be wrong.
func TestTicketPageFollowsTheQueue(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		s := newSite(t, dsn, public.Options{})
		ts := s.issue("A", 6)
		a6 := s.ticketLink(ts[5])
		wantPage(t, a6, http.StatusOK, []string{"A006", "已取号"}, "前面还有") // before the hub's first snapshot
		s.snapshot()
		wantPage(t, a6, http.StatusOK, []string{"A006", "前面还有", "5 人", "实时更新 · 09:30", "西溪"}, "即将叫到您", "数据更新于")
		s.call(1)
		s.call(2)
		s.snapshot()
		wantPage(t, a6, http.StatusOK, []string{"3 人", "即将叫到您"})
		wantPage(t, s.ticketLink(ts[0]), http.StatusOK, []string{"请到 1 号窗口办理"}, "前面还有")
		wantPage(t, s.ticketLink(ts[5])+"?lang=en", http.StatusOK, []string{"You will be called soon", "3 people"})

		s.clock.Advance(app.StaleAfter + time.Second)
		wantPage(t, a6, http.StatusOK, []string{"数据更新于 09:30", "等候中"}, "前面还有", "即将叫到您", "实时更新")
		s.snapshot() // the link is back
		wantPage(t, a6, http.StatusOK, []string{"3 人", "实时更新 · 09:31"}, "数据更新于")
	})
}

// TestGuessedTicketLinksRevealNothing: a key guessed or altered, a key of
// another ticket, an unknown hall: all 404, in the same words, with
// nothing of the ticket.
func TestGuessedTicketLinksRevealNothing(t *testing.T) {
	s := newSite(t, t.TempDir()+"/central.db", public.Options{})
	ts := s.issue("A", 2)
	s.snapshot()
	_, notFound := get(t, s.srv.URL+"/t/none")
	alter := func(k string) string {
		b := []byte(k)
		b[len(b)-1] ^= 1
		return string(b)
	}
	guessed, altered, other, hall := ts[1], ts[1], ts[1], ts[1]
	guessed.Key = strings.Repeat("a", len(ts[1].Key))
	altered.Key = alter(ts[1].Key)
	other.Key = ts[0].Key
	for name, url := range map[string]string{
		"guessed": s.ticketLink(guessed), "altered": s.ticketLink(altered), "another ticket's": s.ticketLink(other),
		"another hall's":  app.TicketLink(s.srv.URL, "330107", hall),
		"no key":          strings.TrimSuffix(s.ticketLink(hall), "/"+hall.Key),
		"a day not a day": strings.Replace(s.ticketLink(hall), "2026-11-23", "2026-13-23", 1),
		"its live part":   s.ticketLink(guessed) + "/events",
	} {
		code, body := get(t, url)
		if code != http.StatusNotFound || body != notFound {
			t.Errorf("%s key: %d; want 404 with the words of any page not found\n%s", name, code, body)
		}
		if strings.Contains(body, "A002") || strings.Contains(body, "等候") {
			t.Errorf("%s key: the page tells of the ticket\n%s", name, body)
		}
	}
	wantPage(t, s.ticketLink(ts[1]), http.StatusOK, []string{"A002"})
}

// TestTicketEventsFollowTheQueue: the page's live connection sends the
// ticket's live part when a snapshot moves it on.
func TestTicketEventsFollowTheQueue(t *testing.T) {
	s := newSite(t, t.TempDir()+"/central.db", public.Options{})
	ts := s.issue("A", 4)
	s.snapshot()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.ticketLink(ts[3])+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("events: %d %s", res.StatusCode, ct)
	}
	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(res.Body)
		var data strings.Builder
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "data: "):
				data.WriteString(line[len("data: "):] + "\n")
			case line == "" && data.Len() > 0:
				events <- data.String()
				data.Reset()
			}
		}
		close(events)
	}()
	next := func() string {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatal("the live connection ended")
			}
			return e
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10 s")
		}
		return ""
	}
	if e := next(); !strings.Contains(e, "3 人") {
		t.Fatalf("first event: %s; want 3 ahead", e)
	}
	s.call(1)
	s.snapshot()
	if e := next(); !strings.Contains(e, "2 人") || !strings.Contains(e, "即将叫到您") {
		t.Fatalf("after a call: %s; want 2 ahead and 即将叫到您", e)
	}
}

// TestOnlyTheHubSendsItsQueue: a kiosk's credentials are refused, and a
// snapshot that is not one changes nothing.
func TestOnlyTheHubSendsItsQueue(t *testing.T) {
	s := newSite(t, t.TempDir()+"/central.db", public.Options{})
	ts := s.issue("A", 2)
	s.snapshot()
	ctx := context.Background()
	before, _ := s.c.QueueVersion(ctx, scene.Hall)
	code, exp, err := s.c.CreateEnrolCode(ctx, scene.Hall, "330106K09", "kiosk", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_ = exp
	ans, err := s.c.Enrol(ctx, code, "330106K09")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+wire.PathQueue, strings.NewReader(`{"day":"2026-11-23","at":"2026-11-23T02:00:00Z","near":3,"categories":[],"tickets":[]}`))
	req.Header.Set("Authorization", "Bearer 330106K09:"+ans.Secret)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a kiosk sending a queue: %d; want 403", res.StatusCode)
	}
	bad := app.QueueSnapshot{Day: "2026-11-23", At: s.clock.Now(), Tickets: []app.PublicTicket{{Code: "<b>", Category: "A", State: "gone"}}}
	if err := s.link.SendQueue(ctx, bad); err == nil || !strings.Contains(err.Error(), "tickets[0]") {
		t.Errorf("a snapshot naming no ticket: %v; want it refused naming tickets[0]", err)
	}
	if after, _ := s.c.QueueVersion(ctx, scene.Hall); after != before {
		t.Errorf("refused snapshots moved the hall's version from %d to %d", before, after)
	}
	wantPage(t, s.ticketLink(ts[1]), http.StatusOK, []string{"1 人"})
}

// TestCitizensAreHeldToARate: beyond its burst a client gets 429 and a
// time to come back.
func TestCitizensAreHeldToARate(t *testing.T) {
	s := newSite(t, t.TempDir()+"/central.db", public.Options{Rate: 0.01, Burst: 3})
	ts := s.issue("A", 1)
	for i := range 3 {
		if code, _ := get(t, s.ticketLink(ts[0])); code != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i+1, code)
		}
	}
	res, err := http.Get(s.ticketLink(ts[0]))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("beyond the burst: %d, Retry-After %q; want 429 with a time", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if code, _ := get(t, s.srv.URL+"/pub/public.css"); code != http.StatusOK {
		t.Errorf("the stylesheet beyond the rate: %d; the pages' own files are not counted", code)
	}
}
