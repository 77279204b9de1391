// Command provinceload is the province load generator of issue 20: test
// scaffolding, never linked by the shipped binary (a main package cannot
// be imported; cmd/onewindow's deps test keeps the other scaffolding out).
//
// It simulates many hall terminals against one or more `onewindow central
// serve` processes over the real wire protocol. Each simulated terminal is
// its hall's hub, the one terminal of a hall that pushes to central (the
// kiosks and windows relay through it, link.Options.Relayed), so each
// pushes a whole hall's day: every citizen's ticket issued, called and
// finished (queue events), two in three a case taken in (with its two
// hash-chained steps and the applicant's name, ID number and phone), two in
// five a rating. The day runs at -speed (100×: a day of 8 hours in 4 min
// 48 s). Every -sync (5 s) each terminal does what sync/link's SyncNow
// does: pushes everything waiting (batches of at most 500 operations or
// 1 MiB, gzip), then asks for the changes since its cursor. Requests go to
// the -urls in turn (client-side round robin, per request).
//
// Before the day it sets central up through the -dsn: publishes the sample
// catalogue and calendar and a set-up for every hall, makes one enrolment
// code per terminal (central.CreateEnrolCode) and enrols each terminal
// through POST /v1/enrol. While the day runs it changes one hall's set-up
// every -publish-every, as a hall manager would in the console, so that
// some polls find a change.
//
// It measures operations applied per second (from central's answers),
// push and changes-poll latency (p50, p99), PostgreSQL's client
// connections (pg_stat_activity) and the CPU time of the postgres
// processes (-pg-pid, the postmaster, and its children, from /proc), of
// the central servers (-server-pids) and of itself.
//
//	go run -tags no_emoji ./internal/provinceload -h
//
// packaging/bench-province.sh starts PostgreSQL and the servers and runs it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/assets"
	"onewindow/sync/central"
	"onewindow/sync/wire"
)

var (
	urlsF      = flag.String("urls", "http://127.0.0.1:8081", "central servers' base `URLs`, comma-separated; requests go to each in turn")
	dsnF       = flag.String("dsn", "", "the PostgreSQL `DSN` the servers use: for the set-up and pg_stat_activity")
	keysF      = flag.String("keys", "", "the servers' personal-data key `file` (central.Open needs one for the set-up)")
	terminalsF = flag.Int("terminals", 10000, "simulated terminals, each its own hall's hub")
	citizensF  = flag.Int("citizens", 155, "citizens a hall-day, on average (each hall 1/3 to 5/3 of it)")
	speedF     = flag.Float64("speed", 100, "how many times faster than real time the hall day runs")
	dayF       = flag.Duration("day", 8*time.Hour, "the hall day, in hall time")
	syncF      = flag.Duration("sync", 5*time.Second, "each terminal's sync round: push what waits, then ask for changes (real time)")
	drainF     = flag.Duration("drain", 3*time.Minute, "after the day, how long the terminals may take to send what still waits")
	publishF   = flag.Duration("publish-every", 200*time.Millisecond, "a hall's set-up is changed at central this often during the day (0: never)")
	pgPIDF     = flag.Int("pg-pid", 0, "the postmaster's `pid`, for PostgreSQL's CPU time (it and its children)")
	serverPIDs = flag.String("server-pids", "", "the central servers' `pids`, comma-separated, for their CPU time")
	jsonF      = flag.String("json", "", "write the summary as JSON to this `file`")
	labelF     = flag.String("label", "", "a label for the summary (e.g. \"3 servers\")")
)

func main() {
	flag.Parse()
	log.SetFlags(log.Ltime)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		log.Fatal(err)
	}
}

// client is the one HTTP client of all terminals: a connection per request
// in flight at most, kept alive, as each terminal's own would be.
var client = &http.Client{
	Timeout: 2 * time.Minute,
	Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: 20000,
		IdleConnTimeout:     2 * time.Minute,
		DisableCompression:  true,
	},
}

var (
	urls []string
	rr   atomic.Uint64
)

// next is the next server in turn.
func next() string { return urls[rr.Add(1)%uint64(len(urls))] }

