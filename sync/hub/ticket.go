package hub

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"onewindow/app"
)

// ticket answers GET /v1/tickets/{day}/{code}: a ticket's state and place
// now (store.TicketPlace), for the kiosk a citizen scans it at.
func (h *Server) ticket(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("day") + "/" + r.PathValue("code")
	t, err := h.store.TicketPlace(r.Context(), id)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// Ticket asks the hub for a ticket's state and place now; app.ErrNotFound
// for a ticket it never gave out.
func (c *Client) Ticket(ctx context.Context, id string) (app.Ticket, error) {
	i := strings.LastIndexByte(id, '/') // 2026-12-06/A001
	var t app.Ticket
	return t, c.do(ctx, http.MethodGet, "/v1/tickets/"+url.PathEscape(id[:max(i, 0)])+"/"+url.PathEscape(id[i+1:]), nil, &t)
}
