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

	"github.com/emmansun/gmsm/smx509"
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
//
// The chains are verified by github.com/emmansun/gmsm's smx509 (Go's
// crypto/x509 with SM2, whose SM2 has an assembly path) in place of
// tjfoc's x509 (pure Go): the same checks (both certificates signed by
// the CA, for the name dialled, within their dates, for server use), at a
// third of the cost. gmtls still checks the certificates' key usages and
// the server's signature over the encryption certificate.
func CADialer(caPEM []byte) (Dialer, error) {
	if _, err := ParseSM2(caPEM); err != nil {
		return nil, fmt.Errorf("the pinned SM2 CA: %v", err)
	}
	b, _ := pem.Decode(bytes.TrimSpace(caPEM))
	ca, err := smx509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the pinned SM2 CA: %v", err)
	}
	pool := smx509.NewCertPool()
	pool.AddCert(ca)
	return dialer(func(host string) *gmtls.Config {
		return &gmtls.Config{GMSupport: gmtls.NewGMSupport(), CipherSuites: suites,
			// Verified below, by smx509, rather than by tjfoc's x509.
			InsecureSkipVerify: true,
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
				return verifyChains(raw, pool, host)
			},
		}
	}, nil), nil
}

// verifyChains checks a server's signing and encryption certificates
// (raw[0], raw[1]; any more are intermediates) against the pinned CA.
func verifyChains(raw [][]byte, roots *smx509.CertPool, host string) error {
	if len(raw) < 2 {
		return errors.New("the server sent fewer than two certificates (TLCP's signing and encryption)")
	}
	inter := smx509.NewCertPool()
	for _, r := range raw[2:] {
		c, err := smx509.ParseCertificate(r)
		if err != nil {
			return err
		}
		inter.AddCert(c)
	}
	for _, r := range raw[:2] {
		c, err := smx509.ParseCertificate(r)
		if err != nil {
			return err
		}
		if _, err := c.Verify(smx509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host}); err != nil {
			return err
		}
	}
	return nil
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
	cfg := &gmtls.Config{
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
	}
	return dialer(func(string) *gmtls.Config { return cfg }, mismatch)
}

// dialer dials TCP, then makes a TLCP handshake with the configuration
// for the host dialled, within ctx and HandshakeTimeout.
func dialer(config func(host string) *gmtls.Config, mismatch error) Dialer {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			raw.Close()
			return nil, err
		}
		c := config(host)
		deadline := time.Now().Add(HandshakeTimeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		raw.SetDeadline(deadline)
		stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
		conn := gmtls.Client(raw, c)
		err = handshake(conn)
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

// why sorts a handshake's error (the chains' errors are smx509's).
func why(err, mismatch error) Why {
	var unknown smx509.UnknownAuthorityError
	var invalid smx509.CertificateInvalidError
	var host smx509.HostnameError
	switch {
	case mismatch != nil && errors.Is(err, mismatch):
		return NotPinned
	case errors.As(err, &unknown):
		return Untrusted
	case errors.As(err, &invalid) && invalid.Reason == smx509.Expired:
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
