package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/store"
	"onewindow/assets"
	"onewindow/internal/pgtest"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
	webconsole "onewindow/web/console"
)

// serverEnv makes the test binary a central server: "ADDRESS DSN".
const serverEnv = "ONEWINDOW_CLUSTER_SERVER"

func TestMain(m *testing.M) {
	if v := os.Getenv(serverEnv); v != "" {
		addr, dsn, _ := strings.Cut(v, " ")
		serve(dsn, addr) // until killed
		return
	}
	pgtest.Main(m)
}

// serve runs one central server, its API and web console, as
// `onewindow central serve` does.
func serve(dsn, addr string) {
	ctx := context.Background()
	c, err := central.Open(ctx, dsn, central.Options{Keys: scene.Keys(nil, 7), Suite: suitetest.Suite()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "central:", err)
		os.Exit(2)
	}
	web, err := webconsole.New(console.NewService(c, app.SystemClock{}), webconsole.Options{Where: app.Text{Zh: "省级平台", En: "province"}})
	if err != nil {
		os.Exit(2)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(2)
	}
	http.Serve(l, c.Handler(central.ServerOptions{Console: web}))
}

// server is one central server process of the cluster.
type server struct {
	addr string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

func (s *server) start(t *testing.T, dsn string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+s.addr+" "+dsn)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get("http://" + s.addr + wire.PathHealth); err == nil {
			res.Body.Close()
			return
		}
	}
	t.Errorf("central server at %s did not start", s.addr)
}

// kill kills the process with SIGKILL: no shutdown, no answer finished.
func (s *server) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
		s.cmd = nil
	}
}

// proxy is an ordinary round-robin load balancer: each request to the
// next server, and to the one after when a server does not take the
// connection (it is down).
type proxy struct {
	servers []*server
	next    atomic.Int64
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for range len(p.servers) {
		s := p.servers[int(p.next.Add(1))%len(p.servers)]
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, "http://"+s.addr+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		res, err := http.DefaultTransport.RoundTrip(req)
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			continue // down: the next one
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway) // died mid-request: the terminal retries
			return
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		io.Copy(w, res.Body)
		res.Body.Close()
		return
	}
	http.Error(w, "no central server is up", http.StatusBadGateway)
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// terminal is one hall terminal: its store and link to central.
type terminal struct {
	code string
	st   *store.Store
	link *link.Link
}

const (
	halls        = 4
	terminals    = 200
	casesEach    = 5
	killEvery    = 2 * time.Second
	downFor      = 400 * time.Millisecond
	syncDeadline = 3 * time.Minute
)

// TestCentralServersDieAndNothingIsLost: three central servers on one
// PostgreSQL behind a round-robin proxy; 200 terminals of 4 halls take in
// cases and push and pull them through it while a server is killed with
// SIGKILL every 2 s and started again. Afterwards every operation is held
// once, every case's timeline and every decision agree at both ends, and a
// console session made on a server that died goes on at another.
func TestCentralServersDieAndNothingIsLost(t *testing.T) {
	runCluster(t, pgtest.DSN(t))
}

// TestCentralServersThroughPgBouncer: the same with PgBouncer in
// transaction mode between the servers and PostgreSQL.
func TestCentralServersThroughPgBouncer(t *testing.T) {
	runCluster(t, pgtest.Bouncer(t, pgtest.Database(t)))
}

