package central

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"onewindow/app"
	"onewindow/sync/wire"
)

// ServerOptions configure central's HTTP API.
type ServerOptions struct {
	// BackOffice are the departments' back offices' tokens (department →
	// token): each records opinions over the API for its own department
	// only. None turns that API off.
	BackOffice map[string]string
	// Console serves every path outside the API (/v1/): the web console.
	Console http.Handler
}

// Handler is central's HTTP API (wire.Path*).
func (c *Central) Handler(opt ServerOptions) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+wire.PathHealth, c.handleHealth)
	mux.HandleFunc("POST "+wire.PathEnrol, c.handleEnrol)
	mux.HandleFunc("POST "+wire.PathPush, c.authenticated(c.handlePush))
	mux.HandleFunc("GET "+wire.PathChanges, c.authenticated(c.handleChanges))
	mux.HandleFunc("GET "+wire.PathSnapshot, c.authenticated(c.handleSnapshot))
	mux.HandleFunc("POST "+wire.PathOpinions, c.backOffice(opt.BackOffice, c.handleOpinion))
	mux.HandleFunc("POST "+wire.PathReport, c.authenticated(c.handleReport))
	mux.HandleFunc("POST "+wire.PathQueue, c.authenticated(c.handleQueue))
	mux.HandleFunc("GET "+wire.PathUpdates+"{file}", c.authenticated(c.handleUpdate))
	noAPI := func(w http.ResponseWriter, r *http.Request) {
		c.problem(w, r, http.StatusNotFound, fmt.Errorf("%w: no such API: %s %s", app.ErrNotFound, r.Method, r.URL.Path))
	}
	mux.HandleFunc("/v1/", noAPI)
	if opt.Console != nil {
		mux.Handle("/", opt.Console)
	} else {
		mux.HandleFunc("/", noAPI)
	}
	return mux
}

type ctxKey int

const (
	terminalKey ctxKey = iota
	hallKey
	roleKey
	lastSyncKey
)

// authenticated admits a request carrying "Authorization: Bearer
// <terminal>:<secret>" of an enrolled terminal that was not revoked.
func (c *Central) authenticated(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		terminal, secret, ok2 := strings.Cut(cred, ":")
		if !ok || !ok2 || terminal == "" || secret == "" {
			c.problem(w, r, http.StatusUnauthorized, fmt.Errorf("%w: the request carries no terminal credentials", ErrUnauthorized))
			return
		}
		t, err := c.authenticate(r.Context(), terminal, secret)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		ctx := context.WithValue(context.WithValue(context.WithValue(r.Context(), terminalKey, terminal), hallKey, t.hall), roleKey, t.role)
		ctx = context.WithValue(ctx, lastSyncKey, t.lastSync)
		next(w, r.WithContext(ctx))
	}
}

// backOffice admits a request carrying "Authorization: Bearer <token>" of
// one department's back office, and tells the handler which department.
func (c *Central) backOffice(tokens map[string]string, next func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(tokens) == 0 {
			c.problem(w, r, http.StatusForbidden, errors.New("the back-office API is turned off on this central; departments decide in the web console"))
			return
		}
		got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		dept := ""
		for d, token := range tokens { // every token compared, in constant time
			if subtle.ConstantTimeCompare([]byte(hashSecret(got)), []byte(hashSecret(token))) == 1 {
				dept = d
			}
		}
		if dept == "" {
			c.problem(w, r, http.StatusUnauthorized, errors.New("the back-office token is missing or wrong"))
			return
		}
		next(w, r, dept)
	}
}

