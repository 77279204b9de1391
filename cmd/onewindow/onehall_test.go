//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/pii"
	"onewindow/app/setup"
	"onewindow/device/sim/simctl"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// A whole hall of separate processes on loopback: central, the hub, two
// window terminals and a kiosk, each process the test binary running the
// real command (central serve, hub) or the real terminal wiring with
// commands for a screen (agent_test.go), each terminal on its own device
// simulators. The hall's code is the sample's.
type wholeHall struct {
	t           *testing.T
	dir         string
	hallKey     string
	centralDB   string
	centralURL  string // what the terminals and the hub reach central at
	centralAt   string // where central listens
	hubAt       string
	adminTokens map[string]string // each department's back office's
	procs       map[string]*exec.Cmd
	agents      map[string]*agent
}

const oneHallCode = "330106"

func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// newWholeHall publishes the sample hall at central, writes and enrols
// every terminal's configuration as a technician does, and starts central
// and the hub. via, when not empty, is the address the hall reaches
// central at (a proxy in front of it).
func newWholeHall(t *testing.T, via func(centralAt string) string) *wholeHall {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	h := &wholeHall{t: t, dir: dir, hallKey: strings.Repeat("5a", 32), centralDB: filepath.Join(dir, "central.db"),
		centralAt: freeAddress(t), hubAt: freeAddress(t), adminTokens: map[string]string{"renshe": strings.Repeat("rs", 10), "yibao": strings.Repeat("yb", 10), "gjj": strings.Repeat("gj", 10)},
		procs: map[string]*exec.Cmd{}, agents: map[string]*agent{}}
	h.centralURL = "http://" + h.centralAt
	if via != nil {
		h.centralURL = "http://" + via(h.centralAt)
	}
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "central-personal-data.key"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := central.Open(ctx, h.centralDB, central.Options{Keys: keys, Suite: suitetest.Suite()})
	if err != nil {
		t.Fatal(err)
	}
	scene.PublishSample(t, c)
	bundles := map[string]string{}
	for _, term := range []string{"H01", "W01", "W02", "K01"} {
		role := map[byte]string{'H': central.RoleHub, 'W': central.RoleWindow, 'K': central.RoleKiosk}[term[0]]
		code, expires, err := c.CreateEnrolCode(ctx, oneHallCode, term, role, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(wire.Bundle{Central: h.centralURL, Terminal: term, Hall: oneHallCode, Code: code, Expires: expires})
		bundles[term] = filepath.Join(dir, term+".bundle")
		write(t, bundles[term], string(b), 0o600)
	}
	c.Close()
	var tokens strings.Builder
	for dept, token := range h.adminTokens {
		fmt.Fprintf(&tokens, "%s %s\n", dept, token)
	}
	write(t, filepath.Join(dir, "admin.token"), tokens.String(), 0o600)
	h.startCentral()

	// Each terminal's configuration, written and enrolled as at install.
	sims := func(name string) *simctl.Set {
		d := filepath.Join(dir, name+"-devices")
		os.MkdirAll(filepath.Join(d, "pages"), 0o755)
		s, err := simctl.Start(simctl.Config{Dir: d, PagesDir: filepath.Join(d, "pages"), PaperDots: 576})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	answers := func(role config.Role, term string) setup.Answers {
		return setup.Answers{Role: role, Hall: oneHallCode, Terminal: term, HubAddress: h.hubAt,
			HallKey: config.Secret(h.hallKey), CentralURL: h.centralURL, DataDir: filepath.Join(dir, term+"-data")}
	}
	// The hub's set-up makes the hall's certificate; every terminal pins it.
	if err := setup.Write(h.config("H01"), answers(config.RoleHub, "H01"), true); err != nil {
		t.Fatalf("the hub's configuration: %v", err)
	}
	hubCert, err := os.ReadFile(filepath.Join(dir, setup.HubCertFileName))
	if err != nil {
		t.Fatalf("the hub's set-up made no certificate: %v", err)
	}
	if code, out, errOut := runArgs(t, "setup", "-config", h.config("H01"), "-enrol", bundles["H01"]); code != 0 {
		t.Fatalf("setup -enrol H01: %d %s %s", code, out, errOut)
	}
	configs := map[string]setup.Answers{}
	for _, w := range []struct {
		term   string
		window int
	}{{"W01", 1}, {"W02", 2}} {
		s := sims(w.term)
		a := answers(config.RoleWindow, w.term)
		a.Window, a.Categories = w.window, []string{"H", "A", "B", "C", "D", "E", "F", "G"}
		a.IDCard = &setup.Device{Port: s.Path(simctl.IDReader)}
		a.Printer, a.NativeQR = &setup.Device{Port: s.Path(simctl.Printer)}, true
		a.QueueBus = &setup.Device{Port: s.Path(simctl.QueueBus)}
		configs[w.term] = a
	}
	ks := sims("K01")
	a := answers(config.RoleKiosk, "K01")
	a.IDCard = &setup.Device{Port: ks.Path(simctl.IDReader)}
	a.Printer, a.NativeQR = &setup.Device{Port: ks.Path(simctl.Printer)}, true
	configs["K01"] = a
	for term, a := range configs {
		path := h.config(term)
		a.HubCert = hubCert
		if err := setup.Write(path, a, true); err != nil {
			t.Fatalf("%s's configuration: %v", term, err)
		}
		if code, out, errOut := runArgs(t, "setup", "-config", path, "-enrol", bundles[term]); code != 0 {
			t.Fatalf("setup -enrol %s: %d %s %s", term, code, out, errOut)
		}
	}
	h.startHub()
	return h
}

func (h *wholeHall) config(term string) string { return filepath.Join(h.dir, term+".toml") }

// child starts the test binary as one of the hall's processes.
func (h *wholeHall) child(name, kind string, args ...string) *exec.Cmd {
	h.t.Helper()
	enc, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ONEWINDOW_CHILD="+kind, "ONEWINDOW_ARGS="+string(enc))
	logf, err := os.OpenFile(filepath.Join(h.dir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		h.t.Fatal(err)
	}
	cmd.Stderr = logf
	h.t.Cleanup(func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
			}
		}
		logf.Close()
		if h.t.Failed() {
			data, _ := os.ReadFile(logf.Name())
			h.t.Logf("%s's log:\n%s", name, lastLines(string(data), 30))
		}
	})
	h.procs[name] = cmd
	return cmd
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func (h *wholeHall) startCentral() {
	h.t.Helper()
	cmd := h.child("central", "run", "central", "serve", "-db", h.centralDB, "-listen", h.centralAt,
		"-admin-token-file", filepath.Join(h.dir, "admin.token"), "-log-level", "warn", "-crypto-suite", string(suitetest.Suite()))
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.waitListening(h.centralAt)
}

// hubCommand is the hub's process, not started.
func (h *wholeHall) hubCommand() *exec.Cmd {
	h.t.Helper()
	return h.child("hub", "run", "hub", "-config", h.config("H01"), "-sample", "-sync-interval", "300ms")
}

func (h *wholeHall) startHub() {
	h.t.Helper()
	cmd := h.hubCommand()
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.waitListening(h.hubAt)
}

// killHub kills the hub with SIGKILL, as a power cut would.
func (h *wholeHall) killHub() {
	h.t.Helper()
	cmd := h.procs["hub"]
	cmd.Process.Kill()
	cmd.Wait()
}

func (h *wholeHall) waitListening(address string) {
	h.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", address); err == nil {
			c.Close()
			return
		}
	}
	h.t.Fatalf("nothing listens on %s", address)
}

