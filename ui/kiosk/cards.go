package kiosk

import (
	"context"

	"fyne.io/fyne/v2"

	"onewindow/app"
)

// cardWatch is the reader's subscription of the page that takes an ID
// card (take a number, apply, progress): the page watches the reader while
// it is shown, so a card laid on the reader is read by itself, without a
// tap on 读身份证, and one already lying there when the page opens is read
// too (a new watch reports the card on the reader first). Leaving the page
// stops the watch. Only the UI goroutine touches it.
type cardWatch struct {
	onCard  func(app.IDCard, error) // the page's handler; nil while none waits
	ctx     context.Context         // Run's: no watch before Run, none after it ends
	page    string                  // the page the watch is for
	stop    context.CancelFunc
	watches int // watches started, for tests
}

// watchCards lets pages watch the reader until ctx ends; Run calls it.
func (k *Kiosk) watchCards(ctx context.Context) {
	fyne.Do(func() { k.cardWatch.ctx = ctx })
}

// takeCards makes fn the shown page's card handler and watches the reader
// for it, keeping the watch the page already has when it is drawn again.
func (k *Kiosk) takeCards(fn func(app.IDCard, error)) {
	w := &k.cardWatch
	w.onCard = fn
	if w.stop != nil && w.page == k.page || k.cfg.Reader == nil || w.ctx == nil || w.ctx.Err() != nil {
		return
	}
	k.stopCards()
	ctx, stop := context.WithCancel(w.ctx)
	w.page, w.stop = k.page, stop
	w.watches++
	events := k.cfg.Reader.Watch(ctx)
	go func() {
		for ev := range events {
			fyne.Do(func() {
				if ctx.Err() == nil {
					k.cardEvent(ev)
				}
			})
		}
	}()
}

// leaveCards forgets the card handler as page next is shown, and stops the
// watch unless it is that page's.
func (k *Kiosk) leaveCards(next string) {
	k.cardWatch.onCard = nil
	if k.cardWatch.page != next {
		k.stopCards()
	}
}

func (k *Kiosk) stopCards() {
	if k.cardWatch.stop != nil {
		k.cardWatch.stop()
		k.cardWatch.stop, k.cardWatch.page = nil, ""
	}
}
