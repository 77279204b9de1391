package hub

import (
	"context"
	"fmt"
	"net/http"

	"onewindow/app"
)

// Appointments at the hub (issue 18 §3): the hub keeps the hall's bookings
// as central sends them and is the one authority that checks them in, for
// every kiosk of the hall, with the WAN down as well (app.BookingDesk;
// app/store implements it). A kiosk sends the code typed or the hash of
// the ID card read (keyed with the hall's booking key, which the hub never
// holds); the answer says what came of it, and carries the ticket issued
// with the appointment priority when it was checked in.

// PathCheckIn is where a kiosk checks a booking in: POST an
// app.BookingCheckIn, answered with an app.BookingCheckedIn (200 whatever
// the outcome; an error only when the request itself is wrong).
const PathCheckIn = "/v1/bookings/checkin"

func (h *Server) checkInBooking(w http.ResponseWriter, r *http.Request) {
	var body app.BookingCheckIn
	if !readJSON(w, r, &body) {
		return
	}
	desk, ok := h.store.(app.BookingDesk)
	if !ok {
		writeError(w, fmt.Errorf("%w: this hub keeps no bookings", app.ErrNotFound))
		return
	}
	res, err := desk.CheckInBooking(r.Context(), body)
	if err != nil {
		writeError(w, err)
		return
	}
	if res.Outcome == app.CheckedIn && res.Ticket != nil {
		h.notify() // a ticket was issued: the hall screen and windows learn it
		h.mu.Lock()
		key := h.ticketKey
		h.mu.Unlock()
		if key != nil {
			res.Ticket.Key = key(res.Ticket.ID) // its link to the citizens' pages, as answer does
		}
	}
	writeJSON(w, http.StatusOK, res)
}

// CheckInBooking checks a booking in at the hub (app.BookingDesk). Retry a
// request whose answer was lost with the same request id: it cannot issue
// twice.
func (c *Client) CheckInBooking(ctx context.Context, r app.BookingCheckIn) (app.BookingCheckedIn, error) {
	var res app.BookingCheckedIn
	return res, c.do(ctx, http.MethodPost, PathCheckIn, r, &res)
}
