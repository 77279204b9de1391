package hub

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/sync/tlcp"
	"onewindow/sync/wire"
)

// gzipBody is a request body compressed already (a records batch), sent
// for a hall.
type gzipBody struct {
	data []byte
	hall string
}

// ErrUnreachable means the hub did not answer: the LAN, the hub machine or
// the hub process is down. The action may or may not have happened; retry
// it with the same request id, never a new one.
var ErrUnreachable = app.ErrHubUnreachable

// Client is how kiosks, windows and the hall screen talk to the hub. It
// never retries by itself: an issue or a call that timed out may have
// happened, so the caller decides, and retries with the same request id.
type Client struct {
	base    string
	key     string
	http    *http.Client
	timeout time.Duration
}

// NewClient talks to the hub at base (http://host:port, or https:// with
// Pinned) with the hall key. Every request gives up after timeout.
func NewClient(base, hallKey string, timeout time.Duration, opts ...Option) *Client {
	t := &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: time.Minute}
	for _, o := range opts {
		o(t)
	}
	return &Client{base: strings.TrimRight(base, "/"), key: hallKey, timeout: timeout, http: &http.Client{Transport: t}}
}

// Option sets how a client reaches the hub.
type Option func(*http.Transport)

// Pinned makes the client trust only the hall's hub certificate (PEM), as
// set-up made it: the hub must present exactly this certificate, whatever
// address it is reached at. A hub presenting another is not the hall's.
// Without a certificate (a hall whose hub is plain HTTP) it changes nothing.
// An SM2 certificate (a hall on the gm suite) is spoken to in TLCP.
func Pinned(certPEM []byte) Option {
	if tlcp.IsSM2(certPEM) {
		return pinnedTLCP(certPEM)
	}
	return func(t *http.Transport) {
		if certPEM == nil {
			return
		}
		var pinned []byte
		if b, _ := pem.Decode(certPEM); b != nil {
			pinned = b.Bytes
		}
		t.TLSClientConfig = &tls.Config{
			MinVersion: tls.VersionTLS12,
			// The certificate is checked below, byte for byte, in place of
			// a chain and a name: the hub's address is the hall's LAN's.
			InsecureSkipVerify: true,
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
				if len(pinned) == 0 || len(raw) == 0 || !bytes.Equal(raw[0], pinned) {
					return ErrNotTheHallsHub
				}
				return nil
			},
		}
	}
}

// ErrNotTheHallsHub means the hub presented a certificate other than the
// one this terminal pins: another machine answers at the hub's address,
// or the hub was set up again with a new certificate.
var ErrNotTheHallsHub = errors.New("the hub's certificate is not the hall's (the one in hub.certificate_file)")

