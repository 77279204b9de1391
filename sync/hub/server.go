// Package hub is the hall's authority on the LAN: its queue and its shared
// records (DESIGN.md §4, §4a). Kiosks issue numbers through it, windows call
// through it, and the hall screen listens to it; it serves HTTP+JSON with
// the hall's shared key, over TLS with the hall's hub certificate that
// every terminal pins (Pinned; made by the hub's set-up), streams every
// queue change as server-sent events (or long-poll) that a listener
// resumes after a reconnect, and keeps all
// its state in the hall's SQLite store, so a restart or kill -9 loses no
// issued ticket, call or record. It needs no wide-area network.
//
// The hall's records: every terminal pushes its outbox (cases, ratings,
// follow-ups) to the hub with the discipline it would use towards central
// (Pusher; POST /v1/records, sync/wire's batches, exactly once), and the
// hub relays to central, through its own outbox, what it applied, in the
// order it applied it, with the steps it chains itself: central's
// decisions (each department's opinion), a window accepting a kiosk's
// application, a result handed out at any window. The hub relays rather
// than being a second consumer of each terminal's outbox so that central
// learns every case's steps in the one order the hall chained them: a step
// the hub adds after a kiosk's intake can never reach central before the
// intake. Records reads the hall's cases through the hub for a terminal.
//
// The queue's rules live in app/ (app.QueueStore, app.HallRecords; app/store
// implements both); this package only carries them over the LAN, in the
// JSON bodies of wire.go. Queue requests carry no personal data (kiosks
// send the age, the masked name and a keyed hash of the ID number); the
// hall's records do, sealed at rest in the hub's store as on the
// terminals, and never logged: the hub logs paths and statuses only.
package hub

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"onewindow/app"
)

// MinKeyLength is the shortest hall key the hub accepts.
const MinKeyLength = 32

// maxBody is the largest request body: every request is a few fields.
const maxBody = 16 << 10

// Store is what the hub keeps: the hall's queue and the hall's records.
// app/store's Store is one.
type Store interface {
	app.QueueStore
	app.HallRecords
	// TicketPlace is a ticket's state and place now (store.TicketPlace).
	TicketPlace(ctx context.Context, id string) (app.Ticket, error)
}

// Server is the hub.
type Server struct {
	store     Store
	clock     app.Clock
	key       [32]byte // sha256 of the hall key, compared in constant time
	log       *slog.Logger
	keepAlive time.Duration
	// Console serves every path outside the API (/v1/): the hall's web
	// console for its managers. Set it before Handler.
	Console http.Handler

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every queue change
	// ticketKey keys a ticket's link to the citizens' pages (SetTicketKey).
	ticketKey func(ticketID string) string
}

// SetTicketKey sets what keys a ticket's link to the citizens' pages
// (app.TicketKey, with the hub's secret from its enrolment with central,
// link.Link.TicketKey). Until it is set, tickets go without a key and
// their codes open nothing on a phone.
func (h *Server) SetTicketKey(key func(ticketID string) string) {
	h.mu.Lock()
	h.ticketKey = key
	h.mu.Unlock()
}

