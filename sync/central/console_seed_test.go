package central

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/assets"
)

// The console benchmark's central: 1,000,000 cases over 100 halls and what
// goes with them, written straight into central's tables.

// benchLogins are the accounts the benchmark logs in as, one per role.
var benchLogins = []console.Account{
	{Login: "bench-gongan", Name: "公安审批", Role: console.Reviewer, Department: "gongan"},
	{Login: "bench-admin", Name: "管理员", Role: console.Admin},
	{Login: "bench-province", Name: "省监察", Role: console.Supervisor},
	{Login: "bench-xixi", Name: "西溪大厅", Role: console.Manager, Halls: []string{benchBusyHall}},
}

var benchNames = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴军", "欧阳明月", "徐丽"}

// benchSeed fills central: the catalogue, calendar and 100 halls
// published, a hub and 8 window terminals a hall, the cases with their
// events and opinions, ratings, the busy hall's queue, accounts and an
// audit log.
func benchSeed(b *testing.B, c *Central) {
	b.Helper()
	ctx := context.Background()
	t0 := time.Now()
	if _, err := c.PublishCatalog(ctx, assets.SampleCatalog); err != nil {
		b.Fatal(err)
	}
	if _, err := c.PublishCalendar(ctx, assets.Calendar2026); err != nil {
		b.Fatal(err)
	}
	var sample app.Hall
	if err := json.Unmarshal(assets.SampleHall, &sample); err != nil {
		b.Fatal(err)
	}
	halls := benchHallCodes()
	var terminals [][]any
	for i, code := range halls {
		h := sample
		h.Code = code
		if code != benchBusyHall {
			h.Name = app.Text{Zh: fmt.Sprintf("第%d政务服务中心", i+1), En: fmt.Sprintf("Service Center %d", i+1)}
		}
		body, _ := json.Marshal(h)
		if _, err := c.PublishHall(ctx, body); err != nil {
			b.Fatal(err)
		}
		terminals = append(terminals, []any{code + "H01", code, "hub"})
		for w := 1; w <= 8; w++ {
			terminals = append(terminals, []any{fmt.Sprintf("%sW%02d", code, w), code, "window"})
		}
	}
	cat, err := c.catalogNow(ctx)
	if err != nil {
		b.Fatal(err)
	}
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	must(c.tx(ctx, func(x q) error {
		return x.bulk(ctx, `terminals (id, hall, role)`, 3, terminals, ``)
	}))

	// Cases, in transactions of 20,000.
	r := rand.New(rand.NewPCG(17, 6))
	now := benchNow
	var events, running, opinions int
	const chunk = 20_000
	for start := 0; start < benchCases; start += chunk {
		var cases, evs, ops [][]any
		for i := start; i < min(start+chunk, benchCases); i++ {
			hall := halls[i%benchHalls]
			it := cat.Items[r.IntN(len(cat.Items))]
			deciders := it.Parallel
			if len(deciders) == 0 {
				deciders = it.Departments
			}
			// Accepted over the last year, in working hours.
			ageDays := r.IntN(365)
			day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, app.HallZone).AddDate(0, 0, -ageDays)
			accepted := day.Add(8*time.Hour + 30*time.Minute + time.Duration(r.IntN(8*3600))*time.Second)
			if accepted.After(now) {
				accepted = now.Add(-time.Duration(r.IntN(3600)) * time.Second)
			}
			limit := 5 + r.IntN(16) // days the hall promised
			due := app.DateOf(accepted.AddDate(0, 0, limit))
			window := 1 + r.IntN(8)
			terminal := fmt.Sprintf("%sW%02d", hall, window)
			number := fmt.Sprintf("%s-%s-%07d", terminal, accepted.Format("20060102"), i)
			state, decision, decidedAt := string(app.Accepted), "", ""
			acceptedAt := stamp(accepted)
			var decided time.Time
			notYetDue := string(due) >= string(app.DateOf(now))
			roll := r.Float64()
			switch {
			case ageDays < 60 && ((notYetDue && roll < 0.6) || (!notYetDue && roll < 0.03)):
				running++
				if r.IntN(2) == 0 {
					state = string(app.InReview)
				}
			case roll > 0.99:
				state = string(app.Refused)
			default:
				decided = accepted.Add(time.Duration(1+r.IntN(limit*24)) * time.Hour)
				if decided.After(now) {
					decided = now.Add(-time.Minute)
				}
				decision = string(app.Approved)
				if r.IntN(20) == 0 {
					decision = string(app.Denied)
				}
				decidedAt = stamp(decided)
				state = decision
				if ageDays > 30 {
					state = string(app.Closed)
				}
			}
			dueDate := string(due)
			if state == string(app.Refused) {
				acceptedAt, dueDate = "", ""
			}
			name := benchNames[i%len(benchNames)]
			id := fmt.Sprintf("3301%02d19%02d%02d%02d%03d", i%100, 50+i%50, 1+i%12, 1+i%28, i%1000)
			id += "X"
			phone := fmt.Sprintf("13%09d", i)
			decDept, decNote := "", ""
			if decision != "" {
				decDept = deciders[0]
			}
			cases = append(cases, []any{number, terminal, hall, it.Code,
				c.keys.Seal(name, "case/"+number+"/name"), c.keys.Seal(id, "case/"+number+"/id"),
				c.keys.Seal(phone, "case/"+number+"/phone"), c.keys.Index("id", id),
				"[0,1,2]", "[]", "", state, window, fmt.Sprintf("S%d", 1000+window), fmt.Sprintf("A%03d", 1+i%300),
				stamp(accepted), acceptedAt, dueDate, dueDate, stamp(now), "",
				decision, decDept, decNote, decidedAt})

			if ageDays >= 90 && decision != "" {
				continue // older cases: no timeline here, no opinions
			}
			clerk := fmt.Sprintf("S%d", 1000+window)
			var prev string
			step := func(seq int, actor, action string, s app.CaseState, at time.Time) {
				e := app.CaseEvent{Case: number, Seq: seq, Actor: actor, Action: action, State: s, At: at.UTC(), PrevHash: prev}
				e.Hash = e.ComputeHash()
				prev = e.Hash
				evs = append(evs, []any{e.Case, e.Seq, e.Actor, e.Action, string(e.State), stamp(e.At), e.Note, e.PrevHash, e.Hash})
			}
			step(1, clerk, "submitted", app.Submitted, accepted)
			if state == string(app.Refused) {
				step(2, clerk, "refused", app.Refused, accepted)
				continue
			}
			step(2, clerk, "accepted", app.Accepted, accepted)
			switch {
			case decision != "":
				for _, d := range deciders {
					ops = append(ops, []any{number, d, flag(decision == string(app.Approved)), "同意", stamp(decided)})
				}
				step(3, "central:"+deciders[0], "decided", app.CaseState(decision), decided)
				if state == string(app.Closed) {
					step(4, clerk, "closed", app.Closed, decided.Add(24*time.Hour))
				}
			case state == string(app.InReview):
				step(3, clerk, "in_review", app.InReview, accepted.Add(time.Hour))
				// Some of a parallel item's departments have given theirs.
				if len(it.Parallel) > 1 {
					for _, d := range it.Parallel[:r.IntN(len(it.Parallel))] {
						ops = append(ops, []any{number, d, 1, "同意", stamp(accepted.Add(2 * time.Hour))})
					}
				}
			}
		}
		events += len(evs)
		opinions += len(ops)
		must(c.tx(ctx, func(x q) error {
			if err := x.bulk(ctx, `cases (number, terminal, hall, item_code, name_sealed, id_sealed, phone_sealed, id_index,
				received, missing, reason, state, window_no, clerk, ticket, submitted_at, accepted_at, due_date, statutory_date, updated_at,
				applicant_document, decision, decision_dept, decision_note, decided_at)`, 25, cases, ``); err != nil {
				return err
			}
			if err := x.bulk(ctx, `case_events (case_number, seq, actor, action, state, at, note, prev_hash, hash)`, 9, evs, ``); err != nil {
				return err
			}
			return x.bulk(ctx, `opinions (case_number, department, approve, reason, at)`, 5, ops, ``)
		}))
	}
	tCases := time.Since(t0)

	// Ratings over the year, every hall; bad ones get a follow-up due three
	// days on, resolved but for the last week's.
	var ratings [][]any
	flushRatings := func() {
		must(c.tx(ctx, func(x q) error {
			return x.bulk(ctx, `ratings (id, terminal, level, reasons, comment_sealed, ticket, case_number, window_no, clerk, at,
				follow_up_due, resolved_at, resolution)`, 13, ratings, ``)
		}))
		ratings = ratings[:0]
	}
	rating := func(id, hall string, window int, at time.Time, ticket string) {
		level := 5 - r.IntN(3)
		due, resolved, resolution := "", "", ""
		if r.IntN(30) == 0 {
			level = 1 + r.IntN(2)
			due = string(app.DateOf(at.AddDate(0, 0, 3)))
			if now.Sub(at) > 7*24*time.Hour {
				resolved, resolution = stamp(at.Add(48*time.Hour)), "S2001: 已回访"
			}
		}
		ratings = append(ratings, []any{id, fmt.Sprintf("%sW%02d", hall, window), level, "[]", nil, ticket, "",
			window, fmt.Sprintf("S%d", 1000+window), stamp(at), due, resolved, resolution})
		if len(ratings) == 20_000 {
			flushRatings()
		}
	}
	for i := range benchRatings {
		at := now.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		rating(fmt.Sprintf("R%08d", i), halls[i%benchHalls], 1+r.IntN(8), at, fmt.Sprintf("B%03d", 1+r.IntN(300)))
	}

	// The busy hall's queue, the last 7 days: issued, called, serving,
	// finished; today's last tickets still wait. A rating for one in four.
	var tickets [][]any
	cats := []string{"A", "B", "C", "D", "E", "F", "G", "H"}
	for d := 6; d >= 0; d-- {
		day := time.Date(now.Year(), now.Month(), now.Day(), 8, 30, 0, 0, app.HallZone).AddDate(0, 0, -d)
		date := string(app.DateOf(day))
		span := 8 * time.Hour
		if d == 0 {
			span = now.Sub(day)
		}
		seq := map[string]int{}
		for k := range benchTickets {
			cat := cats[r.IntN(len(cats))]
			seq[cat]++
			ticket := fmt.Sprintf("%s%03d", cat, seq[cat])
			issued := day.Add(span * time.Duration(k) / benchTickets)
			window := 1 + r.IntN(8)
			called := issued.Add(time.Duration(2+r.IntN(40)) * time.Minute)
			finished := called.Add(time.Duration(3+r.IntN(15)) * time.Minute)
			term := benchBusyHall + "H01"
			row := func(kind string, at time.Time, state string, win int, calledAt, finishedAt time.Time) {
				tickets = append(tickets, []any{fmt.Sprintf("T%s-%s-%d-%s", date, ticket, len(tickets), kind), term, benchBusyHall,
					ticket, date, cat, kind, stamp(at), win, "", state, stamp(issued), stamp(calledAt), stamp(finishedAt), 0})
			}
			row("issued", issued, "waiting", 0, time.Time{}, time.Time{})
			if d == 0 && called.After(now) {
				continue
			}
			row("called", called, "called", window, called, time.Time{})
			if r.IntN(25) == 0 {
				row("no_show", called.Add(3*time.Minute), "no_show", window, called, time.Time{})
				continue
			}
			row("serving", called.Add(time.Minute), "serving", window, called, time.Time{})
			if d == 0 && finished.After(now) {
				continue
			}
			row("finished", finished, "done", window, called, finished)
			if r.IntN(4) == 0 {
				rating(fmt.Sprintf("Q%s%s", date, ticket), benchBusyHall, window, finished.Add(time.Minute), ticket)
			}
		}
	}
	if len(ratings) > 0 {
		flushRatings()
	}
	must(c.tx(ctx, func(x q) error {
		return x.bulk(ctx, `ticket_events (op_id, terminal, hall, ticket, day, category, kind, at, window_no, priority, state,
			issued_at, called_at, finished_at, recalls)`, 15, tickets, ``)
	}))

	// Accounts: the benchmark's own (made as the command line makes them),
	// and a province's worth more with one password hash.
	svc := console.NewService(c, app.NewManualClock(now.Add(-365*24*time.Hour)))
	for _, a := range benchLogins {
		must(svc.CreateAccount(ctx, console.CommandLine, a, benchPassword))
	}
	hash, err := app.HashPassword(benchPassword, app.DefaultPasswordParams)
	must(err)
	var accounts [][]any
	for i := range benchAccounts - len(benchLogins) {
		a := console.Account{Login: fmt.Sprintf("user%04d", i), Name: benchNames[i%len(benchNames)], PasswordHash: hash,
			Created: now.AddDate(0, 0, -300), CreatedBy: "bench-admin"}
		switch {
		case i%10 < 7:
			a.Role, a.Department = console.Reviewer, cat.Departments[i%len(cat.Departments)].Code
		case i%10 < 9:
			a.Role, a.Halls = console.Manager, []string{halls[i%benchHalls]}
		default:
			a.Role, a.Scope = console.Supervisor, halls[i%benchHalls][:4]
		}
		accounts = append(accounts, accountArgs(a))
	}
	must(c.tx(ctx, func(x q) error { return x.bulk(ctx, `console_accounts (`+accountCols+`)`, 13, accounts, ``) }))

	// The audit log: a year of logins, opinions and reveals.
	var audit [][]any
	actions := []string{console.AuditLogin, console.AuditLogin, console.AuditOpinion, console.AuditOpinion, console.AuditReveal,
		console.AuditLogout, console.AuditLoginFailed}
	for i := range benchAuditRows {
		at := now.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		login := fmt.Sprintf("user%04d", r.IntN(benchAccounts-len(benchLogins)))
		action := actions[r.IntN(len(actions))]
		target := login
		if action == console.AuditOpinion || action == console.AuditReveal {
			target = fmt.Sprintf("%sW01-%s-%07d", halls[r.IntN(benchHalls)], at.In(app.HallZone).Format("20060102"), r.IntN(benchCases))
		}
		audit = append(audit, []any{fmt.Sprintf("a%09d", i), stamp(at), login, action, target, "10.1.2.3", ""})
	}
	must(c.tx(ctx, func(x q) error {
		return x.bulk(ctx, `console_audit (id, at, login, action, target, remote, detail)`, 7, audit, ``)
	}))
	// PostgreSQL's autovacuum vacuums and analyses tables soon after they
	// fill; here it is done at once. Central never analyses a SQLite
	// database, so neither does the benchmark.
	if c.d.name == "postgres" {
		_, err := c.db.ExecContext(ctx, `VACUUM ANALYZE`)
		must(err)
	}
	b.Logf("%s: seeded %d cases (%d running, %d events, %d opinions) in %v; everything in %v", c.d.name, benchCases, running,
		events, opinions, tCases.Round(time.Second), time.Since(t0).Round(time.Second))
}
