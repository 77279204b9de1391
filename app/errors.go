package app

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers decide with errors.Is; the wrapped text says what
// exactly was wrong in words a clerk or technician understands.
var (
	ErrInvalidCatalog    = errors.New("the service catalogue is not valid")
	ErrStaleCatalog      = errors.New("this catalogue version is not newer than the one in use")
	ErrInvalidIDNumber   = errors.New("not a valid resident ID number")
	ErrIllegalTransition = errors.New("the case cannot move to that state from its present one")
	ErrNotFound          = errors.New("not found")
	ErrInvalidInput      = errors.New("invalid input")
	ErrInvalidConfig     = errors.New("the configuration is not valid")
	ErrSchemaTooNew      = errors.New("the database was written by a newer version of onewindow")
	ErrChainBroken       = errors.New("the case's timeline has been altered")
	ErrSequenceGap       = errors.New("operations are missing before this batch")
	ErrNotRateable       = errors.New("this cannot be rated")
	// ErrConflict: the request contradicts what is held (a case decided
	// already, a login taken); nothing was changed.
	ErrConflict = errors.New("conflict")
	// ErrHubUnreachable means the hall's hub did not answer (sync/hub's
	// ErrUnreachable is this): the LAN, the hub machine or its process is
	// down.
	ErrHubUnreachable = errors.New("the hall hub cannot be reached")
)

// A decision refused for what the clerk did or did not tick: each is an
// ErrInvalidInput, named so the window says it in the clerk's language.
var (
	ErrMaterialsMissing = fmt.Errorf("%w: required materials are missing", ErrInvalidInput)
	ErrNothingMissing   = fmt.Errorf("%w: every required material was received; there is nothing to ask for", ErrInvalidInput)
	ErrNoReason         = fmt.Errorf("%w: a refusal must give its reason", ErrInvalidInput)
)
