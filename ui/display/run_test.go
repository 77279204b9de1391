package display

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/sync/hub"
)

// TestFollowsARealHub runs the screen against the hub over HTTP: numbers
// issued and called at a window appear on the board and are said, and the
// waiting count follows.
func TestFollowsARealHub(t *testing.T) {
	keys, err := pii.LoadOrCreate(filepath.Join(t.TempDir(), "pd.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"), store.Options{Terminal: "HUB", Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := store.LoadSample(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	const key = "0123456789abcdef0123456789abcdef"
	srv, err := hub.New(s, key, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(srv.Handler())
	defer h.Close()
	c := hub.NewClient(h.URL, key, 3*time.Second)

	a := test.NewTempApp(t)
	w := a.NewWindow("display")
	w.Resize(fyne.NewSize(1920, 1080))
	sp := &said{}
	d := New(w, Config{HallName: app.Text{Zh: "西溪区政务服务中心"}, Queue: c, Announcer: sp})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d.Run(ctx)

	ctxIssue := context.Background()
	for range 3 {
		if _, err := c.Issue(ctxIssue, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Call(ctxIssue, app.NewID(), 2); err != nil {
		t.Fatal(err)
	}
	shows := func(want ...string) bool {
		texts := d.Texts()
		for _, x := range want {
			if !slices.Contains(texts, x) {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(10 * time.Second)
	for !shows("A001", "2号窗口", "2 人") {
		if time.Now().After(deadline) {
			texts := d.Texts()
			t.Fatalf("the board never showed A001 at window 2 with 2 waiting; it shows %q", texts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.mu.Lock()
	calls := slices.Clone(sp.calls)
	d.mu.Unlock()
	if !slices.Equal(calls, []string{"A001@2"}) {
		t.Errorf("said %q, want A001@2 once", calls)
	}
}
