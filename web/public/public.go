// Package public serves the citizens' pages on central (issue 18) to a
// phone on the internet: a ticket's place in its hall's queue, followed
// live; a case's progress; a hall's completed cases (办件公示); and
// appointments (booking*.go). Pages are rendered on the server
// (html/template escapes every value) with one small embedded script and
// stylesheet, no CDN. Every look-up needs the key printed in the code the
// citizen scanned (app/citizen), every form its CSRF token, and each
// client address is held to a rate (ratelimit.go): 429 beyond it.
package public

import (
	"bytes"
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
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/citizen"
	"onewindow/web/site"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Cookie names.
const (
	langCookie = "ow_pub_lang"
	csrfCookie = "ow_pub_csrf" // double-submit token of the booking forms
)

// Paths are the path prefixes the citizens' pages answer; cmd mounts them
// beside the web console with Mount.
var Paths = []string{"/t/", "/c/", "/gs/", "/book/", "/pub/"}

// Options configure the pages.
type Options struct {
	Logger *slog.Logger
	// Rate and Burst hold each client address to Rate requests a second,
	// Burst at once (a following page's live connection counts once).
	Rate  float64
	Burst int
	// Poll is how often a hall followed by a page is asked for a newer
	// snapshot.
	Poll time.Duration
	// Recheck is how often a live page is looked at again without a new
	// snapshot, to say when its hall's data has grown stale.
	Recheck time.Duration
	// TrustProxy takes the client's address from X-Forwarded-For's last
	// entry: only behind a proxy that sets it.
	TrustProxy bool
}

// Server is the citizens' pages' HTTP handler.
type Server struct {
	svc     *citizen.Service
	opt     Options
	pages   map[string]*template.Template
	mux     *http.ServeMux
	limiter *limiter
	feeds   *feeds
}

// New makes the pages over the citizens' use cases. Stop ends its
// background work (the feeds of followed halls) with ctx.
func New(ctx context.Context, svc *citizen.Service, opt Options) (*Server, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Rate <= 0 {
		opt.Rate, opt.Burst = 2, 40
	}
	if opt.Poll <= 0 {
		opt.Poll = 500 * time.Millisecond
	}
	if opt.Recheck <= 0 {
		opt.Recheck = 10 * time.Second
	}
	s := &Server{svc: svc, opt: opt, pages: map[string]*template.Template{}, mux: http.NewServeMux(),
		limiter: newLimiter(opt.Rate, opt.Burst)}
	s.feeds = newFeeds(ctx, svc, opt.Poll, opt.Logger)
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("citizens' page %s: %w", base, err)
		}
		s.pages[base] = t
	}
	static, _ := fs.Sub(staticFiles, "static")
	s.mux.Handle("GET /pub/", http.StripPrefix("/pub/", site.Static(http.FileServerFS(static))))
	s.mux.HandleFunc("GET /t/{hall}/{day}/{code}/{key}", s.ticket)
	s.mux.HandleFunc("GET /t/{hall}/{day}/{code}/{key}/events", s.ticketEvents)
	s.mux.HandleFunc("GET /c/{number}/{key}", s.casePage)
	s.mux.HandleFunc("GET /gs/{hall}", s.publicity)
	s.bookingRoutes(s.mux)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) })
	go s.limiter.sweep(ctx)
	return s, nil
}

// Mount serves the citizens' pages at Paths and everything else with rest
// (the web console).
func Mount(pages, rest http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, p := range Paths {
		mux.Handle(p, pages)
	}
	if rest == nil {
		rest = http.NotFoundHandler()
	}
	mux.Handle("/", rest)
	return mux
}

// ServeHTTP serves a request with the pages' security headers, within its
// client's rate.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	site.Headers(h, "no-referrer") // a ticket's or case's key stays out of other sites' logs
	if !strings.HasPrefix(r.URL.Path, "/pub/") && !s.limiter.allow(s.client(r), time.Now()) {
		h.Set("Retry-After", "5")
		s.render(w, r, http.StatusTooManyRequests, "error", &page{Error: s.tr(r, "err.toomany")})
		return
	}
	s.mux.ServeHTTP(w, r)
}

// client is the address a request's rate is counted against.
func (s *Server) client(r *http.Request) string {
	if s.opt.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			parts := strings.Split(f, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// page is what every template gets.
type page struct {
	Title string
	Lang  string
	Error string
	CSRF  string
	Data  any
	r     *http.Request
	s     *Server
}

// T is a text of the page's language.
func (p *page) T(key string, args ...any) string { return p.s.trLang(p.Lang, key, args...) }

// Pick is a catalogue text in the page's language.
func (p *page) Pick(t app.Text) string { return t.In(p.Lang) }

func (s *Server) lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := s.execute(&buf, r, name, "layout.html", p); err != nil {
		s.opt.Logger.Error("citizens' page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 86400, HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// execute runs one template of a page into buf.
func (s *Server) execute(buf *bytes.Buffer, r *http.Request, name, tmpl string, p *page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	p.r, p.s, p.Lang = r, s, s.lang(r)
	return t.ExecuteTemplate(buf, tmpl, p)
}

// notFound answers a page that does not exist, or a link whose key is
// wrong: the same words for both.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", &page{Title: s.tr(r, "err.notfound.title"), Error: s.tr(r, "err.notfound")})
}

// fail answers an error of a use case: not found as 404, bad input as 400
// with its words, anything else as 500 without details (they go to the log,
// which never gets personal data: errors here name numbers and fields).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, app.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, app.ErrInvalidInput), errors.Is(err, app.ErrConflict):
		s.render(w, r, http.StatusBadRequest, "error", &page{Error: err.Error()})
	case errors.Is(err, context.Canceled):
	default:
		s.opt.Logger.Error("citizens' page", "path", pathKind(r), "err", err)
		s.render(w, r, http.StatusInternalServerError, "error", &page{Error: s.tr(r, "err.internal")})
	}
}

// pathKind is a request's path without its keys, for the log.
func pathKind(r *http.Request) string {
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	return "/" + p[0] + "/…"
}

// csrfToken is the booking forms' token: the cookie's, made when missing.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	b := make([]byte, 16)
	rand.Read(b)
	t := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: t, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode})
	return t
}

// checkCSRF reports whether a form carries the token of its cookie.
func (s *Server) checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	return err == nil && len(c.Value) == 32 && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(c.Value)) == 1
}

var funcs = template.FuncMap{
	"minutes": func(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) },
	"clock":   func(t time.Time) string { return t.In(app.HallZone).Format("15:04") },
	"stamp":   func(t time.Time) string { return t.In(app.HallZone).Format("2006-01-02 15:04") },
}
