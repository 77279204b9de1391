package central

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/pii"
	"onewindow/internal/pgtest"
	webconsole "onewindow/web/console"
)

// The console benchmark's central (issue 17 §6): 1,000,000 cases over 100
// halls, accepted over the year before benchNow. Most are decided (and the
// older ones closed), a few percent still run with due dates before and
// after benchNow, so that the lights are red, yellow and green. Case events
// and opinions are written for the cases accepted in the last 90 days and
// for every running case (the cases people open), not for the older ones.
// The busy hall 330106 took 1,500 tickets a day for the last week.
const (
	benchHalls     = 100
	benchBusyHall  = "330106"
	benchTickets   = 1500 // the busy hall's tickets a day
	benchAccounts  = 1000
	benchAuditRows = 200_000
	benchRatings   = 500_000
	// benchSeedVersion names the seeded data; change it when the seeding
	// changes. The schema's migrations are part of the cached file's name
	// as well, so a changed index makes a new file.
	benchSeedVersion = "console-v1"
	benchPassword    = "bench-pass-1"
)

// benchCases is how many cases central holds: 1,000,000, or
// ONEWINDOW_BENCH_CASES (for a quick look at the benchmark itself).
var benchCases = func() int {
	if n, err := strconv.Atoi(os.Getenv("ONEWINDOW_BENCH_CASES")); err == nil && n >= 10_000 {
		return n
	}
	return 1_000_000
}()

// benchNow is a Monday afternoon in the halls: the console's clock.
var benchNow = time.Date(2026, 11, 23, 16, 30, 0, 0, app.HallZone)

func benchKeys() *pii.Keys {
	enc, mac := make([]byte, 32), make([]byte, 32)
	for i := range enc {
		enc[i], mac[i] = 0x5a, 0x5b
	}
	k, err := pii.New(enc, mac)
	if err != nil {
		panic(err)
	}
	return k
}

// benchSchemaTag is a short hash of central's migrations and of the form
// of its stamps: a file written by another central is not reused.
func benchSchemaTag() string {
	h := sha256.New()
	h.Write([]byte(stamp(benchNow)))
	fs.WalkDir(migrationFiles, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := migrationFiles.ReadFile(path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:10]
}

// benchHallCodes are 100 halls: 10 cities of 10 districts, 330101 … 331010.
func benchHallCodes() []string {
	var out []string
	for city := 1; city <= 10; city++ {
		for district := 1; district <= 10; district++ {
			out = append(out, fmt.Sprintf("33%02d%02d", city, district))
		}
	}
	return out
}

// BenchmarkConsolePages times every page of the web console, server-side
// (the handler's time for each request, from its first byte read to its
// last written) over a real HTTP server on loopback, one logged-in session
// per role, on a central of 1,000,000 cases over 100 halls in SQLite and in
// PostgreSQL. Each page reports its p50 and p95 (p50-ms, p95-ms), the
// client's round trip p95 (rtt-p95-ms), and the CPU time of a request,
// server and client in this one process (cpu-ms/op): on a shared machine
// the steady figure. PostgreSQL's own CPU is not in it.
//
// The SQLite central is seeded once and kept in the system's temporary
// folder (onewindow-bench-console-<version>-<cases>-<schema>); the
// PostgreSQL one is seeded on each run, in a throw-away cluster.
//
//	go test -tags no_emoji -run '^$' -bench ConsolePages -benchtime 100x -count 3 -timeout 60m -v ./sync/central
func BenchmarkConsolePages(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var c *Central
			if backend == "sqlite" {
				c = benchSQLiteConsole(b)
			} else {
				c = benchOpen(b, pgtest.DSN(b))
				benchSeed(b, c)
			}
			defer c.Close()
			benchPages(b, c)
		})
	}
}

func benchOpen(b *testing.B, dsn string) *Central {
	b.Helper()
	c, err := Open(context.Background(), dsn, Options{Keys: benchKeys(), Clock: app.NewManualClock(benchNow)})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchSQLiteConsole opens the cached SQLite central, seeding it first when
// it is not there.
func benchSQLiteConsole(b *testing.B) *Central {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("onewindow-bench-%s-%d-%s", benchSeedVersion, benchCases, benchSchemaTag()))
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		c := benchOpen(b, filepath.Join(dir, "central.db"))
		benchSeed(b, c)
		if _, err := c.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		c.Close()
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return benchOpen(b, filepath.Join(dir, "central.db"))
}

var benchCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// benchBrowser logs in as login and keeps its cookie.
func benchBrowser(b *testing.B, base, login string) *http.Client {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Get(base + "/login")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := benchCSRF.FindSubmatch(body)
	if m == nil {
		b.Fatalf("no form token on the login page")
	}
	res, err = cl.PostForm(base+"/login", url.Values{"login": {login}, "password": {benchPassword}, "csrf": {string(m[1])}})
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login as %s: %d", login, res.StatusCode)
	}
	return cl
}

// timedHandler keeps the time the last request took in the handler.
type timedHandler struct {
	h    http.Handler
	last atomic.Int64
}

func (t *timedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	t.h.ServeHTTP(w, r)
	t.last.Store(int64(time.Since(t0)))
}

