package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/store"
)

// TestPurgeLoopRunsAtOnce: a running terminal erases a case past its
// retention as soon as it starts, and says how many without saying whose.
func TestPurgeLoopRunsAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		t.Fatal(err)
	}
	clock := app.NewManualClock(time.Now().AddDate(0, 0, -40))
	s, err := store.Open(ctx, filepath.Join(dir, "w.db"), store.Options{Terminal: "330106W01", Keys: keys, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := store.LoadSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	who := app.Applicant{Name: "张伟", IDNumber: "11010519491231002X", Phone: "13812345678"}
	c, err := s.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: who, Window: 1, Actor: "S1001",
		Outcome: app.Refused, Reason: "不属于本事项受理范围"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, 1<<40); err != nil {
		t.Fatal(err)
	}
	var logs purgeLog
	done := make(chan struct{})
	go func() {
		purgeLoop(ctx, s, 30*24*time.Hour, nil, slog.New(slog.NewTextHandler(&logs, nil)), time.Hour)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "erased") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	got, err := s.Case(context.Background(), c.Number)
	if err != nil || got.Purged.IsZero() || got.Applicant != (app.Applicant{}) {
		t.Fatalf("after the loop's first run the case is %+v, %v; want it purged", got, err)
	}
	line := logs.String()
	if !strings.Contains(line, "cases=1") {
		t.Errorf("the log does not count the case: %s", line)
	}
	for _, w := range []string{who.Name, string(who.IDNumber), who.Phone, c.Number} {
		if strings.Contains(line, w) {
			t.Errorf("the purge's log names %q: %s", w, line)
		}
	}
}

// purgeLog is a log written by one goroutine and read by another.
type purgeLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *purgeLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *purgeLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
