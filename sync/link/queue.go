package link

import (
	"context"
	"net/http"

	"onewindow/app"
	"onewindow/sync/wire"
)

// SendQueue sends central the hall's queue snapshot (a hub's link only;
// hub.Server.PublishQueue calls it). It does not wait for a sync in
// progress: the snapshot goes beside the outbox, not through it.
func (l *Link) SendQueue(ctx context.Context, s app.QueueSnapshot) error {
	return call(ctx, l.rc.R().SetBody(s), http.MethodPost, wire.PathQueue, nil, l.opt.Clock)
}

// TicketKey keys a ticket's link to the citizens' pages with this
// terminal's secret as central keeps it (app.TicketKey): what the hub puts
// on each ticket it gives out, under central's crypto suite.
func (l *Link) TicketKey(ticketID string) string {
	return app.TicketKey(l.ob.Suite(), wire.SecretHash(l.creds.Secret), l.creds.Hall, ticketID)
}
