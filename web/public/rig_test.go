package public_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/citizen"
	"onewindow/app/store"
	"onewindow/internal/pgtest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/web/public"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// site is central serving the citizens' pages over real HTTP, and one
// hall's hub (a store enrolled as the hall's hub) that issues and calls
// numbers and sends central its queue.
type site struct {
	t     *testing.T
	c     *central.Central
	clock *app.ManualClock
	srv   *httptest.Server
	hub   *store.Store
	link  *link.Link
	n     int // requests made, for their ids
}

func newSite(t *testing.T, dsn string, opt public.Options) *site {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &site{t: t, clock: app.NewManualClock(scene.Start)}
	s.c = scene.Central(t, dsn, s.clock)
	if opt.Poll == 0 {
		opt.Poll = 10 * time.Millisecond
	}
	if opt.Rate == 0 {
		opt.Rate, opt.Burst = 1000, 1000
	}
	pages, err := public.New(ctx, citizen.New(s.c, s.c, s.clock), opt)
	if err != nil {
		t.Fatal(err)
	}
	s.srv = scene.Serve(t, s.c, central.ServerOptions{Console: public.Mount(pages, nil)})
	s.hub = scene.OpenStore(t, t.TempDir(), s.clock)
	t.Cleanup(func() { s.hub.Close() })
	lopt := link.Options{Clock: s.clock, Timeout: 10 * time.Second}
	scene.Enrol(t, s.c, s.srv.URL, s.hub, lopt)
	if s.link, err = link.New(ctx, s.hub, lopt); err != nil {
		t.Fatal(err)
	}
	if _, err := s.link.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *site) id() string { s.n++; return fmt.Sprintf("req-%d", s.n) }

// issue takes n numbers of category at the hub; the tickets carry their
// keys as the hub's answers do.
func (s *site) issue(category string, n int) []app.Ticket {
	s.t.Helper()
	var out []app.Ticket
	for range n {
		t, err := s.hub.Issue(context.Background(), app.IssueRequest{RequestID: s.id(), Category: category})
		if err != nil {
			s.t.Fatal(err)
		}
		t.Key = s.link.TicketKey(t.ID)
		out = append(out, t)
	}
	return out
}

// call calls the next number at window.
func (s *site) call(window int) app.Ticket {
	s.t.Helper()
	t, err := s.hub.CallNext(context.Background(), s.id(), window)
	if err != nil {
		s.t.Fatal(err)
	}
	return t
}

// snapshot sends central the hub's queue now, all of the day's tickets.
func (s *site) snapshot() {
	s.t.Helper()
	snap, err := s.hub.QueueSnapshot(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.link.SendQueue(context.Background(), snap); err != nil {
		s.t.Fatal(err)
	}
}

// link is a ticket's link on this site.
func (s *site) ticketLink(t app.Ticket) string { return app.TicketLink(s.srv.URL, scene.Hall, t) }

// get fetches a page.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// wantPage fetches url and checks its status and that it holds every one
// of want and none of not.
func wantPage(t *testing.T, url string, status int, want []string, not ...string) string {
	t.Helper()
	code, body := get(t, url)
	if code != status {
		t.Fatalf("%s: %d; want %d\n%s", url, code, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q\n%s", url, w, body)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("%s shows %q\n%s", url, n, body)
		}
	}
	return body
}
