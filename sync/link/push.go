package link

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"onewindow/app"
	"onewindow/sync/wire"
)

// Push sends every waiting operation.
func (l *Link) Push(ctx context.Context) (PushReport, error) {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	r, err := l.push(ctx)
	l.refreshCounts(ctx)
	l.done(err)
	return r, err
}

// PushReport says what a drain did.
type PushReport struct {
	Batches  int
	Sent     int // operations central took (applied, skipped or refused)
	Rejected int
	Bytes    int64 // compressed bytes of the batches sent
	RawBytes int64 // the same before compression
	Resent   int   // operations queued again because central had lost them

	answered int // operations central said it holds, recorded or not yet
}

// batch is a push batch ready to send.
type batch struct {
	ops  []app.Operation
	body []byte // gzip
	raw  int    // bytes before compression
	err  error
}

// nextBatch reads and encodes the batch of pending operations after seq.
func (l *Link) nextBatch(ctx context.Context, after int64) batch {
	ops, err := l.ob.PendingOperationsAfter(ctx, after, wire.MaxBatchOps)
	if err != nil {
		return batch{err: fmt.Errorf("read the outbox: %w", err)}
	}
	if len(ops) == 0 {
		return batch{}
	}
	body, raw, n, err := wire.BatchBody(l.creds.Terminal, ops)
	return batch{ops: ops[:n], body: body, raw: raw, err: err}
}

// inFlight is how many batches a terminal has on the way to central at
// once: while central writes one, it decodes and checks the next.
const inFlight = 2

// push drains the outbox in rounds; a round ends when the outbox is empty,
// on an error, or when central's answer calls for reading the outbox again.
func (l *Link) push(ctx context.Context) (PushReport, error) {
	var r PushReport
	if l.opt.Relayed {
		return r, nil
	}
	counts, err := l.ob.OutboxCounts(ctx)
	if err != nil {
		return r, err
	}
	total := counts.Pending
	l.update(func(s *app.SyncStatus) { s.Pending, s.Draining, s.Progress = total, total > 0, 0 })
	var lastGap int64 = -1
	for {
		again, gap, err := l.pushRound(ctx, &r, &total)
		switch {
		case err != nil:
			return r, err
		case gap > 0:
			// Central holds less than this terminal sent it: it was
			// restored from a backup. Send again from where it stands.
			if gap == lastGap {
				return r, fmt.Errorf("%w: central expects operation %d, and sending again from there did not help", ErrRefused, gap)
			}
			lastGap = gap
			n, err := l.ob.ResendFrom(ctx, gap)
			if err != nil {
				return r, err
			}
			r.Resent += n
			total += n
			l.opt.Logger.Warn("central lost operations; sending them again", "from", gap, "count", n)
		case !again:
			return r, nil
		}
	}
}

type flight struct {
	b   batch
	ans wire.PushAnswer
	err error
	got chan struct{}
}

// pushRound reads batches one after the other, keeps up to inFlight of
// them on the way, and records central's answers in order. It reports
// whether the outbox must be read again, or the sequence to send again
// from when central answered the oldest batch with a gap.
//
// Central's answers are recorded by a recorder goroutine, in order, while
// the next batches go out: recording one is a transaction with an fsync
// on the terminal, and central need not wait for it. The round ends only
// when every answer it got is recorded, so the next round reads the
// outbox as central holds it. An answer not yet recorded when the
// terminal stops is sent again and skipped by central: nothing is applied
// twice.
func (l *Link) pushRound(ctx context.Context, r *PushReport, total *int) (again bool, gap int64, err error) {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	go func() {
		defer close(batches)
		var after int64
		for {
			b := l.nextBatch(rctx, after)
			select {
			case batches <- b:
			case <-rctx.Done():
				return
			}
			if b.err != nil || len(b.ops) == 0 {
				return
			}
			after = b.ops[len(b.ops)-1].Seq
		}
	}()
	rec := l.startRecorder(ctx, r, total)
	var queue []*flight
	var confirmed int64 // the most central said it holds in this round
	defer func() {
		for _, f := range queue { // answers still on the way are not waited for
			<-f.got
		}
		if rerr := rec.wait(); rerr != nil && err == nil {
			again, gap, err = false, 0, rerr
		}
	}()
	exhausted := false
	for {
		for len(queue) < inFlight && !exhausted && rec.failed() == nil {
			b, ok := <-batches
			if !ok || (b.err == nil && len(b.ops) == 0) {
				exhausted = true
				break
			}
			if b.err != nil {
				return false, 0, b.err
			}
			f := &flight{b: b, got: make(chan struct{})}
			go func() {
				req := l.rc.R().SetHeader("Content-Encoding", "gzip").SetBody(f.b.body)
				f.err = call(ctx, req, http.MethodPost, wire.PathPush, &f.ans, l.opt.Clock)
				close(f.got)
			}()
			queue = append(queue, f)
		}
		if len(queue) == 0 {
			return false, 0, nil
		}
		f := queue[0]
		queue = queue[1:]
		<-f.got
		first, last := f.b.ops[0].Seq, f.b.ops[len(f.b.ops)-1].Seq
		r.Bytes += int64(len(f.b.body))
		r.RawBytes += int64(f.b.raw)
		var he *HTTPError
		if errors.As(f.err, &he) && he.Status == http.StatusConflict && he.Expected > 0 {
			switch {
			case he.Expected <= confirmed:
				// Overtaken: central answered before the batch ahead of
				// this one was written. Read the outbox again.
				return true, 0, nil
			case he.Expected > first:
				// Not a gap behind this batch: central holds it and more.
				return false, 0, fmt.Errorf("central expects operation %d after a batch from %d: %w", he.Expected, first, f.err)
			}
			return false, he.Expected, nil
		}
		if f.err != nil {
			// The batches behind this one may have been taken; their
			// answers are recorded, this one's operations stay pending.
			for _, g := range queue {
				<-g.got
				if g.err == nil && g.ans.Held >= g.b.ops[0].Seq {
					rec.record(g)
					l.progress(r, *total, g)
				}
			}
			queue = nil
			return false, 0, f.err
		}
		if f.ans.Held < first {
			return false, 0, fmt.Errorf("%w: central holds up to operation %d after a batch of %d–%d", ErrRefused, f.ans.Held, first, last)
		}
		if err := rec.failed(); err != nil {
			return false, 0, err
		}
		rec.record(f)
		l.progress(r, *total, f)
		confirmed = max(confirmed, f.ans.Held)
		if f.ans.Held < last {
			return true, 0, nil // central took only part of it: read the outbox again
		}
	}
}

