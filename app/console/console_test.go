package console_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/sync/central"
	"onewindow/sync/scene"
)

// fastParams keep argon2id cheap in tests; the hashes still verify as real
// ones do.
var fastParams = app.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const password = "console-pass-1"

// world is a central on SQLite with the sample catalogue, hall and
// calendar, the console's service on it, and one account of each kind.
type world struct {
	ctx   context.Context
	c     *central.Central
	svc   *console.Service
	clock *app.ManualClock
}

var accounts = []console.Account{
	{Login: "admin", Name: "管理员", Role: console.Admin},
	{Login: "gongan", Name: "公安审批", Role: console.Reviewer, Department: "gongan"},
	{Login: "yibao", Name: "医保审批", Role: console.Reviewer, Department: "yibao"},
	{Login: "shichang", Name: "市场审批", Role: console.Reviewer, Department: "shichang"},
	{Login: "xixi", Name: "西溪大厅", Role: console.Manager, Halls: []string{scene.Hall}},
	{Login: "other", Name: "别的大厅", Role: console.Manager, Halls: []string{"330999"}},
	{Login: "jiancha", Name: "监察", Role: console.Supervisor, Scope: "3301"},
	{Login: "elsewhere", Name: "别区监察", Role: console.Supervisor, Scope: "3302"},
	{Login: "province", Name: "全省监察", Role: console.Supervisor},
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{ctx: context.Background(), clock: app.NewManualClock(scene.Start)}
	w.c = scene.Central(t, filepath.Join(t.TempDir(), "central.db"), w.clock)
	w.svc = console.NewService(w.c, w.clock)
	w.svc.Params = fastParams
	for _, a := range accounts {
		if err := w.svc.CreateAccount(w.ctx, console.CommandLine, a, password); err != nil {
			t.Fatalf("create %s: %v", a.Login, err)
		}
	}
	return w
}

