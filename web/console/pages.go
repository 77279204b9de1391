package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/console"
)

// page is what every template gets.
type page struct {
	who   *who
	lang  string
	Title string
	Flash string
	Error string
	Data  any
	where app.Text
	// atHub: the page is served by a hall's hub, not by central.
	atHub bool
	path  string // the page's own, to come back to
}

// Path is the page's address on this server.
func (p *page) Path() string { return p.path }

// Central reports whether the page is served by central, where the pages
// of what only central holds are.
func (p *page) Central() bool { return !p.atHub }

// T is a text in the page's language.
func (p *page) T(key string, args ...any) string { return tr(p.lang, key, args...) }

// Pick is a catalogue text in the page's language.
func (p *page) Pick(t app.Text) string { return t.In(p.lang) }

// Lang is the page's language, for <html lang>.
func (p *page) Lang() string {
	if p.lang == "en" {
		return "en"
	}
	return "zh-CN"
}

// With is the page with other data, for a part of it.
func (p *page) With(data any) *page {
	q := *p
	q.Data = data
	return &q
}

// Step is a case's state or a timeline's action in words.
func (p *page) Step(what any) string { return step(p.lang, fmt.Sprint(what)) }

// Where is who serves the console.
func (p *page) Where() string { return p.where.In(p.lang) }

// Who is the logged-in account, nil on the login page.
func (p *page) Who() *console.Account {
	if p.who == nil {
		return nil
	}
	return &p.who.Account
}

// CSRF is the session's form token.
func (p *page) CSRF() string {
	if p.who == nil {
		return ""
	}
	return p.who.sess.CSRF
}

