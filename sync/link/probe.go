package link

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"onewindow/sync/tlcp"
	"onewindow/sync/wire"
)

// Answer is what central's health endpoint told.
type Answer struct {
	Health wire.Health
	Date   time.Time     // the Date header; zero when absent
	RTT    time.Duration // how long the exchange took
	Local  time.Time     // this terminal's clock when the answer came
}

// Probe asks central's health endpoint at base, over the same client and
// pinned TLS as a sync, without credentials. Its errors wrap ErrOffline,
// ErrTLS, ErrClock or ErrAnswer and say what exactly, in words a technician
// can act on.
func Probe(ctx context.Context, base string, caPEM []byte, opt Options) (Answer, error) {
	opt.defaults()
	rc, err := client(base, caPEM, opt)
	if err != nil {
		return Answer{}, err
	}
	t0 := opt.Clock.Now()
	resp, err := rc.R().SetContext(ctx).SetHeader("Accept", "application/json").Get(wire.PathHealth)
	a := Answer{Local: opt.Clock.Now()}
	a.RTT = a.Local.Sub(t0)
	if err != nil && (resp == nil || resp.RawResponse == nil) {
		return Answer{}, sortFailure(err)
	}
	if d, err := http.ParseTime(resp.Header().Get("Date")); err == nil {
		a.Date = d
	}
	if resp.StatusCode() != http.StatusOK {
		// A redirect, too: central is asked where it is configured.
		return a, fmt.Errorf("%w: %s answered %s", ErrAnswer, base, resp.Status())
	}
	if err := json.Unmarshal(truncate(resp.Body(), 64<<10), &a.Health); err != nil || !a.Health.OK {
		return a, fmt.Errorf("%w: %s's health answer is not onewindow central's", ErrAnswer, base)
	}
	return a, nil
}

// sortFailure sorts a failure to reach central into ErrTLS, ErrClock (a
// certificate outside its dates by this terminal's clock) or ErrOffline,
// with the x509 reason in words.
func sortFailure(err error) error {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	var gm *tlcp.HandshakeError
	switch {
	case errors.As(err, &gm) && gm.Why == tlcp.Expired:
		return tlcpFailure{ErrClock, gm}
	case errors.As(err, &gm):
		return tlcpFailure{ErrTLS, gm}
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
	return fmt.Errorf("%w: %s", ErrOffline, Unreachable(err))
}

// tlcpFailure is a failed TLCP handshake with central (a terminal pinning
// an SM2 CA), sorted as ErrTLS or ErrClock but said in its own words:
// ErrTLS's are about TLS.
type tlcpFailure struct {
	kind error
	err  *tlcp.HandshakeError
}

func (f tlcpFailure) Error() string   { return "central: " + f.err.Error() }
func (f tlcpFailure) Unwrap() []error { return []error{f.kind, f.err} }

// Unreachable shortens a failure to connect (to central, or to anything
// else on the network) to what a technician can act on.
func Unreachable(err error) string {
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
