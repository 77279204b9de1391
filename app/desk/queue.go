package desk

import (
	"context"
	"fmt"
	"strconv"

	"onewindow/app"
)

// CallNext calls the next citizen and puts the number on the window's
// display. The call stands even if the display fails: the hall screen and
// the voice still announce it, and the view says the display is down.
func (d *Desk) CallNext(ctx context.Context) (app.Ticket, error) {
	if _, err := d.staff(); err != nil {
		return app.Ticket{}, err
	}
	var t app.Ticket
	err := d.hubAction("call", func(id string) (err error) {
		t, err = d.svc.Hub.Call(ctx, id, d.cfg.Window)
		return err
	})
	if err != nil {
		return t, fmt.Errorf("call next: %w", err)
	}
	d.setCurrent(&t, true)
	d.show(ctx, t)
	return t, nil
}

// Recall calls the current number again. After the hall's number of
// recalls the hub marks it a no-show, and the window is free.
func (d *Desk) Recall(ctx context.Context) (app.Ticket, error) {
	t, err := d.ticketAction(ctx, "recall", d.svc.Hub.Recall)
	if err != nil {
		return t, err
	}
	if t.State == app.NoShow {
		d.setCurrent(nil, true)
		d.clearDisplay(ctx)
		return t, nil
	}
	d.setCurrent(&t, false)
	d.show(ctx, t)
	return t, nil
}

// Skip marks the called number as missed (过号).
func (d *Desk) Skip(ctx context.Context) (app.Ticket, error) {
	t, err := d.ticketAction(ctx, "skip", d.svc.Hub.Skip)
	if err == nil {
		d.setCurrent(nil, true)
		d.clearDisplay(ctx)
	}
	return t, err
}

// Start records that the called citizen has come to the window.
func (d *Desk) Start(ctx context.Context) (app.Ticket, error) {
	t, err := d.ticketAction(ctx, "start", d.svc.Hub.Start)
	if err == nil {
		d.setCurrent(&t, false)
	}
	return t, err
}

// Finish ends the service, blanks the display and lights up the rating pad
// for the citizen to rate it (好差评).
func (d *Desk) Finish(ctx context.Context) (app.Ticket, error) {
	m, err := d.staff()
	if err != nil {
		return app.Ticket{}, err
	}
	caseNumber := d.View().CaseNumber
	t, err := d.ticketAction(ctx, "finish", d.svc.Hub.Finish)
	if err != nil {
		return t, err
	}
	d.setCurrent(nil, true)
	d.clearDisplay(ctx)
	d.askRating(ctx, m, t.Code, caseNumber)
	return t, nil
}

// Transfer sends the current citizen to another queue category or to one
// window, keeping their place in the line.
func (d *Desk) Transfer(ctx context.Context, toCategory string, toWindow int) (app.Ticket, error) {
	if _, err := d.staff(); err != nil {
		return app.Ticket{}, err
	}
	var t app.Ticket
	key := "transfer|" + toCategory + "|" + strconv.Itoa(toWindow)
	err := d.hubAction(key, func(id string) (err error) {
		t, err = d.svc.Hub.Transfer(ctx, id, d.cfg.Window, toCategory, toWindow)
		return err
	})
	if err != nil {
		return t, fmt.Errorf("transfer: %w", err)
	}
	d.setCurrent(nil, true)
	d.clearDisplay(ctx)
	return t, nil
}

// Pause stops calls to the window, with a reason from app.PauseReasons.
func (d *Desk) Pause(ctx context.Context, reason string) error {
	if _, err := d.staff(); err != nil {
		return err
	}
	if !app.ValidPauseReason(reason) {
		return fmt.Errorf("pause: %w: %q is not a reason on the list", app.ErrInvalidInput, reason)
	}
	err := d.hubAction("pause|"+reason, func(id string) error { return d.svc.Hub.Pause(ctx, id, d.cfg.Window, reason) })
	if err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	d.update(func(v *View) { v.Paused, v.PauseReason = true, reason })
	if d.svc.Bus != nil {
		d.display(ctx, "暂停服务 "+app.ChoiceText(pauseChoices(), reason).Zh)
	}
	return nil
}

// Resume opens the window again.
func (d *Desk) Resume(ctx context.Context) error {
	if _, err := d.staff(); err != nil {
		return err
	}
	err := d.hubAction("resume", func(id string) error { return d.svc.Hub.Resume(ctx, id, d.cfg.Window) })
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	d.update(func(v *View) { v.Paused, v.PauseReason = false, "" })
	d.clearDisplay(ctx)
	return nil
}

func pauseChoices() []app.Choice {
	out := make([]app.Choice, len(app.PauseReasons))
	for i, r := range app.PauseReasons {
		out[i] = app.Choice{Code: r.Code, Text: r.Text}
	}
	return out
}

// PauseChoices are app.PauseReasons as a list to pick from.
func PauseChoices() []app.Choice { return pauseChoices() }

