// Package desk is the clerk's service window as use cases: log in and lock,
// drive the queue through the hall hub (call, recall, skip, transfer, pause,
// resume, finish), take in a case (一窗受理) with its three outcomes and
// their printed notices, follow open cases and hand out results (统一出件),
// and collect the citizen's rating from the rating pad.
//
// The window's screen (ui/window) only renders a Desk's View and calls its
// methods; every rule lives here or below, so it is tested without a
// window. A case is always stored before anything is printed or shown, so a
// device failing mid-flow never loses one. Desk never logs personal data.
package desk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"onewindow/app"
)

// Hub is the hall hub as a window sees it; sync/hub's Client satisfies it.
// Every action takes a request id: a retry with the same id cannot act twice.
type Hub interface {
	Call(ctx context.Context, requestID string, window int) (app.Ticket, error)
	Recall(ctx context.Context, requestID string, window int) (app.Ticket, error)
	Skip(ctx context.Context, requestID string, window int) (app.Ticket, error)
	Start(ctx context.Context, requestID string, window int) (app.Ticket, error)
	Finish(ctx context.Context, requestID string, window int) (app.Ticket, error)
	Transfer(ctx context.Context, requestID string, window int, toCategory string, toWindow int) (app.Ticket, error)
	Pause(ctx context.Context, requestID string, window int, reason string) error
	Resume(ctx context.Context, requestID string, window int) error
	Window(ctx context.Context, window int) (app.WindowStatus, error)
	SetClerk(ctx context.Context, window int, clerk string) error
}

// Records are the terminal's records a Desk reads and writes, and its
// staff for logging in; the terminal's store (app/store) is one.
type Records interface {
	app.CaseRecords
	app.StaffDirectory
}

// Services are what a Desk works with. Printer, Bus, Reader and Syncer may
// be nil when the terminal has no such device or no link to central yet.
type Services struct {
	Store   Records
	Hub     Hub
	Printer app.Printer
	Bus     app.QueueBus
	Reader  app.IDCardReader
	Syncer  app.Syncer
	Clock   app.Clock
	Log     *slog.Logger
	// NewRequestID makes the id of one hub action (app.NewID).
	NewRequestID func() string
	// Applications lists the hall's self-service applications waiting for
	// a window's pre-review (sync/hub's Records); nil lists this
	// terminal's own.
	Applications Applications
}

// Applications are the hall's self-service applications waiting for a
// window's pre-review (预审), oldest first.
type Applications interface {
	Submitted(ctx context.Context) ([]app.Case, error)
}

// Config is the window's own set-up.
type Config struct {
	Window     int
	Categories []string // the queue categories it serves, from the configuration
	// Queue-bus addresses of the window's display, caller keypad and rating
	// pad. Zero takes the hall's wiring plan (queuesim.DefaultDevices): the
	// display at the window's number, the keypad at 10 more, the pad at 20 more.
	DisplayAddr, CallerAddr, RatingAddr int
	Login                               app.LoginPolicy // zero: app.DefaultLoginPolicy
	// DeviceTimeout bounds one print, display or card read, so a dead device
	// cannot hang the clerk's screen.
	DeviceTimeout time.Duration
	// RefreshEvery is how often Run asks the hub for the window's queue and
	// the syncer for its status.
	RefreshEvery time.Duration
	// PublicURL is where citizens' phones reach central's pages: a notice's
	// code links to the case's progress there (app.CaseLink). Empty prints
	// the code only the hall's kiosks read.
	PublicURL string
}

// Desk is one service window's terminal.
type Desk struct {
	svc  Services
	cfg  Config
	auth *app.Authenticator
	idle *app.IdleTimer
	log  *slog.Logger

	mu       sync.Mutex
	v        View
	pending  map[string]string // hub action → request id kept for its retry
	onChange func()
	onAsk    func(app.CallerKey)
	onCard   func(app.Applicant, error)

	catalog  *app.Catalog
	hallName string
	lastSync time.Time // the sync whose catalogue and hall were last read
}

