// Package netcheck examines a terminal's two network links for a technician:
// whether the hall hub answers and accepts the hall key, whether the central
// platform answers over TLS with the certificate the terminal pins, and how
// far the terminal's clock is from central's. It also enrols a terminal
// through sync/link, first checking the things that make enrolment fail in
// ways the link cannot tell apart (TLS, clock), so that each failure gets its
// own message. And it downloads update packages from central over the same
// pinned TLS (app/update verifies them).
//
// Its results are health.Checks; it never sends or logs personal data (it
// asks only the health endpoints and, for the hall key, the queue's counts).
package netcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/health"
	"onewindow/app/store"
	"onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/wire"
)

// Errors of Central and Enrol, each a different thing for the technician
// to do; callers decide with errors.Is.
var (
	ErrUnreachable = errors.New("central cannot be reached")
	ErrTLS         = errors.New("central's TLS certificate is not the one this terminal pins")
	ErrClock       = errors.New("this terminal's clock is far from central's")
	ErrCode        = errors.New("central refused the enrolment code")
	ErrAnswer      = errors.New("central's answer is not what onewindow expects")
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

// HubURL is the base URL a terminal reaches the hub at. On the hub itself
// an address without a host (":7100") is reached on loopback.
func HubURL(address string) string {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return "http://" + address
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Hub checks that the hub answers and accepts the hall key.
func Hub(ctx context.Context, cfg *config.Config, opt Options) health.Check {
	opt.defaults()
	c := health.Check{Name: "hall hub"}
	if cfg.Hub.Address == "" {
		c.Verdict, c.Detail = health.Skip, "this terminal uses no hub"
		return c
	}
	base := HubURL(cfg.Hub.Address)
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/health", nil)
	resp, err := httpClient(opt, nil).Do(req)
	if err != nil {
		c.Verdict = health.Fail
		c.Detail = fmt.Sprintf("no answer from %s: %s", base, netWords(err))
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
	hc := hub.NewClient(base, string(key), opt.Timeout)
	if _, err := hc.Queue(ctx, 0); err != nil {
		c.Verdict = health.Fail
		c.Detail = "the hub answers but refuses this terminal: " + err.Error()
		c.Next = "the hall key differs from the hub's: copy the hub's key file to this terminal again (it must be identical), then restart the service"
		return c
	}
	c.Verdict, c.Detail = health.OK, base+" answers and accepts the hall key"
	return c
}

func hostOf(address string) string {
	if h, _, err := net.SplitHostPort(address); err == nil && h != "" {
		return h
	}
	return address
}

// httpClient builds a client trusting only caPEM for HTTPS (nil: the
// system's roots are never used either; https without a pin fails).
func httpClient(opt Options, pool *x509.CertPool) *http.Client {
	if opt.Transport != nil {
		return &http.Client{Transport: opt.Transport, Timeout: opt.Timeout}
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, Proxy: nil}
	if pool == nil {
		tr.TLSClientConfig.RootCAs = x509.NewCertPool()
	}
	return &http.Client{Transport: tr, Timeout: opt.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Answer is what central's health endpoint told.
type Answer struct {
	Health wire.Health
	Date   time.Time     // the Date header; zero when absent
	RTT    time.Duration // how long the exchange took
	Local  time.Time     // this terminal's clock when the answer came
}

// Central asks central's health endpoint at base over TLS pinned to caPEM.
// Its errors wrap ErrUnreachable, ErrTLS or ErrAnswer and say what exactly.
func Central(ctx context.Context, base string, caPEM []byte, opt Options) (Answer, error) {
	opt.defaults()
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Answer{}, fmt.Errorf("%w: %q is not an http(s) address", app.ErrInvalidInput, base)
	}
	var pool *x509.CertPool
	if u.Scheme == "https" && opt.Transport == nil {
		if len(caPEM) == 0 {
			return Answer{}, fmt.Errorf("%w: central is https but this terminal holds no CA to pin (it is not enrolled)", ErrTLS)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return Answer{}, fmt.Errorf("%w: the pinned CA is not a PEM certificate", ErrTLS)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+wire.PathHealth, nil)
	req.Header.Set("Accept", "application/json")
	t0 := opt.Clock.Now()
	resp, err := httpClient(opt, pool).Do(req)
	if err != nil {
		return Answer{}, classify(err)
	}
	defer resp.Body.Close()
	a := Answer{Local: opt.Clock.Now()}
	a.RTT = a.Local.Sub(t0)
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		a.Date = d
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return a, fmt.Errorf("%w: %s answered %s", ErrAnswer, base, resp.Status)
	}
	if err := json.Unmarshal(body, &a.Health); err != nil || !a.Health.OK {
		return a, fmt.Errorf("%w: %s's health answer is not onewindow central's", ErrAnswer, base)
	}
	return a, nil
}

// classify sorts a transport error into unreachable or TLS, with the
// x509 reason in words.
func classify(err error) error {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("%w: the certificate central shows is not signed by the pinned CA (%v)", ErrTLS, unknown.Error())
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Errorf("%w: central's certificate is expired or not yet valid by this terminal's clock (%v)", ErrClock, invalid.Detail)
	case errors.As(err, &invalid):
		return fmt.Errorf("%w: %v", ErrTLS, invalid.Error())
	case errors.As(err, &host):
		return fmt.Errorf("%w: central's certificate is for other names (%v)", ErrTLS, host.Error())
	case errors.As(err, &verify):
		return fmt.Errorf("%w: %v", ErrTLS, verify.Err)
	case strings.Contains(err.Error(), "tls:"):
		return fmt.Errorf("%w: %v", ErrTLS, err)
	}
	return fmt.Errorf("%w: %s", ErrUnreachable, netWords(err))
}

// netWords shortens a transport error to what a technician can act on.
func netWords(err error) string {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "no answer in time (a firewall dropping packets, or the machine is off)"
	case errors.As(err, &dns):
		return fmt.Sprintf("the name %s cannot be looked up (check the DNS server in the network settings)", dns.Name)
	case errors.As(err, &op) && strings.Contains(op.Err.Error(), "refused"):
		return "connection refused (the machine is up but nothing listens on that port)"
	case errors.As(err, &op) && strings.Contains(op.Err.Error(), "unreachable"):
		return "network unreachable (no route: check the cable, the IP address and the gateway)"
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
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
	a, err := Central(ctx, base, caPEM, opt)
	if !a.Local.IsZero() && !a.Date.IsZero() {
		clock = health.Skew("central", a.Local, a.Date, a.RTT)
	}
	switch {
	case err == nil:
		c.Verdict = health.OK
		c.Detail = fmt.Sprintf("%s answers (%s store, change version %d) in %s", base, a.Health.Store, a.Health.Version, a.RTT.Round(time.Millisecond))
		if strings.HasPrefix(base, "https://") {
			c.Detail += "; its certificate matches the pinned CA"
		}
		if !enrolled {
			c.Verdict = health.Warn
			c.Detail += "; but this terminal is not enrolled"
			c.Next = "enrol it: 'onewindow setup -bundle FILE' with the bundle from 'onewindow central enrol-code'"
		}
	case errors.Is(err, ErrTLS) && !enrolled:
		c.Verdict, c.Detail = health.Warn, err.Error()
		c.Next = "this terminal is not enrolled yet, so it pins no CA: enrol it with 'onewindow setup -bundle FILE'"
	case errors.Is(err, ErrTLS):
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "central's certificate changed or something between intercepts the connection: ask central's administrators whether the certificate was renewed under another CA; if so enrol this terminal again with a new bundle"
	case errors.Is(err, ErrClock):
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "set this terminal's clock right ('timedatectl'), then run doctor again"
		clock = health.Check{Name: "clock", Verdict: health.Fail, Detail: "TLS finds central's certificate outside its dates by this clock", Next: c.Next}
	case errors.Is(err, ErrUnreachable):
		c.Verdict, c.Detail = health.Warn, err.Error()
		c.Next = "the WAN (政务外网) link is down or central is: the hall keeps working and sends everything when it is back; call the network provider if it lasts"
	default:
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "check central.url: something other than onewindow central answers there"
	}
	return []health.Check{c, clock}
}

// MaxEnrolSkew is how far the clock may be from central's for enrolment:
// beyond it TLS and the enrolment code's expiry become unreliable.
const MaxEnrolSkew = 5 * time.Minute

// Enrol enrols the terminal's store with the bundle's one-time code. It
// first asks central's health endpoint, so that an unreachable central, a
// TLS mismatch and a clock far off are told apart from a refused code.
func Enrol(ctx context.Context, st *store.Store, b wire.Bundle, opt Options) error {
	opt.defaults()
	a, err := Central(ctx, b.Central, []byte(b.CAPEM), opt)
	if err != nil {
		return err
	}
	if !a.Date.IsZero() {
		if sk := health.Skew("central", a.Local, a.Date, a.RTT); sk.Verdict == health.Fail {
			return fmt.Errorf("%w: %s; set the clock right before enrolling", ErrClock, sk.Detail)
		}
	}
	err = link.Enrol(ctx, st, b, link.Options{Clock: opt.Clock, Timeout: opt.Timeout, Transport: opt.Transport})
	var he *link.HTTPError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden):
		return fmt.Errorf("%w: %s", ErrCode, he.Message)
	case errors.Is(err, link.ErrOffline):
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	return err
}

// Download fetches a file (an update package) from central over the same
// TLS, pinned to caPEM, reading at most limit bytes. What it returns is not
// trusted yet: app/update verifies its signature before anything is done
// with it.
func Download(ctx context.Context, fileURL string, caPEM []byte, limit int64, opt Options) ([]byte, error) {
	opt.defaults()
	u, err := url.Parse(fileURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an http(s) address", app.ErrInvalidInput, fileURL)
	}
	var pool *x509.CertPool
	if u.Scheme == "https" && opt.Transport == nil {
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("%w: no pinned CA to check %s against (enrol the terminal first)", ErrTLS, u.Host)
		}
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fileURL, nil)
	client := httpClient(opt, pool)
	client.Timeout = 0 // a large package on a slow WAN; ctx bounds it
	resp, err := client.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %s", ErrAnswer, fileURL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: the download broke off: %v", ErrUnreachable, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d MB", ErrAnswer, fileURL, limit>>20)
	}
	return data, nil
}