// Nav is the menu of the account's role.
func (p *page) Nav() []struct{ Href, Text string } {
	a := p.Who()
	if a == nil || a.MustChange {
		return nil
	}
	var keys []string
	switch a.Role {
	case console.Reviewer:
		keys = []string{"review"}
	case console.Manager:
		keys = []string{"halls"}
	case console.Supervisor:
		keys = []string{"supervise", "halls"}
		if a.Scope == "" { // the province's supervisors read the whole audit log
			keys = append(keys, "audit")
		}
	case console.Admin:
		keys = []string{"accounts", "publish", "audit"}
	}
	var out []struct{ Href, Text string }
	for _, k := range keys {
		out = append(out, struct{ Href, Text string }{"/" + k, p.T("nav." + k)})
	}
	return out
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(app.HallZone).Format("2006-01-02 15:04")
	},
	"clock": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(app.HallZone).Format("15:04")
	},
	"minutes": func(d time.Duration) string { return fmt.Sprintf("%.0f", d.Minutes()) },
	"one":     func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"rate": func(ok, all int) string {
		if all == 0 {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", console.Rate(ok, all))
	},
	"add": func(a, b int) int { return a + b },
	"kib": func(n int) int { return n >> 10 },
	// chart is a chart's options as JSON for the page's script: escaped
	// into an attribute, never run as script.
	"chart": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

// render writes a page with the layout.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	p.lang, p.where, p.atHub, p.path = lang(r), s.opt.Where, s.opt.HallOnly, r.URL.RequestURI()
	if p.Title == "" {
		p.Title = p.T("app.title")
	}
	var buf bytes.Buffer
	t := s.pages[name]
	if t == nil {
		http.Error(w, "no page "+name, http.StatusInternalServerError)
		return
	}
	if err := t.Execute(&buf, p); err != nil {
		s.opt.Logger.Error("console: render", "page", name, "err", err)
		http.Error(w, tr(p.lang, "err.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, "")
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	token := randomHex(16)
	setCookie(w, r, loginCookie, token, 3600)
	s.render(w, r, status, "login", &page{Error: msg, Data: map[string]string{
		"CSRF": token, "Next": localPath(r.FormValue("next")), "Login": r.PostFormValue("login")}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		s.showLogin(w, r, http.StatusForbidden, s.tr(r, "err.csrf"))
		return
	}
	token, _, err := s.svc.Login(r.Context(), strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("password"), remote(r))
	if err != nil {
		s.showLogin(w, r, http.StatusUnauthorized, s.explain(r, err))
		return
	}
	setCookie(w, r, loginCookie, "", -1)
	setCookie(w, r, sessionCookie, token, 0)
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	to := "zh"
	if r.URL.Query().Get("to") == "en" {
		to = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, u who) {
	if err := s.svc.Logout(r.Context(), u.Actor, u.sess); err != nil {
		s.fail(w, r, err)
		return
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, u who) {
	s.render(w, r, http.StatusOK, "password", &page{who: &u, Title: s.tr(r, "password.title")})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u who) {
	p := &page{who: &u, Title: s.tr(r, "password.title")}
	next := r.PostFormValue("new")
	switch {
	case next != r.PostFormValue("again"):
		p.Error = s.tr(r, "err.mismatch")
	case console.CheckPassword(next) != nil:
		p.Error = s.tr(r, "err.short", console.MinPasswordLen)
	default:
		if err := s.svc.ChangePassword(r.Context(), u.Actor, u.sess, r.PostFormValue("old"), next); err != nil {
			p.Error = s.explain(r, err)
			break
		}
		u.MustChange = false
		p.Flash = s.tr(r, "password.done")
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "password", p)
}

// home is the first page of the account's role.
func (s *Server) home(w http.ResponseWriter, r *http.Request, u who) {
	to := map[console.Role]string{console.Reviewer: "/review", console.Manager: "/halls",
		console.Supervisor: "/supervise", console.Admin: "/accounts"}[u.Role]
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) review(w http.ResponseWriter, r *http.Request, u who) {
	rows, err := s.svc.Worklist(r.Context(), u.Actor)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	cat, ok := s.catalog(w, r, u)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "review", &page{who: &u, Title: s.tr(r, "review.title"),
		Data: caseList{Rows: rows, Cat: cat}})
}

// catalog is the catalogue the pages name items and departments by; on
// failure the page has answered.
func (s *Server) catalog(w http.ResponseWriter, r *http.Request, u who) (*app.Catalog, bool) {
	cat, err := s.svc.Store.Catalog(r.Context())
	if err != nil {
		s.failWith(w, r, err, &u)
		return nil, false
	}
	return cat, true
}

// caseList is a list of cases with the catalogue that names their items.
type caseList struct {
	Rows []console.CaseRow
	Cat  *app.Catalog
}

// ItemName is an item's name, or its code when the catalogue lost it.
func (c caseList) ItemName(code string) app.Text {
	if it, ok := c.Cat.Item(code); ok {
		return it.Name
	}
	return app.Text{Zh: code, En: code}
}

// casePage is the case with what the reader may do to it.
type casePage struct {
	console.CaseFile
	Cat                *app.Catalog
	Item               app.Item
	Revealed           bool
	MayDecide, Decided bool
	Waiting            []string // departments still to give their opinion
}

// DeptName is a department's name.
func (c casePage) DeptName(code string) app.Text {
	for _, d := range c.Cat.Departments {
		if d.Code == code {
			return d.Name
		}
	}
	return app.Text{Zh: code, En: code}
}

// Received reports whether the i-th material was received.
func (c casePage) Got(i int) bool { return slices.Contains(c.Received, i) }

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, u who) {
	s.showCase(w, r, u, false, "", "")
}

func (s *Server) showCase(w http.ResponseWriter, r *http.Request, u who, reveal bool, flash, problem string) {
	number := r.PathValue("number")
	f, err := s.svc.Case(r.Context(), u.Actor, number, reveal)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	cat, ok := s.catalog(w, r, u)
	if !ok {
		return
	}
	cp := casePage{CaseFile: f, Cat: cat, Revealed: reveal}
	cp.Item, _ = cat.Item(f.ItemCode)
	deciders := cp.Item.Parallel
	if len(deciders) == 0 {
		deciders = cp.Item.Departments
	}
	for _, d := range deciders {
		if !slices.ContainsFunc(f.Opinions, func(o console.Opinion) bool { return o.Department == d }) {
			cp.Waiting = append(cp.Waiting, d)
		}
	}
	if u.Role == console.Reviewer {
		cp.Decided = !slices.Contains(cp.Waiting, u.Department)
		cp.MayDecide = !cp.Decided && f.Decision == "" && f.State.Running()
	}
	status := http.StatusOK
	if problem != "" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "case", &page{who: &u, Title: s.tr(r, "case.title", number), Flash: flash, Error: problem, Data: cp})
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request, u who) {
	approve := r.PostFormValue("opinion") == "approve"
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if r.PostFormValue("opinion") != "approve" && r.PostFormValue("opinion") != "deny" {
		s.failWith(w, r, fmt.Errorf("%w: the opinion is approve or deny", app.ErrInvalidInput), &u)
		return
	}
	if !approve && reason == "" {
		s.showCase(w, r, u, false, "", s.tr(r, "err.reason"))
		return
	}
	if err := s.svc.Decide(r.Context(), u.Actor, r.PathValue("number"), approve, reason); err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	s.showCase(w, r, u, false, s.tr(r, "case.done"), "")
}

func (s *Server) reveal(w http.ResponseWriter, r *http.Request, u who) {
	s.showCase(w, r, u, true, "", "")
}

// supervision is the supervisor's page.
type supervision struct {
	console.Supervision
	List   caseList
	Cat    *app.Catalog
	Filter console.SupervisionFilter
	Chart  map[string]any
	Shown  int
	Now    time.Time
}

// Count is how many running cases have the light.
func (s supervision) Count(light string) int { return s.Counts[app.Light(light)] }

// Lights are the lights a supervisor filters by.
func (s supervision) Lights() []string { return []string{"red", "yellow", "green"} }

func (s *Server) supervise(w http.ResponseWriter, r *http.Request, u who) {
	q := r.URL.Query()
	f := console.SupervisionFilter{Hall: q.Get("hall"), Department: q.Get("dept"), Item: q.Get("item"), Light: app.Light(q.Get("light"))}
	sup, err := s.svc.Supervise(r.Context(), u.Actor, f)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	cat, ok := s.catalog(w, r, u)
	if !ok {
		return
	}
	l := lang(r)
	var days []string
	var accepted, decided []int
	for _, d := range sup.Trend {
		days = append(days, string(d.Day)[5:])
		accepted, decided = append(accepted, d.Accepted), append(decided, d.Decided)
	}
	chart := map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"top": 0, "data": []string{tr(l, "sup.accepted"), tr(l, "sup.decided")}},
		"grid":    map[string]any{"left": 40, "right": 16, "top": 32, "bottom": 24},
		"xAxis":   map[string]any{"type": "category", "data": days},
		"yAxis":   map[string]any{"type": "value", "minInterval": 1},
		"series": []map[string]any{
			{"name": tr(l, "sup.accepted"), "type": "bar", "data": accepted, "itemStyle": map[string]any{"color": "#1d4e89"}},
			{"name": tr(l, "sup.decided"), "type": "line", "data": decided, "itemStyle": map[string]any{"color": "#2e7d32"}},
		},
	}
	s.render(w, r, http.StatusOK, "supervise", &page{who: &u, Title: s.tr(r, "sup.title"),
		Data: supervision{Supervision: sup, List: caseList{Rows: sup.Cases, Cat: cat}, Cat: cat, Filter: f, Chart: chart, Shown: len(sup.Cases), Now: s.svc.Clock.Now()}})
}

func (s *Server) halls(w http.ResponseWriter, r *http.Request, u who) {
	halls, err := s.svc.HallsOf(r.Context(), u.Actor)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	if len(halls) == 1 {
		http.Redirect(w, r, "/halls/"+halls[0].Code, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "halls", &page{who: &u, Title: s.tr(r, "halls.title"), Data: halls})
}

// dashboard is the hall manager's page.
type dashboard struct {
	console.Dashboard
	Waits, Windows map[string]any
	Now            time.Time
	Cat            *app.Catalog
}

// CategoryName is a queue category's name.
func (d dashboard) CategoryName(prefix string) app.Text {
	if d.Cat != nil {
		if c, ok := d.Cat.Category(prefix); ok {
			return c.Name
		}
	}
	return app.Text{}
}

func (s *Server) hallDashboard(w http.ResponseWriter, r *http.Request, u who) {
	day := app.Date(r.URL.Query().Get("day"))
	if day != "" {
		if _, err := day.Time(); err != nil {
			s.failWith(w, r, fmt.Errorf("%w: %q is not a day (YYYY-MM-DD)", app.ErrInvalidInput, day), &u)
			return
		}
	}
	d, err := s.svc.HallDashboard(r.Context(), u.Actor, r.PathValue("code"), day)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	cat, ok := s.catalog(w, r, u)
	if !ok {
		return
	}
	l := lang(r)
	var hours []string
	var p50, p90 []float64
	for _, h := range d.Waits {
		hours = append(hours, fmt.Sprintf("%02d:00", h.Hour))
		p50, p90 = append(p50, h.P50), append(p90, h.P90)
	}
	var windows []string
	var busy, idle []float64
	for _, wf := range d.Windows {
		windows = append(windows, fmt.Sprintf("%d", wf.Window))
		busy, idle = append(busy, wf.Busy.Minutes()), append(idle, wf.Idle.Minutes())
	}
	axes := func(cats []string) map[string]any {
		return map[string]any{
			"tooltip": map[string]any{"trigger": "axis"},
			"grid":    map[string]any{"left": 40, "right": 16, "top": 32, "bottom": 24},
			"xAxis":   map[string]any{"type": "category", "data": cats},
			"yAxis":   map[string]any{"type": "value"},
		}
	}
	waits := axes(hours)
	waits["legend"] = map[string]any{"top": 0, "data": []string{tr(l, "col.p50"), tr(l, "col.p90")}}
	waits["series"] = []map[string]any{
		{"name": tr(l, "col.p50"), "type": "bar", "data": p50, "itemStyle": map[string]any{"color": "#1d4e89"}},
		{"name": tr(l, "col.p90"), "type": "bar", "data": p90, "itemStyle": map[string]any{"color": "#c77700"}},
	}
	win := axes(windows)
	win["legend"] = map[string]any{"top": 0, "data": []string{tr(l, "col.busy"), tr(l, "col.idle")}}
	win["series"] = []map[string]any{
		{"name": tr(l, "col.busy"), "type": "bar", "stack": "t", "data": busy, "itemStyle": map[string]any{"color": "#1d4e89"}},
		{"name": tr(l, "col.idle"), "type": "bar", "stack": "t", "data": idle, "itemStyle": map[string]any{"color": "#9fb3c8"}},
	}
	s.render(w, r, http.StatusOK, "hall", &page{who: &u, Title: s.tr(r, "dash.title", d.Hall.Name.In(l), d.Day),
		Data: dashboard{Dashboard: d, Waits: waits, Windows: win, Now: s.svc.Clock.Now(), Cat: cat}})
}
