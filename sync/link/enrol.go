package link

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/app/suite"
	"onewindow/sync/wire"
)

// ErrCode means central refused the enrolment code: unknown, used already
// or expired.
var ErrCode = errors.New("central refused the enrolment code")

// Enrol exchanges the bundle's one-time code for the terminal's own secret
// and stores it with central's address and CA in ob. A terminal enrolled
// again with a wiped database continues after the operations and cases
// central holds under its code (app.SyncCredentials.Held).
func Enrol(ctx context.Context, ob app.Outbox, b wire.Bundle, opt Options) error {
	opt.defaults()
	rc, err := client(b.Central, []byte(b.CAPEM), opt)
	if err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	var ans wire.EnrolAnswer
	if err := call(ctx, rc.R().SetBody(wire.EnrolRequest{Code: b.Code, Terminal: b.Terminal}), http.MethodPost, wire.PathEnrol, &ans, opt.Clock); err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	if b.Terminal != "" && ans.Terminal != b.Terminal {
		return fmt.Errorf("enrol: central enrolled terminal %s, not %s", ans.Terminal, b.Terminal)
	}
	return ob.SaveSyncCredentials(ctx, app.SyncCredentials{
		Central: b.Central, Terminal: ans.Terminal, Hall: ans.Hall, Secret: ans.Secret, CAPEM: []byte(b.CAPEM),
		Suite: suite.Name(ans.Suite), Held: ans.Held, LastCase: ans.LastCase,
	})
}

// EnrolChecked is Enrol as a technician runs it: it first probes central,
// so that an unreachable central (ErrOffline), a TLS mismatch (ErrTLS) and
// a clock far off (ErrClock) are told apart from a refused code (ErrCode),
// each with its own thing to do, and none of them spends the code. The
// clock is opt.Clock held against central's Date header.
func EnrolChecked(ctx context.Context, ob app.Outbox, b wire.Bundle, opt Options) error {
	a, err := Probe(ctx, b.Central, []byte(b.CAPEM), opt)
	if err != nil {
		return err
	}
	if !a.Date.IsZero() {
		if sk := health.Skew("central", a.Local, a.Date, a.RTT); sk.Verdict == health.Fail {
			return fmt.Errorf("%w: %s; set the clock right before enrolling", ErrClock, sk.Detail)
		}
	}
	err = Enrol(ctx, ob, b, opt)
	var he *HTTPError
	if errors.As(err, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden) {
		return fmt.Errorf("%w: %s", ErrCode, he.Message)
	}
	return err
}
