// Package netcheck diagnoses a terminal's two network links for the
// doctor and the technician's report: whether the hall hub answers and
// accepts the hall key, whether the central platform answers over the TLS
// the terminal pins, and how far the terminal's clock is from central's.
// Its results are health.Checks, each with what to do next.
//
// It keeps its name because checking the network is all it does: it
// changes nothing and moves no data. Talking to central is sync/link's
// (enrolment, sync, update downloads): netcheck asks central only through
// link's Probe, over the same pinned client, and must not build a client
// of central of its own. It never sends or logs personal data (it asks
// only the health endpoints and, for the hall key, the queue's counts).
package netcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/tlcp"
)

// Options tune the checks.
type Options struct {
	Timeout time.Duration // per request; default 5 s
	Clock   app.Clock
	// Transport replaces the HTTP transport (tests); TLS pinning is then
	// the transport's business.
	Transport http.RoundTripper
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Clock == nil {
		o.Clock = app.SystemClock{}
	}
}

// Hub checks that the hub answers and accepts the hall key.
func Hub(ctx context.Context, cfg *config.Config, opt Options) health.Check {
	opt.defaults()
	c := health.Check{Name: "hall hub"}
	if cfg.Hub.Address == "" {
		c.Verdict, c.Detail = health.Skip, "this terminal uses no hub"
		return c
	}
	cert, err := cfg.HubCertificate()
	if err != nil {
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "copy hub.pem from the hub machine again (it is beside the hub's configuration) and name it in hub.certificate_file"
		return c
	}
	base := hub.URL(cfg.Hub.Address, cert != nil)
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/health", nil)
	resp, err := hubClient(opt, cert).Do(req)
	if errors.Is(err, hub.ErrNotTheHallsHub) {
		c.Verdict = health.Fail
		c.Detail = fmt.Sprintf("%s answers with a certificate other than the hall's (hub.certificate_file)", base)
		c.Next = "another machine answers at the hub's address, or the hub was set up again: copy its hub.pem to this terminal again, then restart the service"
		return c
	}
	if err != nil {
		c.Verdict = health.Fail
		c.Detail = fmt.Sprintf("no answer from %s: %s", base, link.Unreachable(err))
		if cfg.Role == config.RoleHub {
			c.Next = "this machine is the hub and its service is not answering: 'systemctl status onewindow-hub' and 'journalctl -u onewindow-hub' say why"
		} else {
			c.Next = fmt.Sprintf("check the LAN cable and that the hub machine is on; 'ping %s' from here should answer. Kiosks cannot issue numbers until the hub is back", hostOf(cfg.Hub.Address))
		}
		return c
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		c.Verdict = health.Fail
		c.Detail = fmt.Sprintf("%s answered %s to its health check", base, resp.Status)
		c.Next = "something other than the onewindow hub listens there: check hub.address"
		return c
	}
	key, err := cfg.HallKey()
	if err != nil {
		c.Verdict, c.Detail = health.Fail, "the hub answers, but the hall key cannot be read: "+err.Error()
		c.Next = "fix hub.hall_key_file (see 'configuration' above)"
		return c
	}
	// The queue's counts are the least a key opens; they carry no names.
	hc := hub.NewClient(base, string(key), opt.Timeout, hub.Pinned(cert))
	if _, err := hc.Queue(ctx, 0); err != nil {
		c.Verdict = health.Fail
		c.Detail = "the hub answers but refuses this terminal: " + err.Error()
		c.Next = "the hall key differs from the hub's: copy the hub's key file to this terminal again (it must be identical), then restart the service"
		return c
	}
	c.Verdict, c.Detail = health.OK, base+" answers and accepts the hall key"
	if cert == nil {
		c.Verdict = health.Warn
		c.Detail += ", over plain HTTP: the hall key and the hall's records cross the LAN in clear"
		c.Next = "set up the hall's hub certificate: 'onewindow setup -role hub' makes hub.pem; copy it to each terminal with the hall key (setup -hub-cert hub.pem)"
	}
	return c
}

// hubClient is a client for the hub on the LAN: no proxy, no redirect
// followed (what answers there must be the hub), and the hall's hub
// certificate pinned when there is one.
func hubClient(opt Options, cert []byte) *http.Client {
	tr := opt.Transport
	if tr == nil {
		t := &http.Transport{}
		hub.Pinned(cert)(t)
		tr = t
	}
	return &http.Client{Transport: tr, Timeout: opt.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func hostOf(address string) string {
	if h, _, err := net.SplitHostPort(address); err == nil && h != "" {
		return h
	}
	return address
}

// CentralChecks checks central and the clock against it: two items of the
// doctor's report. base and caPEM come from the enrolment when there is
// one, else from the configuration.
func CentralChecks(ctx context.Context, base string, caPEM []byte, enrolled bool, opt Options) []health.Check {
	opt.defaults()
	c := health.Check{Name: "central platform"}
	clock := health.Check{Name: "clock", Verdict: health.Skip, Detail: "not compared: central did not answer"}
	if base == "" {
		c.Verdict, c.Detail = health.Skip, "this terminal has no central platform configured"
		return []health.Check{c, clock}
	}
	a, err := link.Probe(ctx, base, caPEM, link.Options{Timeout: opt.Timeout, Clock: opt.Clock, Transport: opt.Transport})
	if !a.Local.IsZero() && !a.Date.IsZero() {
		clock = health.Skew("central", a.Local, a.Date, a.RTT)
	}
	var gm *tlcp.HandshakeError
	switch {
	case err == nil:
		c.Verdict = health.OK
		c.Detail = fmt.Sprintf("%s answers (%s store, change version %d) in %s", base, a.Health.Store, a.Health.Version, a.RTT.Round(time.Millisecond))
		if strings.HasPrefix(base, "https://") {
			c.Detail += "; its certificate matches the pinned CA"
			if tlcp.IsSM2(caPEM) {
				c.Detail += " (SM2, over TLCP)"
			}
		}
		if !enrolled {
			c.Verdict = health.Warn
			c.Detail += "; but this terminal is not enrolled"
			c.Next = "enrol it: 'onewindow setup -bundle FILE' with the bundle from 'onewindow central enrol-code'"
		}
	case errors.As(err, &gm) && gm.Why == tlcp.NoTLCP:
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "this terminal pins an SM2 CA and speaks TLCP (国密) to central, but central answers TLS only: ask central's administrators to start it with its SM2 certificates ('central serve -tlcp-sign-cert …', docs/security.md)"
	case errors.Is(err, link.ErrTLS) && !enrolled:
		c.Verdict, c.Detail = health.Warn, err.Error()
		c.Next = "this terminal is not enrolled yet, so it pins no CA: enrol it with 'onewindow setup -bundle FILE'"
	case errors.Is(err, link.ErrTLS):
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "central's certificate changed or something between intercepts the connection: ask central's administrators whether the certificate was renewed under another CA; if so enrol this terminal again with a new bundle"
	case errors.Is(err, link.ErrClock):
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "set this terminal's clock right ('timedatectl'), then run doctor again"
		clock = health.Check{Name: "clock", Verdict: health.Fail, Detail: "TLS finds central's certificate outside its dates by this clock", Next: c.Next}
	case errors.Is(err, link.ErrOffline):
		c.Verdict, c.Detail = health.Warn, err.Error()
		c.Next = "the WAN (政务外网) link is down or central is: the hall keeps working and sends everything when it is back; call the network provider if it lasts"
	default:
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "check central.url: something other than onewindow central answers there"
	}
	return []health.Check{c, clock}
}