// agent is a window terminal or a kiosk process driven by commands.
type agent struct {
	name string
	in   io.Writer
	out  *bufio.Scanner
}

func (h *wholeHall) startAgent(term string, role config.Role) *agent {
	h.t.Helper()
	cmd := h.child(term, "agent", string(role), h.config(term))
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	a := &agent{name: term, in: in, out: bufio.NewScanner(out)}
	if !a.out.Scan() {
		h.t.Fatalf("%s did not start", term)
	}
	h.agents[term] = a
	return a
}

// do runs one command and returns its answer.
func (a *agent) do(t *testing.T, op string, args ...string) agentAnswer {
	t.Helper()
	line, _ := json.Marshal(agentCmd{Op: op, Args: args})
	if _, err := a.in.Write(append(line, '\n')); err != nil {
		t.Fatalf("%s %s: %v", a.name, op, err)
	}
	if !a.out.Scan() {
		t.Fatalf("%s %s: no answer", a.name, op)
	}
	var ans agentAnswer
	if err := json.Unmarshal(a.out.Bytes(), &ans); err != nil {
		t.Fatalf("%s %s: %v", a.name, op, err)
	}
	return ans
}

// must runs a command that must succeed and returns its value.
func (a *agent) must(t *testing.T, op string, args ...string) any {
	t.Helper()
	ans := a.do(t, op, args...)
	if ans.Err != "" || ans.Problem != "" {
		t.Fatalf("%s %s %v: %s%s", a.name, op, args, ans.Err, ans.Problem)
	}
	return ans.Value
}

