package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"onewindow/sync/central"
)

// sample is one request: when it started (ms from the day's start), how
// long it took (µs), and how many operations or changes it carried.
type sample struct {
	at, us, n int32
}

// metrics are the whole run's counts and every request's latency.
type metrics struct {
	start time.Time

	generated, applied, skipped, rejected, published atomic.Int64
	pushErrors, pollErrors                           atomic.Int64
	firstReject, firstPushErr, firstPollErr          atomic.Bool

	mu            sync.Mutex
	pushes, polls []sample
}

var m = &metrics{}

func (m *metrics) push(t0 time.Time, d time.Duration, n int) {
	s := sample{at: int32(t0.Sub(m.start).Milliseconds()), us: int32(d.Microseconds()), n: int32(n)}
	m.mu.Lock()
	m.pushes = append(m.pushes, s)
	m.mu.Unlock()
}

func (m *metrics) poll(t0 time.Time, d time.Duration, n int) {
	s := sample{at: int32(t0.Sub(m.start).Milliseconds()), us: int32(d.Microseconds()), n: int32(n)}
	m.mu.Lock()
	m.polls = append(m.polls, s)
	m.mu.Unlock()
}

// window is the samples started in [from, to) ms.
func window(all []sample, from, to int32) []sample {
	var out []sample
	for _, s := range all {
		if s.at >= from && s.at < to {
			out = append(out, s)
		}
	}
	return out
}

// quantile of the samples' latencies, in ms.
func quantile(ss []sample, q float64) float64 {
	if len(ss) == 0 {
		return 0
	}
	us := make([]int32, len(ss))
	for i, s := range ss {
		us[i] = s.us
	}
	slices.Sort(us)
	i := int(q * float64(len(us)-1))
	return float64(us[i]) / 1000
}

func sum(ss []sample) int64 {
	var n int64
	for _, s := range ss {
		n += int64(s.n)
	}
	return n
}

// cpu is CPU time in clock ticks (USER_HZ, 100 a second on Linux).
const hz = 100

// procTicks is a process's CPU time, its reaped children's included.
func procTicks(pid int) (self, children int64, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return 0, 0, 0, false
	}
	num := func(k int) int64 { v, _ := strconv.ParseInt(f[k-3], 10, 64); return v }
	return num(14) + num(15), num(16) + num(17), int(num(4)), true
}

// treeTicks is the CPU time of pid and its children, the exited ones
// (reaped by pid) and the living: for the postmaster, every backend's.
func treeTicks(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	self, reaped, _, ok := procTicks(pid)
	if !ok {
		return 0
	}
	total := self + reaped
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		p, err := strconv.Atoi(filepath.Base(d))
		if err != nil || p == pid {
			continue
		}
		if s, _, pp, ok := procTicks(p); ok && pp == pid {
			total += s
		}
	}
	return total
}

// machineTicks is the whole machine's busy and total CPU time.
func machineTicks() (busy, total int64) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, 0
	}
	fs := strings.Fields(sc.Text())[1:]
	for i, v := range fs {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

func selfTicks() int64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return (u.Utime.Nano() + u.Stime.Nano()) / (1e9 / hz)
}

// point is one monitor sample: cumulative CPU ticks and PostgreSQL's
// client connections at a moment.
type point struct {
	at                   time.Duration // from the day's start
	pg, servers, gen     int64
	busy, total          int64
	conns, active, idle  int
	wal                  int64 // bytes of WAL PostgreSQL has written
	applied, pushN, poll int64
}

type monitor struct {
	c       *central.Central
	servers []int
	mu      sync.Mutex
	points  []point
}

func newMonitor(c *central.Central) *monitor {
	mon := &monitor{c: c}
	for s := range strings.SplitSeq(*serverPIDs, ",") {
		if p, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			mon.servers = append(mon.servers, p)
		}
	}
	return mon
}

func (mon *monitor) run(ctx context.Context, start time.Time) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		p := mon.sample(start)
		if n++; n%10 == 0 {
			mon.report(p)
		}
	}
}

