package tlcp

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tjfoc/gmsm/gmtls"
	"github.com/tjfoc/gmsm/x509"
)

// Why a TLCP handshake failed, in the terms a technician acts on.
type Why int

const (
	Other     Why = iota
	Untrusted     // not signed by the pinned SM2 CA
	Expired       // outside its dates by this machine's clock
	OtherName     // signed, but for other names than the address dialled
	NotPinned     // not the pinned certificate (the hall's hub)
	NoTLCP        // the server speaks TLS only
)

// HandshakeError is a failed TLCP handshake, saying which protocol failed
// and why, so that it is not taken for a TLS failure.
type HandshakeError struct {
	Addr string
	Why  Why
	Err  error
}

func (e *HandshakeError) Error() string {
	var why string
	switch e.Why {
	case Untrusted:
		why = "its SM2 certificate is not signed by the pinned SM2 CA"
	case Expired:
		why = "its SM2 certificate is expired or not yet valid by this machine's clock"
	case OtherName:
		why = "its SM2 certificates are for other names than the one dialled"
	case NotPinned:
		why = "its SM2 signing certificate is not the one pinned"
	case NoTLCP:
		why = "it does not speak TLCP (it refused protocol version 0x0101): it serves TLS only, or was given no SM2 certificates"
	default:
		why = "the handshake broke off"
	}
	return fmt.Sprintf("TLCP (国密 GM/T 0024) handshake with %s failed: %s (%v)", e.Addr, why, e.Err)
}

func (e *HandshakeError) Unwrap() error { return e.Err }

// Dialer dials TLCP for an http.Transport's DialTLSContext.
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// CADialer dials servers whose double certificate the SM2 CA in caPEM
// signed, for the name dialled: central, as a terminal pins its CA.
func CADialer(caPEM []byte) (Dialer, error) {
	pool := x509.NewCertPool()
	ca, err := ParseSM2(caPEM)
	if err != nil {
		return nil, fmt.Errorf("the pinned SM2 CA: %v", err)
	}
	pool.AddCert(ca)
	return dialer(&gmtls.Config{GMSupport: gmtls.NewGMSupport(), RootCAs: pool, CipherSuites: suites}, nil), nil
}

// PinnedDialer dials a server that must present, as its signing
// certificate, exactly the first certificate of certPEM (the hall's hub,
// at whatever address of the LAN). Another is refused with an error that
// wraps mismatch. The encryption certificate needs no pin: the server
// signs it, with the pinned certificate's key, in every handshake.
func PinnedDialer(certPEM []byte, mismatch error) Dialer {
	var pinned []byte
	if b, _ := pem.Decode(certPEM); b != nil {
		pinned = b.Bytes
	}
	return dialer(&gmtls.Config{
		GMSupport:    gmtls.NewGMSupport(),
		CipherSuites: suites,
		// The certificate is checked below, byte for byte, in place of a
		// chain and a name.
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(pinned) == 0 || len(raw) == 0 || !bytes.Equal(raw[0], pinned) {
				return mismatch
			}
			return nil
		},
	}, mismatch)
}

func dialer(cfg *gmtls.Config, mismatch error) Dialer {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		c := cfg.Clone()
		if host, _, err := net.SplitHostPort(addr); err == nil && !c.InsecureSkipVerify {
			c.ServerName = host
		}
		deadline := time.Now().Add(HandshakeTimeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		raw.SetDeadline(deadline)
		stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
		conn := gmtls.Client(raw, c)
		err = conn.Handshake()
		if !stop() || ctx.Err() != nil {
			raw.Close()
			return nil, ctx.Err()
		}
		if err != nil {
			raw.Close()
			return nil, &HandshakeError{Addr: addr, Why: why(err, mismatch), Err: err}
		}
		raw.SetDeadline(time.Time{})
		return conn, nil
	}
}

// why sorts a handshake's error: tjfoc's x509 errors are its own types.
func why(err, mismatch error) Why {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	switch {
	case mismatch != nil && errors.Is(err, mismatch):
		return NotPinned
	case errors.As(err, &unknown):
		return Untrusted
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return Expired
	case errors.As(err, &invalid):
		return Untrusted
	case errors.As(err, &host):
		return OtherName
	case strings.Contains(err.Error(), "protocol version not supported"):
		return NoTLCP
	}
	return Other
}

// Transport is an http.Transport that speaks TLCP, through dial, to every
// https URL, and goes through no proxy (an HTTP proxy's CONNECT tunnel
// would be followed by a TLS handshake, not TLCP).
func Transport(dial Dialer) *http.Transport {
	return &http.Transport{
		DialTLSContext:      dial,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     time.Minute,
	}
}
