package tlcp_test

import (
	"context"
	"crypto/tls"
	stdx509 "crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tjfoc/gmsm/gmtls"

	"onewindow/sync/scene"
	"onewindow/sync/tlcp"
)

// province is an SM2 CA and central's double certificate it signed for
// loopback (scene.NewSM2PKI), with central's ECDSA certificate beside.
type province struct {
	caPEM []byte
	m     tlcp.Material
	gm    *gmtls.Config
	pki   scene.PKI
}

func newProvince(t testing.TB) province {
	t.Helper()
	sm2 := scene.NewSM2PKI(t)
	return province{caPEM: sm2.CAPEM, m: sm2.Material, gm: sm2.Server, pki: scene.NewPKI(t)}
}

// serve serves a handler that answers which protocol the request came
// over, on a listener sorting TLS from TLCP, until the test ends.
func serve(t testing.TB, std *tls.Config, gm *gmtls.Config) string {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := tlcp.NewListener(inner, std, gm, nil)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			io.WriteString(w, "tls "+tls.VersionName(r.TLS.Version))
			return
		}
		io.WriteString(w, "tlcp")
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "https://" + inner.Addr().String()
}

func get(t *testing.T, c *http.Client, url string) (string, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// TestOnePortTwoProtocols: central with both certificates answers a
// terminal pinning the SM2 CA over TLCP (GM/T 0024 negotiated: version
// 0x0101, ECC_SM4_CBC_SM3) and an ordinary TLS 1.3 client on the same
// port; a TLCP client pinning another SM2 CA is refused, saying why.
func TestOnePortTwoProtocols(t *testing.T) {
	p := newProvince(t)
	url := serve(t, &tls.Config{Certificates: []tls.Certificate{p.pki.Server}}, p.gm)
	addr := strings.TrimPrefix(url, "https://")

	dial, err := tlcp.CADialer(p.caPEM)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := dial(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatalf("TLCP to central: %v", err)
	}
	if v, cs := tlcp.State(conn.(*gmtls.Conn)); v != 0x0101 || cs != 0xe013 {
		t.Errorf("negotiated version %#04x suite %#04x, want GM/T 0024's 0x0101 and ECC_SM4_CBC_SM3 0xe013", v, cs)
	}
	conn.Close()
	if got, err := get(t, &http.Client{Transport: tlcp.Transport(dial)}, url+"/"); err != nil || got != "tlcp" {
		t.Errorf("HTTP over TLCP: %q, %v", got, err)
	}

	std := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool(t, p.pki.CAPEM)}}}
	if got, err := get(t, std, url+"/"); err != nil || got != "tls TLS 1.3" {
		t.Errorf("an ordinary TLS client on the same port: %q, %v; want TLS 1.3", got, err)
	}

	other := newProvince(t)
	wrong, _ := tlcp.CADialer(other.caPEM)
	_, err = wrong(context.Background(), "tcp", addr)
	var he *tlcp.HandshakeError
	if !errors.As(err, &he) || he.Why != tlcp.Untrusted || !strings.Contains(err.Error(), "TLCP") || !strings.Contains(err.Error(), "not signed by the pinned SM2 CA") {
		t.Errorf("a terminal pinning another SM2 CA: %v; want a TLCP handshake error saying the CA is not the pinned one", err)
	}
	if _, err := dial(context.Background(), "tcp", strings.Replace(addr, "127.0.0.1", "localhost", 1)); err != nil {
		t.Errorf("by the name localhost, also in the certificates: %v", err)
	}
}

// TestCertificatesRefused: central's SM2 certificates for another name,
// or out of their dates, are refused by a terminal pinning their CA, each
// saying why.
func TestCertificatesRefused(t *testing.T) {
	caCert, caKey, _ := tlcp.MakeCA("onewindow test SM2 CA", time.Now())
	ca, err := tlcp.LoadIssuer(caCert, caKey)
	if err != nil {
		t.Fatal(err)
	}
	dial, _ := tlcp.CADialer(caCert)
	for _, tc := range []struct {
		name  string
		hosts []string
		made  time.Time
		want  tlcp.Why
	}{
		{"for another name", []string{"central.example"}, time.Now(), tlcp.OtherName},
		{"expired", []string{"127.0.0.1"}, time.Now().Add(-3 * tlcp.ServerValidity / 2), tlcp.Expired},
	} {
		m, err := ca.Server(tc.hosts, tc.made)
		if err != nil {
			t.Fatal(err)
		}
		gm, err := tlcp.ServerConfig(m)
		if err != nil {
			t.Fatal(err)
		}
		url := serve(t, nil, gm)
		_, err = dial(context.Background(), "tcp", strings.TrimPrefix(url, "https://"))
		var he *tlcp.HandshakeError
		if !errors.As(err, &he) || he.Why != tc.want {
			t.Errorf("%s: %v; want %v", tc.name, err, tc.want)
		}
		t.Logf("%s: %v", tc.name, err)
	}
}

// TestTLCPToATLSOnlyServer: a terminal pinning an SM2 CA meets a central
// given no SM2 certificates, and is told central speaks TLS only; a TLS
// client meets a TLCP-only server and is refused.
func TestTLCPToATLSOnlyServer(t *testing.T) {
	p := newProvince(t)
	url := serve(t, &tls.Config{Certificates: []tls.Certificate{p.pki.Server}}, nil)
	dial, _ := tlcp.CADialer(p.caPEM)
	_, err := dial(context.Background(), "tcp", strings.TrimPrefix(url, "https://"))
	var he *tlcp.HandshakeError
	if !errors.As(err, &he) || he.Why != tlcp.NoTLCP {
		t.Errorf("TLCP to a TLS-only central: %v; want NoTLCP", err)
	}
	t.Log(err)

	gmOnly := serve(t, nil, p.gm)
	std := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool(t, p.pki.CAPEM)}}}
	if _, err := get(t, std, gmOnly+"/"); err == nil {
		t.Error("a TLS client was answered by a TLCP-only server")
	}
}

// TestPinnedHub: a terminal pinning the hub's SM2 signing certificate
// speaks TLCP to it at any address; a hub with other certificates is
// refused with the caller's own error.
func TestPinnedHub(t *testing.T) {
	m, err := tlcp.MakeSelfSigned("onewindow hub of hall 330106", []string{"onewindow-hub"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := m.Joined()
	std, gm, err := tlcp.ServerConfigs(certPEM, keyPEM)
	if err != nil || std != nil || gm == nil {
		t.Fatalf("the hub's joined SM2 files: %v, %v, %v", std, gm, err)
	}
	url := serve(t, nil, gm)
	errHub := errors.New("not the hall's hub")
	c := &http.Client{Transport: tlcp.Transport(tlcp.PinnedDialer(certPEM, errHub))}
	if got, err := get(t, c, url+"/"); err != nil || got != "tlcp" {
		t.Errorf("the pinned hub: %q, %v", got, err)
	}
	other, _ := tlcp.MakeSelfSigned("another hub", nil, time.Now())
	otherPEM, _ := other.Joined()
	c = &http.Client{Transport: tlcp.Transport(tlcp.PinnedDialer(otherPEM, errHub))}
	if _, err := get(t, c, url+"/"); !errors.Is(err, errHub) {
		t.Errorf("a hub with other certificates: %v; want the caller's error", err)
	}
}

func pool(t testing.TB, caPEM []byte) *stdx509.CertPool {
	t.Helper()
	p := stdx509.NewCertPool()
	if !p.AppendCertsFromPEM(caPEM) {
		t.Fatal("CA")
	}
	return p
}
