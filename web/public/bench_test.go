package public_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/citizen"
	"onewindow/app/suite"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
	"onewindow/web/public"
)

// BenchmarkPhonesFollowingTickets: 2,000 phones follow their tickets'
// pages (server-sent events, over loopback) on one central, while 50
// halls' hubs send a queue snapshot every 2 s, each calling the next
// number, for 10 rounds; meanwhile 20 more clients open ticket pages one
// after another. Reported: how long after a snapshot reached central its
// phones had the update (p50, p99, max), and the ticket page's p99.
//
//	go test -tags no_emoji ./web/public -run '^$' -bench PhonesFollowing -benchtime 1x
func BenchmarkPhonesFollowingTickets(b *testing.B) {
	const halls, perHall, rounds = 50, 40, 10
	for range b.N {
		ctx, cancel := context.WithCancel(context.Background())
		c := scene.Central(b, b.TempDir()+"/central.db", app.SystemClock{})
		pages, err := public.New(ctx, citizen.New(c, c, app.SystemClock{}), public.Options{Rate: 1e9, Burst: 1 << 30})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(c.Handler(central.ServerOptions{Console: public.Mount(pages, nil)}))
		day := app.DateOf(time.Now())
		type hall struct {
			code, auth string
			secret     string
		}
		var hs []hall
		for i := range halls {
			code := fmt.Sprintf("33%04d", i)
			ec, _, err := c.CreateEnrolCode(ctx, code, code+"HUB", central.RoleHub, time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			ans, err := c.Enrol(ctx, ec, code+"HUB")
			if err != nil {
				b.Fatal(err)
			}
			hs = append(hs, hall{code, "Bearer " + code + "HUB:" + ans.Secret, wire.SecretHash(ans.Secret)})
		}
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
		send := func(h hall, round int) time.Time {
			s := app.QueueSnapshot{Day: day, At: time.Now(), Near: 3, Full: round == 0}
			cat := app.SnapshotCategory{Prefix: "A", Per: 5 * time.Minute, Open: 4}
			for n := round + 1; n <= perHall+rounds; n++ {
				cat.Waiting = append(cat.Waiting, app.WaitingTicket{Code: fmt.Sprintf("A%03d", n), Ahead: n - round - 1})
			}
			s.Categories = []app.SnapshotCategory{cat}
			if round == 0 {
				for n := 1; n <= perHall+rounds; n++ {
					s.Tickets = append(s.Tickets, app.PublicTicket{Code: fmt.Sprintf("A%03d", n), Category: "A", State: app.Waiting})
				}
			} else {
				s.Tickets = []app.PublicTicket{{Code: fmt.Sprintf("A%03d", round), Category: "A", State: app.Called, Window: 1}}
			}
			body, _ := json.Marshal(s)
			req, _ := http.NewRequest(http.MethodPost, srv.URL+wire.PathQueue, bytes.NewReader(body))
			req.Header.Set("Authorization", h.auth)
			req.Header.Set("Content-Type", "application/json")
			at := time.Now()
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Fatalf("snapshot: %d", res.StatusCode)
			}
			return at
		}
		for _, h := range hs {
			send(h, 0)
		}
		// The phones: phone p of hall h follows ticket A(rounds+p+1), whose
		// place after round r is rounds+p-r: the place names the round.
		var mu sync.Mutex
		sentAt := map[[2]int]time.Time{} // hall, round
		var lags []time.Duration
		ahead := regexp.MustCompile(`(\d+) 人`)
		ready := sync.WaitGroup{}
		done := sync.WaitGroup{}
		for hi, h := range hs {
			for p := range perHall {
				code := fmt.Sprintf("A%03d", rounds+p+1)
				key := app.TicketKey(suite.Intl, h.secret, h.code, string(day)+"/"+code)
				url := app.TicketLink(srv.URL, h.code, app.Ticket{Day: day, Code: code, ID: string(day) + "/" + code, Key: key}) + "/events"
				ready.Add(1)
				done.Add(1)
				go func() {
					defer done.Done()
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
					res, err := http.DefaultTransport.RoundTrip(req)
					if err != nil {
						ready.Done()
						b.Error(err)
						return
					}
					defer res.Body.Close()
					sc := bufio.NewScanner(res.Body)
					first := true
					for sc.Scan() {
						m := ahead.FindStringSubmatch(sc.Text())
						if m == nil {
							continue
						}
						if first {
							first = false
							ready.Done()
							continue
						}
						n, _ := strconv.Atoi(m[1])
						now := time.Now()
						mu.Lock()
						if at, ok := sentAt[[2]int{hi, rounds + p - n}]; ok {
							lags = append(lags, now.Sub(at))
						}
						mu.Unlock()
						if n == p {
							return // the last round
						}
					}
				}()
			}
		}
		ready.Wait()
		// Ticket pages opened meanwhile.
		var pageTimes []time.Duration
		stopPages := make(chan struct{})
		var pagesDone sync.WaitGroup
		for w := range 20 {
			pagesDone.Add(1)
			go func() {
				defer pagesDone.Done()
				for i := 0; ; i++ {
					select {
					case <-stopPages:
						return
					default:
					}
					h := hs[(w*7+i)%halls]
					code := fmt.Sprintf("A%03d", rounds+1+i%perHall)
					url := app.TicketLink(srv.URL, h.code, app.Ticket{Day: day, Code: code, ID: string(day) + "/" + code,
						Key: app.TicketKey(suite.Intl, h.secret, h.code, string(day)+"/"+code)})
					t0 := time.Now()
					res, err := client.Get(url)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					d := time.Since(t0)
					mu.Lock()
					pageTimes = append(pageTimes, d)
					mu.Unlock()
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
		b.ResetTimer()
		for r := 1; r <= rounds; r++ {
			start := time.Now()
			for hi, h := range hs { // spread over the 2 s, as 50 hubs would be
				time.Sleep(time.Until(start.Add(time.Duration(hi) * 2 * time.Second / halls)))
				mu.Lock()
				sentAt[[2]int{hi, r}] = time.Now()
				mu.Unlock()
				send(h, r)
			}
			time.Sleep(time.Until(start.Add(2 * time.Second)))
		}
		done.Wait()
		b.StopTimer()
		close(stopPages)
		pagesDone.Wait()
		cancel()
		srv.Close()
		if want := halls * perHall * rounds; len(lags) != want {
			b.Errorf("%d updates reached the phones; want %d", len(lags), want)
		}
		slices.Sort(lags)
		slices.Sort(pageTimes)
		q := func(d []time.Duration, f float64) float64 {
			if len(d) == 0 {
				return 0
			}
			return float64(d[int(f*float64(len(d)-1))].Microseconds()) / 1000
		}
		b.ReportMetric(q(lags, 0.5), "update-p50-ms")
		b.ReportMetric(q(lags, 0.99), "update-p99-ms")
		b.ReportMetric(q(lags, 1), "update-max-ms")
		b.ReportMetric(q(pageTimes, 0.99), "page-p99-ms")
		b.ReportMetric(float64(len(pageTimes)), "pages")
	}
}