func (mon *monitor) sample(start time.Time) point {
	p := point{at: time.Since(start), pg: treeTicks(*pgPIDF), gen: selfTicks(), applied: m.applied.Load()}
	for _, s := range mon.servers {
		a, b, _, _ := procTicks(s)
		p.servers += a + b
	}
	p.busy, p.total = machineTicks()
	mon.c.DB().QueryRow(`SELECT (pg_current_wal_lsn() - '0/0')::bigint`).Scan(&p.wal)
	rows, err := mon.c.DB().Query(`SELECT state, count(*) FROM pg_stat_activity
		WHERE backend_type = 'client backend' AND application_name <> 'provinceload' GROUP BY state`)
	if err == nil {
		for rows.Next() {
			var st *string
			var n int
			rows.Scan(&st, &n)
			p.conns += n
			switch {
			case st == nil:
			case *st == "active":
				p.active += n
			case strings.HasPrefix(*st, "idle"):
				p.idle += n
			}
		}
		rows.Close()
	}
	m.mu.Lock()
	p.pushN, p.poll = int64(len(m.pushes)), int64(len(m.polls))
	m.mu.Unlock()
	mon.mu.Lock()
	mon.points = append(mon.points, p)
	mon.mu.Unlock()
	return p
}

// report logs the last ten seconds.
func (mon *monitor) report(p point) {
	mon.mu.Lock()
	var q point
	if len(mon.points) > 10 {
		q = mon.points[len(mon.points)-11]
	} else if len(mon.points) > 0 {
		q = mon.points[0]
	}
	mon.mu.Unlock()
	secs := (p.at - q.at).Seconds()
	from, to := int32(q.at.Milliseconds()), int32(p.at.Milliseconds())
	m.mu.Lock()
	pushes, polls := window(m.pushes, from, to), window(m.polls, from, to)
	m.mu.Unlock()
	cores := func(a, b int64) float64 { return float64(a-b) / hz / secs }
	busy := float64(p.busy-q.busy) / float64(max(1, p.total-q.total))
	log.Printf("t=%3.0fs applied %6.0f ops/s (generated %d, waiting %d) · %4.0f pushes/s p99 %6.1f ms · %4.0f polls/s p99 %6.1f ms · pg conns %d (%d active) · CPU cores: pg %.2f servers %.2f generator %.2f others %.2f (machine %.0f%% of %d)",
		p.at.Seconds(), float64(p.applied-q.applied)/secs, m.generated.Load(), m.generated.Load()-m.applied.Load()-m.rejected.Load(),
		float64(len(pushes))/secs, quantile(pushes, 0.99), float64(len(polls))/secs, quantile(polls, 0.99),
		p.conns, p.active, cores(p.pg, q.pg), cores(p.servers, q.servers), cores(p.gen, q.gen),
		busy*float64(runtime.NumCPU())-cores(p.pg, q.pg)-cores(p.servers, q.servers)-cores(p.gen, q.gen),
		100*busy, runtime.NumCPU())
}

// Summary is the run's figures, the day's steady part (after the first
// sync rounds) apart from the drain after it.
type Summary struct {
	Label         string  `json:"label"`
	Servers       int     `json:"servers"`
	Terminals     int     `json:"terminals"`
	Speed         float64 `json:"speed"`
	DaySeconds    float64 `json:"day_seconds"`
	Generated     int64   `json:"generated"`
	OfferedOpsS   float64 `json:"offered_ops_s"`
	AppliedOpsS   float64 `json:"applied_ops_s"`
	Applied       int64   `json:"applied"`
	Rejected      int64   `json:"rejected"`
	Skipped       int64   `json:"skipped"`
	WaitingAtEnd  int64   `json:"waiting_at_day_end"`
	DrainSeconds  float64 `json:"drain_seconds"`
	LeftUnsent    int     `json:"left_unsent"`
	PushesS       float64 `json:"pushes_s"`
	OpsPerPush    float64 `json:"ops_per_push"`
	PushP50       float64 `json:"push_p50_ms"`
	PushP99       float64 `json:"push_p99_ms"`
	PollsS        float64 `json:"polls_s"`
	PollP50       float64 `json:"poll_p50_ms"`
	PollP99       float64 `json:"poll_p99_ms"`
	ChangesGot    int64   `json:"changes_received"`
	Published     int64   `json:"hall_setups_published"`
	PushErrors    int64   `json:"push_errors"`
	PollErrors    int64   `json:"poll_errors"`
	PGConnsMax    int     `json:"pg_conns_max"`
	PGConnsMean   float64 `json:"pg_conns_mean"`
	PGActiveMean  float64 `json:"pg_active_mean"`
	PGCores       float64 `json:"pg_cpu_cores"`
	ServerCores   float64 `json:"servers_cpu_cores"`
	GenCores      float64 `json:"generator_cpu_cores"`
	MachineBusy   float64 `json:"machine_busy_pct"`
	OtherCores    float64 `json:"other_processes_cpu_cores"` // the machine's busy cores less PostgreSQL's, the servers' and the generator's
	PGCPUus       float64 `json:"pg_cpu_us_per_op"`
	ServerCPUus   float64 `json:"servers_cpu_us_per_op"`
	GeneratorCPUs float64 `json:"generator_cpu_us_per_op"`
	WALBytesOp    float64 `json:"wal_bytes_per_op"`
	DBBytesOp     float64 `json:"database_bytes_per_op"` // the database's size at the end over the operations applied
}