// View is everything the window's screen shows, as one snapshot.
type View struct {
	Window     int
	Categories []string
	HallName   string
	Staff      *app.Staff // nil while nobody is logged in
	Locked     bool       // the screen is locked; Staff is who locked it

	// The queue, as the hub last told it.
	Current     *app.Ticket
	Paused      bool
	PauseReason string
	Waiting     int
	CaseNumber  string // the last case taken in for the current ticket

	Hub  LinkState
	Sync *app.SyncStatus // nil without a link to central

	Printer, Display, Reader DeviceState
	KeypadKey                app.CallerKey // the last caller-keypad key refused, with why
	KeypadErr                error

	Rating   *RatingRequest // the rating pad is waiting for this service's rating
	LastRate *RatingResult  // the last rating received

	// Applications is how many of the hall's self-service applications
	// wait for this window's pre-review (预审), as last counted.
	Applications int
}

// LinkState is whether the hub answered the last time it was asked.
type LinkState struct {
	Online  bool
	Checked time.Time // zero before the first exchange
	Err     string
}

// DeviceState is what the window knows of one of its devices.
type DeviceState struct {
	Attached bool
	OK       bool
	Err      string // the last failure, in the driver's words
}

// RatingRequest is a finished service whose rating the pad is waiting for.
type RatingRequest struct {
	Ticket string
	Case   string
	Clerk  string // who served: the rating is theirs even if another clerk logs in
	Asked  time.Time
}

// RatingResult is a rating received and stored.
type RatingResult struct {
	Rating   app.Rating
	FollowUp *app.FollowUp
	Err      string // when it could not be stored
	Cause    error  // the same, for the clerk's words
}

// New makes a desk. It loads the catalogue and the hall's name from the store.
func New(ctx context.Context, svc Services, cfg Config) (*Desk, error) {
	if svc.Store == nil || svc.Hub == nil {
		return nil, fmt.Errorf("window terminal: %w: it needs a store and a hub", app.ErrInvalidInput)
	}
	if cfg.Window < 1 || cfg.Window > 999 {
		return nil, fmt.Errorf("window terminal: %w: window number %d", app.ErrInvalidInput, cfg.Window)
	}
	if svc.Clock == nil {
		svc.Clock = app.SystemClock{}
	}
	if svc.Log == nil {
		svc.Log = slog.New(slog.DiscardHandler)
	}
	if svc.NewRequestID == nil {
		return nil, fmt.Errorf("window terminal: %w: no request-id maker", app.ErrInvalidInput)
	}
	if cfg.Login == (app.LoginPolicy{}) {
		cfg.Login = app.DefaultLoginPolicy
	}
	if err := cfg.Login.Validate(); err != nil {
		return nil, fmt.Errorf("window terminal login policy: %w", err)
	}
	if cfg.DisplayAddr == 0 {
		cfg.DisplayAddr = cfg.Window
	}
	if cfg.CallerAddr == 0 {
		cfg.CallerAddr = 10 + cfg.Window
	}
	if cfg.RatingAddr == 0 {
		cfg.RatingAddr = 20 + cfg.Window
	}
	if cfg.DeviceTimeout <= 0 {
		cfg.DeviceTimeout = 5 * time.Second
	}
	if cfg.RefreshEvery <= 0 {
		cfg.RefreshEvery = 3 * time.Second
	}
	d := &Desk{svc: svc, cfg: cfg, log: svc.Log, pending: map[string]string{},
		auth: &app.Authenticator{Dir: svc.Store, Policy: cfg.Login, Clock: svc.Clock},
		idle: app.NewIdleTimer(svc.Clock, cfg.Login.IdleLock)}
	if err := d.Reload(ctx); err != nil {
		return nil, err
	}
	d.v = View{Window: cfg.Window, Categories: cfg.Categories, HallName: d.hallName,
		Printer: DeviceState{Attached: svc.Printer != nil, OK: svc.Printer != nil},
		Display: DeviceState{Attached: svc.Bus != nil, OK: svc.Bus != nil},
		Reader:  DeviceState{Attached: svc.Reader != nil, OK: svc.Reader != nil}}
	return d, nil
}