func (c *Central) handleHealth(w http.ResponseWriter, r *http.Request) {
	v, err := c.Version(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.reply(w, http.StatusOK, wire.Health{OK: true, Store: c.d.name, Version: v, Time: c.now().UTC()})
}

// handleQueue takes the hall's queue snapshot from its hub.
func (c *Central) handleQueue(w http.ResponseWriter, r *http.Request) {
	if role := r.Context().Value(roleKey).(string); role != RoleHub {
		c.problem(w, r, http.StatusForbidden, fmt.Errorf("only the hall's hub sends its queue; this terminal was enrolled as %q", role))
		return
	}
	var s app.QueueSnapshot
	if !c.readJSON(w, r, wire.MaxQueueSnapshot, &s) {
		return
	}
	v, err := c.TakeQueueSnapshot(r.Context(), r.Context().Value(hallKey).(string), s)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.reply(w, http.StatusOK, wire.QueueAnswer{Version: v})
}

func (c *Central) handleEnrol(w http.ResponseWriter, r *http.Request) {
	var req wire.EnrolRequest
	if !c.readJSON(w, r, 16<<10, &req) {
		return
	}
	ans, err := c.Enrol(r.Context(), req.Code, req.Terminal)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.reply(w, http.StatusOK, ans)
}

func (c *Central) handlePush(w http.ResponseWriter, r *http.Request) {
	data, ok := c.readBody(w, r, wire.MaxBatchBytes)
	if !ok {
		return
	}
	b, payloads, err := decodeBatch(data)
	if err != nil {
		c.problem(w, r, http.StatusBadRequest, err)
		return
	}
	ans, err := c.push(r.Context(), r.Context().Value(terminalKey).(string), b, payloads)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.reply(w, http.StatusOK, ans)
}

func (c *Central) handleChanges(w http.ResponseWriter, r *http.Request) {
	since, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	if err != nil {
		c.problem(w, r, http.StatusBadRequest, fmt.Errorf("%w: since must be the cursor, a whole number", app.ErrInvalidInput))
		return
	}
	limit := 0
	if s := r.URL.Query().Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 {
			c.problem(w, r, http.StatusBadRequest, fmt.Errorf("%w: limit must be a positive whole number", app.ErrInvalidInput))
			return
		}
	}
	ans, err := c.Changes(r.Context(), r.Context().Value(hallKey).(string), since, limit)
	ans.Suite = string(c.keys.Suite())
	if err == nil && !seesPasswords(r.Context().Value(roleKey).(string)) {
		err = stripPasswords(ans.Changes)
	}
	if err == nil { // appointments: bookings to the hub, the booking key to kiosks (bookings_sync.go)
		ans.Changes, err = c.fitChanges(r.Context(), r.Context().Value(hallKey).(string), r.Context().Value(roleKey).(string), ans.Changes)
	}
	if err == nil && !ans.More {
		err = c.synced(r.Context(), r.Context().Value(terminalKey).(string))
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.reply(w, http.StatusOK, ans)
}

func (c *Central) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	snap, err := c.Snapshot(r.Context(), r.Context().Value(hallKey).(string))
	snap.Suite = string(c.keys.Suite())
	if err == nil && snap.Hall != nil && !seesPasswords(r.Context().Value(roleKey).(string)) {
		withoutPasswords(snap.Hall)
	}
	if err == nil { // appointments (bookings_sync.go)
		err = c.fitSnapshot(r.Context(), r.Context().Value(hallKey).(string), r.Context().Value(roleKey).(string), &snap)
	}
	if err == nil {
		err = c.synced(r.Context(), r.Context().Value(terminalKey).(string))
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.reply(w, http.StatusOK, snap)
}

func (c *Central) handleReport(w http.ResponseWriter, r *http.Request) {
	var rep wire.Report
	if !c.readJSON(w, r, wire.MaxReportBytes, &rep) {
		return
	}
	if err := c.RecordReport(r.Context(), r.Context().Value(terminalKey).(string), rep); err != nil {
		c.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Central) handleOpinion(w http.ResponseWriter, r *http.Request, dept string) {
	var o wire.Opinion
	if !c.readJSON(w, r, 64<<10, &o) {
		return
	}
	if o.Department != dept {
		c.problem(w, r, http.StatusForbidden, fmt.Errorf("this back office speaks for department %q only, not %q", dept, o.Department))
		return
	}
	ans, err := c.RecordOpinion(r.Context(), o)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.reply(w, http.StatusOK, ans)
}

// readJSON reads a JSON body, gzip-compressed or not, of at most limit bytes
// once decompressed, strictly. On failure it has answered already.
func (c *Central) readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	data, ok := c.readBody(w, r, limit)
	if !ok {
		return false
	}
	if err := wire.Decode(data, v); err != nil {
		c.problem(w, r, http.StatusBadRequest, err)
		return false
	}
	return true
}

// readBody reads a JSON body, gzip-compressed or not, of at most limit
// bytes once decompressed. On failure it has answered already.
func (c *Central) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		c.problem(w, r, http.StatusUnsupportedMediaType, fmt.Errorf("the body must be application/json, not %s", ct))
		return nil, false
	}
	var gz bool
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		gz = true
	default:
		c.problem(w, r, http.StatusUnsupportedMediaType, fmt.Errorf("content encoding %q is not understood; use gzip", enc))
		return nil, false
	}
	data, err := wire.ReadBody(http.MaxBytesReader(w, r.Body, limit+1), gz, limit)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, wire.ErrTooLarge) || errors.As(err, &tooBig):
		c.problem(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("the body is larger than %d bytes", limit))
		return nil, false
	case err != nil:
		c.problem(w, r, http.StatusBadRequest, err)
		return nil, false
	}
	return data, true
}

// fail answers with the status err calls for.
func (c *Central) fail(w http.ResponseWriter, r *http.Request, err error) {
	var gap *GapError
	switch {
	case errors.As(err, &gap):
		w.Header().Set(wire.HeaderExpected, strconv.FormatInt(gap.Expected, 10))
		c.reply(w, http.StatusConflict, wire.Problem{Error: err.Error(), Expected: gap.Expected})
		return
	case errors.Is(err, app.ErrInvalidInput), errors.Is(err, app.ErrInvalidCatalog):
		c.problem(w, r, http.StatusBadRequest, err)
	case errors.Is(err, ErrUnauthorized):
		c.problem(w, r, http.StatusUnauthorized, err)
	case errors.Is(err, ErrRevoked):
		c.problem(w, r, http.StatusForbidden, err)
	case errors.Is(err, app.ErrNotFound):
		c.problem(w, r, http.StatusNotFound, err)
	case errors.Is(err, ErrConflict), errors.Is(err, app.ErrStaleCatalog):
		c.problem(w, r, http.StatusConflict, err)
	case errors.Is(err, ErrCursorGone):
		c.problem(w, r, http.StatusGone, err)
	case errors.Is(err, ErrNotReady):
		w.Header().Set("Retry-After", "60")
		c.problem(w, r, http.StatusServiceUnavailable, err)
	case errors.Is(err, context.Canceled), r.Context().Err() != nil:
		// The client went away (and the database call with it, in
		// whatever words the driver found); there is nobody to answer.
	default:
		c.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		c.problem(w, r, http.StatusInternalServerError, errors.New("central failed to handle the request; it is logged"))
	}
}

func (c *Central) problem(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status < 500 {
		c.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "status", status)
	}
	c.reply(w, status, wire.Problem{Error: err.Error()})
}

func (c *Central) reply(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"central could not encode its answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
