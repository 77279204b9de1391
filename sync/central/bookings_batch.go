package central

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"onewindow/app"
)

// Bookings taken together. A slot's places are one counter row, so the
// bookings of a popular slot are written one after another whatever the
// store; what costs is a commit each (a disk flush on SQLite, a WAL flush
// and a round trip on PostgreSQL). Book therefore hands its booking to a
// batcher: the first booker finding it idle writes, in one transaction,
// every booking queued meanwhile (up to maxBatch), each in its
// turn; a refused one (full, a second booking of the same person) leaves
// nothing behind (bookIn) and the others stand; one commit for all.
// Capacity still holds across processes: the counter row's guarded upsert
// is in the same transaction as the booking, as before. The batcher keeps
// no goroutine when nothing waits.

// maxBatch is the most bookings one transaction writes; gather is how
// long the writer, woken from idle, waits for more to come.
const (
	maxBatch = 128
	gather   = 2 * time.Millisecond
)

// bookJob is one booking waiting to be written.
type bookJob struct {
	ctx   context.Context
	b     app.Booking // its code is set when written
	ok    app.CheckedBooking
	index []byte
	err   error
	done  chan struct{}
}

// bookBatcher queues bookings for one writer at a time. It also keeps
// what every booking reads and that seldom changes: each hall's published
// set-up by its version, and each hall's booking key for good.
type bookBatcher struct {
	mu      sync.Mutex
	queue   []*bookJob
	running bool

	cache      sync.Mutex
	halls      map[string]cachedHall
	keys       map[string][]byte
	cal        *app.Calendar // the published calendar, at calVersion (0: none published)
	calVersion int64
}

// cachedHall is a hall's set-up as read, and its version.
type cachedHall struct {
	h       app.Hall
	version int64
}

// bookingSetup is a hall's published set-up for the booking pages: read
// again only when its version moved (app.ErrNotFound for a hall never
// published).
func (c *Central) bookingSetup(ctx context.Context, hall string) (app.Hall, error) {
	h, _, _, err := c.bookingSetupAndCatalog(ctx, hall, false)
	return h, err
}

// bookingSetupAndCatalog is bookingSetup and, with cat, the published
// catalogue and working-day calendar (the plain week when none was
// published): their versions asked in one query, a round trip less.
func (c *Central) bookingSetupAndCatalog(ctx context.Context, hall string, cat bool) (app.Hall, *app.Catalog, *app.Calendar, error) {
	bb := &c.booking
	var version, catVersion, calVersion int64
	names := []any{"hall/" + hall}
	if cat {
		names = append(names, "catalog", "calendar")
	}
	rows, err := c.q().query(ctx, `SELECT name, version FROM published WHERE name IN (?`+strings.Repeat(", ?", len(names)-1)+`)`, names...)
	if err != nil {
		return app.Hall{}, nil, nil, err
	}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			rows.Close()
			return app.Hall{}, nil, nil, err
		}
		switch name {
		case "catalog":
			catVersion = v
		case "calendar":
			calVersion = v
		default:
			version = v
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Hall{}, nil, nil, err
	}
	if version == 0 {
		return app.Hall{}, nil, nil, fmt.Errorf("hall %s: %w: its set-up was never published", hall, app.ErrNotFound)
	}
	var catalog *app.Catalog
	var cal *app.Calendar
	if cat {
		c.mu.Lock()
		catalog = c.catalog
		c.mu.Unlock()
		if catalog == nil || catalog.Version != catVersion {
			if catalog, err = c.catalogNow(ctx); err != nil {
				return app.Hall{}, nil, nil, err
			}
		}
		bb.cache.Lock()
		cal = bb.cal
		if bb.calVersion != calVersion {
			cal = nil
		}
		bb.cache.Unlock()
		if cal == nil {
			if cal, err = c.Calendar(ctx); err != nil { // the plain week when none was published
				return app.Hall{}, nil, nil, err
			}
			bb.cache.Lock()
			bb.cal, bb.calVersion = cal, calVersion
			bb.cache.Unlock()
		}
	}
	bb.cache.Lock()
	ch, ok := bb.halls[hall]
	bb.cache.Unlock()
	if ok && ch.version == version {
		return ch.h, catalog, cal, nil
	}
	h, err := c.publishedHall(ctx, c.q(), hall)
	if err != nil {
		return h, nil, nil, err
	}
	bb.cache.Lock()
	if bb.halls == nil || len(bb.halls) > 10000 {
		bb.halls = map[string]cachedHall{}
	}
	bb.halls[hall] = cachedHall{h: h, version: version}
	bb.cache.Unlock()
	return h, catalog, cal, nil
}

// cachedKey is a hall's booking key once read (it never changes).
func (c *Central) cachedKey(ctx context.Context, hall string) ([]byte, error) {
	bb := &c.booking
	bb.cache.Lock()
	k, ok := bb.keys[hall]
	bb.cache.Unlock()
	if ok {
		return k, nil
	}
	k, err := c.bookingKey(ctx, hall)
	if err != nil {
		return nil, err
	}
	bb.cache.Lock()
	if bb.keys == nil {
		bb.keys = map[string][]byte{}
	}
	bb.keys[hall] = k
	bb.cache.Unlock()
	return k, nil
}

// submitBooking writes a booking with whatever others wait, and returns
// its own outcome.
func (c *Central) submitBooking(j *bookJob) error {
	bb := &c.booking
	bb.mu.Lock()
	bb.queue = append(bb.queue, j)
	if !bb.running {
		bb.running = true
		go c.writeBookings()
	}
	bb.mu.Unlock()
	<-j.done // the writer ends every job it takes, its context gone or not
	return j.err
}

// writeBookings writes queued bookings, a batch a transaction, until none
// waits.
func (c *Central) writeBookings() {
	bb := &c.booking
	// Woken from idle by one booking, the writer waits a moment for those
	// that come with it (a slot opening draws many at once): a commit
	// costs a disk flush whether it writes one booking or a hundred.
	time.Sleep(gather)
	for {
		bb.mu.Lock()
		n := min(len(bb.queue), maxBatch)
		if n == 0 {
			bb.running = false
			bb.mu.Unlock()
			return
		}
		jobs := bb.queue[:n:n]
		bb.queue = bb.queue[n:]
		bb.mu.Unlock()
		c.writeBatch(jobs)
		for _, j := range jobs {
			close(j.done)
		}
	}
}

// refusal reports whether err is a booking's own refusal, after which the
// transaction goes on: bookIn refuses without an error of the store.
func refusal(err error) bool {
	return errors.Is(err, app.ErrBookingFull) || errors.Is(err, app.ErrBookingTwice)
}

// errBookingUnwritten marks the jobs of a batch whose commit failed.
var errBookingUnwritten = errors.New("the booking was not written")

// writeBatch writes jobs in one transaction. A failure of the store (not a
// refusal) undoes the batch: every job in it fails.
func (c *Central) writeBatch(jobs []*bookJob) {
	ctx := context.Background() // the batch's: one booker leaving must not undo the others'
	err := c.tx(ctx, func(x q) error {
		for _, j := range jobs {
			if j.err = j.ctx.Err(); j.err != nil {
				continue // gone before its turn: not booked
			}
			j.err = c.bookIn(ctx, x, j)
			if j.err != nil && !refusal(j.err) {
				return j.err // the store failed: the whole batch is undone
			}
		}
		return nil
	})
	if err != nil {
		for _, j := range jobs {
			if j.err == nil {
				j.err = errors.Join(errBookingUnwritten, err)
			}
		}
	}
}
