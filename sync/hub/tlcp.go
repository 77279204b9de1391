package hub

import (
	"net/http"

	"onewindow/sync/tlcp"
)

// pinnedTLCP is Pinned for a hall on the gm suite, whose hub certificate
// (hub.pem, made by 'onewindow setup -role hub -crypto-suite gm') is an SM2
// double certificate: the terminal speaks TLCP (国密, GM/T 0024) to the
// hub and trusts only a hub whose signing certificate is hub.pem's first.
// Another is refused with ErrNotTheHallsHub, as under TLS.
func pinnedTLCP(certPEM []byte) Option {
	dial := tlcp.PinnedDialer(certPEM, ErrNotTheHallsHub)
	return func(t *http.Transport) {
		t.DialTLSContext = dial
		// An HTTP proxy's CONNECT tunnel would be followed by TLS, not
		// TLCP; the hub is on the hall's LAN anyway.
		t.Proxy = nil
	}
}