// until repeats a command until ok accepts its answer.
func (a *agent) until(t *testing.T, what string, ok func(agentAnswer) bool, op string, args ...string) agentAnswer {
	t.Helper()
	var ans agentAnswer
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if ans = a.do(t, op, args...); ok(ans) {
			return ans
		}
	}
	t.Fatalf("%s: %s %v still answers %+v", what, op, args, ans)
	return ans
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func hasValue(want string) func(agentAnswer) bool {
	return func(a agentAnswer) bool {
		switch v := a.Value.(type) {
		case string:
			return v == want
		case []any:
			return slices.Contains(strs(v), want)
		}
		return false
	}
}

// decide records a department's opinion at central as its back office
// does, over HTTP with that department's back-office token.
func (h *wholeHall) decide(number, dept string, approve bool) {
	h.t.Helper()
	body, _ := json.Marshal(wire.Opinion{Case: number, Department: dept, Approve: approve})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+h.centralAt+wire.PathOpinions, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+h.adminTokens[dept])
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			// The case may not have reached central yet: the hub relays it.
			if resp.StatusCode != http.StatusNotFound || time.Now().After(deadline) {
				h.t.Fatalf("%s's opinion on %s: %d %s", dept, number, resp.StatusCode, msg)
			}
		} else if time.Now().After(deadline) {
			h.t.Fatalf("%s's opinion on %s: %v", dept, number, err)
		}
	}
}

// day is the whole hall's day of TestOneHall; between its parts, cut is
// called (nothing, a WAN cut, a hub killed).
func (h *wholeHall) day(t *testing.T, cut func(step string)) (numbers []string) {
	w1 := h.startAgent("W01", config.RoleWindow)
	w2 := h.startAgent("W02", config.RoleWindow)
	k := h.startAgent("K01", config.RoleKiosk)
	w1.must(t, "login", "S1001", samplePassword)
	w2.must(t, "login", "S1002", samplePassword)

	// A case taken in at window 1 is found at the kiosk by card and by
	// its receipt's code.
	cut("intake")
	c1 := w1.must(t, "accept", "GA-001", "0").(string)
	k.until(t, "the kiosk finds window 1's case by card", hasValue(c1), "by-card", "0")
	k.until(t, "the kiosk finds it by the receipt's code", hasValue(c1), "by-code", app.CaseQR(c1))

	// A kiosk application is accepted at window 2.
	cut("application")
	a1 := k.must(t, "apply", "GA-008", "3").(string)
	w2.until(t, "window 2's pre-review lists the kiosk's application", hasValue(a1), "prereview")
	if s := w2.must(t, "accept-application", a1); s != string(app.Accepted) {
		t.Fatalf("window 2 accepting %s: %v", a1, s)
	}

	// Three departments decide at central; all three opinions show at the
	// kiosk.
	cut("decisions")
	c3 := w1.must(t, "accept", "RS-008", "2").(string)
	for _, dept := range []string{"renshe", "yibao", "gjj"} {
		h.decide(c3, dept, true)
	}
	k.until(t, "the kiosk shows the three departments' opinions", func(a agentAnswer) bool {
		v, ok := a.Value.([]any)
		if !ok || len(v) != 4 || v[0] != string(app.Approved) {
			return false
		}
		for _, o := range strs(v)[1:] {
			if !strings.HasSuffix(o, ":approve") {
				return false
			}
		}
		return true
	}, "detail", c3)

	// The result is handed out at window 2, and the chain verifies.
	cut("hand-out")
	if s := w2.must(t, "hand-out", c3); s != string(app.ResultIssued) {
		t.Fatalf("window 2 handing out %s: %v", c3, s)
	}
	if v := strs(w2.must(t, "open", c3)); v[0] != string(app.ResultIssued) || v[1] != "3" || v[2] != "ok" {
		t.Errorf("case %s at window 2 after the hand-out: %v; want handed out, 3 opinions, a whole chain", c3, v)
	}

	// A rating for an unserved ticket is refused; one for a served ticket
	// is taken once, and its follow-up is closed at window 2.
	cut("ratings")
	tk := k.must(t, "take", "A").(string)
	if ans := k.do(t, "rate", tk, "1", "attitude"); ans.Problem != string(app.ProblemNotRateable) {
		t.Errorf("rating %s before it was served: %+v; want not rateable", tk, ans)
	}
	if ans := k.do(t, "rate", "Z999", "5"); ans.Problem != string(app.ProblemNotRateable) {
		t.Errorf("rating Z999, never issued: %+v; want not rateable", ans)
	}
	for _, step := range []string{"call", "start", "finish"} {
		w2.must(t, step)
	}
	if followUp := k.must(t, "rate", tk, "1", "attitude"); followUp != true {
		t.Errorf("a bad rating of a served ticket: follow-up %v; want one", followUp)
	}
	if ans := k.do(t, "rate", tk, "5"); ans.Problem != string(app.ProblemNotRateable) {
		t.Errorf("rating %s a second time: %+v; want not rateable (一次一评)", tk, ans)
	}
	fs := strs(w2.must(t, "follow-ups"))
	if len(fs) != 1 {
		t.Fatalf("window 2's follow-ups: %v; want the bad rating's", fs)
	}
	w2.must(t, "resolve", fs[0])
	if v := w2.must(t, "follow-ups"); v != nil {
		t.Errorf("follow-ups after closing: %v; want none", v)
	}
	cut("end")
	return []string{c1, a1, c3}
}

