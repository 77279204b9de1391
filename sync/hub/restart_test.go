package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"onewindow/app"
)

// runningClock is a hall morning that moves at the speed of real time, for
// a hub in a child process whose clock the test cannot reach.
type runningClock struct{ started time.Time }

func (c runningClock) Now() time.Time { return morning.Add(time.Since(c.started)) }

// TestMain lets the test binary play a hub process, for the kill -9 test.
func TestMain(m *testing.M) {
	if spec := os.Getenv("ONEWINDOW_TEST_HUB_CHILD"); spec != "" {
		dir, addr, _ := strings.Cut(spec, ",")
		os.Exit(runChildHub(dir, addr))
	}
	os.Exit(m.Run())
}

func runChildHub(dir, addr string) int {
	s := openStore(&testing.T{}, dir, runningClock{time.Now()})
	srv, err := New(s, testKey, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	err = http.ListenAndServe(addr, srv.Handler())
	fmt.Fprintln(os.Stderr, err)
	return 1
}

func startChildHub(t *testing.T, dir, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ONEWINDOW_TEST_HUB_CHILD="+dir+","+addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(URL(addr) + "/v1/health")
		if err == nil {
			resp.Body.Close()
			return cmd
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub child did not come up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKillNineLosesNothing kills the hub process with SIGKILL while kiosks
// issue numbers, restarts it on the same database, and checks that every
// number a kiosk was given is still there, no number is given twice, and
// every call made before the kill is still known.
func TestKillNineLosesNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts hub processes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	child := startChildHub(t, dir, addr)
	c := NewClient(URL(addr), testKey, 2*time.Second)

	confirmed := map[string]string{} // request id → ticket id the kiosk was given
	for i := 0; i < 10; i++ {
		id := app.NewID()
		tk, err := c.Issue(ctx, app.IssueRequest{RequestID: id, Category: "B"})
		if err != nil {
			t.Fatal(err)
		}
		confirmed[id] = tk.ID
	}
	called, err := c.Call(ctx, app.NewID(), 4)
	if err != nil {
		t.Fatal(err)
	}

	// Kiosks keep issuing while the hub is killed.
	type result struct {
		id  string
		tk  app.Ticket
		err error
	}
	results := make(chan result)
	stop := make(chan struct{})
	go func() {
		defer close(results)
		for {
			select {
			case <-stop:
				return
			default:
			}
			id := app.NewID()
			tk, err := c.Issue(ctx, app.IssueRequest{RequestID: id, Category: "B"})
			results <- result{id, tk, err}
			if err != nil {
				return
			}
		}
	}()
	var inFlight []string // requests whose answer was lost with the hub
	for n := 0; ; n++ {
		r := <-results
		if r.err == nil {
			confirmed[r.id] = r.tk.ID
		}
		if n == 5 {
			child.Process.Signal(syscall.SIGKILL)
			child.Wait()
		}
		if r.err != nil {
			if !errors.Is(r.err, ErrUnreachable) {
				t.Fatalf("while the hub died: %v; want ErrUnreachable", r.err)
			}
			inFlight = append(inFlight, r.id)
			break
		}
	}
	close(stop)
	for range results {
	}

	startChildHub(t, dir, addr)
	// The kiosk retries what it did not get an answer for, with the same id.
	for _, id := range inFlight {
		tk, err := c.Issue(ctx, app.IssueRequest{RequestID: id, Category: "B"})
		if err != nil {
			t.Fatal(err)
		}
		confirmed[id] = tk.ID
	}
	// Every confirmed ticket is there once; the next number follows them all.
	seen := map[string]bool{}
	for id, ticket := range confirmed {
		again, err := c.Issue(ctx, app.IssueRequest{RequestID: id, Category: "B"})
		if err != nil || again.ID != ticket {
			t.Errorf("after the restart, request %s gives %s, %v; want the %s it gave before", id, again.ID, err, ticket)
		}
		if seen[ticket] {
			t.Errorf("ticket %s was given for two requests", ticket)
		}
		seen[ticket] = true
	}
	next, err := c.Issue(ctx, app.IssueRequest{Category: "B"})
	if err != nil || next.Seq != len(confirmed)+1 {
		t.Errorf("the first new number after the restart is %s, %v; want B%03d", next.Code, err, len(confirmed)+1)
	}
	ws, err := c.Window(ctx, 4)
	if err != nil || ws.Current == nil || ws.Current.ID != called.ID {
		t.Errorf("window 4 after the restart: %+v, %v; want still calling %s", ws, err, called.Code)
	}
}
