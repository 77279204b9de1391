package scene

import (
	"crypto/tls"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/tjfoc/gmsm/gmtls"

	"onewindow/sync/tlcp"
)

// SM2PKI is an SM2 CA made for one test and central's double certificate
// (signing and encryption) it signed for 127.0.0.1 and localhost: what
// 'central tlcp-certs' makes for a province on the gm suite.
type SM2PKI struct {
	CAPEM    []byte
	Material tlcp.Material
	Server   *gmtls.Config
}

// NewSM2PKI makes a fresh SM2 CA and central's double certificate.
func NewSM2PKI(t testing.TB) SM2PKI {
	t.Helper()
	caCert, caKey, err := tlcp.MakeCA("onewindow test central SM2 CA", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ca, err := tlcp.LoadIssuer(caCert, caKey)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ca.Server([]string{"127.0.0.1", "localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := tlcp.ServerConfig(m)
	if err != nil {
		t.Fatal(err)
	}
	return SM2PKI{CAPEM: caCert, Material: m, Server: cfg}
}

// ServeTLCP serves h on one loopback port in TLS, with std's certificate
// (nil: TLCP only), and in TLCP with gm's double certificate (nil: TLS
// only), as 'central serve' does with both kinds of certificate, until the
// test ends. It returns the https URL.
func ServeTLCP(t testing.TB, h http.Handler, std *PKI, gm *SM2PKI) string {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var stdCfg *tls.Config
	if std != nil {
		stdCfg = &tls.Config{Certificates: []tls.Certificate{std.Server}, MinVersion: tls.VersionTLS12}
	}
	var gmCfg *gmtls.Config
	if gm != nil {
		gmCfg = gm.Server
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(tlcp.NewListener(inner, stdCfg, gmCfg, nil))
	t.Cleanup(func() { srv.Close() })
	return "https://" + inner.Addr().String()
}
