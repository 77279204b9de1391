package tlcp_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"

	"github.com/tjfoc/gmsm/gmtls"

	"onewindow/sync/tlcp"
)

// BenchmarkHandshake: one full handshake over loopback (a new TCP
// connection, no resumption: the clients keep no sessions), then one byte
// each way, as central's one port serves it (tlcp.NewListener) to a
// terminal pinning its CA. intl is TLS with central's ECDSA P-256
// certificate (CA-signed), gm is TLCP with its SM2 double certificate.
//
//	go test -tags no_emoji ./sync/tlcp/ -run '^$' -bench Handshake -count 5
//
// TLCP's ECDHE_SM4_CBC_SM3 is not benchmarked: tjfoc/gmsm v1.4.1's server
// side of it is a stub (panic("")), so onewindow offers ECC_SM4_CBC_SM3 only.
func BenchmarkHandshake(b *testing.B) {
	p := newProvince(b)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	l := tlcp.NewListener(inner, &tls.Config{Certificates: []tls.Certificate{p.pki.Server}}, p.gm, nil)
	defer l.Close()
	go echo(l)
	addr := inner.Addr().String()

	tlsDial := func(max uint16) func() (net.Conn, error) {
		cfg := &tls.Config{RootCAs: pool(b, p.pki.CAPEM), ServerName: "127.0.0.1", MinVersion: max, MaxVersion: max}
		return func() (net.Conn, error) { return tls.Dial("tcp", addr, cfg) }
	}
	gmDial, err := tlcp.CADialer(p.caPEM)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		dial func() (net.Conn, error)
	}{
		{"intl/TLS1.3-ECDSA-P256", tlsDial(tls.VersionTLS13)},
		{"intl/TLS1.2-ECDHE-ECDSA-P256", tlsDial(tls.VersionTLS12)},
		{"gm/TLCP-ECC_SM4_CBC_SM3", func() (net.Conn, error) { return gmDial(context.Background(), "tcp", addr) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var one [1]byte
			for b.Loop() {
				c, err := bc.dial()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Write(one[:]); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, one[:]); err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}

// echo handshakes each connection (crypto/tls's are not yet, gmtls's are)
// and sends back what it reads.
func echo(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			if tc, ok := c.(*tls.Conn); ok && tc.Handshake() != nil {
				return
			}
			if _, ok := c.(*gmtls.Conn); !ok {
				if _, ok := c.(*tls.Conn); !ok {
					return
				}
			}
			io.Copy(c, c)
		}()
	}
}