// New makes a hub over a store. There is no default key: a key shorter than
// MinKeyLength is refused.
func New(s Store, hallKey string, log *slog.Logger) (*Server, error) {
	if len(hallKey) < MinKeyLength {
		return nil, fmt.Errorf("hub: the hall key must be at least %d characters; make one with 'openssl rand -hex 32'", MinKeyLength)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{store: s, clock: app.SystemClock{}, key: sha256.Sum256([]byte(hallKey)), log: log, keepAlive: 15 * time.Second,
		changed: make(chan struct{})}, nil
}

// Tidy forgets the carried-out requests and queue events older than keep
// (app.QueueStore.ForgetQueue) now and then every interval, until ctx ends, so the
// hub's database does not grow by a row with every issue and call for
// years. Tickets and the outbox are kept.
func (h *Server) Tidy(ctx context.Context, every, keep time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		requests, events, err := h.store.ForgetQueue(ctx, keep)
		switch {
		case err != nil && ctx.Err() == nil:
			h.log.Error("hub: forgetting old queue records", "err", err)
		case requests+events > 0:
			h.log.Info("hub: forgot old queue records", "requests", requests, "events", events)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Handler is the hub's HTTP API.
func (h *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "time": time.Now().UTC()})
	})
	mux.Handle("POST /v1/tickets", h.auth(h.issue))
	mux.Handle("POST /v1/tickets/requeue", h.auth(h.requeue))
	mux.Handle("POST "+PathCheckIn, h.auth(h.checkInBooking)) // bookings.go
	mux.Handle("POST /v1/windows/{window}/{action}", h.auth(h.windowAction))
	mux.Handle("GET /v1/windows/{window}", h.auth(h.window))
	mux.Handle("GET /v1/queue", h.auth(h.queue))
	mux.Handle("GET /v1/tickets/{day}/{code}", h.auth(h.ticket))
	mux.Handle("GET /v1/events", h.auth(h.events))
	mux.Handle("POST /v1/records", h.auth(h.records))
	mux.Handle("POST /v1/cases/find", h.auth(h.findCases))
	mux.Handle("GET /v1/cases", h.auth(h.listCases))
	mux.Handle("GET /v1/cases/open", h.auth(h.openCases))
	mux.Handle("GET /v1/cases/{number}", h.auth(h.getCase))
	mux.Handle("GET /v1/cases/{number}/verify", h.auth(h.verifyCase))
	mux.Handle("POST /v1/cases/{number}/decide", h.auth(h.decideCase))
	mux.Handle("POST /v1/cases/{number}/note", h.auth(h.noteCase))
	mux.Handle("POST /v1/ratings", h.auth(h.rate))
	mux.Handle("GET /v1/followups", h.auth(h.followUps))
	mux.Handle("POST /v1/followups/{rating}/resolve", h.auth(h.resolveFollowUp))
	noAPI := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, fmt.Errorf("%w: there is no %s %s on the hub", app.ErrNotFound, r.Method, r.URL.Path))
	}
	mux.HandleFunc("/v1/", noAPI)
	if h.Console != nil {
		mux.Handle("/", h.Console) // the hall's managers' web console
	} else {
		mux.HandleFunc("/", noAPI)
	}
	return h.logged(mux)
}

func (h *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		t0 := time.Now()
		next.ServeHTTP(rec, r)
		// Paths and statuses only: bodies may describe citizens.
		h.log.Debug("hub request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "took", time.Since(t0))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (h *Server) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "Bearer "
		got := r.Header.Get("Authorization")
		if len(got) <= len(prefix) || got[:len(prefix)] != prefix {
			writeError(w, fmt.Errorf("%w: send it as 'Authorization: Bearer <key>'", ErrUnauthorized))
			return
		}
		sum := sha256.Sum256([]byte(got[len(prefix):]))
		if subtle.ConstantTimeCompare(sum[:], h.key[:]) != 1 {
			h.log.Warn("hub request with a wrong hall key", "remote", r.RemoteAddr, "path", r.URL.Path)
			writeError(w, ErrUnauthorized)
			return
		}
		next(w, r)
	})
}

func (h *Server) now() time.Time { return h.clock.Now() }

// notify wakes every listener after a change.
func (h *Server) notify() {
	h.mu.Lock()
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
}

func (h *Server) waitChange() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changed
}

func (h *Server) issue(w http.ResponseWriter, r *http.Request) {
	var body issueBody
	if !readJSON(w, r, &body) {
		return
	}
	t, err := h.store.Issue(r.Context(), app.IssueRequest(body))
	h.answer(w, http.StatusCreated, t, err)
}

func (h *Server) requeue(w http.ResponseWriter, r *http.Request) {
	var body requeueBody
	if !readJSON(w, r, &body) {
		return
	}
	t, err := h.store.Requeue(r.Context(), body.RequestID, body.TicketID, body.WhoKey, body.WhoKeyAlt)
	h.answer(w, http.StatusOK, t, err)
}

func (h *Server) windowAction(w http.ResponseWriter, r *http.Request) {
	n, ok := windowParam(w, r)
	if !ok {
		return
	}
	var b actionBody
	if !readJSON(w, r, &b) {
		return
	}
	ctx := r.Context()
	var t app.Ticket
	var err error
	switch action := r.PathValue("action"); action {
	case "call":
		t, err = h.store.CallNext(ctx, b.RequestID, n)
	case "recall":
		t, err = h.store.Recall(ctx, b.RequestID, n)
	case "skip":
		t, err = h.store.Skip(ctx, b.RequestID, n)
	case "start":
		t, err = h.store.StartServing(ctx, b.RequestID, n)
	case "finish":
		t, err = h.store.Finish(ctx, b.RequestID, n)
	case "transfer":
		t, err = h.store.Transfer(ctx, b.RequestID, n, b.Category, b.Window)
	case "pause":
		err = h.store.Pause(ctx, b.RequestID, n, b.Reason)
	case "resume":
		err = h.store.Resume(ctx, b.RequestID, n)
	case "staff":
		err = h.store.SetClerk(ctx, n, b.Clerk)
	default:
		writeError(w, fmt.Errorf("%w: a window has no action %q (call, recall, skip, start, finish, transfer, pause, resume, staff)", app.ErrNotFound, action))
		return
	}
	h.answer(w, http.StatusOK, t, err)
}