// Reload reads the catalogue and the hall's name again, after central
// published new ones.
func (d *Desk) Reload(ctx context.Context) error {
	cat, err := d.svc.Store.Catalog(ctx)
	if err != nil {
		return fmt.Errorf("window terminal: %w", err)
	}
	hall, err := d.svc.Store.Hall(ctx)
	if err != nil {
		return fmt.Errorf("window terminal: %w", err)
	}
	d.mu.Lock()
	d.catalog, d.hallName = cat, hall.Name.Zh
	d.v.HallName = hall.Name.Zh
	d.mu.Unlock()
	return nil
}

// Config returns the window's set-up with its defaults filled in.
func (d *Desk) Config() Config { return d.cfg }

// Catalog is the catalogue the desk takes cases in against.
func (d *Desk) Catalog() *app.Catalog {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.catalog
}

// OnChange sets the function told after every change of the View. It is
// called on whatever goroutine made the change.
func (d *Desk) OnChange(fn func()) {
	d.mu.Lock()
	d.onChange = fn
	d.mu.Unlock()
}

// OnKeypadAsks sets the function told when the caller keypad pressed a key
// that needs a choice on screen (transfer: to where; pause: why).
func (d *Desk) OnKeypadAsks(fn func(app.CallerKey)) {
	d.mu.Lock()
	d.onAsk = fn
	d.mu.Unlock()
}

// View returns a snapshot of the window's state.
func (d *Desk) View() View {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := d.v
	if d.svc.Syncer != nil {
		st := d.svc.Syncer.Status()
		v.Sync = &st
	}
	return v
}

// update changes the view under the lock and tells the screen.
func (d *Desk) update(fn func(v *View)) {
	d.mu.Lock()
	fn(&d.v)
	cb := d.onChange
	d.mu.Unlock()
	if cb != nil {
		cb()
	}
}

func (d *Desk) now() time.Time { return d.svc.Clock.Now() }

// ErrLoggedOut is returned by every action while nobody is logged in or the
// screen is locked.
var ErrLoggedOut = errors.New("log in first: the window is locked")

// ErrMustChangePassword: the clerk logged in with a one-time password and
// chooses their own before the window works.
var ErrMustChangePassword = errors.New("choose your own password first: this one was set by the hall's manager for one login")

// staff returns who is working, or ErrLoggedOut, or ErrMustChangePassword.
func (d *Desk) staff() (app.Staff, error) {
	m, err := d.loggedIn()
	if err == nil && m.MustChange {
		return app.Staff{}, ErrMustChangePassword
	}
	return m, err
}

// loggedIn returns who is logged in, or ErrLoggedOut.
func (d *Desk) loggedIn() (app.Staff, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.v.Staff == nil || d.v.Locked {
		return app.Staff{}, ErrLoggedOut
	}
	return *d.v.Staff, nil
}

// Login logs a member of staff in, or unlocks the screen. Another clerk may
// unlock a locked screen with their own id; the window then works as them.
func (d *Desk) Login(ctx context.Context, id, password string) error {
	m, err := d.auth.Login(ctx, id, password)
	if err != nil {
		d.log.Info("window login refused", "window", d.cfg.Window, "staff", strings.TrimSpace(id), "why", loginWhy(err))
		return err
	}
	d.idle.Touch()
	d.update(func(v *View) { v.Staff, v.Locked = &m, false })
	d.log.Info("window login", "window", d.cfg.Window, "staff", m.ID)
	go d.tellClerk(m.ID)
	return nil
}

