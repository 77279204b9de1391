// Package selfservice is the citizens' kiosk as use cases: take a queue
// number, look up a case's progress (by ID card or by the receipt's code),
// apply for a self-service item, rate a service, and read the service
// guide.
//
// The kiosk's screen (ui/kiosk) only renders what a Service returns and
// calls its methods; the rules live here or in app: what of an ID card
// leaves the kiosk (the masked name, the age and a hall-keyed hash, never
// the ID number), what a kiosk may take in and as whom, how a rating is
// made, which problem a failure is for the citizen (an app.KioskProblem,
// which the screen puts in words). What a kiosk prints is made here as a
// Paper, whatever the printer, and printed by Print.
//
// A Service works with small interfaces, one per job: the hall's queue
// (the hub), the catalogue, intake, case progress and ratings. Progress and
// ratings are the hall's, answered by the hall hub (DESIGN.md §4a): a case
// taken in at any window is found, and a rating is checked against the
// services the hall gave. With the hub down the kiosk says plainly that it
// cannot look up or rate now (app.ProblemHallOffline); its applications
// wait in its outbox and reach the hub when it is back.
// Nothing here imports a UI, a device driver or a network package.
package selfservice

import (
	"context"
	"fmt"
	"log/slog"

	"onewindow/app"
	"onewindow/app/suite"
)

// Queue is the hall's queue as a kiosk uses it; sync/hub's Client is one.
type Queue interface {
	Issue(ctx context.Context, r app.IssueRequest) (app.Ticket, error)
	Queue(ctx context.Context, calls int) (app.QueueStatus, error)
	Requeue(ctx context.Context, requestID, ticketID, whoKey, whoKeyAlt string) (app.Ticket, error)
}

// Catalogue gives the service catalogue; the terminal's store is one.
type Catalogue interface {
	Catalog(ctx context.Context) (*app.Catalog, error)
}

// Intake takes in a self-service application; the terminal's store is one.
type Intake interface {
	TakeIn(ctx context.Context, in app.Intake) (app.Case, error)
}

// Progress answers "where is my case?" for every case of the hall,
// wherever it was taken in: the hall hub answers (sync/hub's Progress).
type Progress interface {
	// CaseWithEvents is one case of the hall with its timeline, read
	// together (one request to the hub).
	CaseWithEvents(ctx context.Context, number string) (app.Case, []app.CaseEvent, error)
	CasesByIDNumber(ctx context.Context, id app.IDNumber) ([]app.Case, error)
}

// Ratings keep a citizen's rating; a bad one opens a follow-up. The hall
// hub keeps them (sync/hub's Ratings), checked against the hall's queue
// and cases: one rating per service, only for a service given.
type Ratings interface {
	Rate(ctx context.Context, r app.Rating) (app.Rating, *app.FollowUp, error)
}

// HallSetUp is the hall's windows, calendar and settings, for a case's
// light and the windows that hand out its result; the terminal's store is
// one.
type HallSetUp interface {
	Hall(ctx context.Context) (app.Hall, error)
	Calendar(ctx context.Context) (*app.Calendar, error)
	Settings(ctx context.Context) (app.Settings, error)
}

// Services are what a Service works with. Any but Catalogue may be nil:
// that use case then answers app.ProblemNotSetUp.
type Services struct {
	Queue     Queue
	Catalogue Catalogue
	Intake    Intake
	Progress  Progress
	Ratings   Ratings
	Hall      HallSetUp
	Tickets   TicketPlaces // where a scanned ticket is now: the hall hub (ticket.go)
	// Bookings checks bookings in: the hall hub (sync/hub's Client);
	// BookingPlans gives the hall's plan and booking key: the kiosk's
	// store (booking.go).
	Bookings     app.BookingDesk
	BookingPlans BookingPlans
	Clock        app.Clock    // nil: the system's
	Log          *slog.Logger // nil: discarded
	// NewRequestID makes the id of one take-a-number request (app.NewID
	// when nil): a retry with the same id cannot issue twice.
	NewRequestID func() string
}

// Config is the kiosk's own set-up.
type Config struct {
	HallName app.Text
	// KioskKey keys app.WhoKey, the hash by which the hub knows a
	// returning citizen: the ID number never leaves the kiosk. Only the
	// hall's kiosks hold it, never the hub. Without it the kiosk sends no
	// hash, and a missed ticket is re-queued by its paper only.
	KioskKey []byte
	// Suite is the crypto suite the kiosk records under (its store's);
	// nil is suite.Intl. The keyed hashes of an ID number are made under
	// it, and under the other one too for what was made before a move.
	Suite    func() suite.Name
	Terminal string // this kiosk's code; its intakes are by "kiosk:<code>"
	Hall     string // the hall's code, in a ticket's link
	// PublicURL is where citizens' phones reach central's pages: tickets
	// and receipts link there (app.TicketLink, app.CaseLink). Empty prints
	// the codes only the hall's kiosks read.
	PublicURL string
	Rules     app.QueueRules // zero: app.DefaultQueueRules
}

// Service is one kiosk's self-service.
type Service struct {
	svc     Services
	cfg     Config
	log     *slog.Logger
	catalog *app.Catalog
}

// New makes a kiosk's self-service. It loads the catalogue once: a kiosk
// without one cannot help anyone, so that is an error.
func New(ctx context.Context, svc Services, cfg Config) (*Service, error) {
	if svc.Catalogue == nil {
		return nil, fmt.Errorf("kiosk: no catalogue: %w", app.ErrNotConfigured)
	}
	if svc.Clock == nil {
		svc.Clock = app.SystemClock{}
	}
	if svc.Log == nil {
		svc.Log = slog.New(slog.DiscardHandler)
	}
	if svc.NewRequestID == nil {
		svc.NewRequestID = app.NewID
	}
	if cfg.Rules == (app.QueueRules{}) {
		cfg.Rules = app.DefaultQueueRules
	}
	cat, err := svc.Catalogue.Catalog(ctx)
	if err != nil {
		return nil, fmt.Errorf("kiosk: the service catalogue: %w", err)
	}
	return &Service{svc: svc, cfg: cfg, log: svc.Log, catalog: cat}, nil
}

// HallName is the hall's name, for the screen's title.
func (s *Service) HallName() app.Text { return s.cfg.HallName }

// Terminal is the kiosk's code.
func (s *Service) Terminal() string { return s.cfg.Terminal }

// Clock is the kiosk's clock, which its idle timer keeps too.
func (s *Service) Clock() app.Clock { return s.svc.Clock }

// CheckCard decides whether a card read at the kiosk may be used today: a
// valid number and not expired.
func (s *Service) CheckCard(c app.IDCard) error { return app.CheckCard(c, s.svc.Clock.Now()) }

// CardProblem is the citizen's problem with a failed card read or check.
func CardProblem(err error) app.KioskProblem {
	if err == app.ErrCardExpired {
		return app.ProblemCardExpired
	}
	return app.CardProblem(err)
}
