package console_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
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
	"sync/atomic"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/store"
	"onewindow/assets"
	"onewindow/sync/hub"
	"onewindow/sync/scene"
	webconsole "onewindow/web/console"
)

// The hall dashboard at the hub (issue 17 §6): a hall-year of tickets,
// 300,000 over the 250 working days (Monday to Friday) up to hubBenchNow,
// about 1,200 a day, one day of them (hubBenchFullDay) a full queue of
// 1,500. Almost all are done, one in 40 a no-show; today's last ones still
// wait or are at a window. One done ticket in four is rated, one rating in
// 30 is bad and opens a follow-up (resolved two days on, but for the last
// week's); six done tickets in ten become a case, accepted by the window's
// clerk (the applicant's name, ID number and phone sealed as the store
// seals them).
const (
	// hubBenchVersion names the seeded data; change it when the seeding
	// changes. The store's migrations are part of the cached file's name
	// as well, so a new index makes a new file.
	hubBenchVersion  = "hubconsole-v1"
	hubBenchTickets  = 300_000
	hubBenchDays     = 250
	hubBenchFullDay  = app.Date("2026-11-16") // a Monday
	hubBenchFullSize = 1_500
	hubBenchPastDay  = app.Date("2026-11-20") // last Friday
	hubBenchPassword = "bench-pass-1"
)

// hubBenchNow is a Monday afternoon in the hall: the hub's clock.
var hubBenchNow = time.Date(2026, 11, 23, 16, 30, 0, 0, app.HallZone)

// hubBenchWindows are the sample hall's windows for each category.
var hubBenchWindows = map[string][]int{
	"A": {1, 2}, "B": {1, 3, 4}, "C": {5, 6}, "D": {5, 6}, "E": {7}, "F": {8}, "G": {8}, "H": {1, 2, 3, 7},
}

// hubBenchSchemaTag is a short hash of the store's migrations.
func hubBenchSchemaTag(b *testing.B) string {
	files, err := filepath.Glob(filepath.Join("..", "..", "app", "store", "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		b.Fatalf("the store's migrations: %v", err)
	}
	h := sha256.New()
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		h.Write([]byte(filepath.Base(f)))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:10]
}

func hubBenchOpen(b *testing.B, file string) *store.Store {
	b.Helper()
	st, err := store.Open(context.Background(), file, store.Options{Terminal: "330106H01", Keys: scene.Keys(b, 3),
		Clock: app.NewManualClock(hubBenchNow)})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// hubBenchStore opens the cached hub, seeding it first when it is not
// there (onewindow-bench-hubconsole-<version>-<schema> in the system's
// temporary folder).
func hubBenchStore(b *testing.B) *store.Store {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("onewindow-bench-%s-%s", hubBenchVersion, hubBenchSchemaTag(b)))
	file, done := filepath.Join(dir, "hub.db"), filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		st := hubBenchOpen(b, file)
		hubBenchSeed(b, st)
		if _, err := st.DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		st.Close()
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return hubBenchOpen(b, file)
}

// hubBenchWorkingDays are the n weekdays up to and including today's,
// oldest first.
func hubBenchWorkingDays(n int) []time.Time {
	var out []time.Time
	for d := time.Date(hubBenchNow.Year(), hubBenchNow.Month(), hubBenchNow.Day(), 0, 0, 0, 0, app.HallZone); len(out) < n; d = d.AddDate(0, 0, -1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			out = append(out, d)
		}
	}
	slices.Reverse(out)
	return out
}

