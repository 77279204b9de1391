package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
)

const testKey = "0123456789abcdef0123456789abcdef-test-hall"

// morning is a working Monday, before any category closes.
var morning = time.Date(2026, 11, 23, 9, 0, 0, 0, app.HallZone)

// openStore opens the hall's store in dir, loading the sample hall the
// first time.
func openStore(t testing.TB, dir string, clock app.Clock) *store.Store {
	t.Helper()
	ctx := context.Background()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(dir, "hub.db"), store.Options{Terminal: "330106HUB", Keys: keys, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.LoadSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s
}

type hall struct {
	store  *store.Store
	server *Server
	http   *httptest.Server
	client *Client
	clock  *app.ManualClock
}

func newHall(t *testing.T) *hall {
	t.Helper()
	clock := app.NewManualClock(morning)
	s := openStore(t, t.TempDir(), clock)
	srv, err := New(s, testKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return &hall{store: s, server: srv, http: ts, client: NewClient(ts.URL, testKey, 5*time.Second), clock: clock}
}

func TestNewRefusesWeakKey(t *testing.T) {
	for _, key := range []string{"", "short", strings.Repeat("k", MinKeyLength-1)} {
		if _, err := New(nil, key, nil); err == nil {
			t.Errorf("New with a %d-character key was accepted", len(key))
		}
	}
}

func TestIssueAndCallOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	id := app.NewID()
	a, err := h.client.Issue(ctx, app.IssueRequest{RequestID: id, Category: "A", Elderly: true, Who: "李*英"})
	if err != nil || a.Code != "A001" || a.Priority != app.Elderly {
		t.Fatalf("issue: %+v, %v; want A001, elderly", a, err)
	}
	again, err := h.client.Issue(ctx, app.IssueRequest{RequestID: id, Category: "A"})
	if err != nil || again.ID != a.ID {
		t.Errorf("the same request again gave %s, %v; want %s and nothing new", again.Code, err, a.Code)
	}
	got, err := h.client.Call(ctx, app.NewID(), 2)
	if err != nil || got.Code != "A001" || got.Window != 2 {
		t.Fatalf("call at window 2: %+v, %v", got, err)
	}
	if _, err := h.client.Call(ctx, app.NewID(), 2); !errors.Is(err, app.ErrWindowBusy) {
		t.Errorf("calling again while A001 is called: %v; want ErrWindowBusy through the client", err)
	}
	ws, err := h.client.Window(ctx, 2)
	if err != nil || ws.Current == nil || ws.Current.Code != "A001" {
		t.Errorf("window 2: %+v, %v", ws, err)
	}
	if _, err := h.client.Finish(ctx, app.NewID(), 2); err != nil {
		t.Fatal(err)
	}
	if err := h.client.Pause(ctx, app.NewID(), 2, "break"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Call(ctx, app.NewID(), 2); !errors.Is(err, app.ErrWindowPaused) {
		t.Errorf("calling at a paused window: %v; want ErrWindowPaused", err)
	}
	q, err := h.client.Queue(ctx, 5)
	if err != nil || len(q.Calls) != 1 || q.Calls[0].Ticket.Code != "A001" {
		t.Errorf("queue: %+v, %v", q, err)
	}
	h.clock.Set(time.Date(2026, 11, 23, 17, 30, 0, 0, app.HallZone))
	if _, err := h.client.Issue(ctx, app.IssueRequest{Category: "B"}); !errors.Is(err, app.ErrCategoryClosed) || !strings.Contains(err.Error(), "closed") {
		t.Errorf("a ticket after closing: %v; want ErrCategoryClosed with words saying so", err)
	}
}

// TestBadRequestsChangeNothing sends what a broken or hostile client might.
func TestBadRequestsChangeNothing(t *testing.T) {
	t.Parallel()
	h := newHall(t)
	auth := "Bearer " + testKey
	tests := []struct {
		name, method, path, auth, body string
		status                         int
		code, words                    string
	}{
		{"no key", "POST", "/v1/tickets", "", `{"category":"A"}`, 401, "unauthorized", "Authorization: Bearer"},
		{"wrong key", "POST", "/v1/tickets", "Bearer " + strings.Repeat("x", 40), `{"category":"A"}`, 401, "unauthorized", "hall key"},
		{"not bearer", "POST", "/v1/tickets", "Basic " + testKey, `{"category":"A"}`, 401, "unauthorized", ""},
		{"malformed JSON", "POST", "/v1/tickets", auth, `{"category":`, 400, "invalid_input", "not valid JSON"},
		{"unknown field", "POST", "/v1/tickets", auth, `{"category":"A","id_number":"11010519491231002X"}`, 400, "invalid_input", `unknown field "id_number"`},
		{"two objects", "POST", "/v1/tickets", auth, `{"category":"A"}{"category":"A"}`, 400, "invalid_input", "follows the JSON"},
		{"a stray bracket", "POST", "/v1/tickets", auth, `{"category":"A"}}`, 400, "invalid_input", "follows the JSON"},
		{"wrong type", "POST", "/v1/tickets", auth, `{"category":1}`, 400, "invalid_input", "not valid JSON"},
		{"oversized", "POST", "/v1/tickets", auth, `{"category":"` + strings.Repeat("A", 20000) + `"}`, 413, "too_large", "larger than"},
		{"unknown category", "POST", "/v1/tickets", auth, `{"category":"Q"}`, 404, "not_found", `"Q"`},
		{"no category", "POST", "/v1/tickets", auth, `{}`, 404, "not_found", "queue category"},
		{"unmasked name", "POST", "/v1/tickets", auth, `{"category":"A","who":"李秀英"}`, 400, "invalid_input", "masked name"},
		{"an ID number as the name", "POST", "/v1/tickets", auth, `{"category":"A","who":"110105198503121234*"}`, 400, "invalid_input", "masked name"},
		{"a phone number in the name", "POST", "/v1/tickets", auth, `{"category":"A","who":"张伟*13800138000"}`, 400, "invalid_input", "masked name"},
		{"a name starred at its end only", "POST", "/v1/tickets", auth, `{"category":"A","who":"张伟伟*"}`, 400, "invalid_input", "masked name"},
		{"bad clerk", "POST", "/v1/windows/2/staff", auth, `{"clerk":"` + strings.Repeat("S", 40) + `"}`, 400, "invalid_input", "staff id"},
		{"records malformed", "POST", "/v1/cases/find", auth, `{"id_number":"123"}`, 400, "invalid_id_number", ""},
		{"rating nothing", "POST", "/v1/ratings", auth, `{"level":5}`, 400, "invalid_input", ""},
		{"rating a bad level", "POST", "/v1/ratings", auth, `{"level":9,"ticket":"A001"}`, 400, "invalid_input", "level"},
		{"bad state", "GET", "/v1/cases?state=gone", auth, ``, 400, "invalid_input", "case state"},
		{"unknown case", "GET", "/v1/cases/330106K01-20261123-999999", auth, ``, 404, "not_found", "999999"},
		{"decide unknown case", "POST", "/v1/cases/nope/decide", auth, `{"to":"accepted","actor":"S1001"}`, 404, "not_found", "nope"},
		{"resolve unknown follow-up", "POST", "/v1/followups/nope/resolve", auth, `{"actor":"S1001","note":"已处理"}`, 404, "not_found", ""},
		{"bad priority", "POST", "/v1/tickets", auth, `{"category":"A","priority":"vip"}`, 400, "invalid_input", "vip"},
		{"bad window", "POST", "/v1/windows/abc/call", auth, `{}`, 400, "invalid_input", "window number"},
		{"window 0", "POST", "/v1/windows/0/call", auth, `{}`, 400, "invalid_input", "window number"},
		{"unknown window", "POST", "/v1/windows/77/call", auth, `{}`, 404, "not_found", "window 77"},
		{"unknown action", "POST", "/v1/windows/2/explode", auth, `{}`, 404, "not_found", "no action"},
		{"nothing to finish", "POST", "/v1/windows/2/finish", auth, `{}`, 409, "no_ticket", "no current ticket"},
		{"pause without reason", "POST", "/v1/windows/2/pause", auth, `{}`, 400, "invalid_input", "reason"},
		{"requeue nothing", "POST", "/v1/tickets/requeue", auth, `{}`, 400, "invalid_input", "scan the ticket"},
		{"bad after", "GET", "/v1/events?after=x", auth, ``, 400, "invalid_input", "event number"},
		{"bad wait", "GET", "/v1/events?wait=600", auth, ``, 400, "invalid_input", "0 to 60"},
		{"bad calls", "GET", "/v1/queue?calls=-1", auth, ``, 400, "invalid_input", "calls"},
		{"no such path", "GET", "/v1/tickets/everything", auth, ``, 404, "not_found", "no GET"},
		{"wrong method", "DELETE", "/v1/tickets", auth, ``, 404, "not_found", "no DELETE /v1/tickets"},
	}
	// A request id is bound to its action: one used for a pause is no
	// issue's, nor a call at another window.
	paused := app.NewID()
	if err := h.client.Pause(context.Background(), paused, 3, "break"); err != nil {
		t.Fatal(err)
	}
	tests = append(tests, []struct {
		name, method, path, auth, body string
		status                         int
		code, words                    string
	}{
		{"a pause's id to issue", "POST", "/v1/tickets", auth, `{"request_id":"` + paused + `","category":"A"}`, 409, "request_reused", "pause at window 3"},
		{"a pause's id to resume", "POST", "/v1/windows/3/resume", auth, `{"request_id":"` + paused + `"}`, 409, "request_reused", "a new action needs a new id"},
		{"a pause's id at another window", "POST", "/v1/windows/2/pause", auth, `{"request_id":"` + paused + `","reason":"break"}`, 409, "request_reused", "window 3"},
	}...)
	before := countRows(t, h.store)
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, h.http.URL+tt.path, strings.NewReader(tt.body))
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e errorBody
		json.Unmarshal(data, &e)
		if resp.StatusCode != tt.status || e.Code != tt.code || !strings.Contains(e.Error, tt.words) {
			t.Errorf("%s: %d %s %q; want %d %s saying %q", tt.name, resp.StatusCode, e.Code, e.Error, tt.status, tt.code, tt.words)
		}
	}
	if after := countRows(t, h.store); after != before {
		t.Errorf("bad requests changed the store: %s → %s", before, after)
	}
}

