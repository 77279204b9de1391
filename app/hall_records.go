package app

import (
	"context"
	"errors"
	"fmt"
)

// HallRecords are the hall's shared records as the hub keeps them
// (DESIGN.md §4a): every case of the hall with its timeline, central's
// decisions with each department's opinion, ratings and follow-ups. The
// terminals send their records to the hub through their outbox; the hub
// applies each operation once, in each terminal's order, and relays it to
// central in the order it applied it, with the steps it added itself. The
// hub's store (app/store) is one.
type HallRecords interface {
	CaseRecords
	// ApplyHallBatch applies a batch of one terminal's outbox operations in
	// one transaction: operations held already are skipped, one that does
	// not fit is refused with a reason and not retried, and a batch that
	// starts after a gap is refused whole with a *SequenceGap.
	ApplyHallBatch(ctx context.Context, terminal string, ops []Operation) (HallAnswer, error)
	// CasesInState lists the hall's cases in a state, oldest first, at
	// most limit of them: the self-service applications waiting for a
	// window's pre-review (预审) are those Submitted.
	CasesInState(ctx context.Context, state CaseState, limit int) ([]Case, error)
	// RateServed records a citizen's rating at the kiosk, checked against
	// the hall's records (一次一评): the ticket must have been served in the
	// hall today, or the case must be the hall's, and neither may have been
	// rated before. The rating takes the window and clerk from them.
	RateServed(ctx context.Context, r Rating) (Rating, *FollowUp, error)
}

// HallAnswer is the hub's answer to a terminal's batch: the highest
// sequence it holds from the terminal, and what became of the batch.
type HallAnswer struct {
	Held     int64
	Applied  int
	Skipped  int
	Rejected []Rejection
}

// ErrOutboxReplaced refuses a batch whose operations reuse the numbers of
// others the hub holds from that terminal: its database was replaced or
// restored from a backup, and skipping them as held would lose them.
var ErrOutboxReplaced = errors.New("the terminal's outbox does not match what the hub holds")

// SequenceGap refuses a batch that starts after operations not yet
// received: the sender must send from Expected on.
type SequenceGap struct{ Expected int64 }

func (e *SequenceGap) Error() string {
	return fmt.Sprintf("operations are missing before this batch: send from operation %d on", e.Expected)
}

// Unwrap makes a gap ErrSequenceGap.
func (e *SequenceGap) Unwrap() error { return ErrSequenceGap }