// actor is the account of login as it is stored, at a browser.
func (w *world) actor(t *testing.T, login string) console.Actor {
	t.Helper()
	a, err := w.c.Account(w.ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	return console.Actor{Account: a, Remote: "192.0.2.7"}
}

func (w *world) account(t *testing.T, login string) console.Account {
	t.Helper()
	return w.actor(t, login).Account
}

// login logs in with the right password and fails the test otherwise.
func (w *world) login(t *testing.T, login, pass string) (string, console.Session) {
	t.Helper()
	token, sess, err := w.svc.Login(w.ctx, login, pass, "192.0.2.7")
	if err != nil {
		t.Fatalf("login as %s: %v", login, err)
	}
	return token, sess
}

// alive checks the token's session and fails the test unless it is on.
func (w *world) alive(t *testing.T, token, what string) (console.Account, console.Session) {
	t.Helper()
	a, sess, err := w.svc.Check(w.ctx, token)
	if err != nil {
		t.Fatalf("%s: the session ended: %v", what, err)
	}
	return a, sess
}

func (w *world) over(t *testing.T, token, what string) {
	t.Helper()
	if a, _, err := w.svc.Check(w.ctx, token); !errors.Is(err, console.ErrSessionOver) {
		t.Fatalf("%s: Check = %q, %v; want ErrSessionOver", what, a.Login, err)
	}
}

// log is the audit log's lines about target, oldest first.
func (w *world) log(t *testing.T, target string) []console.AuditEntry {
	t.Helper()
	log, err := w.c.AuditLog(w.ctx, console.AuditFilter{Target: target, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(log)
	return log
}

func problems(err error) []string {
	var pe *app.ProblemsError
	if !errors.As(err, &pe) {
		return nil
	}
	var fields []string
	for _, p := range pe.Problems {
		field, _, _ := strings.Cut(p, ":")
		if !slices.Contains(fields, field) {
			fields = append(fields, field)
		}
	}
	return fields
}

func TestAccountValidate(t *testing.T) {
	w := newWorld(t)
	cat, err := w.c.Catalog(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ok := func(a console.Account) console.Account { return a }
	reviewer := console.Account{Login: "gongan.01", Name: "公安审批", Role: console.Reviewer, Department: "gongan"}
	with := func(f func(*console.Account)) console.Account { a := reviewer; f(&a); return a }
	for _, tc := range []struct {
		name string
		a    console.Account
		cat  *app.Catalog
		want []string // the fields with a problem
	}{
		{"reviewer gongan", reviewer, cat, nil},
		{"reviewer yibao", with(func(a *console.Account) { a.Department = "yibao" }), cat, nil},
		{"reviewer weijian", with(func(a *console.Account) { a.Department = "weijian" }), cat, nil},
		{"manager", ok(console.Account{Login: "xixi", Name: "西溪", Role: console.Manager, Halls: []string{"330106", "330107"}}), cat, nil},
		{"supervisor of a district", ok(console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Scope: "330106"}), cat, nil},
		{"supervisor of the province", ok(console.Account{Login: "jc", Name: "监察", Role: console.Supervisor}), cat, nil},
		{"admin", ok(console.Account{Login: "root_1", Name: "管理员", Role: console.Admin}), cat, nil},
		{"login of 2", with(func(a *console.Account) { a.Login = "ab" }), cat, nil},
		{"login of 32", with(func(a *console.Account) { a.Login = strings.Repeat("a", 32) }), cat, nil},
		{"name of 40 characters", with(func(a *console.Account) { a.Name = strings.Repeat("审", 40) }), cat, nil},

		{"login of 1", with(func(a *console.Account) { a.Login = "a" }), cat, []string{"login"}},
		{"login of 33", with(func(a *console.Account) { a.Login = strings.Repeat("a", 33) }), cat, []string{"login"}},
		{"login starting with a dot", with(func(a *console.Account) { a.Login = ".gongan" }), cat, []string{"login"}},
		{"login starting with a dash", with(func(a *console.Account) { a.Login = "-gongan" }), cat, []string{"login"}},
		{"login with a space", with(func(a *console.Account) { a.Login = "gong an" }), cat, []string{"login"}},
		{"login in Chinese", with(func(a *console.Account) { a.Login = "公安" }), cat, []string{"login"}},
		{"empty login", with(func(a *console.Account) { a.Login = "" }), cat, []string{"login"}},
		{"empty name", with(func(a *console.Account) { a.Name = "" }), cat, []string{"name"}},
		{"blank name", with(func(a *console.Account) { a.Name = "  \t " }), cat, []string{"name"}},
		{"name of 41 characters", with(func(a *console.Account) { a.Name = strings.Repeat("审", 41) }), cat, []string{"name"}},
		{"unknown role", with(func(a *console.Account) { a.Role = "root"; a.Department = "" }), cat, []string{"role"}},
		{"no role", with(func(a *console.Account) { a.Role = ""; a.Department = "" }), cat, []string{"role"}},
		{"reviewer without a department", with(func(a *console.Account) { a.Department = "" }), cat, []string{"department"}},
		{"reviewer of no such department", with(func(a *console.Account) { a.Department = "police" }), cat, []string{"department"}},
		{"department code of another case", with(func(a *console.Account) { a.Department = "GongAn" }), cat, []string{"department"}},
		{"no catalogue: any department", with(func(a *console.Account) { a.Department = "police" }), nil, nil},
		{"reviewer with halls", with(func(a *console.Account) { a.Halls = []string{"330106"} }), cat, []string{"halls"}},
		{"reviewer with a scope", with(func(a *console.Account) { a.Scope = "3301" }), cat, []string{"scope"}},
		{"manager with a department", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager, Halls: []string{"330106"},
			Department: "gongan"}, cat, []string{"department"}},
		{"manager without halls", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager}, cat, []string{"halls"}},
		{"manager of a hall that is no code", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager,
			Halls: []string{"330106", "33 0107"}}, cat, []string{"halls"}},
		{"manager of an empty hall code", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager,
			Halls: []string{""}}, cat, []string{"halls"}},
		{"manager with a scope", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager, Halls: []string{"330106"},
			Scope: "3301"}, cat, []string{"scope"}},
		{"supervisor with halls", console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Halls: []string{"330106"}},
			cat, []string{"halls"}},
		{"supervisor with a wildcard scope", console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Scope: "33%"},
			cat, []string{"scope"}},
		{"supervisor with a department", console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Department: "gongan"},
			cat, []string{"department"}},
		{"admin with a department, halls and scope", console.Account{Login: "root", Name: "管理员", Role: console.Admin,
			Department: "gongan", Halls: []string{"330106"}, Scope: "33"}, cat, []string{"department", "halls", "scope"}},
		{"everything wrong", console.Account{Login: "?", Role: "boss"}, cat, []string{"login", "name", "role"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate(tc.cat)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v; want nil", tc.a, err)
				}
				return
			}
			if !errors.Is(err, app.ErrInvalidInput) {
				t.Fatalf("Validate(%+v) = %v; want ErrInvalidInput", tc.a, err)
			}
			if got := problems(err); !slices.Equal(got, tc.want) {
				t.Fatalf("Validate(%+v) finds problems with %v; want %v\n%v", tc.a, got, tc.want, err)
			}
		})
	}
}

