package selfservice_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/device/sim/idreadersim"
	"onewindow/internal/hallrig"
)

// kiosk is a kiosk of the sample hall in front of a hallrig: the rig's
// store as the kiosk's own records, the real hall hub over loopback HTTP
// (every request sent to it recorded), and the real printer driver on its
// simulator. No screen: the rules are driven through the Service's own
// methods, as ui/kiosk drives them.
type kiosk struct {
	*hallrig.Rig
	t     *testing.T
	s     *selfservice.Service
	queue *recorder
	ctx   context.Context
}

// hallName is the kiosk's hall, as its papers print it.
var hallName = app.Text{Zh: "西溪区政务服务中心", En: "Xixi District Government Service Center"}

// openKiosk builds a kiosk. set, when not nil, changes its services and
// set-up before the Service is made.
func openKiosk(t *testing.T, set func(*hallrig.Rig, *selfservice.Services, *selfservice.Config)) *kiosk {
	t.Helper()
	r, err := hallrig.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	q := &recorder{hub: r.Hub}
	svc := selfservice.Services{Queue: q, Tickets: r.Hub, Catalogue: r.Store, Intake: r.Store, Progress: r.Store, Ratings: r.Store,
		Clock: r.Clock}
	cfg := selfservice.Config{HallName: hallName, KioskKey: []byte(kioskKey), Terminal: "K01"}
	if set != nil {
		set(r, &svc, &cfg)
	}
	s, err := selfservice.New(t.Context(), svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &kiosk{Rig: r, t: t, s: s, queue: q, ctx: t.Context()}
}

// kioskKey is the hall's kiosk key: the kiosks', never the hub's.
const kioskKey = "kiosk key: 0123456789abcdef0123456789abcdef"

// recorder is a queue that keeps every request it passes on.
type recorder struct {
	hub  selfservice.Queue
	mu   sync.Mutex
	sent []app.IssueRequest
}

func (q *recorder) Issue(ctx context.Context, r app.IssueRequest) (app.Ticket, error) {
	q.mu.Lock()
	q.sent = append(q.sent, r)
	q.mu.Unlock()
	return q.hub.Issue(ctx, r)
}

func (q *recorder) Queue(ctx context.Context, calls int) (app.QueueStatus, error) {
	return q.hub.Queue(ctx, calls)
}

func (q *recorder) Requeue(ctx context.Context, requestID, ticketID, whoKey, whoKeyAlt string) (app.Ticket, error) {
	return q.hub.Requeue(ctx, requestID, ticketID, whoKey, whoKeyAlt)
}

func (q *recorder) requests() []app.IssueRequest {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]app.IssueRequest(nil), q.sent...)
}

// failing is a queue that refuses every number with err.
type failing struct{ err error }

func (q failing) Issue(context.Context, app.IssueRequest) (app.Ticket, error) {
	return app.Ticket{}, q.err
}
func (q failing) Queue(context.Context, int) (app.QueueStatus, error) {
	return app.QueueStatus{}, q.err
}
func (q failing) Requeue(context.Context, string, string, string, string) (app.Ticket, error) {
	return app.Ticket{}, q.err
}

// card is the i-th of the simulator's sample cards: 0 张伟 (1985), 1 王秀英
// (1951, elderly), 2 李堃, 3 马喆, 7 a damaged one.
func card(i int) app.IDCard { return idreadersim.SampleCards()[i].Card }

// application is a self-service application of item code for card c, with
// a mobile number and every required material held.
func (k *kiosk) application(code string, c app.IDCard) selfservice.Application {
	k.t.Helper()
	it, ok := k.s.Item(code)
	if !ok {
		k.t.Fatalf("the sample catalogue has no %s", code)
	}
	a := k.s.Apply(it)
	a.Card(c)
	a.Phone = "13800138000"
	for j, m := range it.Materials {
		if m.Required {
			a.Hold(j, true)
		}
	}
	return *a
}

// submit takes in a self-service application of GA-008 (户籍证明开具) for
// card i with every required material, failing on any problem.
func (k *kiosk) submit(i int) selfservice.Receipt {
	k.t.Helper()
	r, p := k.s.Submit(k.ctx, k.application("GA-008", card(i)))
	if p != app.ProblemNone {
		k.t.Fatalf("submit GA-008: want a case, got problem %q", p)
	}
	return r
}

// page is the text of the n-th printed page (1-based), waited for.
func (k *kiosk) page(n int) string {
	k.t.Helper()
	if err := hallrig.WaitFor(5*time.Second, func() bool { return len(k.PrinterSim.Pages()) >= n }); err != nil {
		k.t.Fatalf("waiting for printed page %d: %v", n, err)
	}
	return strings.Join(k.PrinterSim.Pages()[n-1].Lines, "\n")
}
