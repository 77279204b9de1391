package console_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/store"
	"onewindow/app/update"
	"onewindow/assets"
	"onewindow/internal/pgtest"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	webconsole "onewindow/web/console"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// hall is central with the console over real HTTP, one hall's hub that
// pushed two cases to it, and the console's accounts.
type hall struct {
	c      *central.Central
	svc    *console.Service
	clock  *app.ManualClock
	srv    *httptest.Server
	st     *store.Store
	link   *link.Link
	single app.Case // GA-001, decided by 公安 alone
	multi  app.Case // WJ-001, decided by four departments in parallel
}

const password = "console-pass-1"

func newHall(t *testing.T, dsn string) *hall {
	t.Helper()
	ctx := context.Background()
	h := &hall{clock: app.NewManualClock(scene.Start)}
	h.c = scene.Central(t, dsn, h.clock)
	h.svc = console.NewService(h.c, h.clock)
	web, err := webconsole.New(h.svc, webconsole.Options{Where: app.Text{Zh: "测试平台", En: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(h.c.Handler(central.ServerOptions{Console: web}))
	t.Cleanup(h.srv.Close)
	h.st = scene.OpenStore(t, t.TempDir(), h.clock)
	t.Cleanup(func() { h.st.Close() })
	opt := link.Options{Clock: h.clock, Timeout: 10 * time.Second}
	scene.Enrol(t, h.c, h.srv.URL, h.st, opt)
	if h.link, err = link.New(ctx, h.st, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := h.link.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	h.single = scene.TakeIn(t, h.st, "GA-001", 1)
	a := scene.Applicant(2)
	a.Name = `<script>alert("王")</script>`
	if h.multi, err = h.st.TakeIn(ctx, app.Intake{ItemCode: "WJ-001", Applicant: a, Received: scene.All(t, h.st, "WJ-001"),
		Window: 1, Actor: "S1001", Outcome: app.Accepted}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.link.Push(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range []console.Account{
		{Login: "admin", Name: "管理员", Role: console.Admin},
		{Login: "gongan", Name: "公安审批", Role: console.Reviewer, Department: "gongan"},
		{Login: "yibao", Name: "医保审批", Role: console.Reviewer, Department: "yibao"},
		{Login: "shichang", Name: "市场审批", Role: console.Reviewer, Department: "shichang"},
		{Login: "xixi", Name: "西溪大厅", Role: console.Manager, Halls: []string{scene.Hall}},
		{Login: "other", Name: "别的大厅", Role: console.Manager, Halls: []string{"330999"}},
		{Login: "jiancha", Name: "监察", Role: console.Supervisor, Scope: "3301"},
	} {
		if err := h.svc.CreateAccount(ctx, console.CommandLine, a, password); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// account is one of the hall's console accounts.
func (h *hall) account(t *testing.T, login string) console.Account {
	t.Helper()
	a, err := h.c.Account(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// browser is a person's browser: its cookies, and the form token of the
// last page it read.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func (h *hall) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: h.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) keep(res *http.Response) (int, string) {
	b.t.Helper()
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		b.t.Fatal(err)
	}
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	if loc := res.Header.Get("Location"); loc != "" {
		return res.StatusCode, "→ " + loc
	}
	return res.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.keep(res)
}

// post sends a form with the page's token (unless the form sets its own).
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.keep(res)
}

func (b *browser) login(login string) {
	b.t.Helper()
	b.get("/login")
	code, body := b.post("/login", url.Values{"login": {login}, "password": {password}})
	if code != http.StatusSeeOther {
		b.t.Fatalf("login as %s: %d %s", login, code, body)
	}
}

func opinions(t *testing.T, c *central.Central, number string) map[string]bool {
	t.Helper()
	f, err := c.CaseFile(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, o := range f.Opinions {
		out[o.Department] = o.Approve
	}
	return out
}

func audited(t *testing.T, c *central.Central, login, action, target string) bool {
	t.Helper()
	log, err := c.AuditLog(context.Background(), console.AuditFilter{Login: login, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Action == action && e.Target == target {
			return true
		}
	}
	return false
}

// TestReviewerDecidesForTheirDepartmentOnly: a department's reviewer sees
// its worklist, opens a case (masked applicant), reveals it (audited),
// approves; the opinion reaches the hall as that department's own. Another
// department's reviewer can neither see nor decide the case.
func TestReviewerDecidesForTheirDepartmentOnly(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		h := newHall(t, dsn)
		b := h.browser(t)
		if code, body := b.get("/review"); code != http.StatusSeeOther || !strings.Contains(body, "/login") {
			t.Fatalf("the worklist without a session: %d %s; want the login", code, body)
		}
		b.login("gongan")
		code, body := b.get("/review")
		if code != 200 || !strings.Contains(body, h.single.Number) || !strings.Contains(body, h.multi.Number) {
			t.Fatalf("公安's worklist: %d, want both cases:\n%s", code, body)
		}
		name := scene.Applicant(1).Name
		code, body = b.get("/cases/" + h.single.Number)
		if code != 200 || strings.Contains(body, name) || !strings.Contains(body, app.MaskName(name)) ||
			strings.Contains(body, string(scene.Applicant(1).IDNumber)) {
			t.Fatalf("the case page must show the applicant masked: %d\n%s", code, body)
		}
		if audited(t, h.c, "gongan", console.AuditReveal, h.single.Number) {
			t.Fatal("reading the masked page was logged as a reveal")
		}
		code, body = b.post("/cases/"+h.single.Number+"/reveal", url.Values{})
		if code != 200 || !strings.Contains(body, name) || !strings.Contains(body, string(scene.Applicant(1).IDNumber)) {
			t.Fatalf("reveal: %d, want the full name and number", code)
		}
		if !audited(t, h.c, "gongan", console.AuditReveal, h.single.Number) {
			t.Fatal("the reveal is not in the audit log")
		}

		// 医保 decides WJ-001 too, but not GA-001: no page, no opinion.
		y := h.browser(t)
		y.login("yibao")
		if code, body := y.get("/cases/" + h.single.Number); code != http.StatusForbidden {
			t.Fatalf("医保 opening a 公安 case: %d %s; want 403", code, body)
		}
		y.get("/cases/" + h.multi.Number)
		if code, _ := y.post("/cases/"+h.single.Number+"/opinion", url.Values{"opinion": {"approve"}}); code != http.StatusForbidden {
			t.Fatalf("医保 deciding a 公安 case: %d; want 403", code)
		}
		// A reviewer of a department that decides nothing of it.
		s := h.browser(t)
		s.login("shichang")
		s.get("/review")
		if code, _ := s.post("/cases/"+h.multi.Number+"/opinion", url.Values{"opinion": {"approve"}}); code != http.StatusForbidden {
			t.Fatalf("市场 deciding a 卫健 case: %d; want 403", code)
		}
		if got := opinions(t, h.c, h.single.Number); len(got) != 0 {
			t.Fatalf("opinions after refused attempts: %v; want none", got)
		}

		// A denial needs its reason.
		if code, body := b.post("/cases/"+h.single.Number+"/opinion", url.Values{"opinion": {"deny"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, "不同意时须填写理由") {
			t.Fatalf("a denial without a reason: %d; want 400 and the words", code)
		}
		if code, body := b.post("/cases/"+h.single.Number+"/opinion", url.Values{"opinion": {"approve"}}); code != 200 ||
			!strings.Contains(body, "意见已提交") {
			t.Fatalf("approve: %d %s", code, body)
		}
		if got := opinions(t, h.c, h.single.Number); len(got) != 1 || !got["gongan"] {
			t.Fatalf("opinions: %v; want 公安's approval", got)
		}
		if !audited(t, h.c, "gongan", console.AuditOpinion, h.single.Number) {
			t.Fatal("the opinion is not in the audit log")
		}
		// Twice is a conflict that changes nothing.
		if code, _ := b.post("/cases/"+h.single.Number+"/opinion", url.Values{"opinion": {"deny"}, "reason": {"again"}}); code != http.StatusConflict {
			t.Fatalf("a second opinion: %d; want 409", code)
		}
		// The hall gets it as 公安's.
		if _, err := h.link.Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		events, err := h.st.Events(context.Background(), h.single.Number)
		if err != nil {
			t.Fatal(err)
		}
		if last := events[len(events)-1]; last.Actor != "central:gongan" || last.State != app.Approved {
			t.Fatalf("the hall's last step: %+v; want central:gongan approved", last)
		}
		// The worklist no longer shows it; 医保 still has WJ-001.
		if _, body := b.get("/review"); strings.Contains(body, h.single.Number) {
			t.Fatal("a decided case stays on the worklist")
		}
		if _, body := y.get("/review"); !strings.Contains(body, h.multi.Number) {
			t.Fatal("医保's worklist lost WJ-001")
		}
	})
}

// TestAttacksAreRefusedAndChangeNothing: a script for a name, a form with
// no token, an expired session, another hall's case and dashboard, and 20
// wrong passwords.
func TestAttacksAreRefusedAndChangeNothing(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		h := newHall(t, dsn)
		b := h.browser(t)
		b.login("gongan")
		b.get("/cases/" + h.multi.Number)
		_, body := b.post("/cases/"+h.multi.Number+"/reveal", url.Values{})
		if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(&#34;王&#34;)&lt;/script&gt;") {
			t.Fatalf("the applicant's name is not escaped:\n%s", body)
		}

		// No token, and a wrong one.
		for _, token := range []string{"", "0123"} {
			code, body := b.post("/cases/"+h.multi.Number+"/opinion", url.Values{"opinion": {"approve"}, "csrf": {token}})
			if code != http.StatusForbidden || !strings.Contains(body, "表单已失效") {
				t.Fatalf("an opinion with csrf %q: %d; want 403 and the words", token, code)
			}
		}
		// An expired session: 31 idle minutes.
		b.get("/review")
		h.clock.Advance(31 * time.Minute)
		if code, body := b.post("/cases/"+h.multi.Number+"/opinion", url.Values{"opinion": {"approve"}}); code != http.StatusUnauthorized ||
			!strings.Contains(body, "登录已过期") {
			t.Fatalf("an opinion after the session expired: %d; want 401 and the words", code)
		}
		if code, body := b.get("/review"); code != http.StatusSeeOther || !strings.Contains(body, "/login") {
			t.Fatalf("a page after the session expired: %d %s; want the login", code, body)
		}
		if got := opinions(t, h.c, h.multi.Number); len(got) != 0 {
			t.Fatalf("opinions after refused forms: %v; want none", got)
		}

		// Another hall's manager: not this hall's dashboard, nor its
		// case, however the URL is guessed; this hall's manager: both.
		o := h.browser(t)
		o.login("other")
		for _, path := range []string{"/halls/" + scene.Hall, "/cases/" + h.single.Number, "/cases/330106-NO-SUCH"} {
			if code, _ := o.get(path); code != http.StatusForbidden {
				t.Errorf("another hall's manager at %s: %d; want 403", path, code)
			}
		}
		m := h.browser(t)
		m.login("xixi")
		for _, path := range []string{"/halls/" + scene.Hall, "/cases/" + h.single.Number} {
			if code, body := m.get(path); code != http.StatusOK {
				t.Errorf("the hall's manager at %s: %d\n%s", path, code, body)
			}
		}
		// A manager is not a reviewer.
		m.get("/cases/" + h.single.Number)
		if code, _ := m.post("/cases/"+h.single.Number+"/opinion", url.Values{"opinion": {"approve"}}); code != http.StatusForbidden {
			t.Fatalf("a manager deciding: %d; want 403", code)
		}

		// 20 wrong passwords lock the account; the right one is then
		// refused too, until the lock ends.
		x := h.browser(t)
		for i := range 20 {
			x.get("/login")
			code, body := x.post("/login", url.Values{"login": {"yibao"}, "password": {fmt.Sprintf("wrong-%02d-password", i)}})
			if code != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d", i, code)
			}
			if i >= 4 && !strings.Contains(body, "账号锁定至") {
				t.Fatalf("wrong password %d does not say the account is locked", i)
			}
		}
		x.get("/login")
		if code, body := x.post("/login", url.Values{"login": {"yibao"}, "password": {password}}); code != http.StatusUnauthorized ||
			!strings.Contains(body, "账号锁定至") {
			t.Fatalf("the right password while locked: %d; want refused", code)
		}
		if !audited(t, h.c, "yibao", console.AuditLoginFailed, "yibao") {
			t.Fatal("the failed logins are not in the audit log")
		}
		h.clock.Advance(16 * time.Minute)
		x.login("yibao")
		// Only this server's pages are gone back to: not another host's,
		// however the address is dressed.
		for _, back := range []string{"//evil.example", "/%09/evil.example", "/%5Cevil.example", "https://evil.example/", "/\\evil.example"} {
			if code, body := h.browser(t).get("/lang?to=en&back=" + back); code != http.StatusSeeOther || body != "→ /" {
				t.Errorf("the language switch back to %q: %d %s; want / on this server", back, code, body)
			}
		}
		// An unknown login reads exactly as a known one's wrong password.
		said := func(login string) string {
			x := h.browser(t)
			x.get("/login")
			_, body := x.post("/login", url.Values{"login": {login}, "password": {"wrong-password-1"}})
			return regexp.MustCompile(`<p class="error" role="alert">[^<]*</p>`).FindString(body)
		}
		if known, unknown := said("shichang"), said("nobody-here"); known == "" || known != unknown {
			t.Fatalf("a wrong password says %q, an unknown login %q; want the same words", known, unknown)
		}
		// A login form without its token.
		z := h.browser(t)
		if code, _ := z.post("/login", url.Values{"login": {"gongan"}, "password": {password}, "csrf": {"x"}}); code != http.StatusForbidden {
			t.Fatalf("a login posted without the form's token: %d; want 403", code)
		}
	})
}

// TestAdministratorKeepsAccounts: the administrator makes an account with
// a one-time password, which its owner must change first; resets and
// disables. Only an administrator reaches the accounts.
func TestAdministratorKeepsAccounts(t *testing.T) {
	h := newHall(t, t.TempDir()+"/central.db")
	a := h.browser(t)
	a.login("admin")
	if code, _ := a.get("/accounts"); code != 200 {
		t.Fatalf("accounts: %d", code)
	}
	code, body := a.post("/accounts", url.Values{"login": {"renshe"}, "name": {"人社审批"}, "role": {"reviewer"},
		"department": {"renshe"}, "password": {"first-pass-1"}})
	if code != 200 || !strings.Contains(body, "账号 renshe 已创建") {
		t.Fatalf("create: %d %s", code, body)
	}
	code, body = a.post("/accounts", url.Values{"login": {"bad"}, "name": {"x"}, "role": {"reviewer"},
		"department": {"nosuch"}, "password": {"first-pass-1"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "输入有误，未作更改：该部门不在事项目录中") {
		t.Fatalf("a reviewer of no department: %d, %q", code, regexp.MustCompile(`<p class="error"[^<]*</p>`).FindString(body))
	}
	r := h.browser(t)
	r.get("/login")
	r.post("/login", url.Values{"login": {"renshe"}, "password": {"first-pass-1"}})
	if code, body := r.get("/review"); code != http.StatusSeeOther || !strings.Contains(body, "/password") {
		t.Fatalf("a first login goes to the password first: %d %s", code, body)
	}
	r.get("/password")
	if code, _ := r.post("/password", url.Values{"old": {"first-pass-1"}, "new": {"short"}, "again": {"short"}}); code != http.StatusBadRequest {
		t.Fatalf("a short password: %d", code)
	}
	if code, body := r.post("/password", url.Values{"old": {"first-pass-1"}, "new": {"my-own-pass-1"}, "again": {"my-own-pass-1"}}); code != 200 ||
		!strings.Contains(body, "密码已修改") {
		t.Fatalf("change: %d %s", code, body)
	}
	if code, _ := r.get("/review"); code != 200 {
		t.Fatalf("the worklist after the change: %d", code)
	}
	if code, _ := r.get("/accounts"); code != http.StatusForbidden {
		t.Fatalf("a reviewer at the accounts: %d; want 403", code)
	}
	a.get("/accounts")
	if code, _ := a.post("/accounts/renshe/disable", url.Values{}); code != 200 {
		t.Fatalf("disable: %d", code)
	}
	if code, _ := r.get("/review"); code != http.StatusSeeOther {
		t.Fatalf("a disabled account's session: %d; want ended", code)
	}
	if !audited(t, h.c, "admin", console.AuditDisabled, "renshe") {
		t.Fatal("disabling is not in the audit log")
	}

	// Publishing: a broken file changes nothing, the 2026 calendar again
	// is a new change, and only an administrator publishes.
	a.get("/publish")
	before, _ := h.c.Version(context.Background())
	if code, body := a.upload("/publish/catalog", `{"version": 1, "items": [{"code": ""}]}`); code != http.StatusBadRequest ||
		!strings.Contains(body, "输入有误") {
		t.Fatalf("a broken catalogue: %d", code)
	}
	if after, _ := h.c.Version(context.Background()); after != before {
		t.Fatalf("a refused publication moved central's version from %d to %d", before, after)
	}
	if code, body := a.upload("/publish/calendar", string(assets.Calendar2026)); code != 200 || !strings.Contains(body, "已发布") {
		t.Fatalf("publishing the calendar: %d %s", code, body)
	}
	if !audited(t, h.c, "admin", console.AuditPublished, "calendar") {
		t.Fatal("the publication is not in the audit log")
	}
	m := h.browser(t)
	m.login("xixi")
	m.get("/halls/" + scene.Hall)
	if code, _ := m.upload("/publish/calendar", string(assets.Calendar2026)); code != http.StatusForbidden {
		t.Fatalf("a manager publishing: %d; want 403", code)
	}

	// An update package: signed with a key central trusts, published; with
	// another, refused and nothing changes.
	pub, priv, _ := update.GenerateKey()
	_, other, _ := update.GenerateKey()
	h.c.TrustUpdateKeys([]update.PublicKey{pub})
	pkg := func(key update.PrivateKey, version string) string {
		var b bytes.Buffer
		if err := update.Sign(&b, key, update.Manifest{Version: version, OS: "linux", Arch: "amd64"}, "onewindow.deb", []byte("deb"), h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	a.get("/publish")
	if code, body := a.upload("/publish-update", pkg(other, "1.2.0")); code != http.StatusBadRequest || !strings.Contains(body, "输入有误") {
		t.Fatalf("a package signed with an untrusted key: %d", code)
	}
	if us, _ := h.c.Updates(context.Background()); len(us) != 0 {
		t.Fatalf("a refused package was published: %v", us)
	}
	if code, body := a.upload("/publish-update", pkg(priv, "1.2.0")); code != 200 || !strings.Contains(body, "已发布 onewindow 1.2.0") {
		t.Fatalf("a signed package: %d %s", code, body)
	}
	if !audited(t, h.c, "admin", console.AuditUpdate, "linux/amd64") {
		t.Fatal("the update's publication is not in the audit log")
	}
	if code, _ := m.upload("/publish-update", pkg(priv, "1.3.0")); code != http.StatusForbidden {
		t.Fatalf("a manager publishing an update: %d; want 403", code)
	}
}

// upload posts a file as the publish form does.
func (b *browser) upload(path, content string) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", b.csrf)
	f, _ := w.CreateFormFile("file", "upload.json")
	f.Write([]byte(content))
	w.Close()
	res, err := b.c.Post(b.base+path, w.FormDataContentType(), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.keep(res)
}