func run(ctx context.Context) error {
	for u := range strings.SplitSeq(*urlsF, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 || *dsnF == "" || *keysF == "" {
		return errors.New("give -urls, -dsn and -keys")
	}
	keys, err := pii.LoadOrCreate(*keysF)
	if err != nil {
		return err
	}
	c, err := central.Open(ctx, withAppName(*dsnF), central.Options{Keys: keys})
	if err != nil {
		return err
	}
	defer c.Close()
	cat, err := app.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		return err
	}
	terms, err := setUp(ctx, c)
	if err != nil {
		return err
	}
	cursor, err := c.Version(ctx)
	if err != nil {
		return err
	}
	mon := newMonitor(c)
	for _, t := range terms {
		t.cursor = cursor
		t.plan(cat)
	}

	log.Printf("day: %d terminals, %v of hall time at %v× (%v), a sync round every %v, against %s",
		len(terms), *dayF, *speedF, wall(*dayF), *syncF, strings.Join(urls, ", "))
	start := time.Now()
	dayEnd := start.Add(wall(*dayF))
	deadline := dayEnd.Add(*drainF)
	runCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	m.start = start
	mon.sample(start) // the starting point of every figure
	go mon.run(runCtx, start)
	if *publishF > 0 {
		go publisher(runCtx, c, terms, dayEnd)
	}
	var wg sync.WaitGroup
	for _, t := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.run(runCtx, start, dayEnd, cat)
		}()
	}
	wg.Wait()
	end := time.Now()
	mon.sample(start) // the last figures
	var left int
	for _, t := range terms {
		left += len(t.pending)
	}
	return summarise(start, dayEnd, end, left, mon)
}

// wall is a stretch of hall time in real time.
func wall(d time.Duration) time.Duration { return time.Duration(float64(d) / *speedF) }

func withAppName(dsn string) string {
	if strings.Contains(dsn, "://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "application_name=provinceload"
	}
	return dsn + " application_name=provinceload"
}

// terminal is one simulated hall hub.
type terminal struct {
	id, hall, auth string
	rng            *rand.Rand

	seq     int64           // the last operation numbered
	held    int64           // the last operation central holds
	pending []app.Operation // numbered, not yet held at central
	cases   int64           // the last case number's sequence
	cursor  int64

	events  eventHeap
	arrived []time.Duration // citizens' arrivals, hall time from the day's start
	tickets map[string]int  // category → the last number of the day
	hubSeq  int64
}

