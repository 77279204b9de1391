package tlcp

import (
	"net"
	"strings"
	"testing"

	"github.com/tjfoc/gmsm/gmtls"
)

// panicky is a connection on which the library panics, as it does on some
// malformed messages.
type panicky struct{ net.Conn }

func (panicky) Read([]byte) (int, error) { panic("index out of range [1] with length 1") }

// TestHandshakePanicIsAnError: a panic inside gmtls's handshake is an
// error of that connection, not the end of central or of a terminal.
func TestHandshakePanicIsAnError(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go b.Read(make([]byte, 1024)) // the ClientHello the client writes first
	err := handshake(gmtls.Client(panicky{a}, &gmtls.Config{GMSupport: gmtls.NewGMSupport(), InsecureSkipVerify: true}))
	if err == nil || !strings.Contains(err.Error(), "malformed handshake") {
		t.Errorf("handshake: %v; want the panic as an error", err)
	}
}