func countRows(t *testing.T, s *store.Store) string {
	var out []string
	for _, table := range []string{"tickets", "queue_events", "queue_requests", "outbox", "cases", "case_events", "ratings", "follow_ups", "hall_ops"} {
		var n int
		if err := s.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(out, " ")
}

func TestUnreachableAndTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c := NewClient(URL(addr), testKey, time.Second)
	if _, err := c.Issue(ctx, app.IssueRequest{Category: "A"}); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "cannot be reached") {
		t.Errorf("issue to a closed port: %v; want ErrUnreachable", err)
	}
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	c = NewClient(slow.URL, testKey, 50*time.Millisecond)
	if _, err := c.Call(ctx, app.NewID(), 2); !errors.Is(err, ErrUnreachable) {
		t.Errorf("a hub that never answers: %v; want ErrUnreachable after the timeout", err)
	}
}

// TestListenResumesWithoutMissingACall breaks the event stream while calls
// go on, and checks the listener gets every event once, in order.
func TestListenResumesWithoutMissingACall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHall(t)
	events := make(chan app.QueueEvent, 100)
	states := make(chan error, 10)
	go h.client.Listen(ctx, 0, func(e app.QueueEvent) { events <- e }, func(err error) { states <- err })
	next := func() app.QueueEvent {
		select {
		case e := <-events:
			return e
		case <-time.After(10 * time.Second):
			t.Fatal("no event came")
		}
		return app.QueueEvent{}
	}
	if err := <-states; err != nil {
		t.Fatalf("listener status: %v; want connected", err)
	}
	h.client.Issue(ctx, app.IssueRequest{Category: "B"})
	if e := next(); e.Kind != "issued" || e.Seq != 1 {
		t.Fatalf("first event %+v", e)
	}
	h.http.CloseClientConnections() // the LAN drops
	// A request on a connection the drop killed fails; the terminal retries
	// it with the same request id, which cannot act twice.
	retry := func(fn func(id string) error) {
		id := app.NewID()
		for try := 0; ; try++ {
			err := fn(id)
			if err == nil {
				return
			}
			if !errors.Is(err, ErrUnreachable) || try == 3 {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 3; i++ {
		retry(func(id string) error {
			_, err := h.client.Issue(ctx, app.IssueRequest{RequestID: id, Category: "B"})
			return err
		})
	}
	retry(func(id string) error { _, err := h.client.Call(ctx, id, 4); return err })
	var seqs []int64
	for i := 0; i < 4; i++ {
		e := next()
		seqs = append(seqs, e.Seq)
	}
	if fmt.Sprint(seqs) != "[2 3 4 5]" {
		t.Errorf("after the reconnect the listener got events %v; want [2 3 4 5]", seqs)
	}
	select {
	case e := <-events:
		t.Errorf("an extra event %d came", e.Seq)
	default:
	}
}

func TestLongPoll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	got := make(chan []app.QueueEvent, 1)
	go func() {
		evs, err := h.client.Poll(ctx, 0, 10*time.Second)
		if err != nil {
			t.Error(err)
		}
		got <- evs
	}()
	h.client.Issue(ctx, app.IssueRequest{Category: "C"})
	if evs := <-got; len(evs) != 1 || evs[0].Ticket.Code != "C001" {
		t.Errorf("long-poll answered %+v; want the issue of C001", evs)
	}
	evs, err := h.client.Poll(ctx, 1, 0)
	if err != nil || len(evs) != 0 {
		t.Errorf("long-poll with nothing new and no wait: %+v, %v", evs, err)
	}
}

// TestManyKiosksAndWindows runs kiosks and windows at once over HTTP: no
// number is issued twice and no ticket is called twice.
func TestManyKiosksAndWindows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	const kiosks, each = 6, 12
	var mu sync.Mutex
	issued, called := map[string]int{}, map[string]int{}
	var wg sync.WaitGroup
	fail := func(err error) { t.Error(err) }
	for k := 0; k < kiosks; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				tk, err := h.client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: []string{"B", "H"}[k%2]})
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				issued[tk.Code]++
				mu.Unlock()
			}
		}(k)
	}
	for _, w := range []int{1, 3, 4, 7} {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for n := 0; n < 60; n++ {
				tk, err := h.client.Call(ctx, app.NewID(), w)
				if errors.Is(err, app.ErrNoneWaiting) {
					continue
				}
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				called[tk.Code]++
				mu.Unlock()
				if _, err := h.client.Finish(ctx, app.NewID(), w); err != nil {
					fail(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if len(issued) != kiosks*each {
		t.Errorf("%d distinct numbers for %d issues", len(issued), kiosks*each)
	}
	for code, n := range issued {
		if n != 1 {
			t.Errorf("%s issued %d times", code, n)
		}
	}
	for code, n := range called {
		if n != 1 {
			t.Errorf("%s called %d times", code, n)
		}
	}
}

func TestTidyForgetsOldRequestsAndEvents(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHall(t)
	if _, err := h.client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(49 * time.Hour)
	done := make(chan struct{})
	go func() { h.server.Tidy(ctx, 10*time.Millisecond, 48*time.Hour); close(done) }()
	count := func(table string) (n int) {
		h.store.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n)
		return n
	}
	for deadline := time.Now().Add(10 * time.Second); count("queue_requests")+count("queue_events") > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d requests and %d events of two days ago are still kept", count("queue_requests"), count("queue_events"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if count("tickets") != 1 || count("outbox") != 1 {
		t.Errorf("tidying removed the ticket or its outbox operation: %s", countRows(t, h.store))
	}
	cancel()
	<-done
}
