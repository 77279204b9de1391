// Package citizen holds the use cases of the citizens' pages on central
// (issue 18): a ticket's place in its hall's queue, a case's progress, the
// cases each hall completed (办件公示), and appointments (booking*.go).
// Citizens are strangers on the internet: every look-up needs the key
// printed in the code they scanned (app.TicketKey, app.ReceiptKey), an
// unknown or wrong one is app.ErrNotFound whatever is wrong, and nothing
// shown carries more of a person than a masked name.
package citizen

import (
	"context"
	"fmt"
	"time"

	"onewindow/app"
)

// Store is what the citizens' pages read from central.
type Store interface {
	// TicketSecrets are the secrets a hall's ticket links may be keyed
	// with: its hub's, as central keeps it. Empty when the hall has none.
	TicketSecrets(ctx context.Context, hall string) ([]string, error)
	// QueueNow is the hall's last queue snapshot (Tickets left out) and
	// when central received it; app.ErrNotFound before the first.
	QueueNow(ctx context.Context, hall string) (QueueNow, error)
	// QueueVersion is QueueNow's version alone, 0 before the first: what a
	// page following the hall asks twice a second.
	QueueVersion(ctx context.Context, hall string) (int64, error)
	// PublicTicket is one ticket as the snapshots left it; app.ErrNotFound
	// when no snapshot has named it yet.
	PublicTicket(ctx context.Context, hall string, day app.Date, code string) (app.PublicTicket, error)
	// PublicCase is a case for its progress page; app.ErrNotFound.
	PublicCase(ctx context.Context, number string) (Case, error)
	// Completed are the cases of a hall decided on day, for 办件公示.
	Completed(ctx context.Context, hall string, day app.Date) ([]Completed, error)
	// HallName is a hall's name as central published its set-up;
	// app.ErrNotFound for a hall never published.
	HallName(ctx context.Context, hall string) (app.Text, error)
	// Catalog is the published catalogue (nil before the first).
	Catalog(ctx context.Context) (*app.Catalog, error)
}

// QueueNow is a hall's last snapshot as central holds it.
type QueueNow struct {
	Snapshot app.QueueSnapshot
	Received time.Time // by central's clock
	Version  int64     // grows with every snapshot taken
}

// Case is a case as its public page shows it.
type Case struct {
	Number    string
	Hall      string
	ItemCode  string
	Masked    string // 张*伟
	State     app.CaseState
	Submitted time.Time
	Accepted  time.Time
	Due       app.Date
	Updated   time.Time
	FirstHash string // of its timeline's first event: the link's key is made from it
	Opinions  []Opinion
}

// Opinion is one department's opinion, without its internal note; the
// reason of a refusal is the applicant's to know.
type Opinion struct {
	Department string
	Approve    bool
	Reason     string // of a refusal only
	At         time.Time
}

// Completed is one line of a hall's 办件公示.
type Completed struct {
	Number   string
	ItemCode string
	Masked   string
	Outcome  app.CaseState // approved or denied
	At       time.Time
}

// Service is the citizens' use cases.
type Service struct {
	Store    Store
	Bookings BookingStore
	Clock    app.Clock
}

// New makes the service over central's store.
func New(s Store, b BookingStore, clock app.Clock) *Service {
	return &Service{Store: s, Bookings: b, Clock: clock}
}

// notFound is every refusal of a look-up by link: which of hall, number or
// key was wrong is not said.
var notFound = fmt.Errorf("%w: no such ticket or case; check the code you scanned", app.ErrNotFound)
