// Package console serves the web console (issue 17) to an office browser:
// server-rendered pages (html/template, which escapes every value), the
// Apache ECharts library and the pages' one small script embedded in the
// binary, so that it works on a LAN with no internet. Every right is
// checked by app/console on the server; this package only renders, reads
// forms, keeps the session cookie and checks each form's CSRF token.
package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/update"
	"onewindow/web/site"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Cookie names.
const (
	sessionCookie = "ow_session"
	loginCookie   = "ow_login" // the login form's CSRF token, before a session exists
	langCookie    = "ow_lang"
)

// Options configure the console.
type Options struct {
	// Where is who serves it, shown in the header: "省政务服务中心平台" or a
	// hall's hub.
	Where  app.Text
	Logger *slog.Logger
	// HallOnly serves a hall's hub: its managers' dashboard and their
	// password, nothing that only central holds.
	HallOnly bool
}

// Server is the console's HTTP handler.
type Server struct {
	svc   *console.Service
	opt   Options
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New makes the console over its use cases.
func New(svc *console.Service, opt Options) (*Server, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, opt: opt, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "parts" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/parts.html", n)
		if err != nil {
			return nil, fmt.Errorf("console page %s: %w", base, err)
		}
		s.pages[base] = t
	}
	static, _ := fs.Sub(staticFiles, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", site.Static(http.FileServerFS(static))))
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("GET /lang", s.setLang)
	s.mux.HandleFunc("POST /logout", s.session(s.logout))
	s.mux.HandleFunc("GET /password", s.session(s.passwordPage))
	s.mux.HandleFunc("POST /password", s.session(s.changePassword))
	s.mux.HandleFunc("GET /{$}", s.session(s.home))
	s.mux.HandleFunc("GET /halls", s.session(s.halls))
	s.mux.HandleFunc("GET /halls/{code}", s.session(s.hallDashboard))
	if !opt.HallOnly {
		s.central()
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusNotFound, "error", &page{Error: s.tr(r, "err.notfound")})
	})
	return s, nil
}

// central adds the pages of what only central holds.
func (s *Server) central() {
	s.mux.HandleFunc("GET /review", s.session(s.review))
	s.mux.HandleFunc("GET /cases/{number}", s.session(s.casePage))
	s.mux.HandleFunc("POST /cases/{number}/opinion", s.session(s.decide))
	s.mux.HandleFunc("POST /cases/{number}/reveal", s.session(s.reveal))
	s.mux.HandleFunc("GET /supervise", s.session(s.supervise))
	s.mux.HandleFunc("GET /halls/{code}/staff", s.session(s.staffPage))
	s.mux.HandleFunc("POST /halls/{code}/staff", s.session(s.addStaff))
	s.mux.HandleFunc("POST /halls/{code}/staff/{id}/{action}", s.session(s.staffAction))
	s.mux.HandleFunc("POST /halls/{code}/windows/{window}", s.session(s.windowCategories))
	s.mux.HandleFunc("GET /halls/{code}/booking", s.session(s.bookingPlanPage)) // booking.go
	s.mux.HandleFunc("POST /halls/{code}/booking", s.session(s.setBookingPlan))
	s.mux.HandleFunc("GET /accounts", s.session(s.accounts))
	s.mux.HandleFunc("POST /accounts", s.session(s.createAccount))
	s.mux.HandleFunc("POST /accounts/{login}/{action}", s.session(s.accountAction))
	s.mux.HandleFunc("GET /audit", s.session(s.audit))
	s.mux.HandleFunc("GET /publish", s.session(s.publishPage))
	s.mux.HandleFunc("POST /publish/{kind}", s.session(s.publish))
	s.mux.HandleFunc("POST /publish-update", s.session(s.publishUpdate))
}

// ServeHTTP serves a request with the console's security headers: no
// script, style or frame from anywhere but here.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	site.Headers(w.Header(), "same-origin")
	s.mux.ServeHTTP(w, r)
}

// who is the logged-in actor of a request.
type who struct {
	console.Actor
	sess console.Session
}

type handler func(w http.ResponseWriter, r *http.Request, u who)

// session admits a request with a live session. Without one a page goes
// to the login, a form is refused; a form's CSRF token must be the
// session's. An account with a password someone else set sees only the
// page that changes it.
func (s *Server) session(next handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var token string
		if c, err := r.Cookie(sessionCookie); err == nil {
			token = c.Value
		}
		a, sess, err := s.svc.Check(r.Context(), token)
		if err != nil {
			if !errors.Is(err, console.ErrSessionOver) {
				s.fail(w, r, err)
				return
			}
			if r.Method != http.MethodGet {
				s.render(w, r, http.StatusUnauthorized, "error", &page{Error: s.tr(r, "err.session")})
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		u := who{Actor: console.Actor{Account: a, Remote: remote(r)}, sess: sess}
		limit := int64(maxPublish + 1<<20)
		if r.URL.Path == "/publish-update" && a.Role == console.Admin {
			limit = update.MaxPackage + 1<<20
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if r.Method == http.MethodPost && !sameToken(r.PostFormValue("csrf"), sess.CSRF) {
			s.render(w, r, http.StatusForbidden, "error", &page{Error: s.tr(r, "err.csrf"), who: &u})
			return
		}
		if a.MustChange && r.URL.Path != "/password" && r.URL.Path != "/logout" {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		next(w, r, u)
	}
}

func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// remote is the browser's address as this server sees it.
func remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// fail renders an error: a refused right as 403, bad input as 400 with its
// words, anything else as 500 without its details (which go to the log).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.failWith(w, r, err, nil)
}

func (s *Server) failWith(w http.ResponseWriter, r *http.Request, err error, u *who) {
	p := &page{who: u}
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, console.ErrForbidden):
		status, p.Error = http.StatusForbidden, s.tr(r, "err.forbidden")
	case errors.Is(err, app.ErrInvalidInput), errors.Is(err, app.ErrNotFound):
		status, p.Error = http.StatusBadRequest, s.explain(r, err)
	case errors.Is(err, app.ErrConflict):
		status, p.Error = http.StatusConflict, s.explain(r, err)
	case errors.Is(err, context.Canceled):
		return
	default:
		s.opt.Logger.Error("console", "path", r.URL.Path, "err", err)
		p.Error = s.tr(r, "err.internal")
	}
	s.render(w, r, status, "error", p)
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// localPath is next if it is a path on this server, else "/": no scheme,
// no host, no control character or backslash (a browser drops a tab from
// "/\t/evil.example" and goes to evil.example).
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}