// hubBenchSeed writes the hall-year straight into the hub's tables, in one
// transaction: the sample hall, catalogue and calendar as the hub loads
// them, the manager's password, then the tickets, ratings, follow-ups and
// cases.
func hubBenchSeed(b *testing.B, st *store.Store) {
	b.Helper()
	ctx := context.Background()
	t0 := time.Now()
	if err := store.LoadSample(ctx, st); err != nil {
		b.Fatal(err)
	}
	hash, err := app.HashPassword(hubBenchPassword, app.DefaultPasswordParams)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.SetPassword(ctx, "M2001", hash); err != nil {
		b.Fatal(err)
	}
	cat, err := app.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		b.Fatal(err)
	}
	items := map[string][]app.Item{}
	for _, it := range cat.Items {
		items[it.Category] = append(items[it.Category], it)
	}
	cats := []string{"A", "A", "A", "B", "B", "C", "D", "E", "F", "G", "H"} // A and B the busiest lines
	keys := scene.Keys(b, 3)

	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	prep := func(q string) *sql.Stmt {
		s, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	insTicket := prep(`INSERT INTO tickets (id, day, issued_category, category, seq, code, priority, issued_at, queued_at,
		called_at, served_at, finished_at, window, clerk, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insRating := prep(`INSERT INTO ratings (id, level, reasons, ticket, window, clerk, at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	insFollow := prep(`INSERT INTO follow_ups (rating, due_date, opened_at, resolved_at, note) VALUES (?, ?, ?, ?, ?)`)
	insCase := prep(`INSERT INTO cases (number, item_code, item_name_zh, item_name_en, name_sealed, id_sealed, phone_sealed,
		id_index, received, state, window, clerk, ticket, submitted_at, accepted_at, due_date, statutory_date, updated_at, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	exec := func(s *sql.Stmt, args ...any) {
		if _, err := s.ExecContext(ctx, args...); err != nil {
			b.Fatal(err)
		}
	}

	r := rand.New(rand.NewPCG(17, 6))
	days := hubBenchWorkingDays(hubBenchDays)
	today := app.DateOf(hubBenchNow)
	rest := hubBenchTickets - hubBenchFullSize
	var nTickets, nRatings, nFollow, nOpen, nCases int
	stateCount := map[string]int{}
	for di, midnight := range days {
		date := app.DateOf(midnight)
		n := rest / (hubBenchDays - 1)
		if di < rest%(hubBenchDays-1) {
			n++
		}
		if date == hubBenchFullDay {
			n = hubBenchFullSize
		}
		open := midnight.Add(8*time.Hour + 30*time.Minute)
		span := 8*time.Hour + 15*time.Minute
		if date == today {
			span = hubBenchNow.Sub(open) - 2*time.Minute
		}
		age := hubBenchNow.Sub(midnight)
		seq := map[string]int{}
		caseSeq := map[int]int{}
		for k := range n {
			c := cats[r.IntN(len(cats))]
			seq[c]++
			code := fmt.Sprintf("%s%03d", c, seq[c])
			priority := ""
			switch x := r.IntN(100); {
			case x < 4:
				priority = "elderly"
			case x < 5:
				priority = "appointment"
			}
			issued := open.Add(span*time.Duration(k)/time.Duration(n) + time.Duration(r.IntN(20))*time.Second)
			ws := hubBenchWindows[c]
			window := ws[r.IntN(len(ws))]
			clerk := fmt.Sprintf("S%d", 1000+window)
			called := issued.Add(time.Duration(120+r.IntN(38*60)) * time.Second)
			served := called.Add(time.Duration(30+r.IntN(60)) * time.Second)
			finished := served.Add(time.Duration(180+r.IntN(14*60)) * time.Second)
			state := "done"
			noShow := r.IntN(40) == 0
			if noShow {
				state, served, finished = "no_show", time.Time{}, called.Add(3*time.Minute)
			}
			switch {
			case called.After(hubBenchNow):
				state, window, clerk, called, served, finished = "waiting", 0, "", time.Time{}, time.Time{}, time.Time{}
			case finished.After(hubBenchNow) && (noShow || served.After(hubBenchNow)):
				state, served, finished = "called", time.Time{}, time.Time{}
			case finished.After(hubBenchNow):
				state, finished = "serving", time.Time{}
			}
			stateCount[state]++
			exec(insTicket, string(date)+"/"+code, string(date), c, c, seq[c], code, priority, hubBenchStamp(issued), hubBenchStamp(issued),
				hubBenchStamp(called), hubBenchStamp(served), hubBenchStamp(finished), window, clerk, state)
			nTickets++
			if state != "done" {
				continue
			}
			if r.IntN(4) == 0 {
				at := finished.Add(time.Duration(10+r.IntN(50)) * time.Second)
				id := app.NewID()
				level := 5 - r.IntN(3)
				reasons := "[]"
				if r.IntN(30) == 0 {
					level = 1 + r.IntN(2)
					reasons = `["wait"]`
				}
				exec(insRating, id, level, reasons, code, window, clerk, hubBenchStamp(at))
				nRatings++
				if level <= 2 {
					resolved, note := "", ""
					if age > 7*24*time.Hour {
						resolved, note = hubBenchStamp(at.Add(48*time.Hour)), "M2001: 已回访"
					} else {
						nOpen++
					}
					exec(insFollow, id, string(app.DateOf(at.AddDate(0, 0, 3))), hubBenchStamp(at), resolved, note)
					nFollow++
				}
			}
			if r.IntN(10) < 6 {
				its := items[c]
				if len(its) == 0 {
					its = cat.Items
				}
				it := its[r.IntN(len(its))]
				caseSeq[window]++
				number := fmt.Sprintf("330106W%02d-%s-%06d", window, midnight.Format("20060102"), caseSeq[window])
				name := hubBenchNames[r.IntN(len(hubBenchNames))]
				idNo := fmt.Sprintf("330106%04d%02d%02d%03dX", 1940+r.IntN(65), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
				phone := fmt.Sprintf("13%09d", r.IntN(1_000_000_000))
				submitted := served.Add(time.Minute)
				accepted := submitted.Add(time.Minute)
				state, reason := "closed", ""
				switch x := r.IntN(100); {
				case x < 2:
					state, reason = "refused", "材料不全"
				case age < 20*24*time.Hour && x < 60:
					state = "in_review"
				case age < 20*24*time.Hour:
					state = "approved"
				case x < 4:
					state = "denied"
				}
				acceptedAt := hubBenchStamp(accepted)
				due := string(app.DateOf(accepted.AddDate(0, 0, it.PromisedDays*7/5)))
				statutory := string(app.DateOf(accepted.AddDate(0, 0, it.StatutoryDays*7/5)))
				if state == "refused" {
					acceptedAt, due, statutory = "", "", ""
				}
				exec(insCase, number, it.Code, it.Name.Zh, it.Name.En,
					keys.Seal(name, "case/"+number+"/name"), keys.Seal(idNo, "case/"+number+"/id"),
					keys.Seal(phone, "case/"+number+"/phone"), keys.Index("id", idNo), "[0,1]", state, window, clerk, code,
					hubBenchStamp(submitted), acceptedAt, due, statutory, hubBenchStamp(finished), reason)
				nCases++
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded the hub: %d tickets over %d days (%v), %d ratings, %d follow-ups (%d open), %d cases in %v",
		nTickets, len(days), stateCount, nRatings, nFollow, nOpen, nCases, time.Since(t0).Round(time.Second))
}

var hubBenchNames = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴军", "欧阳明月", "徐丽"}

func hubBenchStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
}

// hubBenchTimed keeps the time the last request took in the handler.
type hubBenchTimed struct {
	h    http.Handler
	last atomic.Int64
}

func (t *hubBenchTimed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	t.h.ServeHTTP(w, r)
	t.last.Store(int64(time.Since(t0)))
}

var hubBenchCount = regexp.MustCompile(`取号 <b>(\d+)</b>`)

// BenchmarkHubDashboard times the hall dashboard at the hub
// (GET /halls/330106) on a hall-year of tickets, 300,000, over a real HTTP
// server on loopback, as the hall's manager M2001 logged in: today's
// (1,200 tickets, the last ones still waiting), last Friday's (1,200) and a
// day of a full queue (1,500). Each reports the handler's time, from the
// request's first byte read to its last written (p50-ms, p95-ms, p99-ms),
// and the client's round trip (rtt-p95-ms).
//
// The hub's database is seeded once and kept in the system's temporary
// folder (onewindow-bench-hubconsole-<version>-<schema>).
//
//	go test -tags no_emoji -run '^$' -bench HubDashboard -benchtime 200x ./web/console
func BenchmarkHubDashboard(b *testing.B) {
	ctx := context.Background()
	st := hubBenchStore(b)
	defer st.Close()
	clock := app.NewManualClock(hubBenchNow)
	web, err := webconsole.New(console.NewService(st.Console(), clock), webconsole.Options{HallOnly: true,
		Where: app.Text{Zh: "西溪大厅", En: "Xixi hall"}})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := hub.New(st, "0123456789abcdef0123456789abcdef", nil)
	if err != nil {
		b.Fatal(err)
	}
	srv.Console = web
	th := &hubBenchTimed{h: srv.Handler()}
	ts := httptest.NewServer(th)
	defer ts.Close()
	cl := hubBenchLogin(b, ts.URL, "M2001")

	for _, p := range []struct {
		name string
		day  app.Date
	}{
		{"today", ""},
		{"past-day", hubBenchPastDay},
		{"full-day", hubBenchFullDay},
	} {
		b.Run(p.name, func(b *testing.B) {
			path := "/halls/330106"
			day := app.DateOf(hubBenchNow)
			if p.day != "" {
				path += "?day=" + string(p.day)
				day = p.day
			}
			var want int
			if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM tickets WHERE day = ?`, string(day)).Scan(&want); err != nil {
				b.Fatal(err)
			}
			// The store's day against the tables read in full: the cases
			// each clerk accepted, the follow-ups still open.
			hd, err := st.Console().HallDay(ctx, "330106", day)
			if err != nil {
				b.Fatal(err)
			}
			start, _ := day.Time()
			var cases, open, gotCases int
			if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM cases NOT INDEXED WHERE accepted_at >= ? AND accepted_at < ?`,
				hubBenchStamp(start), hubBenchStamp(start.AddDate(0, 0, 1))).Scan(&cases); err != nil {
				b.Fatal(err)
			}
			if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM follow_ups NOT INDEXED WHERE resolved_at = ''`).Scan(&open); err != nil {
				b.Fatal(err)
			}
			for _, c := range hd.Cases {
				gotCases += c.Cases
			}
			if len(hd.Tickets) != want || gotCases != cases || len(hd.FollowUps) != open || cases == 0 || open == 0 {
				b.Fatalf("%s: %d tickets, %d cases, %d open follow-ups; want %d, %d, %d", day, len(hd.Tickets), gotCases,
					len(hd.FollowUps), want, cases, open)
			}
			var server, rtt []time.Duration
			get := func() {
				t0 := time.Now()
				res, err := cl.Get(ts.URL + path)
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				d := time.Since(t0)
				m := hubBenchCount.FindSubmatch(body)
				if err != nil || res.StatusCode != http.StatusOK || m == nil || string(m[1]) != strconv.Itoa(want) {
					b.Fatalf("%s: %d %v (want 取号 %d in the page)\n%.2000s", path, res.StatusCode, err, want, body)
				}
				server, rtt = append(server, time.Duration(th.last.Load())), append(rtt, d)
			}
			get() // warm
			server, rtt = server[:0], rtt[:0]
			b.ResetTimer()
			for range b.N {
				get()
			}
			b.StopTimer()
			b.ReportMetric(float64(want), "tickets")
			b.ReportMetric(hubBenchQuantile(server, 0.50), "p50-ms")
			b.ReportMetric(hubBenchQuantile(server, 0.95), "p95-ms")
			b.ReportMetric(hubBenchQuantile(server, 0.99), "p99-ms")
			b.ReportMetric(hubBenchQuantile(rtt, 0.95), "rtt-p95-ms")
		})
	}
}

var hubBenchCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// hubBenchLogin logs in as login and keeps its cookie.
func hubBenchLogin(b *testing.B, base, login string) *http.Client {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Get(base + "/login")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := hubBenchCSRF.FindSubmatch(body)
	if m == nil {
		b.Fatalf("no form token on the login page")
	}
	res, err = cl.PostForm(base+"/login", url.Values{"login": {login}, "password": {hubBenchPassword}, "csrf": {string(m[1])}})
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

// hubBenchQuantile is the q-quantile of ds (nearest rank), in milliseconds.
func hubBenchQuantile(ds []time.Duration, q float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return float64(s[max(0, min(i, len(s)-1))]) / float64(time.Millisecond)
}