func summarise(start, dayEnd, end time.Time, left int, mon *monitor) error {
	warm := min(15*time.Second, dayEnd.Sub(start)/4) // the first sync rounds: terminals starting
	from, to := int32(warm.Milliseconds()), int32(dayEnd.Sub(start).Milliseconds())
	m.mu.Lock()
	pushes, polls := window(m.pushes, from, to), window(m.polls, from, to)
	m.mu.Unlock()
	secs := float64(to-from) / 1000
	mon.mu.Lock()
	pts := mon.points
	mon.mu.Unlock()
	// The monitor's points at the window's ends.
	at := func(d time.Duration) point {
		best := pts[0]
		for _, p := range pts {
			if p.at <= d {
				best = p
			}
		}
		return best
	}
	a, b := at(warm), at(dayEnd.Sub(start))
	span := (b.at - a.at).Seconds()
	s := Summary{Label: *labelF, Servers: len(urls), Terminals: *terminalsF, Speed: *speedF, DaySeconds: dayEnd.Sub(start).Seconds(),
		Generated: m.generated.Load(), Applied: m.applied.Load(), Rejected: m.rejected.Load(), Skipped: m.skipped.Load(),
		Published: m.published.Load(), PushErrors: m.pushErrors.Load(), PollErrors: m.pollErrors.Load(), LeftUnsent: left}
	s.AppliedOpsS = float64(b.applied-a.applied) / span
	s.OfferedOpsS = float64(s.Generated) / dayEnd.Sub(start).Seconds()
	s.WaitingAtEnd = s.Generated - b.applied - s.Rejected
	s.DrainSeconds = end.Sub(dayEnd).Seconds()
	s.PushesS, s.PollsS = float64(len(pushes))/secs, float64(len(polls))/secs
	s.OpsPerPush = float64(sum(pushes)) / float64(max(1, len(pushes)))
	s.PushP50, s.PushP99 = quantile(pushes, 0.5), quantile(pushes, 0.99)
	s.PollP50, s.PollP99 = quantile(polls, 0.5), quantile(polls, 0.99)
	m.mu.Lock()
	s.ChangesGot = sum(m.polls)
	m.mu.Unlock()
	var n int
	for _, p := range pts {
		if p.at >= warm && p.at <= dayEnd.Sub(start) {
			n++
			s.PGConnsMean += float64(p.conns)
			s.PGActiveMean += float64(p.active)
			s.PGConnsMax = max(s.PGConnsMax, p.conns)
		}
	}
	if n > 0 {
		s.PGConnsMean /= float64(n)
		s.PGActiveMean /= float64(n)
	}
	s.PGCores = float64(b.pg-a.pg) / hz / span
	s.ServerCores = float64(b.servers-a.servers) / hz / span
	s.GenCores = float64(b.gen-a.gen) / hz / span
	s.MachineBusy = 100 * float64(b.busy-a.busy) / float64(max(1, b.total-a.total))
	s.OtherCores = s.MachineBusy/100*float64(runtime.NumCPU()) - s.PGCores - s.ServerCores - s.GenCores
	if ops := float64(b.applied - a.applied); ops > 0 {
		s.PGCPUus = float64(b.pg-a.pg) / hz * 1e6 / ops
		s.ServerCPUus = float64(b.servers-a.servers) / hz * 1e6 / ops
		s.GeneratorCPUs = float64(b.gen-a.gen) / hz * 1e6 / ops
		s.WALBytesOp = float64(b.wal-a.wal) / ops
	}
	var size int64
	if mon.c.DB().QueryRow(`SELECT pg_database_size(current_database())`).Scan(&size) == nil && s.Applied > 0 {
		s.DBBytesOp = float64(size) / float64(s.Applied)
	}
	out, _ := json.MarshalIndent(s, "", "  ")
	fmt.Printf("%s\n", out)
	if *jsonF != "" {
		if err := os.WriteFile(*jsonF, append(out, '\n'), 0o644); err != nil {
			return err
		}
	}
	if s.Rejected > 0 || s.PushErrors > 0 || s.PollErrors > 0 {
		log.Printf("note: %d operations refused, %d pushes and %d polls failed", s.Rejected, s.PushErrors, s.PollErrors)
	}
	return nil
}
