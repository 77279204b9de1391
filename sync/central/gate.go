package central

import (
	"context"
	"sync"
	"time"
)

// orderWait is how long a batch waits for the one before it from the same
// terminal. A terminal keeps two batches in flight, so that central decodes
// one while it writes the other; the second may arrive first. After the
// wait the database decides, and a batch that still does not follow is
// answered with a gap.
const orderWait = 5 * time.Second

// gate orders one terminal's batches within this process. It is only a
// courtesy: the terminal's row in the database is what decides.
type gate struct {
	mu      sync.Mutex
	busy    bool          // a batch of this terminal is being written
	held    int64         // the last sequence held, or -1 when not known here
	waiting int           // batches waiting to enter
	changed chan struct{} // closed and replaced whenever busy or held changes
}

func (c *Central) gateFor(terminal string) *gate {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gates == nil {
		c.gates = map[string]*gate{}
	}
	g, ok := c.gates[terminal]
	if !ok {
		g = &gate{held: -1, changed: make(chan struct{})}
		c.gates[terminal] = g
	}
	return g
}

// enter waits until no other batch of the terminal is being written and,
// for up to orderWait, until the batch before first is held. When this
// process does not know what is held, load reads it from the database.
func (g *gate) enter(ctx context.Context, first int64, load func() (int64, error)) error {
	timer := time.NewTimer(orderWait)
	defer timer.Stop()
	inOrder, reloaded := true, false
	for {
		g.mu.Lock()
		if !g.busy && (g.held < 0 || (first > g.held+1 && !reloaded)) {
			// Not known here, or out of date: another central process may
			// have written this terminal's batches.
			reloaded = true
			if held, err := load(); err == nil {
				g.held = held
			} else {
				inOrder = false // the database will say
			}
		}
		if !g.busy && (!inOrder || first <= g.held+1) {
			g.busy = true
			g.mu.Unlock()
			return nil
		}
		ch := g.changed
		g.waiting++
		g.mu.Unlock()
		var err error
		select {
		case <-ch:
		case <-timer.C:
			inOrder = false
		case <-ctx.Done():
			err = ctx.Err()
		}
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// leave lets the next batch go; held is the last sequence now held, or -1
// when the batch failed and it is not known.
func (g *gate) leave(held int64) {
	g.mu.Lock()
	g.busy, g.held = false, held
	close(g.changed)
	g.changed = make(chan struct{})
	g.mu.Unlock()
}