// setUp publishes what the halls need and enrols the terminals.
func setUp(ctx context.Context, c *central.Central) ([]*terminal, error) {
	t0 := time.Now()
	if _, err := c.PublishCatalog(ctx, assets.SampleCatalog); err != nil && !errors.Is(err, app.ErrStaleCatalog) {
		return nil, err
	}
	if _, err := c.PublishCalendar(ctx, assets.Calendar2026); err != nil {
		return nil, err
	}
	var hall map[string]json.RawMessage
	if err := json.Unmarshal(assets.SampleHall, &hall); err != nil {
		return nil, err
	}
	terms := make([]*terminal, *terminalsF)
	for i := range terms {
		h := fmt.Sprintf("P%05d", i+1)
		terms[i] = &terminal{id: h + "-HUB", hall: h, rng: rand.New(rand.NewPCG(uint64(i), 20)), tickets: map[string]int{}}
	}
	// Hall set-ups and codes straight into central's store, several at a
	// time; the enrolments over HTTP, through the servers.
	codes := make([]string, len(terms))
	err := parallel(8, len(terms), func(i int) error {
		t := terms[i]
		h := maps(hall)
		h["code"], _ = json.Marshal(t.hall)
		body, _ := json.Marshal(h)
		if _, err := c.HallSetup(ctx, t.hall); errors.Is(err, app.ErrNotFound) {
			if _, err := c.PublishHall(ctx, body); err != nil {
				return err
			}
		}
		var err error
		codes[i], _, err = c.CreateEnrolCode(ctx, t.hall, t.id, central.RoleHub, 6*time.Hour)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("set-ups and codes: %w", err)
	}
	log.Printf("set-up: %d hall set-ups and enrolment codes in %v", len(terms), time.Since(t0).Round(time.Millisecond))
	t1 := time.Now()
	err = parallel(32, len(terms), func(i int) error {
		t := terms[i]
		var ans wire.EnrolAnswer
		body, _ := json.Marshal(wire.EnrolRequest{Code: codes[i], Terminal: t.id})
		status, err := call(ctx, http.MethodPost, next()+wire.PathEnrol, body, "", false, &ans)
		if err != nil || status != http.StatusOK {
			return fmt.Errorf("enrol %s: %d %v", t.id, status, err)
		}
		t.auth = "Bearer " + t.id + ":" + ans.Secret
		t.seq, t.held, t.cases = ans.Held, ans.Held, ans.LastCase
		return nil
	})
	if err != nil {
		return nil, err
	}
	log.Printf("set-up: %d terminals enrolled over HTTP in %v", len(terms), time.Since(t1).Round(time.Millisecond))
	return terms, nil
}

func maps(m map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func parallel(workers, n int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// call makes one request and decodes a 200 answer into out.
func call(ctx context.Context, method, url string, body []byte, auth string, gz bool, out any) (int, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode == http.StatusOK && out != nil {
		return resp.StatusCode, json.Unmarshal(data, out)
	}
	if resp.StatusCode >= 300 && out != nil {
		if p, ok := out.(*wire.Problem); ok {
			json.Unmarshal(data, p)
		} else {
			var p wire.Problem
			json.Unmarshal(data, &p)
			return resp.StatusCode, fmt.Errorf("central answered %d: %s (expected %d)", resp.StatusCode, p.Error, p.Expected)
		}
	}
	return resp.StatusCode, nil
}

// run is the terminal's day: a sync round every -sync until the day is over
// and everything is sent, or the drain's deadline.
func (t *terminal) run(ctx context.Context, start, dayEnd time.Time, cat *app.Catalog) {
	// Terminals do not all sync at the same moment.
	if !sleep(ctx, time.Duration(t.rng.Int64N(int64(*syncF)))) {
		return
	}
	for {
		round := time.Now()
		hallNow := time.Duration(float64(round.Sub(start)) * *speedF)
		t.happen(hallNow, cat) // after the day: the last citizens served
		t.push(ctx)
		t.poll(ctx)
		if ctx.Err() != nil || (round.After(dayEnd) && len(t.pending) == 0 && len(t.events) == 0 && len(t.arrived) == 0) {
			return
		}
		if !sleep(ctx, time.Until(round.Add(*syncF))) {
			return
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// push sends everything waiting, a batch at a time, as sync/link does.
func (t *terminal) push(ctx context.Context) {
	for len(t.pending) > 0 && ctx.Err() == nil {
		// The terminal's own encoder: at most 500 operations or 1 MiB, gzip.
		body, _, n, err := wire.BatchBody(t.id, t.pending[:min(len(t.pending), wire.MaxBatchOps)])
		if err != nil {
			panic(err)
		}
		t0 := time.Now()
		var ans wire.PushAnswer
		status, err := call(ctx, http.MethodPost, next()+wire.PathPush, body, t.auth, true, &ans)
		d := time.Since(t0)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err == nil && status == http.StatusOK:
			m.push(t0, d, n)
			m.applied.Add(int64(ans.Applied))
			m.skipped.Add(int64(ans.Skipped))
			m.rejected.Add(int64(len(ans.Rejected)))
			if len(ans.Rejected) > 0 && m.firstReject.CompareAndSwap(false, true) {
				log.Printf("central refused an operation of %s: %s", t.id, ans.Rejected[0].Reason)
			}
			t.ack(ans.Held)
		default:
			m.push(t0, d, 0) // a failure's wait counts in the latency too
			m.pushErrors.Add(1)
			if m.firstPushErr.CompareAndSwap(false, true) {
				log.Printf("a push of %s failed: %d %v", t.id, status, err)
			}
			return // again next round, as the link's backoff would
		}
	}
}

// ack drops what central holds.
func (t *terminal) ack(held int64) {
	t.held = max(t.held, held)
	i := 0
	for i < len(t.pending) && t.pending[i].Seq <= t.held {
		i++
	}
	t.pending = slices.Delete(t.pending, 0, i)
	if len(t.pending) == 0 {
		t.pending = nil // let a large backlog's array go
	}
}

// poll asks for the changes since the cursor, as many pages as there are.
func (t *terminal) poll(ctx context.Context) {
	for ctx.Err() == nil {
		t0 := time.Now()
		var ans wire.ChangesAnswer
		status, err := call(ctx, http.MethodGet, next()+wire.PathChanges+"?since="+strconv.FormatInt(t.cursor, 10), nil, t.auth, false, &ans)
		d := time.Since(t0)
		if ctx.Err() != nil {
			return
		}
		if err != nil || status != http.StatusOK {
			m.poll(t0, d, 0) // a failure's wait counts in the latency too
			m.pollErrors.Add(1)
			if m.firstPollErr.CompareAndSwap(false, true) {
				log.Printf("a poll of %s failed: %d %v", t.id, status, err)
			}
			return
		}
		m.poll(t0, d, len(ans.Changes))
		t.cursor = ans.Cursor
		if !ans.More {
			return
		}
	}
}

// publisher changes one hall's set-up at a time, as hall managers do in
// the console, so that some polls find a change.
func publisher(ctx context.Context, c *central.Central, terms []*terminal, until time.Time) {
	rng := rand.New(rand.NewPCG(7, 7))
	tick := time.NewTicker(*publishF)
	defer tick.Stop()
	for time.Now().Before(until) {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		h := terms[rng.IntN(len(terms))].hall
		_, err := c.UpdateHall(ctx, h, func(x *app.Hall) error {
			if len(x.Windows) > 0 {
				x.Windows[0].Name.En = "Window 1 " + strconv.Itoa(rng.IntN(1000))
			}
			return nil
		})
		if err != nil && ctx.Err() == nil {
			log.Printf("publisher: %v", err)
			continue
		}
		m.published.Add(1)
	}
}
