package setup

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Hub certificate files, beside the configuration: the certificate every
// terminal of the hall pins, and the hub's private key (the hub only).
const (
	HubCertFileName = "hub.pem"
	HubKeyFileName  = "hub-key.pem"
)

// HubCertValidity is how long a hall's hub certificate is valid. The
// doctor warns a month before it ends; set-up makes a new one.
const HubCertValidity = 10 * 365 * 24 * time.Hour

// MakeHubCertificate makes the hall's hub certificate and its private key
// (PEM): self-signed, ECDSA P-256, for the hall. Terminals pin this very
// certificate rather than check a name, so the hub may be reached at any
// address of the hall's LAN.
func MakeHubCertificate(hall string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "onewindow hub of hall " + hall, Organization: []string{"onewindow"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(HubCertValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"onewindow-hub"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("hub certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}
