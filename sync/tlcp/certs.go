package tlcp

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/x509"
)

// Validity of the certificates this package makes. A CA outlives the
// certificates it signs, so that central's are renewed under it without
// touching the terminals, which pin the CA.
const (
	CAValidity     = 20 * 365 * 24 * time.Hour
	ServerValidity = 2 * 365 * 24 * time.Hour
	HubValidity    = 10 * 365 * 24 * time.Hour // as the hall's ECDSA hub certificate
)

// Material is a TLCP server's double certificate, PEM: the signing
// certificate and key (it authenticates the server) and the encryption
// certificate and key (the client encrypts the pre-master secret to it).
type Material struct {
	SignCert, SignKey []byte
	EncCert, EncKey   []byte
}

// Issuer is an SM2 key and certificate that signs others: a province's
// SM2 CA, which terminals pin.
type Issuer struct {
	cert *x509.Certificate
	key  *sm2.PrivateKey
}

// MakeCA makes a self-signed SM2 CA named name (certificate and key, PEM).
func MakeCA(name string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl, err := template(name, now, CAValidity)
	if err != nil {
		return nil, nil, err
	}
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	certPEM, err = x509.CreateCertificateToPem(tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("SM2 CA certificate: %w", err)
	}
	keyPEM, err = x509.WritePrivateKeyToPem(key, nil)
	return certPEM, keyPEM, err
}

// LoadIssuer reads an SM2 CA's certificate and key, as MakeCA wrote them.
func LoadIssuer(certPEM, keyPEM []byte) (*Issuer, error) {
	cert, err := ParseSM2(certPEM)
	if err != nil {
		return nil, err
	}
	key, err := x509.ReadPrivateKeyFromPem(keyPEM, nil)
	if err != nil {
		return nil, fmt.Errorf("the SM2 CA's key: %w", err)
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || pub.X.Cmp(key.X) != 0 || pub.Y.Cmp(key.Y) != 0 {
		return nil, errors.New("the SM2 CA's key is not the key of its certificate")
	}
	return &Issuer{cert: cert, key: key}, nil
}

// Server makes a server's double certificate signed by the CA, for hosts
// (names and IP addresses at which clients reach it).
func (ca *Issuer) Server(hosts []string, now time.Time) (Material, error) {
	if len(hosts) == 0 {
		return Material{}, errors.New("a server certificate needs at least one host name or IP address")
	}
	return double(hosts[0], hosts, now, ServerValidity, ca)
}

// MakeSelfSigned makes a double certificate whose signing certificate
// signs itself and the encryption certificate: what a hall's hub serves
// under the gm suite. Terminals pin the signing certificate itself, as
// they pin the ECDSA hub certificate under intl, so no name is checked.
func MakeSelfSigned(name string, dnsNames []string, now time.Time) (Material, error) {
	return double(name, dnsNames, now, HubValidity, nil)
}

// double makes a signing and an encryption certificate. With no CA, the
// signing certificate is self-signed (and may sign) and signs the
// encryption certificate.
func double(name string, hosts []string, now time.Time, validity time.Duration, ca *Issuer) (Material, error) {
	var m Material
	signKey, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return m, err
	}
	encKey, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return m, err
	}
	sign, err := template(name+" (SM2 signing)", now, validity)
	if err != nil {
		return m, err
	}
	sign.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	enc, err := template(name+" (SM2 encryption)", now, validity)
	if err != nil {
		return m, err
	}
	enc.KeyUsage = x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment | x509.KeyUsageKeyAgreement
	for _, t := range []*x509.Certificate{sign, enc} {
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				t.IPAddresses = append(t.IPAddresses, ip)
			} else {
				t.DNSNames = append(t.DNSNames, h)
			}
		}
	}
	if ca == nil {
		// The hub's: its signing certificate is its own CA.
		sign.IsCA, sign.BasicConstraintsValid = true, true
		sign.KeyUsage |= x509.KeyUsageCertSign
		ca = &Issuer{cert: sign, key: signKey}
	}
	if m.SignCert, err = x509.CreateCertificateToPem(sign, ca.cert, &signKey.PublicKey, ca.key); err != nil {
		return m, fmt.Errorf("SM2 signing certificate: %w", err)
	}
	if m.EncCert, err = x509.CreateCertificateToPem(enc, ca.cert, &encKey.PublicKey, ca.key); err != nil {
		return m, fmt.Errorf("SM2 encryption certificate: %w", err)
	}
	if m.SignKey, err = x509.WritePrivateKeyToPem(signKey, nil); err != nil {
		return m, err
	}
	m.EncKey, err = x509.WritePrivateKeyToPem(encKey, nil)
	return m, err
}

func template(name string, now time.Time, validity time.Duration) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		SerialNumber:       serial,
		Subject:            pkix.Name{CommonName: name, Organization: []string{"onewindow"}},
		NotBefore:          now.Add(-time.Hour),
		NotAfter:           now.Add(validity),
		SignatureAlgorithm: x509.SM2WithSM3,
	}, nil
}

// Joined is a double certificate as one certificate file and one key file:
// the signing certificate (or key) first, the encryption one second. This
// is how the hall's hub keeps it (hub.pem and hub-key.pem), so that the
// configuration names two files under either suite; a terminal pins the
// first certificate of hub.pem.
func (m Material) Joined() (certPEM, keyPEM []byte) {
	return append(append([]byte{}, m.SignCert...), m.EncCert...), append(append([]byte{}, m.SignKey...), m.EncKey...)
}

// Split reads what Joined wrote.
func Split(certPEM, keyPEM []byte) (Material, error) {
	certs, keys := blocks(certPEM, "CERTIFICATE"), blocks(keyPEM, "PRIVATE KEY")
	if len(certs) != 2 || len(keys) != 2 {
		return Material{}, fmt.Errorf("an SM2 double certificate is two certificates (signing, then encryption) and two keys in the same order; found %d and %d", len(certs), len(keys))
	}
	return Material{SignCert: certs[0], EncCert: certs[1], SignKey: keys[0], EncKey: keys[1]}, nil
}

// blocks are the PEM blocks of data whose type ends with kind, each
// encoded again on its own.
func blocks(data []byte, kind string) [][]byte {
	var out [][]byte
	for {
		var b *pem.Block
		if b, data = pem.Decode(data); b == nil {
			return out
		}
		if strings.HasSuffix(b.Type, kind) {
			out = append(out, pem.EncodeToMemory(b))
		}
	}
}

// ParseSM2 reads the first certificate of certPEM, which must carry an SM2
// key.
func ParseSM2(certPEM []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(bytes.TrimSpace(certPEM))
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, err
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != sm2.P256Sm2() {
		return nil, errors.New("the certificate's key is not an SM2 key")
	}
	return cert, nil
}

// IsSM2 says whether the first certificate of certPEM carries an SM2 key:
// a terminal then speaks TLCP to the server that certificate stands for
// (central's CA, or the hall's hub certificate), and TLS otherwise.
func IsSM2(certPEM []byte) bool {
	_, err := ParseSM2(certPEM)
	return err == nil
}
