package hub

import (
	"errors"
	"net/http"

	"onewindow/app"
)

// errorBody is every error answer of the hub.
type errorBody struct {
	Error string `json:"error"` // in words a clerk or technician understands
	Code  string `json:"code"`  // stable, for clients to decide on
}

// codes map the queue's sentinel errors to the codes on the wire and their
// HTTP status, so a client can turn an answer back into the same error.
var codes = []struct {
	err    error
	code   string
	status int
}{
	{app.ErrCategoryFull, "category_full", http.StatusConflict},
	{app.ErrCategoryClosed, "category_closed", http.StatusConflict},
	{app.ErrNoneWaiting, "none_waiting", http.StatusConflict},
	{app.ErrWindowPaused, "window_paused", http.StatusConflict},
	{app.ErrWindowBusy, "window_busy", http.StatusConflict},
	{app.ErrNoTicket, "no_ticket", http.StatusConflict},
	{app.ErrNotRequeueable, "not_requeueable", http.StatusConflict},
	{app.ErrRequestReused, "request_reused", http.StatusConflict},
	{app.ErrOutboxReplaced, "outbox_replaced", http.StatusConflict},
	{app.ErrIllegalTransition, "illegal_transition", http.StatusConflict},
	{app.ErrChainBroken, "chain_broken", http.StatusConflict},
	{app.ErrNotRateable, "not_rateable", http.StatusConflict},
	{app.ErrInvalidIDNumber, "invalid_id_number", http.StatusBadRequest},
	{app.ErrMaterialsMissing, "materials_missing", http.StatusBadRequest},
	{app.ErrNothingMissing, "nothing_missing", http.StatusBadRequest},
	{app.ErrNoReason, "no_reason", http.StatusBadRequest},
	{app.ErrInvalidInput, "invalid_input", http.StatusBadRequest},
	{app.ErrNotFound, "not_found", http.StatusNotFound},
	{ErrUnauthorized, "unauthorized", http.StatusUnauthorized},
}

// ErrUnauthorized means the request did not carry this hall's key.
var ErrUnauthorized = errors.New("the hall key is missing or wrong")

func codeOf(err error) (string, int) {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code, c.status
		}
	}
	return "internal", http.StatusInternalServerError
}

func errorOf(code string) error {
	for _, c := range codes {
		if c.code == code {
			return c.err
		}
	}
	return nil
}