func benchPages(b *testing.B, c *Central) {
	ctx := context.Background()
	clock := app.NewManualClock(benchNow)
	web, err := webconsole.New(console.NewService(c, clock), webconsole.Options{Where: app.Text{Zh: "基准", En: "bench"}})
	if err != nil {
		b.Fatal(err)
	}
	th := &timedHandler{h: c.Handler(ServerOptions{Console: web})}
	srv := httptest.NewServer(th)
	defer srv.Close()
	as := map[string]*http.Client{}
	for _, a := range benchLogins {
		as[a.Login] = benchBrowser(b, srv.URL, a.Login)
	}

	// Cases to open: running ones and decided ones of the last weeks.
	var numbers []string
	for _, where := range []string{`decision = '' AND state IN ('accepted', 'in_review')`, `decision <> '' AND decided_at > ?`} {
		rows, err := c.q().query(ctx, `SELECT number FROM cases WHERE `+where+` AND hall LIKE '3301%' LIMIT 100`,
			func() []any {
				if strings.Contains(where, "?") {
					return []any{stamp(benchNow.AddDate(0, 0, -20))}
				}
				return nil
			}()...)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var n string
			rows.Scan(&n)
			numbers = append(numbers, n)
		}
		rows.Close()
	}
	if len(numbers) < 100 {
		b.Fatalf("only %d cases to open", len(numbers))
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(numbers), func(i, j int) { numbers[i], numbers[j] = numbers[j], numbers[i] })
	benchCheckTrend(b, c)
	var auditTarget string
	c.q().row(ctx, `SELECT target FROM console_audit WHERE action = 'reveal_applicant' ORDER BY at DESC LIMIT 1`).Scan(&auditTarget)

	for _, p := range []struct {
		name, as string
		path     func(i int) string
		want     string // in the page; "" for the case's number
	}{
		{"review", "bench-gongan", func(int) string { return "/review" }, "/cases/"},
		{"case", "bench-province", func(i int) string { return "/cases/" + numbers[i%len(numbers)] }, ""},
		{"supervise", "bench-province", func(int) string { return "/supervise" }, "/cases/"},
		{"supervise-hall", "bench-province", func(int) string { return "/supervise?hall=" + benchBusyHall }, "/cases/"},
		{"hall", "bench-xixi", func(int) string { return "/halls/" + benchBusyHall }, benchBusyHall},
		{"accounts", "bench-admin", func(int) string { return "/accounts" }, "user0990"},
		{"publish", "bench-admin", func(int) string { return "/publish" }, "hall/" + benchBusyHall},
		{"audit", "bench-admin", func(int) string { return "/audit" }, "<td"},
		{"audit-login", "bench-admin", func(int) string { return "/audit?login=user0042" }, "user0042"},
		{"audit-target", "bench-admin", func(int) string { return "/audit?target=" + url.QueryEscape(auditTarget) }, "<td"},
	} {
		b.Run(p.name, func(b *testing.B) {
			cl := as[p.as]
			var server, rtt []time.Duration
			var cpu time.Duration
			get := func(i int) {
				t0, cpu0 := time.Now(), benchCPU()
				res, err := cl.Get(srv.URL + p.path(i))
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				d := time.Since(t0)
				cpu += benchCPU() - cpu0
				want := numbers[i%len(numbers)]
				if p.want != "" {
					want = p.want
				}
				if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
					b.Fatalf("%s: %d %v (want %q in the page)\n%.2000s", p.path(i), res.StatusCode, err, want, body)
				}
				server, rtt = append(server, time.Duration(th.last.Load())), append(rtt, d)
			}
			get(0) // warm
			server, rtt, cpu = server[:0], rtt[:0], 0
			b.ResetTimer()
			for i := range b.N {
				get(i + 1)
			}
			b.StopTimer()
			b.ReportMetric(benchQuantile(server, 0.50), "p50-ms")
			b.ReportMetric(benchQuantile(server, 0.95), "p95-ms")
			b.ReportMetric(benchQuantile(rtt, 0.95), "rtt-p95-ms")
			b.ReportMetric(float64(cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
		})
	}
}

// benchCheckTrend holds Trend's figures for the busy hall's last 30 days
// against its cases counted one by one.
func benchCheckTrend(b *testing.B, c *Central) {
	ctx := context.Background()
	from, to := app.DateOf(benchNow.AddDate(0, 0, -29)), app.DateOf(benchNow)
	got, err := c.Trend(ctx, console.CaseFilter{Halls: []string{benchBusyHall}}, from, to)
	if err != nil {
		b.Fatal(err)
	}
	want := map[app.Date]*[2]int{}
	for _, d := range got {
		want[d.Day] = new([2]int)
	}
	rows, err := c.q().query(ctx, `SELECT accepted_at, decided_at, decision FROM cases WHERE hall = ?`, benchBusyHall)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var accepted, decided, decision string
		if err := rows.Scan(&accepted, &decided, &decision); err != nil {
			b.Fatal(err)
		}
		for i, at := range []string{accepted, decided} {
			if t, err := parseStamp(at); err == nil && at != "" && (i == 0 || decision != "") {
				if w := want[app.DateOf(t)]; w != nil {
					w[i]++
				}
			}
		}
	}
	for _, d := range got {
		if w := want[d.Day]; d.Accepted != w[0] || d.Decided != w[1] {
			b.Fatalf("trend of %s on %s: %d accepted, %d decided; counted one by one %d, %d", benchBusyHall, d.Day,
				d.Accepted, d.Decided, w[0], w[1])
		}
	}
}

// benchCPU is the CPU time this process has used, user and system: the
// server's and the browser's, which wait for each other.
func benchCPU() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// benchQuantile is the q-quantile of ds (nearest rank), in milliseconds.
func benchQuantile(ds []time.Duration, q float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return float64(s[max(0, min(i, len(s)-1))]) / float64(time.Millisecond)
}
