package tlcp

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/tjfoc/gmsm/gmtls"
)

// HandshakeTimeout bounds how long a client may take to say hello and, for
// TLCP, to finish the handshake.
const HandshakeTimeout = 10 * time.Second

// NewListener serves TLS (with std, by Go's crypto/tls) and TLCP (with gm,
// by gmtls) on one port, so that a province's terminals move from one to
// the other one by one. Either may be nil: a client of the missing
// protocol is refused with a handshake error that says so.
//
// Each connection goes to one library by the version its ClientHello
// offers: 0x0101 is TLCP, anything else TLS. This is the test gmtls's own
// "auto switch" server makes; it is not used because its TLS half is a
// 2019 copy of crypto/tls that stops at TLS 1.2, and the terminals that
// stay on intl keep TLS 1.3 and Go's maintained TLS this way.
//
// Accept returns a *tls.Conn not yet handshaken (net/http handshakes it
// and fills Request.TLS, as with tls.NewListener), or a *gmtls.Conn whose
// handshake is done; a failed TLCP handshake is given to logf (which may
// be nil) and the connection dropped. Sorting a connection never holds up
// Accept.
func NewListener(inner net.Listener, std *tls.Config, gm *gmtls.Config, logf func(format string, args ...any)) net.Listener {
	if std == nil {
		std = &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return nil, errNoTLS }}
	}
	l := &listener{inner: inner, std: std, gm: gm, logf: logf,
		conns: make(chan net.Conn), errs: make(chan error), done: make(chan struct{})}
	go l.run()
	return l
}

type listener struct {
	inner net.Listener
	std   *tls.Config
	gm    *gmtls.Config
	logf  func(string, ...any)
	conns chan net.Conn
	errs  chan error
	done  chan struct{}
	once  sync.Once
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case err := <-l.errs:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.inner.Close()
}

func (l *listener) Addr() net.Addr { return l.inner.Addr() }

// run accepts from the inner listener and sorts each connection in its
// own goroutine. An accept error goes to Accept's caller; after one that
// is not the end of the listener, it waits a little (too many open files
// does not pass at once).
func (l *listener) run() {
	pause := 5 * time.Millisecond
	for {
		c, err := l.inner.Accept()
		if err != nil {
			select {
			case l.errs <- err:
			case <-l.done:
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(pause)
			pause = min(2*pause, time.Second)
			continue
		}
		pause = 5 * time.Millisecond
		go l.sort(c)
	}
}

// sort reads the start of the client's first record: a handshake record
// (22) whose ClientHello (1) offers version 0x0101 is TLCP.
func (l *listener) sort(c net.Conn) {
	c.SetDeadline(time.Now().Add(HandshakeTimeout))
	var head [11]byte
	n, err := io.ReadFull(c, head[:])
	if err != nil {
		c.Close()
		return
	}
	pc := &peeked{Conn: c, r: io.MultiReader(bytes.NewReader(head[:n]), c)}
	var out net.Conn
	if head[0] == 22 && head[5] == 1 && uint16(head[9])<<8|uint16(head[10]) == Version && l.gm != nil {
		tc := gmtls.Server(pc, l.gm)
		if err := handshake(tc); err != nil {
			if l.logf != nil {
				l.logf("TLCP handshake from %s failed: %v", c.RemoteAddr(), err)
			}
			c.Close()
			return
		}
		out = tc
	} else {
		// TLS; or TLCP with no SM2 certificates, which crypto/tls refuses
		// with a protocol_version alert the client understands.
		out = tls.Server(pc, l.std)
	}
	c.SetDeadline(time.Time{}) // net/http sets its own from here
	select {
	case l.conns <- out:
	case <-l.done:
		c.Close()
	}
}

// peeked is a connection whose first bytes were read already and are read
// again.
type peeked struct {
	net.Conn
	r io.Reader
}

func (p *peeked) Read(b []byte) (int, error) { return p.r.Read(b) }

// handshake is c's handshake, with a panic of the library turned into an
// error: gmtls indexes some of a peer's messages before checking their
// length, so a malformed one would otherwise take the whole process down
// (central, or a terminal), outside net/http's recovery.
func handshake(c *gmtls.Conn) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the TLCP library failed on a malformed handshake: %v", r)
		}
	}()
	return c.Handshake()
}
