package console_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
)

// caseWorld is a world with a hall's hub that pushed two cases: GA-001,
// decided by 公安 alone, and WJ-001, by 卫健, 公安, 医保 and 人社.
type caseWorld struct {
	*world
	single, multi app.Case
}

func newCaseWorld(t *testing.T) *caseWorld {
	t.Helper()
	w := &caseWorld{world: newWorld(t)}
	srv := scene.Serve(t, w.c, central.ServerOptions{})
	st := scene.OpenStore(t, t.TempDir(), w.clock)
	t.Cleanup(func() { st.Close() })
	opt := link.Options{Clock: w.clock, Timeout: 10 * time.Second}
	scene.Enrol(t, w.c, srv.URL, st, opt)
	l, err := link.New(w.ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Pull(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.single = scene.TakeIn(t, st, "GA-001", 1)
	w.multi = scene.TakeIn(t, st, "WJ-001", 2)
	if _, err := l.Push(w.ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func numbers(rows []console.CaseRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Number)
	}
	slices.Sort(out)
	return out
}

// TestWorklistIsForReviewers: each department sees the cases it decides;
// no other role has a worklist.
func TestWorklistIsForReviewers(t *testing.T) {
	w := newCaseWorld(t)
	for _, login := range []string{"admin", "xixi", "jiancha", "province"} {
		if rows, err := w.svc.Worklist(w.ctx, w.actor(t, login)); !errors.Is(err, console.ErrForbidden) || rows != nil {
			t.Errorf("%s's worklist: %v, %v; want ErrForbidden", login, numbers(rows), err)
		}
	}
	both := []string{w.single.Number, w.multi.Number}
	slices.Sort(both)
	for login, want := range map[string][]string{
		"gongan":   both,
		"yibao":    {w.multi.Number},
		"shichang": nil,
	} {
		rows, err := w.svc.Worklist(w.ctx, w.actor(t, login))
		if err != nil || !slices.Equal(numbers(rows), want) {
			t.Fatalf("%s's worklist: %v, %v; want %v", login, numbers(rows), err, want)
		}
		for _, r := range rows {
			if r.Light != app.Green || r.Applicant == "" || strings.Contains(r.Applicant, scene.Applicant(1).Name) {
				t.Fatalf("%s's row: %+v; want a green light and a masked name", login, r)
			}
		}
	}
	// An opinion given takes the case off the department's list only.
	if err := w.svc.Decide(w.ctx, w.actor(t, "yibao"), w.multi.Number, true, ""); err != nil {
		t.Fatal(err)
	}
	if rows, _ := w.svc.Worklist(w.ctx, w.actor(t, "yibao")); len(rows) != 0 {
		t.Fatalf("医保's worklist after its opinion: %v", numbers(rows))
	}
	if rows, _ := w.svc.Worklist(w.ctx, w.actor(t, "gongan")); !slices.Equal(numbers(rows), both) {
		t.Fatalf("公安's worklist after 医保's opinion: %v; want %v", numbers(rows), both)
	}
}

// TestCaseRights: who may read a case, masked unless revealed (audited),
// and who may decide it.
func TestCaseRights(t *testing.T) {
	w := newCaseWorld(t)
	applicant := scene.Applicant(1)
	for _, tc := range []struct {
		login  string
		number string
		ok     bool
	}{
		{"gongan", w.single.Number, true},
		{"gongan", w.multi.Number, true},
		{"yibao", w.single.Number, false},
		{"yibao", w.multi.Number, true},
		{"shichang", w.single.Number, false},
		{"shichang", w.multi.Number, false},
		{"xixi", w.single.Number, true},
		{"other", w.single.Number, false},
		{"jiancha", w.multi.Number, true},
		{"province", w.multi.Number, true},
		{"elsewhere", w.single.Number, false},
		{"admin", w.single.Number, false},
		{"gongan", "NO-SUCH-CASE", false},
		{"province", "NO-SUCH-CASE", false},
	} {
		f, err := w.svc.Case(w.ctx, w.actor(t, tc.login), tc.number, false)
		if !tc.ok {
			if !errors.Is(err, console.ErrForbidden) || f.Number != "" {
				t.Errorf("%s reads %s: %q, %v; want ErrForbidden", tc.login, tc.number, f.Number, err)
			}
			if _, err := w.svc.Case(w.ctx, w.actor(t, tc.login), tc.number, true); !errors.Is(err, console.ErrForbidden) {
				t.Errorf("%s reveals %s: %v; want ErrForbidden", tc.login, tc.number, err)
			}
			continue
		}
		if err != nil || f.Number != tc.number || f.Light != app.Green {
			t.Errorf("%s reads %s: %+v, %v", tc.login, tc.number, f.CaseRow, err)
		}
	}
	if log := w.log(t, "NO-SUCH-CASE"); len(log) != 0 {
		t.Fatalf("a refused reveal is in the audit log: %+v", log)
	}

	gongan := w.actor(t, "gongan")
	f, err := w.svc.Case(w.ctx, gongan, w.single.Number, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Applicant.Name != app.MaskName(applicant.Name) || f.Applicant.Name == applicant.Name ||
		string(f.Applicant.IDNumber) != applicant.IDNumber.Masked() || f.Applicant.Phone != app.MaskPhone(applicant.Phone) {
		t.Fatalf("the masked file: %+v; want %s", f.Applicant, applicant.Name)
	}
	if log := w.log(t, w.single.Number); len(log) != 0 {
		t.Fatalf("a masked reading is in the audit log: %+v", log)
	}
	w.clock.Advance(time.Minute)
	if f, err = w.svc.Case(w.ctx, gongan, w.single.Number, true); err != nil {
		t.Fatal(err)
	}
	if f.Applicant.Name != applicant.Name || f.Applicant.IDNumber != applicant.IDNumber {
		t.Fatalf("the revealed file: %+v; want %+v", f.Applicant, applicant)
	}
	log := w.log(t, w.single.Number)
	if len(log) != 1 || log[0].Action != console.AuditReveal || log[0].Login != "gongan" || !log[0].At.Equal(w.clock.Now()) {
		t.Fatalf("the reveal's audit log: %+v", log)
	}

	// Only a reviewer of a deciding department decides.
	for _, tc := range []struct{ login, number string }{
		{"yibao", w.single.Number}, {"shichang", w.multi.Number}, {"xixi", w.single.Number},
		{"jiancha", w.single.Number}, {"admin", w.single.Number}, {"gongan", "NO-SUCH-CASE"},
	} {
		if err := w.svc.Decide(w.ctx, w.actor(t, tc.login), tc.number, true, ""); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s decides %s: %v; want ErrForbidden", tc.login, tc.number, err)
		}
	}
	if f, _ := w.c.CaseFile(w.ctx, w.single.Number); len(f.Opinions) != 0 {
		t.Fatalf("refused opinions were recorded: %+v", f.Opinions)
	}
	w.clock.Advance(time.Minute)
	if err := w.svc.Decide(w.ctx, gongan, w.single.Number, false, "材料不实"); err != nil {
		t.Fatal(err)
	}
	f, _ = w.c.CaseFile(w.ctx, w.single.Number)
	if len(f.Opinions) != 1 || f.Opinions[0].Department != "gongan" || f.Opinions[0].Approve || f.Opinions[0].Reason != "材料不实" {
		t.Fatalf("opinions: %+v; want 公安's denial", f.Opinions)
	}
	if log := w.log(t, w.single.Number); log[len(log)-1].Action != console.AuditOpinion || log[len(log)-1].Detail != "gongan deny" {
		t.Fatalf("the opinion's audit line: %+v", log[len(log)-1])
	}
}

// TestSupervisionAndDashboardsFollowTheArea: a supervisor sees the running
// cases and halls of their area; a hall's dashboard is for its manager and
// its area's supervisors.
func TestSupervisionAndDashboardsFollowTheArea(t *testing.T) {
	w := newCaseWorld(t)
	for _, login := range []string{"admin", "gongan", "xixi"} {
		if _, err := w.svc.Supervise(w.ctx, w.actor(t, login), console.SupervisionFilter{}); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s supervises: %v; want ErrForbidden", login, err)
		}
	}
	both := []string{w.single.Number, w.multi.Number}
	slices.Sort(both)
	for _, tc := range []struct {
		login string
		f     console.SupervisionFilter
		cases []string
		halls int
	}{
		{"jiancha", console.SupervisionFilter{}, both, 1},
		{"province", console.SupervisionFilter{}, both, 1},
		{"elsewhere", console.SupervisionFilter{}, nil, 0},
		{"jiancha", console.SupervisionFilter{Hall: scene.Hall}, both, 1},
		{"jiancha", console.SupervisionFilter{Department: "yibao"}, []string{w.multi.Number}, 1},
		{"jiancha", console.SupervisionFilter{Department: "minzheng"}, nil, 1},
		{"jiancha", console.SupervisionFilter{Item: "GA-001"}, []string{w.single.Number}, 1},
		{"jiancha", console.SupervisionFilter{Department: "yibao", Item: "GA-001"}, nil, 1},
		{"jiancha", console.SupervisionFilter{Light: app.Red}, nil, 1},
	} {
		sup, err := w.svc.Supervise(w.ctx, w.actor(t, tc.login), tc.f)
		if err != nil || !slices.Equal(numbers(sup.Cases), tc.cases) || len(sup.Halls) != tc.halls {
			t.Fatalf("%s supervises %+v: %v (%d halls), %v; want %v (%d halls)", tc.login, tc.f, numbers(sup.Cases),
				len(sup.Halls), err, tc.cases, tc.halls)
		}
		if len(sup.Trend) != 30 || sup.Trend[29].Day != app.DateOf(w.clock.Now()) {
			t.Fatalf("%s: the trend has %d days", tc.login, len(sup.Trend))
		}
	}
	sup, _ := w.svc.Supervise(w.ctx, w.actor(t, "jiancha"), console.SupervisionFilter{Light: app.Red, Days: 7})
	if sup.Counts[app.Green] != 2 || len(sup.Trend) != 7 || sup.Trend[6].Accepted != 2 {
		t.Fatalf("counts %v, trend %+v; want 2 green, 7 days ending with 2 accepted", sup.Counts, sup.Trend)
	}
	for _, login := range []string{"elsewhere"} {
		if _, err := w.svc.Supervise(w.ctx, w.actor(t, login), console.SupervisionFilter{Hall: scene.Hall}); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s supervises a hall outside their area: %v; want ErrForbidden", login, err)
		}
	}

	for login, sees := range map[string]bool{"xixi": true, "jiancha": true, "province": true, "other": false,
		"elsewhere": false, "admin": false, "gongan": false} {
		halls, err := w.svc.HallsOf(w.ctx, w.actor(t, login))
		if err != nil || (len(halls) == 1) != sees || sees && halls[0].Code != scene.Hall {
			t.Errorf("%s's halls: %+v, %v; want the hall %v", login, halls, err, sees)
		}
		d, err := w.svc.HallDashboard(w.ctx, w.actor(t, login), scene.Hall, "")
		if !sees {
			if !errors.Is(err, console.ErrForbidden) {
				t.Errorf("%s opens the hall's dashboard: %v; want ErrForbidden", login, err)
			}
			continue
		}
		if err != nil || d.Hall.Code != scene.Hall || d.Day != app.DateOf(w.clock.Now()) {
			t.Errorf("%s's dashboard: %+v, %v", login, d, err)
		}
	}
}
