// Package tlcp carries onewindow's links (terminal ↔ central, terminal ↔
// hub) under the gm crypto suite: TLCP, the Chinese transport protocol of
// GM/T 0024-2014 (protocol version 0x0101; since 2020 the standard
// GB/T 38636-2020), with SM2 double certificates (one to sign, one to
// encrypt), SM4-CBC and SM3.
//
// Why TLCP and not TLS 1.3 with the SM suites of RFC 8998: no Go library
// that can be had here implements RFC 8998 (Go's crypto/tls has no SM
// suites; github.com/emmansun/gmsm has no TLS), and TLCP is what a 密评
// assessor checks and what Chinese gateways speak. The protocol is
// github.com/tjfoc/gmsm/gmtls's; nothing here is cryptography written by
// hand. This package makes the SM2 certificates, serves TLS and TLCP on
// one port (NewListener), and dials TLCP for net/http (Dialer).
//
// The library implements one cipher suite of GM/T 0024 in full:
// ECC_SM4_CBC_SM3 (0xe013; the client encrypts the pre-master secret to
// the server's encryption certificate, and the server signs it with its
// signing key). Its ECDHE_SM4_CBC_SM3 (0xe011) is a stub that panics on
// the server, so both sides here offer 0xe013 only.
package tlcp

import (
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/tjfoc/gmsm/gmtls"
)

// Version is TLCP's protocol version on the wire, as a connection's state
// reports it.
const Version = gmtls.VersionGMSSL // 0x0101

// CipherSuite is the one cipher suite spoken: ECC_SM4_CBC_SM3.
const CipherSuite = gmtls.GMTLS_SM2_WITH_SM4_SM3 // 0xe013

var suites = []uint16{CipherSuite}

// ServerConfig is a TLCP server's configuration with the double
// certificate m.
func ServerConfig(m Material) (*gmtls.Config, error) {
	sign, err := gmtls.X509KeyPair(m.SignCert, m.SignKey)
	if err != nil {
		return nil, fmt.Errorf("the SM2 signing certificate and key: %v", err)
	}
	enc, err := gmtls.X509KeyPair(m.EncCert, m.EncKey)
	if err != nil {
		return nil, fmt.Errorf("the SM2 encryption certificate and key: %v", err)
	}
	for _, c := range []struct {
		pem  []byte
		what string
		pair *gmtls.Certificate
	}{{m.SignCert, "signing", &sign}, {m.EncCert, "encryption", &enc}} {
		if !IsSM2(c.pem) {
			return nil, fmt.Errorf("the %s certificate is not an SM2 certificate", c.what)
		}
		if n := len(c.pair.Certificate); n != 1 {
			// gmtls sends each file's certificates in a row, and a client
			// takes the second as the encryption certificate.
			return nil, fmt.Errorf("the %s certificate's file holds %d certificates; give the certificate alone (no chain: the terminals pin the CA that signed it)", c.what, n)
		}
		if c.pair.PrivateKey, err = fastKey(c.pair.PrivateKey); err != nil {
			return nil, fmt.Errorf("the SM2 %s key: %v", c.what, err)
		}
	}
	return &gmtls.Config{
		GMSupport:    gmtls.NewGMSupport(), // TLCP only: TLS goes to crypto/tls (NewListener)
		Certificates: []gmtls.Certificate{sign, enc},
		CipherSuites: suites,
	}, nil
}

// ServerConfigs reads a server's certificate and key files' contents as
// the hall's hub keeps them: an SM2 double certificate (Material.Joined)
// gives a TLCP configuration, anything else a TLS one, so that the
// certificate file alone says which protocol the hub speaks.
func ServerConfigs(certPEM, keyPEM []byte) (*tls.Config, *gmtls.Config, error) {
	if IsSM2(certPEM) {
		m, err := Split(certPEM, keyPEM)
		if err != nil {
			return nil, nil, err
		}
		gm, err := ServerConfig(m)
		return nil, gm, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil, nil
}

// State is what a TLCP connection negotiated, for a test or a log line.
func State(c *gmtls.Conn) (version, cipherSuite uint16) {
	s := c.ConnectionState()
	return s.Version, s.CipherSuite
}

// errNoTLS is what a TLS client is told by a server that speaks TLCP only.
var errNoTLS = errors.New("this server speaks TLCP (国密, GM/T 0024) only: it was given no TLS certificate")
