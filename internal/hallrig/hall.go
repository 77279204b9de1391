package hallrig

import (
	"context"
	"path/filepath"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/internal/suitetest"
	"onewindow/sync/hub"
)

// The rig's window as one of a hall (DESIGN.md §4a): its cases read and
// moved on at the hub, as cmd/onewindow wires a window, and the hall's
// other terminals (a kiosk, a second window) with their own stores, whose
// outboxes reach the hub when a test pushes them.

// Hall is the rig's hall, the sample hall's code.
const Hall = "330106"

// HallServices are Services whose case records are the hall's at the hub
// (hub.Records over the window's own store) and whose pre-review lists the
// hall's kiosk applications. The window's own outbox reaches the hub only
// when Push is called.
func (r *Rig) HallServices() desk.Services {
	svc := r.Services()
	hall := hub.Records{Local: r.Store, Hub: r.Hub}
	svc.Store = struct {
		hub.Records
		app.StaffDirectory
	}{hall, r.Store}
	svc.Applications = hall
	return svc
}

// Push sends the window's outbox to the hub, as its pusher does every
// second on a real terminal.
func (r *Rig) Push(ctx context.Context) error {
	_, err := hub.NewPusher(r.Store, r.Hub, "330106W01", Hall, nil).Push(ctx)
	return err
}

// Terminal is another terminal of the rig's hall: its own store with the
// sample hall, whose outbox Push sends to the rig's hub.
type Terminal struct {
	Store  *store.Store
	pusher *hub.Pusher
}

// Terminal opens another terminal of the hall by its code (330106K03, a
// kiosk; 330106W02, window 2). It closes with the rig.
func (r *Rig) Terminal(ctx context.Context, code string) (*Terminal, error) {
	dir := filepath.Join(r.Dir, code)
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		return nil, err
	}
	keys.Use(suitetest.Suite())
	s, err := store.Open(ctx, filepath.Join(dir, "onewindow.db"), store.Options{Terminal: code, Keys: keys, Clock: r.Clock, HallHub: true})
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, func() { s.Close() })
	if err := store.LoadSample(ctx, s); err != nil {
		return nil, err
	}
	return &Terminal{Store: s, pusher: hub.NewPusher(s, r.Hub, code, Hall, nil)}, nil
}

// Push sends the terminal's outbox to the hub.
func (t *Terminal) Push(ctx context.Context) error {
	_, err := t.pusher.Push(ctx)
	return err
}

// Apply submits a self-service application at the terminal, a kiosk, as
// its citizen filled it in (held: the materials they say they hold), and
// pushes it to the hub, where the windows' pre-review finds it.
func (t *Terminal) Apply(ctx context.Context, item string, a app.Applicant, held ...int) (app.Case, error) {
	c, err := t.Store.TakeIn(ctx, app.Intake{ItemCode: item, Applicant: a, Received: held,
		Actor: "kiosk:" + t.Store.Terminal(), Outcome: app.Submitted})
	if err != nil {
		return c, err
	}
	return c, t.Push(ctx)
}