func (h *Server) window(w http.ResponseWriter, r *http.Request) {
	n, ok := windowParam(w, r)
	if !ok {
		return
	}
	st, err := h.store.Window(r.Context(), n)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, windowBody(st))
}

func (h *Server) queue(w http.ResponseWriter, r *http.Request) {
	calls := 10
	if v := r.URL.Query().Get("calls"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			writeError(w, fmt.Errorf("%w: calls must be a number from 0 to 100", app.ErrInvalidInput))
			return
		}
		calls = n
	}
	st, err := h.store.Queue(r.Context(), calls)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, queueBodyOf(st))
}

// answer writes a change's result and wakes the listeners.
func (h *Server) answer(w http.ResponseWriter, status int, t app.Ticket, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	h.notify()
	if t.ID == "" {
		writeJSON(w, status, map[string]bool{"ok": true})
		return
	}
	h.mu.Lock()
	key := h.ticketKey
	h.mu.Unlock()
	if key != nil {
		t.Key = key(t.ID)
	}
	writeJSON(w, status, t)
}

// events streams the queue's changes after a sequence number, as
// server-sent events; with ?wait=SECONDS it long-polls instead, answering
// a JSON array as soon as there is something, or an empty one at the end.
func (h *Server) events(w http.ResponseWriter, r *http.Request) {
	after, err := afterParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if v := r.URL.Query().Get("wait"); v != "" {
		secs, err := strconv.Atoi(v)
		if err != nil || secs < 0 || secs > 60 {
			writeError(w, fmt.Errorf("%w: wait must be 0 to 60 seconds", app.ErrInvalidInput))
			return
		}
		h.longPoll(w, r, after, time.Duration(secs)*time.Second)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, errors.New("this connection cannot stream events; use ?wait=25 to long-poll"))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 2000\n\n")
	flusher.Flush()
	keep := time.NewTicker(h.keepAlive)
	defer keep.Stop()
	for {
		changed := h.waitChange() // taken before reading, so no change slips between
		evs, err := h.store.QueueEvents(r.Context(), after, 200)
		if err != nil {
			if r.Context().Err() == nil {
				h.log.Error("hub: reading queue events", "err", err)
			}
			return
		}
		for _, e := range evs {
			data, _ := json.Marshal(e)
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Kind, data)
			after = e.Seq
		}
		flusher.Flush()
		if len(evs) == 200 {
			continue
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-keep.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			flusher.Flush()
		}
	}
}

func (h *Server) longPoll(w http.ResponseWriter, r *http.Request, after int64, wait time.Duration) {
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	for {
		changed := h.waitChange()
		evs, err := h.store.QueueEvents(r.Context(), after, 200)
		if err != nil {
			writeError(w, err)
			return
		}
		if len(evs) > 0 {
			writeJSON(w, http.StatusOK, evs)
			return
		}
		select {
		case <-ctx.Done():
			writeJSON(w, http.StatusOK, []app.QueueEvent{})
			return
		case <-changed:
		}
	}
}

func afterParam(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("after")
	if v == "" {
		v = r.Header.Get("Last-Event-ID")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: after must be an event number, not %q", app.ErrInvalidInput, v)
	}
	return n, nil
}

func windowParam(w http.ResponseWriter, r *http.Request) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("window"))
	if err != nil || n < 1 || n > 999 {
		writeError(w, fmt.Errorf("%w: %q is not a window number (1–999)", app.ErrInvalidInput, r.PathValue("window")))
		return 0, false
	}
	return n, true
}

// readJSON decodes one JSON object from the body, refusing unknown fields,
// trailing data and bodies over maxBody. An empty body is an empty object.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{
			Error: fmt.Sprintf("the request is larger than %d bytes", maxBody), Code: "too_large"})
		return false
	case err != nil:
		writeError(w, fmt.Errorf("%w: the request is not valid JSON: %v", app.ErrInvalidInput, err))
		return false
	case app.JSONEnd(dec) != nil:
		writeError(w, fmt.Errorf("%w: something follows the JSON object", app.ErrInvalidInput))
		return false
	}
	return true
}

func writeError(w http.ResponseWriter, err error) {
	code, status := codeOf(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		msg = "the hub could not do that: " + msg
	}
	writeJSON(w, status, errorBody{Error: msg, Code: code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