func TestRolesValid(t *testing.T) {
	for _, r := range console.Roles {
		if !r.Valid() {
			t.Errorf("%q is not valid", r)
		}
	}
	for _, r := range []console.Role{"", "Admin", "root", "clerk"} {
		if r.Valid() {
			t.Errorf("%q is valid", r)
		}
	}
}

func TestSeesHall(t *testing.T) {
	manager := console.Account{Role: console.Manager, Halls: []string{"330106", "330108"}}
	district := console.Account{Role: console.Supervisor, Scope: "330106"}
	city := console.Account{Role: console.Supervisor, Scope: "3301"}
	province := console.Account{Role: console.Supervisor}
	admin := console.Account{Role: console.Admin}
	reviewer := console.Account{Role: console.Reviewer, Department: "gongan"}
	// A manager's halls set on another role give it nothing.
	oddAdmin := console.Account{Role: console.Admin, Halls: []string{"330106"}}
	oddReviewer := console.Account{Role: console.Reviewer, Halls: []string{"330106"}, Scope: "33"}
	for _, tc := range []struct {
		name string
		a    console.Account
		hall string
		want bool
	}{
		{"manager, own hall", manager, "330106", true},
		{"manager, second hall", manager, "330108", true},
		{"manager, other hall", manager, "330107", false},
		{"manager, a hall starting like theirs", manager, "3301061", false},
		{"manager, a prefix of their hall", manager, "3301", false},
		{"manager, empty", manager, "", false},
		{"manager without halls", console.Account{Role: console.Manager}, "330106", false},
		{"district supervisor, the district's hall", district, "330106", true},
		{"district supervisor, a hall in the district", district, "33010601", true},
		{"district supervisor, next district", district, "330107", false},
		{"city supervisor, a district's hall", city, "330106", true},
		{"city supervisor, another city", city, "330206", false},
		{"city supervisor, shorter code", city, "330", false},
		{"province supervisor, any hall", province, "330106", true},
		{"province supervisor, far hall", province, "530102", true},
		{"admin", admin, "330106", false},
		{"admin with halls", oddAdmin, "330106", false},
		{"reviewer", reviewer, "330106", false},
		{"reviewer with halls and scope", oddReviewer, "330106", false},
		{"no role", console.Account{}, "330106", false},
	} {
		if got := tc.a.SeesHall(tc.hall); got != tc.want {
			t.Errorf("%s: SeesHall(%q) = %v; want %v", tc.name, tc.hall, got, tc.want)
		}
	}
}

func TestDecides(t *testing.T) {
	gongan := console.Account{Role: console.Reviewer, Department: "gongan"}
	for _, tc := range []struct {
		name string
		a    console.Account
		dept string
		want bool
	}{
		{"own department", gongan, "gongan", true},
		{"other department", gongan, "yibao", false},
		{"empty department", gongan, "", false},
		{"manager with a department", console.Account{Role: console.Manager, Department: "gongan"}, "gongan", false},
		{"supervisor with a department", console.Account{Role: console.Supervisor, Department: "gongan"}, "gongan", false},
		{"admin with a department", console.Account{Role: console.Admin, Department: "gongan"}, "gongan", false},
	} {
		if got := tc.a.Decides(tc.dept); got != tc.want {
			t.Errorf("%s: Decides(%q) = %v; want %v", tc.name, tc.dept, got, tc.want)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pass string
		ok   bool
	}{
		{"", false},
		{"123456789", false},
		{"1234567890", true},
		{"correct horse battery staple", true},
		{strings.Repeat("密", 9), false}, // 27 bytes, 9 characters
		{strings.Repeat("密", 10), true},
	} {
		err := console.CheckPassword(tc.pass)
		if tc.ok && err != nil || !tc.ok && !errors.Is(err, app.ErrInvalidInput) {
			t.Errorf("CheckPassword(%q) = %v; want ok %v", tc.pass, err, tc.ok)
		}
	}
}

func TestHashToken(t *testing.T) {
	a, b := console.HashToken("abc"), console.HashToken("abd")
	if a == b || a == "abc" || len(a) != 64 || console.HashToken("abc") != a {
		t.Fatalf("HashToken: %q, %q", a, b)
	}
}
