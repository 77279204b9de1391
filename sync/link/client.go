package link

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"onewindow/app"
	"onewindow/sync/tlcp"
	"onewindow/sync/wire"
)

// Errors an exchange with central ends with; callers decide with errors.Is.
// A sync sorts every failure to reach central into ErrOffline; Probe and
// EnrolChecked tell ErrTLS and ErrClock apart from it, for a technician.
var (
	ErrNotEnrolled = errors.New("the terminal is not enrolled with central, or central no longer knows its secret")
	ErrRevoked     = errors.New("central has revoked this terminal; enrol it again with a new code")
	ErrOffline     = errors.New("central cannot be reached")
	ErrRefused     = errors.New("central refused the request")
	ErrTLS         = errors.New("central's TLS certificate is not the one this terminal pins")
	ErrClock       = errors.New("this terminal's clock is far from central's")
	ErrAnswer      = errors.New("central's answer is not what onewindow expects")
)

// HTTPError is an answer of central that is not a success.
type HTTPError struct {
	Status     int
	Message    string
	RetryAfter time.Duration // from the Retry-After header; zero when absent
	Expected   int64         // on 409 to a push: the sequence central waits for
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("central answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
}

// Unwrap sorts the answer into this package's errors.
func (e *HTTPError) Unwrap() error {
	switch e.Status {
	case http.StatusUnauthorized:
		return ErrNotEnrolled
	case http.StatusForbidden:
		return ErrRevoked
	}
	if e.Status >= 500 || e.Status == http.StatusTooManyRequests {
		return ErrOffline
	}
	return ErrRefused
}

// client is the one client every exchange with central goes through (sync,
// enrolment, health probe, update download): resty's retries off, no
// redirects followed and, for HTTPS, only the pinned CA trusted.
func client(base string, caPEM []byte, opt Options) (*resty.Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: central's address %q is not an http(s) URL", app.ErrInvalidInput, base)
	}
	rc := resty.New().
		SetBaseURL(strings.TrimRight(base, "/")).
		SetRetryCount(0).
		SetTimeout(opt.Timeout).
		SetHeader("User-Agent", "onewindow-terminal").
		SetRedirectPolicy(resty.NoRedirectPolicy()).
		SetLogger(restyLogger{opt.Logger})
	if opt.Transport != nil {
		rc.SetTransport(opt.Transport)
		return rc, nil
	}
	if u.Scheme == "https" {
		if len(caPEM) == 0 {
			return nil, fmt.Errorf("%w: central is HTTPS but no CA was given to pin (the terminal is not enrolled)", ErrTLS)
		}
		if tlcp.IsSM2(caPEM) {
			// The province's gm suite: the pinned CA is SM2, and central
			// is spoken to in TLCP (GM/T 0024), trusting only that CA.
			dial, err := tlcp.CADialer(caPEM)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrTLS, err)
			}
			rc.SetTransport(tlcp.Transport(dial))
			return rc, nil
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("%w: the pinned central CA is not a PEM certificate", ErrTLS)
		}
		// Only the pinned CA: a certificate from any other authority, the
		// system's included, is refused.
		rc.SetTLSClientConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	}
	return rc, nil
}

// restyLogger sends resty's few messages (about its own set-up, never a
// body) to the link's logger instead of stderr.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) { r.l.Error(fmt.Sprintf(format, v...)) }
func (r restyLogger) Warnf(format string, v ...any)  { r.l.Warn(fmt.Sprintf(format, v...)) }
func (r restyLogger) Debugf(format string, v ...any) { r.l.Debug(fmt.Sprintf(format, v...)) }

// call sends a request and decodes a success into out.
func call(ctx context.Context, req *resty.Request, method, path string, out any, clock app.Clock) error {
	req.SetContext(ctx).SetHeader("Accept", "application/json")
	if req.Body != nil {
		req.SetHeader("Content-Type", "application/json")
	}
	resp, err := req.Execute(method, path)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %v", ErrOffline, err)
	}
	if resp.StatusCode() == http.StatusNoContent && out == nil {
		return nil
	}
	if resp.StatusCode() != http.StatusOK {
		return answerError(resp, clock)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return fmt.Errorf("%w: central's answer is not the JSON expected: %v", ErrOffline, err)
	}
	return nil
}

func answerError(resp *resty.Response, clock app.Clock) error {
	return answerErrorBody(resp, resp.Body(), clock)
}

// answerErrorBody is answerError for a response whose body was read apart.
func answerErrorBody(resp *resty.Response, body []byte, clock app.Clock) error {
	e := &HTTPError{Status: resp.StatusCode()}
	var p wire.Problem
	if json.Unmarshal(body, &p) == nil && p.Error != "" {
		e.Message, e.Expected = p.Error, p.Expected
	} else {
		e.Message = strings.TrimSpace(string(truncate(body, 200)))
	}
	if s := resp.Header().Get(wire.HeaderExpected); s != "" && e.Expected == 0 {
		e.Expected, _ = strconv.ParseInt(s, 10, 64)
	}
	e.RetryAfter = retryAfter(resp.Header().Get("Retry-After"), clock.Now())
	return e
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