// URL is the base URL a terminal reaches the hub at: https when the hall's
// hub has a certificate (secure), plain http otherwise. On the hub itself
// an address without a host (":7100") is reached on loopback.
func URL(address string, secure ...bool) string {
	scheme := "http://"
	if len(secure) > 0 && secure[0] {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return scheme + address
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return scheme + net.JoinHostPort(host, port)
}

// Issue takes a new queue number.
func (c *Client) Issue(ctx context.Context, r app.IssueRequest) (app.Ticket, error) {
	var t app.Ticket
	return t, c.do(ctx, http.MethodPost, "/v1/tickets", issueBody(r), &t)
}

// Requeue puts a missed ticket back in the queue, by its id or its holder's
// app.WhoKey (under each crypto suite: store.Requeue).
func (c *Client) Requeue(ctx context.Context, requestID, ticketID, whoKey, whoKeyAlt string) (app.Ticket, error) {
	var t app.Ticket
	return t, c.do(ctx, http.MethodPost, "/v1/tickets/requeue", requeueBody{requestID, ticketID, whoKey, whoKeyAlt}, &t)
}

// Call calls the next citizen to the window.
func (c *Client) Call(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return c.action(ctx, window, "call", actionBody{RequestID: requestID})
}

// Recall calls the window's current ticket again.
func (c *Client) Recall(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return c.action(ctx, window, "recall", actionBody{RequestID: requestID})
}

// Skip marks the window's called ticket as missed.
func (c *Client) Skip(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return c.action(ctx, window, "skip", actionBody{RequestID: requestID})
}

// Start records that the called citizen came to the window.
func (c *Client) Start(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return c.action(ctx, window, "start", actionBody{RequestID: requestID})
}

// Finish ends the service of the window's current ticket.
func (c *Client) Finish(ctx context.Context, requestID string, window int) (app.Ticket, error) {
	return c.action(ctx, window, "finish", actionBody{RequestID: requestID})
}

// Transfer sends the window's ticket to a category or another window.
func (c *Client) Transfer(ctx context.Context, requestID string, window int, toCategory string, toWindow int) (app.Ticket, error) {
	return c.action(ctx, window, "transfer", actionBody{RequestID: requestID, Category: toCategory, Window: toWindow})
}

// Pause stops calls to the window, with a reason from app.PauseReasons.
func (c *Client) Pause(ctx context.Context, requestID string, window int, reason string) error {
	_, err := c.action(ctx, window, "pause", actionBody{RequestID: requestID, Reason: reason})
	return err
}

// Resume opens the window again.
func (c *Client) Resume(ctx context.Context, requestID string, window int) error {
	_, err := c.action(ctx, window, "resume", actionBody{RequestID: requestID})
	return err
}

// SetClerk tells the hub who is logged in at the window (empty: nobody).
func (c *Client) SetClerk(ctx context.Context, window int, clerk string) error {
	_, err := c.action(ctx, window, "staff", actionBody{Clerk: clerk})
	return err
}

func (c *Client) action(ctx context.Context, window int, action string, body actionBody) (app.Ticket, error) {
	var t app.Ticket
	return t, c.do(ctx, http.MethodPost, fmt.Sprintf("/v1/windows/%d/%s", window, action), body, &t)
}

// Window returns a window's queue state.
func (c *Client) Window(ctx context.Context, window int) (app.WindowStatus, error) {
	var b windowBody
	err := c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/windows/%d", window), nil, &b)
	return app.WindowStatus(b), err
}

// Queue returns the hall's waiting lines and the last calls.
func (c *Client) Queue(ctx context.Context, calls int) (app.QueueStatus, error) {
	var b queueBody
	err := c.do(ctx, http.MethodGet, "/v1/queue?calls="+strconv.Itoa(calls), nil, &b)
	return b.status(), err
}

// Poll waits up to wait for queue events after seq (long-poll), for places
// where a stream cannot be held open.
func (c *Client) Poll(ctx context.Context, after int64, wait time.Duration) ([]app.QueueEvent, error) {
	var evs []app.QueueEvent
	q := url.Values{"after": {strconv.FormatInt(after, 10)}, "wait": {strconv.Itoa(int(wait / time.Second))}}
	ctx, cancel := context.WithTimeout(ctx, wait+c.timeout)
	defer cancel()
	return evs, c.send(ctx, http.MethodGet, "/v1/events?"+q.Encode(), nil, &evs)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.send(ctx, method, path, in, out)
}

func (c *Client) send(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	gz, gzipped := in.(gzipBody)
	switch {
	case gzipped:
		body = bytes.NewReader(gz.data)
	case in != nil:
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("hub address %q: %w", c.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	if gzipped {
		req.Header.Set("Content-Encoding", "gzip")
		req.Header.Set(HeaderHall, gz.hall)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.unreachable(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%w at %s: the answer was cut off: %v", ErrUnreachable, c.base, err)
	}
	if resp.StatusCode >= 300 {
		if exp := resp.Header.Get(wire.HeaderExpected); resp.StatusCode == http.StatusConflict && exp != "" {
			if n, err := strconv.ParseInt(exp, 10, 64); err == nil && n > 0 {
				return &app.SequenceGap{Expected: n}
			}
		}
		return answerError(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the hub's answer is not understood: %w", err)
	}
	return nil
}

// answerError turns an error answer back into the queue's own error, so
// callers can decide with errors.Is.
func answerError(status int, data []byte) error {
	var e errorBody
	if json.Unmarshal(data, &e) != nil || e.Error == "" {
		return fmt.Errorf("the hub answered %d %s", status, http.StatusText(status))
	}
	if sentinel := errorOf(e.Code); sentinel != nil {
		return &HubError{Status: status, Message: e.Error, err: sentinel}
	}
	return &HubError{Status: status, Message: e.Error}
}

// HubError is an error answer from the hub.
type HubError struct {
	Status  int
	Message string
	err     error
}

func (e *HubError) Error() string { return e.Message }
func (e *HubError) Unwrap() error { return e.err }

// Listen follows the queue's events after seq and hands each to fn, in
// order, until ctx ends. When the stream breaks it reconnects, with a pause
// that grows to a few seconds, and resumes after the last event it handed
// on, so no call is missed. status, if not nil, is told whether the hub is
// reachable each time that changes.
func (c *Client) Listen(ctx context.Context, after int64, fn func(app.QueueEvent), status func(err error)) error {
	pause := 200 * time.Millisecond
	var last error = errors.New("not yet connected")
	report := func(err error) {
		if status != nil && (err == nil) != (last == nil) {
			status(err)
		}
		last = err
	}
	for {
		err := c.stream(ctx, &after, fn, func() { report(nil); pause = 200 * time.Millisecond })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		report(err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		if pause < 5*time.Second {
			pause *= 2
		}
	}
}

func (c *Client) stream(ctx context.Context, after *int64, fn func(app.QueueEvent), connected func()) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/events?after="+strconv.FormatInt(*after, 10), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return c.unreachable(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return answerError(resp.StatusCode, data)
	}
	connected()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var data []byte
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0 && data != nil:
			var e app.QueueEvent
			if err := json.Unmarshal(data, &e); err != nil {
				return fmt.Errorf("the hub sent an event that is not understood: %w", err)
			}
			data = nil
			if e.Seq > *after {
				*after = e.Seq
				fn(e)
			}
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(data, line[len("data: "):]...)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w at %s: the event stream broke: %v", ErrUnreachable, c.base, err)
	}
	return fmt.Errorf("%w at %s: the event stream ended", ErrUnreachable, c.base)
}

// unreachable is the error of a request that got no answer; a hub that
// is not the hall's says so.
func (c *Client) unreachable(err error) error {
	if errors.Is(err, ErrNotTheHallsHub) {
		return fmt.Errorf("hub at %s: %w", c.base, ErrNotTheHallsHub)
	}
	return fmt.Errorf("%w at %s: %v", ErrUnreachable, c.base, err)
}