func runCluster(t *testing.T, dsn string) {
	failed.Store(0)
	if testing.Short() {
		t.Skip("the cluster test takes a minute")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := central.Open(ctx, dsn, central.Options{Keys: scene.Keys(t, 7), Suite: suitetest.Suite()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	scene.PublishSample(t, c)
	var hall app.Hall
	if err := json.Unmarshal(assets.SampleHall, &hall); err != nil {
		t.Fatal(err)
	}
	hallCodes := []string{hall.Code}
	for i := 1; i < halls; i++ {
		hall.Code = fmt.Sprintf("3301%02d", 60+i)
		b, _ := json.Marshal(hall)
		if _, err := c.PublishHall(ctx, b); err != nil {
			t.Fatal(err)
		}
		hallCodes = append(hallCodes, hall.Code)
	}
	svc := console.NewService(c, app.SystemClock{})
	const password = "cluster-pass-1"
	if err := svc.CreateAccount(ctx, console.CommandLine, console.Account{Login: "admin", Name: "管理员", Role: console.Admin}, password); err != nil {
		t.Fatal(err)
	}

	servers := make([]*server, 3)
	for i := range servers {
		servers[i] = &server{addr: freeAddr(t)}
		servers[i].start(t, dsn)
	}
	defer func() {
		for _, s := range servers {
			s.kill()
		}
	}()
	lb := httptest.NewServer(&proxy{servers: servers})
	defer lb.Close()

	// A console session made at server 0 survives its death.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	consoleLogin(t, browser, "http://"+servers[0].addr, "admin", password)

	// The terminals, enrolled through the proxy.
	ts := make([]*terminal, terminals)
	var wg sync.WaitGroup
	errs := make(chan error, terminals)
	for i := range ts {
		hallCode := hallCodes[i%halls]
		tm := &terminal{code: fmt.Sprintf("%sW%03d", hallCode, i)}
		ts[i] = tm
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), tm.code+".db"), store.Options{Terminal: tm.code, Keys: scene.Keys(t, 3)})
			if err != nil {
				errs <- err
				return
			}
			tm.st = st
			code, exp, err := c.CreateEnrolCode(ctx, hallCode, tm.code, central.RoleWindow, time.Hour)
			if err != nil {
				errs <- err
				return
			}
			opt := link.Options{Timeout: 5 * time.Second}
			if err := link.Enrol(ctx, st, wire.Bundle{Central: lb.URL, Terminal: tm.code, Hall: hallCode, Code: code, Expires: exp}, opt); err != nil {
				errs <- fmt.Errorf("%s: %w", tm.code, err)
				return
			}
			if tm.link, err = link.New(ctx, st, opt); err != nil {
				errs <- err
				return
			}
			if _, err := tm.link.Pull(ctx); err != nil { // the catalogue and the hall's set-up
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	defer func() {
		for _, tm := range ts {
			tm.st.Close()
		}
	}()

	// The chaos: a server killed every killEvery, started again after downFor.
	chaosDone := make(chan struct{})
	stopChaos := make(chan struct{})
	kills := 0
	go func() {
		defer close(chaosDone)
		for {
			select {
			case <-stopChaos:
				return
			case <-time.After(killEvery):
			}
			s := servers[rand.IntN(len(servers))]
			s.kill()
			kills++
			time.Sleep(downFor)
			s.start(t, dsn)
		}
	}()

	// Every terminal takes in its cases and syncs until central holds them.
	deadline := time.Now().Add(syncDeadline)
	work := func(tm *terminal, i int) error {
		for k := range casesEach {
			if _, err := tm.st.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: scene.Applicant(i*casesEach + k),
				Received: all(tm.st), Window: 1, Actor: "S1001", Outcome: app.Accepted}); err != nil {
				return err
			}
			if tm.link.SyncNow(ctx) != nil { // the server died under it; the next sync carries on
				failed.Add(1)
			}
		}
		return drain(ctx, tm, deadline, func() bool { return pending(tm) == 0 })
	}
	runAll(t, ts, work)

	// Every case decided at central (by a server of its own), each
	// decision to reach its hall through the dying servers.
	rows, err := c.DB().QueryContext(ctx, `SELECT number FROM cases`)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		numbers = append(numbers, n)
	}
	rows.Close()
	if len(numbers) != terminals*casesEach {
		t.Fatalf("central holds %d cases; want %d", len(numbers), terminals*casesEach)
	}
	for _, n := range numbers {
		if _, err := c.RecordOpinion(ctx, wire.Opinion{Case: n, Department: "gongan", Approve: true}); err != nil {
			t.Fatal(err)
		}
	}
	runAll(t, ts, func(tm *terminal, _ int) error {
		return drain(ctx, tm, deadline, func() bool { return decided(ctx, tm) && pending(tm) == 0 })
	})
	close(stopChaos)
	<-chaosDone

	for _, tm := range ts {
		scene.AgreeAs(t, c, tm.st, tm.code)
	}
	var ops, held int64
	c.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT op_id) FROM ops`).Scan(&ops, &held)
	if ops != held {
		t.Errorf("central holds %d operations under %d ids", ops, held)
	}
	t.Logf("%d terminals, %d cases, %d operations held once each, %d servers killed, %d syncs failed and retried",
		terminals, len(numbers), ops, kills, failed.Load())
	if kills < 3 || failed.Load() == 0 {
		t.Errorf("%d servers killed, %d syncs failed while the terminals worked; the test proves little", kills, failed.Load())
	}

	servers[0].kill() // where the session was made
	res, err := browser.Get(lb.URL + "/accounts")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "管理员") {
		t.Errorf("the console session after its server died: %d\n%s", res.StatusCode, body)
	}
}

// runAll runs work for every terminal at once and fails on any error.
func runAll(t *testing.T, ts []*terminal, work func(*terminal, int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(ts))
	for i, tm := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := work(tm, i); err != nil {
				errs <- fmt.Errorf("%s: %w", tm.code, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// failed counts the syncs that failed: a server died under them.
var failed atomic.Int64

// drain syncs the terminal until done, or fails at the deadline.
func drain(ctx context.Context, tm *terminal, deadline time.Time, done func() bool) error {
	var last error
	for !done() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not done by the deadline; last sync: %v", last)
		}
		last = tm.link.SyncNow(ctx)
		if last != nil {
			failed.Add(1)
			time.Sleep(time.Duration(50+rand.IntN(200)) * time.Millisecond)
		}
	}
	return nil
}

func pending(tm *terminal) int {
	var n int
	tm.st.DB().QueryRow(`SELECT count(*) FROM outbox WHERE state = 'pending'`).Scan(&n)
	return n
}

// decided reports whether every case of the terminal carries central's decision.
func decided(ctx context.Context, tm *terminal) bool {
	var n int
	tm.st.DB().QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE state <> 'approved'`).Scan(&n)
	return n == 0
}

// all is every material of GA-001 in the terminal's catalogue.
func all(st *store.Store) []int {
	it, err := st.Item(context.Background(), "GA-001")
	if err != nil {
		return nil
	}
	out := make([]int, len(it.Materials))
	for i := range out {
		out[i] = i
	}
	return out
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// consoleLogin logs in to the web console at base.
func consoleLogin(t *testing.T, c *http.Client, base, login, password string) {
	t.Helper()
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no form token on the login page:\n%s", body)
	}
	res, err = c.PostForm(base+"/login", url.Values{"login": {login}, "password": {password}, "csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("console login: %d", res.StatusCode)
	}
}

// TestServersStartingTogetherMigrateOnce: central servers started at once
// on an empty PostgreSQL database each find the schema made, each step
// applied once (the step that creates a table would fail the second time).
func TestServersStartingTogetherMigrateOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := central.Open(context.Background(), dsn, central.Options{Keys: scene.Keys(t, 7), Suite: suitetest.Suite()})
			if err != nil {
				errs <- err
				return
			}
			c.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
