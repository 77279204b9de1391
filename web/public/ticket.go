package public

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/app/citizen"
)

// ticketPage is the ticket page's data: the view and where its live
// updates come from.
type ticketPage struct {
	V      citizen.TicketView
	Events string
}

// ticket is a ticket's page: its place, state and window, which its
// script keeps current from ticketEvents.
func (s *Server) ticket(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Ticket(r.Context(), r.PathValue("hall"), app.Date(r.PathValue("day")), r.PathValue("code"), r.PathValue("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events := r.URL.EscapedPath() + "/events"
	if l := r.URL.Query().Get("lang"); l != "" {
		events += "?lang=" + s.lang(r)
	}
	s.render(w, r, http.StatusOK, "ticket", &page{Title: s.trLang(s.lang(r), "ticket.title", v.Code), Data: ticketPage{V: v, Events: events}})
}

// ticketEvents follows a ticket: server-sent events, each the ticket's live
// part rendered anew, sent when it changes (a snapshot of its hall came in,
// or the last one grew stale). A connection lasts at most followFor; the
// browser opens the next one by itself.
func (s *Server) ticketEvents(w http.ResponseWriter, r *http.Request) {
	// Its place comes from the hall's feed, read once for all its pages.
	v, err := s.svc.OpenTicket(r.Context(), r.PathValue("hall"), app.Date(r.PathValue("day")), r.PathValue("code"), r.PathValue("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must pass each event on at once
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n\n")
	flusher.Flush()

	ctx, cancel := context.WithTimeout(r.Context(), followFor)
	defer cancel()
	f, unfollow := s.feeds.follow(v.Hall)
	defer unfollow()
	var last []byte
	tick := time.NewTicker(s.opt.Recheck) // staleness grows without a snapshot
	defer tick.Stop()
	for {
		now, changed := f.current()
		if v, err = s.svc.Refresh(ctx, v, now); err != nil {
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				s.opt.Logger.Warn("citizens' page: following a ticket", "err", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := s.execute(&buf, r, "ticket", "live", &page{Data: ticketPage{V: v}}); err != nil {
			s.opt.Logger.Error("citizens' page: the ticket's live part", "err", err)
			return
		}
		if !bytes.Equal(buf.Bytes(), last) {
			last = buf.Bytes()
			if err := writeEvent(w, "update", last); err != nil {
				return
			}
			flusher.Flush()
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-tick.C:
		}
	}
}

// followFor is how long one live connection lasts.
const followFor = 10 * time.Minute

// writeEvent writes one server-sent event of name, its data a line each.
func writeEvent(w http.ResponseWriter, name string, data []byte) error {
	var b bytes.Buffer
	b.WriteString("event: " + name + "\n")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}

// feeds are the halls that live pages follow: for each, one poller asks
// the store every poll whether a newer snapshot came in (from this central
// server or any other on the same database) and wakes the hall's pages.
// The snapshot is read once per change for every page of the hall.
type feeds struct {
	ctx  context.Context
	svc  *citizen.Service
	poll time.Duration
	log  *slog.Logger

	mu    sync.Mutex
	halls map[string]*feed
}

type feed struct {
	mu      sync.Mutex
	now     citizen.QueueNow
	changed chan struct{} // closed and replaced when now changes
	pages   int
	stop    context.CancelFunc
	once    sync.Once
	first   func() // the first read, before the first page is answered
}

func newFeeds(ctx context.Context, svc *citizen.Service, poll time.Duration, log *slog.Logger) *feeds {
	return &feeds{ctx: ctx, svc: svc, poll: poll, log: log, halls: map[string]*feed{}}
}

// follow adds a page to hall's feed, starting its poller for the first;
// the function returned takes it away again.
func (fs *feeds) follow(hall string) (*feed, func()) {
	fs.mu.Lock()
	f, ok := fs.halls[hall]
	if !ok {
		ctx, stop := context.WithCancel(fs.ctx)
		f = &feed{changed: make(chan struct{}), stop: stop}
		f.first = func() { fs.read(ctx, hall, f) }
		fs.halls[hall] = f
		go fs.run(ctx, hall, f)
	}
	f.pages++
	fs.mu.Unlock()
	f.once.Do(f.first) // the first page finds the snapshot there; the others of the hall wait for it, no other hall does
	return f, func() {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if f.pages--; f.pages == 0 {
			f.stop()
			delete(fs.halls, hall)
		}
	}
}

func (fs *feeds) run(ctx context.Context, hall string, f *feed) {
	t := time.NewTicker(fs.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fs.read(ctx, hall, f)
		}
	}
}

// read takes the hall's snapshot when its version moved on.
func (fs *feeds) read(ctx context.Context, hall string, f *feed) {
	v, err := fs.svc.Store.QueueVersion(ctx, hall)
	f.mu.Lock()
	held := f.now.Version
	f.mu.Unlock()
	if err != nil || v == held {
		if err != nil && ctx.Err() == nil {
			fs.log.Warn("citizens' page: asking for a hall's queue", "err", err)
		}
		return
	}
	now, err := fs.svc.Store.QueueNow(ctx, hall)
	if err != nil {
		if !errors.Is(err, app.ErrNotFound) && ctx.Err() == nil {
			fs.log.Warn("citizens' page: reading a hall's queue", "err", err)
		}
		return
	}
	f.mu.Lock()
	f.now = now
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()
}

// current is the feed's snapshot and the channel closed when it changes.
func (f *feed) current() (citizen.QueueNow, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now, f.changed
}