func (d *Desk) ticketAction(ctx context.Context, name string, fn func(context.Context, string, int) (app.Ticket, error)) (app.Ticket, error) {
	if _, err := d.staff(); err != nil {
		return app.Ticket{}, err
	}
	var t app.Ticket
	err := d.hubAction(name, func(id string) (err error) {
		t, err = fn(ctx, id, d.cfg.Window)
		return err
	})
	if err != nil {
		return t, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// setCurrent changes the window's current ticket; a new ticket forgets the
// case taken in for the last one.
func (d *Desk) setCurrent(t *app.Ticket, newTicket bool) {
	d.update(func(v *View) {
		v.Current = t
		if newTicket {
			v.CaseNumber = ""
		}
		if t != nil && v.Waiting > 0 && newTicket && t.State == app.Called {
			v.Waiting--
		}
	})
}

// DisplayText is what the window's display shows for a called ticket.
func DisplayText(t app.Ticket, window int) string {
	return fmt.Sprintf("%s 请到%d号窗口", t.Code, window)
}

func (d *Desk) show(ctx context.Context, t app.Ticket) {
	if d.svc.Bus != nil {
		d.display(ctx, DisplayText(t, d.cfg.Window))
	}
}

func (d *Desk) display(ctx context.Context, text string) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DeviceTimeout)
	defer cancel()
	d.deviceResult(&d.v.Display, d.svc.Bus.Show(ctx, d.cfg.DisplayAddr, text))
}

func (d *Desk) clearDisplay(ctx context.Context) {
	if d.svc.Bus == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DeviceTimeout)
	defer cancel()
	d.deviceResult(&d.v.Display, d.svc.Bus.Clear(ctx, d.cfg.DisplayAddr))
}

// deviceResult records how a device's last operation went. st points into
// d.v and is only touched under the lock.
func (d *Desk) deviceResult(st *DeviceState, err error) {
	d.update(func(*View) {
		st.OK = err == nil
		st.Err = ""
		if err != nil {
			st.Err = err.Error()
		}
	})
	if err != nil {
		d.log.Warn("window device failed", "window", d.cfg.Window, "err", err)
	}
}

// askRating lights up the rating pad for the service just finished.
func (d *Desk) askRating(ctx context.Context, m app.Staff, ticket, caseNumber string) {
	if d.svc.Bus == nil {
		return
	}
	req := &RatingRequest{Ticket: ticket, Case: caseNumber, Clerk: m.ID, Asked: d.now()}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DeviceTimeout)
	defer cancel()
	err := d.svc.Bus.PromptRating(ctx, d.cfg.RatingAddr, fmt.Sprintf("%d号窗口 %s 请评价", d.cfg.Window, m.Name))
	d.deviceResult(&d.v.Display, err)
	if err == nil {
		d.update(func(v *View) { v.Rating = req })
	}
}

// HandleBusEvent acts on one report from the queue bus: a key of this
// window's caller keypad does what its button does; a rating from this
// window's pad is stored with the service it was asked for. Keys pressed
// while the window is locked do nothing.
func (d *Desk) HandleBusEvent(ctx context.Context, e app.BusEvent) {
	switch e.Kind {
	case app.BusKey:
		if e.Addr != d.cfg.CallerAddr {
			return
		}
		if _, err := d.staff(); err != nil {
			d.log.Info("caller key ignored: the window is locked", "window", d.cfg.Window, "key", e.Key.String())
			return
		}
		d.Touch()
		d.handleKey(ctx, e.Key)
	case app.BusRating:
		if e.Addr == d.cfg.RatingAddr {
			d.rated(ctx, e.Rating)
		}
	case app.BusDeviceOffline, app.BusDeviceOnline:
		if e.Addr == d.cfg.DisplayAddr || e.Addr == d.cfg.CallerAddr || e.Addr == d.cfg.RatingAddr {
			var err error
			if e.Kind == app.BusDeviceOffline {
				err = e.Err
				if err == nil {
					err = app.ErrDeviceOffline
				}
				err = fmt.Errorf("queue-bus device %d: %w", e.Addr, err)
			}
			d.deviceResult(&d.v.Display, err)
		}
	}
}

func (d *Desk) handleKey(ctx context.Context, k app.CallerKey) {
	var err error
	switch k {
	case app.KeyCallNext:
		_, err = d.CallNext(ctx)
	case app.KeyRecall:
		_, err = d.Recall(ctx)
	case app.KeySkip:
		_, err = d.Skip(ctx)
	case app.KeyResume:
		err = d.Resume(ctx)
	case app.KeyPause, app.KeyTransfer:
		d.mu.Lock()
		ask := d.onAsk
		d.mu.Unlock()
		if ask != nil {
			ask(k)
		}
	}
	if err != nil {
		d.log.Info("caller key refused", "window", d.cfg.Window, "key", k.String(), "err", err)
		d.update(func(v *View) { v.KeypadKey, v.KeypadErr = k, err })
	} else {
		d.update(func(v *View) { v.KeypadKey, v.KeypadErr = 0, nil })
	}
}

// rated stores a rating from the pad with the service it was asked for.
func (d *Desk) rated(ctx context.Context, level app.RatingLevel) {
	d.mu.Lock()
	req := d.v.Rating
	d.mu.Unlock()
	if req == nil {
		d.log.Info("rating pad pressed with no service to rate", "window", d.cfg.Window)
		return
	}
	r, fu, err := d.svc.Store.Rate(ctx, app.Rating{Level: level, Ticket: req.Ticket, Case: req.Case, Window: d.cfg.Window, Clerk: req.Clerk})
	res := &RatingResult{Rating: r, FollowUp: fu}
	if err != nil {
		res.Err, res.Cause = err.Error(), err
		d.log.Error("rating not stored", "window", d.cfg.Window, "err", err)
	}
	d.update(func(v *View) { v.Rating, v.LastRate = nil, res })
}
