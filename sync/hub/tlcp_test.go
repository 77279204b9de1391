package hub

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/tjfoc/gmsm/gmtls"

	"onewindow/app"
	"onewindow/app/setup"
	"onewindow/sync/tlcp"
)

// TestTheHubOverTLCP: in a hall on the gm suite the hub serves TLCP with
// the SM2 double certificate set-up made; a terminal pinning hub.pem
// speaks TLCP to it (GM/T 0024 negotiated: 0x0101, ECC_SM4_CBC_SM3), one
// pinning another SM2 hub certificate is refused by name, and one still
// pinning an ECDSA certificate gets no answer.
func TestTheHubOverTLCP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openStore(t, t.TempDir(), app.NewManualClock(morning))
	t.Cleanup(func() { s.Close() })
	srv, err := New(s, testKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := tlcp.MakeSelfSigned("onewindow hub of hall 330106", []string{"onewindow-hub"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := m.Joined()
	std, gm, err := tlcp.ServerConfigs(certPEM, keyPEM)
	if err != nil || std != nil {
		t.Fatalf("the hub's SM2 files: %v, %v", std, err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	states := make(chan [2]uint16, 16)
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(recording{tlcp.NewListener(inner, nil, gm, nil), states})
	t.Cleanup(func() { hs.Close() })
	url := URL(inner.Addr().String(), true)

	pinned := NewClient(url, testKey, 5*time.Second, Pinned(certPEM))
	if _, err := pinned.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
		t.Fatalf("a terminal pinning the hall's SM2 certificate: %v", err)
	}
	if st := <-states; st != [2]uint16{0x0101, 0xe013} {
		t.Errorf("negotiated version %#04x suite %#04x; want TLCP's 0x0101 and ECC_SM4_CBC_SM3 0xe013", st[0], st[1])
	}
	other, _ := tlcp.MakeSelfSigned("another hub", nil, time.Now())
	otherPEM, _ := other.Joined()
	if _, err := NewClient(url, testKey, 5*time.Second, Pinned(otherPEM)).Queue(ctx, 1); !errors.Is(err, ErrNotTheHallsHub) {
		t.Errorf("a hub with other SM2 certificates: %v; want ErrNotTheHallsHub", err)
	}
	ecdsa, _, _ := setup.MakeHubCertificate("330106", time.Now())
	if _, err := NewClient(url, testKey, 5*time.Second, Pinned(ecdsa)).Queue(ctx, 1); err == nil {
		t.Error("a terminal pinning an ECDSA hub certificate was answered by the TLCP hub")
	}
}

// recording passes on what each TLCP connection negotiated.
type recording struct {
	net.Listener
	states chan [2]uint16
}

func (r recording) Accept() (net.Conn, error) {
	c, err := r.Listener.Accept()
	if gc, ok := c.(*gmtls.Conn); ok {
		v, cs := tlcp.State(gc)
		select {
		case r.states <- [2]uint16{v, cs}:
		default:
		}
	}
	return c, err
}