// ChangePassword changes the logged-in clerk's password: the present one
// (a one-time password a manager set) and the new one they choose. It is
// stored here and sent to the hall's other windows and central, and the
// window works once it is done.
func (d *Desk) ChangePassword(ctx context.Context, old, password string) error {
	m, err := d.loggedIn()
	if err != nil {
		return err
	}
	if err := d.auth.ChangePassword(ctx, m.ID, old, password, app.DefaultPasswordParams); err != nil {
		return err
	}
	d.update(func(v *View) {
		if v.Staff != nil && v.Staff.ID == m.ID {
			s := *v.Staff
			s.MustChange = false
			v.Staff = &s
		}
	})
	d.log.Info("window: password changed", "window", d.cfg.Window, "staff", m.ID)
	return nil
}

// tellClerk tells the hub who is logged in at the window, so that the
// tickets the window serves, and their ratings, carry the clerk. Refresh
// tells it again if the hub did not hear it.
func (d *Desk) tellClerk(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), d.cfg.DeviceTimeout)
	defer cancel()
	if err := d.svc.Hub.SetClerk(ctx, d.cfg.Window, id); err != nil {
		d.log.Warn("window terminal: telling the hub who is at the window", "err", err)
	}
}

func loginWhy(err error) string {
	switch {
	case errors.Is(err, app.ErrAccountLocked):
		return "locked"
	case errors.Is(err, app.ErrBadCredentials):
		return "bad credentials"
	case errors.Is(err, app.ErrNoPassword):
		return "no password set"
	case errors.Is(err, app.ErrNotAllowed):
		return "role not allowed"
	}
	return "error"
}

// Lock locks the screen; the clerk stays named on it.
func (d *Desk) Lock() {
	d.update(func(v *View) {
		if v.Staff != nil {
			v.Locked = true
		}
	})
}

// Logout ends the clerk's session.
func (d *Desk) Logout() {
	d.update(func(v *View) { v.Staff, v.Locked = nil, false })
	go d.tellClerk("")
}

// Touch records activity at the terminal, which keeps the idle lock away.
func (d *Desk) Touch() { d.idle.Touch() }

// CheckIdle locks the screen when the terminal has been idle for the
// policy's time, and reports whether it did.
func (d *Desk) CheckIdle() bool {
	if !d.idle.Expired() {
		return false
	}
	locked := false
	d.update(func(v *View) {
		if v.Staff != nil && !v.Locked {
			v.Locked, locked = true, true
		}
	})
	if locked {
		d.log.Info("window locked after idle time", "window", d.cfg.Window)
	}
	return locked
}

// Run follows the window's devices and keeps the view fresh until ctx ends:
// keys from the caller keypad, ratings from the rating pad, cards placed on
// the reader, the hub's queue and the sync status every RefreshEvery.
func (d *Desk) Run(ctx context.Context) {
	var bus <-chan app.BusEvent
	if d.svc.Bus != nil {
		bus = d.svc.Bus.Events()
	}
	var cards <-chan app.CardEvent
	if d.svc.Reader != nil {
		cards = d.svc.Reader.Watch(ctx)
	}
	tick := time.NewTicker(d.cfg.RefreshEvery)
	defer tick.Stop()
	d.checkPrinter(ctx)
	d.Refresh(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-bus:
			if !ok {
				bus = nil
				continue
			}
			d.HandleBusEvent(ctx, e)
		case e, ok := <-cards:
			if !ok {
				cards = nil
				continue
			}
			d.handleCard(e)
		case <-tick.C:
			d.reloadAfterSync(ctx)
			d.Refresh(ctx)
			if !d.View().Printer.OK {
				d.checkPrinter(ctx) // so a refilled printer shows as ready again
			}
			d.CheckIdle()
		}
	}
}

