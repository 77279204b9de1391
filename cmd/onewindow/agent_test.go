//go:build unix

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/desk"
	"onewindow/app/selfservice"
	"onewindow/device/sim/idreadersim"
)

// The test binary is also every process of the whole-hall test: with
// ONEWINDOW_CHILD=run it runs the real agentCmd in ONEWINDOW_ARGS (central
// serve, hub), and with ONEWINDOW_CHILD=agent it runs a window terminal or
// a kiosk exactly as its role wires it (bootTerminal, its devices, its
// sync, its use cases) but with commands on standard input in place of a
// screen: the test is the clerk and the citizen.
func TestMain(m *testing.M) {
	var args []string
	json.Unmarshal([]byte(os.Getenv("ONEWINDOW_ARGS")), &args)
	switch os.Getenv("ONEWINDOW_CHILD") {
	case "run":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, args, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	case "agent":
		os.Exit(agentMain(args, os.Stdin, os.Stdout, os.Stderr))
	case "xim":
		os.Exit(ximChild())
	}
	os.Exit(m.Run())
}

// agentCmd is one line an agent reads; agentAnswer is the line it writes back.
type agentCmd struct {
	Op   string   `json:"op"`
	Args []string `json:"args,omitempty"`
}

type agentAnswer struct {
	Value   any    `json:"value,omitempty"`
	Err     string `json:"err,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// agentMain runs a terminal of role args[0] from configuration args[1].
func agentMain(args []string, in io.Reader, out, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	role := config.Role(args[0])
	spec := bootSpec{role: role, what: "a " + string(role), path: args[1], sample: true}
	if role == config.RoleWindow {
		spec.loadSample = loadSampleWithPasswords
	}
	t, err := bootTerminal(ctx, spec, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "agent:", err)
		return 1
	}
	defer t.close()
	var do func(agentCmd) agentAnswer
	switch role {
	case config.RoleWindow:
		devs, err := openWindowDevices(t.ctx, t.cfg, t.log)
		if err != nil {
			fmt.Fprintln(stderr, "agent:", err)
			return 1
		}
		defer devs.close()
		d, err := windowDesk(t, devs)
		if err != nil {
			fmt.Fprintln(stderr, "agent:", err)
			return 1
		}
		go d.Run(t.ctx)
		do = (&windowAgent{ctx: t.ctx, d: d}).do
	default:
		devs := openKioskDevices(t.cfg, t.log)
		defer devs.close()
		p := kioskParts{store: t.store, hubURL: t.hubURL, hubCert: t.hubCert, hallKey: string(t.hallKey), terminal: t.cfg.Terminal, log: t.log}
		if _, err := t.startSync(&devs.serialDevices, "applications"); err != nil {
			fmt.Fprintln(stderr, "agent:", err)
			return 1
		}
		hall, err := t.store.Hall(t.ctx)
		if err != nil {
			fmt.Fprintln(stderr, "agent:", err)
			return 1
		}
		settings, _ := t.store.Settings(t.ctx)
		self, err := kioskSelfService(t.ctx, p, hall, settings)
		if err != nil {
			fmt.Fprintln(stderr, "agent:", err)
			return 1
		}
		do = (&kioskAgent{ctx: t.ctx, s: self}).do
	}
	enc := json.NewEncoder(out)
	enc.Encode(agentAnswer{Value: "ready"})
	lines := make(chan []byte)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
	}()
	for {
		select {
		case <-t.ctx.Done(): // stopped (SIGTERM), as a terminal is
			return 0
		case line, ok := <-lines:
			if !ok {
				return 0
			}
			var c agentCmd
			if err := json.Unmarshal(line, &c); err != nil {
				enc.Encode(agentAnswer{Err: err.Error()})
				continue
			}
			enc.Encode(do(c))
		}
	}
}

func reply(v any, err error) agentAnswer {
	if err != nil {
		return agentAnswer{Err: err.Error()}
	}
	return agentAnswer{Value: v}
}

func card(i string) app.IDCard {
	n := 0
	fmt.Sscan(i, &n)
	return idreadersim.SampleCards()[n].Card
}

// windowAgent is a clerk at a window terminal.
type windowAgent struct {
	ctx context.Context
	d   *desk.Desk
}

func (w *windowAgent) do(c agentCmd) agentAnswer {
	ctx, d, a := w.ctx, w.d, c.Args
	switch c.Op {
	case "login": // id password
		return reply(nil, d.Login(ctx, a[0], a[1]))
	case "accept": // item card: takes in a case with every material
		it, ok := d.Catalog().Item(a[0])
		if !ok {
			return reply(nil, fmt.Errorf("no item %s", a[0]))
		}
		who, err := d.ApplicantFromCard(card(a[1]))
		if err != nil {
			return reply(nil, err)
		}
		out, err := d.Accept(ctx, desk.IntakeForm{Item: it, Applicant: who, Received: it.AllMaterials()})
		if err == nil && out.PrintErr != nil {
			err = out.PrintErr
		}
		return reply(out.Case.Number, err)
	case "prereview":
		cs, err := d.PreReview(ctx)
		var ns []string
		for _, c := range cs {
			ns = append(ns, c.Number)
		}
		return reply(ns, err)
	case "accept-application": // number
		c, err := d.Open(ctx, a[0])
		if err != nil {
			return reply(nil, err)
		}
		out, err := d.AcceptApplication(ctx, a[0], c.Item.AllMaterials())
		return reply(string(out.Case.State), err)
	case "hand-out": // number
		c, err := d.HandOut(ctx, a[0])
		return reply(string(c.State), err)
	case "open": // number: the state, the departments that gave their opinion, the chain
		det, err := d.Open(ctx, a[0])
		if err != nil {
			return reply(nil, err)
		}
		given := 0
		for _, st := range det.Departments {
			if st.Given {
				given++
			}
		}
		chain := "ok"
		if det.ChainErr != nil {
			chain = det.ChainErr.Error()
		}
		return reply([]string{string(det.Case.State), fmt.Sprint(given), chain, fmt.Sprint(len(det.Events))}, nil)
	case "call":
		t, err := d.CallNext(ctx)
		return reply(t.Code, err)
	case "start":
		t, err := d.Start(ctx)
		return reply(t.Code, err)
	case "finish":
		t, err := d.Finish(ctx)
		return reply(t.Code, err)
	case "follow-ups":
		fs, err := d.FollowUps(ctx)
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.Rating)
		}
		return reply(ids, err)
	case "resolve": // rating
		return reply(nil, d.ResolveFollowUp(ctx, a[0], app.FollowUpActions[0].Code))
	}
	return reply(nil, fmt.Errorf("a window does not %q", c.Op))
}

// kioskAgent is a citizen at a kiosk.
type kioskAgent struct {
	ctx context.Context
	s   *selfservice.Service
}

func problem(p app.KioskProblem) agentAnswer {
	return agentAnswer{Problem: string(p)}
}

func (k *kioskAgent) do(c agentCmd) agentAnswer {
	ctx, s, a := k.ctx, k.s, c.Args
	switch c.Op {
	case "take": // category
		n := s.TakeNumber()
		is, p := s.Issue(ctx, n.Request(a[0]))
		if p != app.ProblemNone {
			return problem(p)
		}
		return reply(is.Ticket.Code, nil)
	case "by-card": // card
		vs, p := s.CasesByCard(ctx, card(a[0]))
		if p != app.ProblemNone {
			return problem(p)
		}
		var ns []string
		for _, v := range vs {
			ns = append(ns, v.Number)
		}
		return reply(ns, nil)
	case "by-code": // code
		v, p := s.CaseByCode(ctx, a[0])
		if p != app.ProblemNone {
			return problem(p)
		}
		return reply(v.Number, nil)
	case "detail": // number: the state, then each department's opinion
		d, p := s.CaseDetail(ctx, a[0])
		if p != app.ProblemNone {
			return problem(p)
		}
		out := []string{string(d.State)}
		for _, o := range d.Departments {
			switch {
			case !o.Given:
				out = append(out, o.Department.Zh+":pending")
			case o.Approve:
				out = append(out, o.Department.Zh+":approve")
			default:
				out = append(out, o.Department.Zh+":deny")
			}
		}
		return reply(out, nil)
	case "apply": // item card
		it, ok := s.Item(a[0])
		if !ok {
			return reply(nil, fmt.Errorf("no item %s", a[0]))
		}
		ap := s.Apply(it)
		ap.Card(card(a[1]))
		ap.Phone = "13800138000"
		for i, m := range it.Materials {
			if m.Required {
				ap.Hold(i, true)
			}
		}
		r, p := s.Submit(ctx, *ap)
		if p != app.ProblemNone {
			return problem(p)
		}
		return reply(r.Case.Number, nil)
	case "rate": // ticket-or-case level [reason]
		r := selfservice.Rating{Level: app.RatingLevel(atoiOr(a[1]))}
		if len(a[0]) == 4 {
			r.Ticket = a[0]
		} else {
			r.Case = a[0]
		}
		if len(a) > 2 {
			r.Reasons = a[2:]
		}
		followUp, p := s.Rate(ctx, r)
		if p != app.ProblemNone {
			return problem(p)
		}
		return reply(followUp, nil)
	}
	return reply(nil, errors.New("a kiosk does not "+c.Op))
}

func atoiOr(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}
