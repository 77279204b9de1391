// Package suite names the cryptographic suite a province chose for its
// halls: Intl (the international algorithms, the default) or GM (the
// national commercial algorithms, 国密). It maps each step onto the
// algorithm of the suite, always from a library (Go's standard one, or
// github.com/emmansun/gmsm for SM3 and SM4); nothing here is written by
// hand.
//
// Every value a suite makes says which suite made it (a sealed value's
// prefix, a chain link's prefix, an index's length), so one database holds
// both while a hall moves from one to the other.
package suite

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/kdf"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Name is a crypto suite.
type Name string

// The suites. Intl is what onewindow always used and still uses unless a
// province names GM.
const (
	Intl Name = "intl" // AES-256-GCM, SHA-256, HMAC-SHA-256, ed25519, TLS
	GM   Name = "gm"   // SM4-GCM, SM3, HMAC-SM3, SM2, TLCP
)

// Parse reads a suite's name from a configuration; empty is Intl.
func Parse(s string) (Name, error) {
	switch Name(s) {
	case "", Intl:
		return Intl, nil
	case GM:
		return GM, nil
	}
	return "", fmt.Errorf("crypto suite %q is unknown: it is \"intl\" (international algorithms) or \"gm\" (国密 SM2/SM3/SM4)", s)
}

// OrIntl is n, or Intl when n is empty (a record made before suites).
func (n Name) OrIntl() Name {
	if n == "" {
		return Intl
	}
	return n
}

// Hash is the suite's hash function: SHA-256 or SM3. Both are 32 bytes.
func (n Name) Hash() func() hash.Hash {
	if n == GM {
		return sm3.New
	}
	return sha256.New
}

// MAC is the suite's keyed hash: HMAC-SHA-256 or HMAC-SM3.
func (n Name) MAC(key []byte) hash.Hash { return hmac.New(n.Hash(), key) }

// Sum hashes b with the suite's hash function.
func (n Name) Sum(b []byte) []byte {
	h := n.Hash()()
	h.Write(b)
	return h.Sum(nil)
}

// AEAD is the suite's authenticated cipher for data at rest, keyed from a
// 32-byte secret: AES-256-GCM with the secret itself, or SM4-GCM with a
// 128-bit key derived from it by the SM3 key derivation function of
// GB/T 32918.4 (so one key file serves both suites while a hall moves).
func (n Name) AEAD(secret []byte) (cipher.AEAD, error) {
	if len(secret) != 32 {
		return nil, fmt.Errorf("a data key is 32 bytes, not %d", len(secret))
	}
	if n == GM {
		return n.GCM(kdf.Kdf(sm3.New, label("onewindow sm4-gcm", secret), 16))
	}
	return n.GCM(secret)
}

// GCM is the suite's block cipher in Galois/Counter Mode with a 12-byte
// nonce and a 16-byte tag, under key as it is (AES: 16, 24 or 32 bytes;
// SM4: 16).
func (n Name) GCM(key []byte) (cipher.AEAD, error) {
	b, err := n.Block(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// Block is the suite's block cipher under key: AES or SM4.
func (n Name) Block(key []byte) (cipher.Block, error) {
	if n == GM {
		return sm4.NewCipher(key)
	}
	return aes.NewCipher(key)
}

// MACKey is the key of the suite's MAC made from a 32-byte secret: the
// secret itself for Intl (as before suites), for GM 32 bytes derived from
// it by the SM3 KDF, so neither suite's key is the other's.
func (n Name) MACKey(secret []byte) []byte {
	if n == GM {
		return kdf.Kdf(sm3.New, label("onewindow hmac-sm3", secret), 32)
	}
	return secret
}

func label(purpose string, secret []byte) []byte {
	return append(append([]byte(purpose), 0), secret...)
}