// reloadAfterSync reads the catalogue and the hall again after a sync with
// central succeeded, since it may have brought new versions of them.
func (d *Desk) reloadAfterSync(ctx context.Context) {
	if d.svc.Syncer == nil {
		return
	}
	last := d.svc.Syncer.Status().LastSuccess
	d.mu.Lock()
	seen := d.lastSync
	d.lastSync = last
	d.mu.Unlock()
	if !last.IsZero() && !last.Equal(seen) {
		if err := d.Reload(ctx); err != nil {
			d.log.Error("window terminal: reloading the catalogue after a sync", "err", err)
		}
	}
}

// checkPrinter asks the printer for its state: the corner must not claim a
// printer is ready before anything was printed on it.
func (d *Desk) checkPrinter(ctx context.Context) {
	if d.svc.Printer == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DeviceTimeout)
	defer cancel()
	st, err := d.svc.Printer.Status(ctx)
	if err == nil && !st.Ready() {
		err = fmt.Errorf("%w: printer: %s", app.ErrDeviceFault, st)
	}
	d.deviceResult(&d.v.Printer, err)
}

// Refresh asks the hub for the window's queue state and, while a clerk is
// at work, counts the applications waiting for pre-review.
func (d *Desk) Refresh(ctx context.Context) {
	st, err := d.svc.Hub.Window(ctx, d.cfg.Window)
	d.hubResult(err)
	if err != nil {
		d.update(func(*View) {})
		return
	}
	d.update(func(v *View) {
		if v.Current == nil || st.Current == nil || v.Current.ID != st.Current.ID {
			v.CaseNumber = ""
		}
		v.Current, v.Paused, v.PauseReason, v.Waiting = st.Current, st.Paused, st.PauseReason, st.Waiting
	})
	if m, err := d.staff(); err == nil {
		if st.Clerk != m.ID {
			d.tellClerk(m.ID)
		}
		if _, err := d.PreReview(ctx); err != nil {
			d.log.Warn("window terminal: counting the applications for pre-review", "err", err)
		}
	}
}

// hubAnswers are the errors that mean the hub answered and said no.
var hubAnswers = []error{app.ErrNoneWaiting, app.ErrWindowPaused, app.ErrWindowBusy, app.ErrNoTicket,
	app.ErrNotRequeueable, app.ErrCategoryFull, app.ErrCategoryClosed, app.ErrInvalidInput, app.ErrNotFound}

// hubResult records whether the hub answered.
func (d *Desk) hubResult(err error) {
	answered := err == nil
	for _, a := range hubAnswers {
		if errors.Is(err, a) {
			answered = true
		}
	}
	d.update(func(v *View) {
		v.Hub = LinkState{Online: answered, Checked: d.now()}
		if !answered {
			v.Hub.Err = err.Error()
		}
	})
}

// HubDown reports whether err means the hub could not be reached, rather
// than that it refused.
func HubDown(err error) bool {
	if err == nil || errors.Is(err, ErrLoggedOut) {
		return false
	}
	for _, a := range hubAnswers {
		if errors.Is(err, a) {
			return false
		}
	}
	return true
}

// hubAction runs one hub action with a request id that survives a failed
// attempt: the clerk pressing the key again after the hub was unreachable
// retries the same action, which the hub carries out at most once.
func (d *Desk) hubAction(key string, fn func(id string) error) error {
	d.mu.Lock()
	id, ok := d.pending[key]
	if !ok {
		id = d.svc.NewRequestID()
		d.pending[key] = id
	}
	d.mu.Unlock()
	err := fn(id)
	d.hubResult(err)
	d.mu.Lock()
	switch {
	case err == nil:
		// The hub is there and acting: an id kept for another action that
		// failed earlier would now replay that action's old answer, so
		// every kept id goes; Refresh shows whether it had happened.
		clear(d.pending)
	case !HubDown(err):
		delete(d.pending, key)
	}
	d.mu.Unlock()
	return err
}