// recorder records central's answers to batches in the terminal's outbox,
// in order, behind the batches that go on out.
type recorder struct {
	answers chan *flight
	done    chan struct{}
	mu      sync.Mutex
	err     error // the first failure; the answers after it are not recorded
}

func (l *Link) startRecorder(ctx context.Context, r *PushReport, total *int) *recorder {
	rec := &recorder{answers: make(chan *flight, 64), done: make(chan struct{})}
	go func() {
		defer close(rec.done)
		for f := range rec.answers {
			// The answers that came meanwhile are recorded with this one,
			// in one transaction: one fsync for several batches.
			group := []*flight{f}
		more:
			for {
				select {
				case g, ok := <-rec.answers:
					if !ok {
						break more
					}
					group = append(group, g)
				default:
					break more
				}
			}
			for _, run := range followingRuns(group) {
				if rec.failed() != nil {
					break
				}
				if err := l.acknowledge(ctx, r, total, run...); err != nil {
					rec.mu.Lock()
					rec.err = err
					rec.mu.Unlock()
				}
			}
		}
	}()
	return rec
}

func (rec *recorder) record(f *flight) { rec.answers <- f }

// followingRuns cuts answers into runs of batches that follow each other,
// each held whole but maybe the last: a batch whose send failed leaves a
// hole between the answers around it.
func followingRuns(fs []*flight) [][]*flight {
	var runs [][]*flight
	start := 0
	for i := 1; i <= len(fs); i++ {
		if i < len(fs) {
			prev := fs[i-1].b.ops[len(fs[i-1].b.ops)-1].Seq
			if fs[i].b.ops[0].Seq == prev+1 && fs[i-1].ans.Held >= prev {
				continue
			}
		}
		runs = append(runs, fs[start:i])
		start = i
	}
	return runs
}

func (rec *recorder) failed() error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.err
}

// wait records what was handed over and says whether all of it was.
func (rec *recorder) wait() error {
	close(rec.answers)
	<-rec.done
	return rec.failed()
}

// acknowledge records central's answers to consecutive batches in one
// transaction: their refusals, and their own operations up to what central
// holds as sent. Only the batches' own range: refusals of an earlier batch
// whose answer was lost are told again when that batch is sent again.
func (l *Link) acknowledge(ctx context.Context, r *PushReport, total *int, fs ...*flight) error {
	from, upTo := fs[0].b.ops[0].Seq, int64(0)
	var rej []app.Rejection
	for _, f := range fs {
		first, last := f.b.ops[0].Seq, f.b.ops[len(f.b.ops)-1].Seq
		if f.ans.Held < first {
			return fmt.Errorf("%w: central holds up to operation %d after a batch of %d–%d", ErrRefused, f.ans.Held, first, last)
		}
		if upTo > 0 && first != upTo+1 {
			return fmt.Errorf("record central's answers: batches %d–%d and from %d do not follow each other", from, upTo, first)
		}
		upTo = min(f.ans.Held, last)
		for _, x := range f.ans.Rejected {
			if x.Seq >= first && x.Seq <= upTo {
				rej = append(rej, app.Rejection{Seq: x.Seq, Reason: x.Reason})
			}
		}
	}
	if err := l.ob.AcknowledgeOperations(ctx, from, upTo, rej); err != nil {
		return fmt.Errorf("record central's answer: %w", err)
	}
	r.Batches += len(fs)
	r.Sent += int(upTo - from + 1)
	r.Rejected += len(rej)
	if len(rej) > 0 {
		l.opt.Logger.Warn("central refused operations", "count", len(rej), "first", rej[0].Seq)
		l.update(func(s *app.SyncStatus) { s.Rejected += len(rej) })
	}
	return nil
}

// progress shows that central holds a batch's operations, as soon as it
// says so (recording that at the terminal follows).
func (l *Link) progress(r *PushReport, total int, f *flight) {
	r.answered += int(min(f.ans.Held, f.b.ops[len(f.b.ops)-1].Seq) - f.b.ops[0].Seq + 1)
	answered := r.answered
	l.update(func(s *app.SyncStatus) {
		s.Online = true
		s.Pending = max(total-answered, 0)
		if total > 0 {
			s.Progress = min(float64(answered)/float64(total), 1)
		}
	})
}