// TestOneHall: the hall's main promises across separate processes.
func TestOneHall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a whole hall of processes")
	}
	t.Parallel()
	t.Run("all up", func(t *testing.T) {
		t.Parallel()
		h := newWholeHall(t, nil)
		h.agree(t, h.day(t, func(string) {}))
	})
	// The wide-area network is cut (toxiproxy between the hall and
	// central) while the hall works across terminals, back for central's
	// decisions, cut again for the hand-out and the ratings.
	t.Run("WAN cut", func(t *testing.T) {
		t.Parallel()
		wan := toxiproxy.NewProxy(toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop()),
			"wan", freeAddress(t), "")
		h := newWholeHall(t, func(centralAt string) string {
			wan.Upstream = centralAt
			if err := wan.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(wan.Stop)
			return wan.Listen
		})
		h.agree(t, h.day(t, func(step string) {
			switch step {
			case "intake", "hand-out":
				wan.Stop()
			case "decisions", "end":
				if err := wan.Start(); err != nil {
					t.Fatal(err)
				}
			}
		}))
	})
	// The hub is killed (SIGKILL) and started again mid-way: while it is
	// down the kiosk takes an application and window 1 a case, which reach
	// the hall once it is back.
	t.Run("hub killed", func(t *testing.T) {
		t.Parallel()
		h := newWholeHall(t, nil)
		h.agree(t, h.day(t, func(step string) {
			switch step {
			case "application":
				h.killHub()
				back := h.hubCommand()
				go func() { time.Sleep(2 * time.Second); back.Start() }()
			case "decisions":
				h.waitListening(h.hubAt)
			case "hand-out":
				h.killHub()
				h.startHub()
			}
		}))
	})
}

// agree waits until central holds every step of each case as the hub
// does, once, and every rating the hub holds.
func (h *wholeHall) agree(t *testing.T, numbers []string) {
	t.Helper()
	hubDB, err := sql.Open("sqlite", "file:"+filepath.Join(h.dir, "H01-data", "onewindow.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer hubDB.Close()
	centralDB, err := sql.Open("sqlite", "file:"+h.centralDB+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer centralDB.Close()
	steps := func(db *sql.DB, number string) string {
		var s string
		db.QueryRow(`SELECT coalesce(group_concat(seq || ':' || hash, ' '), '') FROM (SELECT seq, hash FROM case_events WHERE case_number = ? ORDER BY seq)`, number).Scan(&s)
		return s
	}
	count := func(db *sql.DB, q string) int {
		var n int
		db.QueryRow(q).Scan(&n)
		return n
	}
	var last string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		last = ""
		for _, n := range numbers {
			if hs, cs := steps(hubDB, n), steps(centralDB, n); hs == "" || hs != cs {
				last += fmt.Sprintf("case %s: hub %q, central %q\n", n, hs, cs)
			}
		}
		if hr, cr := count(hubDB, `SELECT count(*) FROM ratings`), count(centralDB, `SELECT count(*) FROM ratings`); hr != cr || hr == 0 {
			last += fmt.Sprintf("ratings: hub %d, central %d\n", hr, cr)
		}
		if last == "" {
			return
		}
	}
	t.Errorf("central and the hub disagree:\n%s", last)
}
