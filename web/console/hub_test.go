package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/store"
	"onewindow/sync/hub"
	"onewindow/sync/scene"
	webconsole "onewindow/web/console"
)

// TestHubServesItsHallsManagers: the hub serves the console for its hall
// on the LAN from what it holds, central or no central. The hall's manager
// logs in with their staff id and password and sees the day; a clerk
// cannot log in; nothing that only central holds is there; the hub's API
// answers as before; a password the manager changes goes to the hall's
// outbox like a window's.
func TestHubServesItsHallsManagers(t *testing.T) {
	ctx := context.Background()
	clock := app.NewManualClock(time.Date(2026, 11, 25, 9, 0, 0, 0, app.HallZone))
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "hub.db"), store.Options{Terminal: "HUB", Keys: scene.Keys(t, 3), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := store.LoadSample(ctx, st); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"M2001", "S1001"} {
		hash, _ := app.HashPassword(password, app.DefaultPasswordParams)
		if err := st.SetPassword(ctx, id, hash); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetClerk(ctx, 1, "S1001"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := st.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * time.Minute)
		if i < 3 {
			st.CallNext(ctx, app.NewID(), 1)
			clock.Advance(4 * time.Minute)
			tk, err := st.Finish(ctx, app.NewID(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.RateServed(ctx, app.Rating{ID: app.NewID(), Level: app.RatingLevel(3 + i), Ticket: tk.Code, At: clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}
	}
	web, err := webconsole.New(console.NewService(st.Console(), clock), webconsole.Options{HallOnly: true, Where: app.Text{Zh: "西溪大厅", En: "Xixi hall"}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := hub.New(st, "0123456789abcdef0123456789abcdef", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Console = web
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	h := &hall{srv: ts}

	clerk := h.browser(t)
	clerk.get("/login")
	if code, _ := clerk.post("/login", url.Values{"login": {"S1001"}, "password": {password}}); code != http.StatusUnauthorized {
		t.Fatalf("a clerk's login at the hub's console: %d; want refused", code)
	}
	m := h.browser(t)
	m.login("M2001")
	code, body := m.get("/halls")
	if code != http.StatusSeeOther || !strings.Contains(body, "/halls/330106") {
		t.Fatalf("the manager's halls: %d %s; want their hall's dashboard", code, body)
	}
	code, body = m.get("/halls/330106")
	for _, want := range []string{"取号 <b>5</b>", "办结 <b>3</b>", "满意率 <b>100.0%</b>", `<td>S1001</td><td class="num">3</td>`} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("the hub's dashboard (%d) does not show %q", code, want)
		}
	}
	if strings.Contains(body, "/staff") {
		t.Error("the hub's dashboard links to the staff page, which only central has")
	}
	for _, path := range []string{"/review", "/supervise", "/accounts", "/halls/330106/staff", "/cases/330106K01-20261123-000001"} {
		if code, _ := m.get(path); code != http.StatusNotFound {
			t.Errorf("%s at the hub: %d; want 404", path, code)
		}
	}
	if code, _ := m.get("/halls/330999"); code != http.StatusForbidden {
		t.Errorf("another hall at this hub: %d; want 403", code)
	}
	res, err := http.Get(ts.URL + "/v1/health")
	if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("the hub's API beside its console: %v %v", res, err)
	}
	res.Body.Close()

	m.get("/password")
	if code, body := m.post("/password", url.Values{"old": {password}, "new": {"managers-own-1"}, "again": {"managers-own-1"}}); code != 200 ||
		!strings.Contains(body, "密码已修改") {
		t.Fatalf("the manager's password change: %d", code)
	}
	ops, err := st.PendingOperations(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	sent := false
	for _, o := range ops {
		sent = sent || (o.Kind == app.OpStaffPassword && o.Entity == "M2001")
	}
	if !sent {
		t.Fatal("the manager's new password is not in the hub's outbox for central")
	}
}
