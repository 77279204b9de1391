package update

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
)

// The algorithms an update is signed with, one for each crypto suite a
// province may choose. Every key and signature says which made it, so a
// terminal may trust keys of both while its province moves from one suite
// to the other (docs/technician.md, Updates).
const (
	// Ed25519 (suite intl, as always): the manifest is signed with ed25519
	// and names its payload by SHA-256. Keys and signatures are written in
	// base64, as before SM2.
	Ed25519 = "ed25519"
	// SM2 (suite gm, 国密): the manifest is signed with SM2 over SM3 with the
	// default user id 1234567812345678 (GB/T 32918.2, GM/T 0009) and names
	// its payload by SM3 (GB/T 32905). Keys and signatures are written
	// after "sm2:".
	SM2 = "sm2"
)

// sm2Prefix starts an SM2 key or signature as a file holds it.
const sm2Prefix = "sm2:"

// algName is an algorithm as a technician reads it.
func algName(alg string) string {
	if alg == SM2 {
		return "SM2"
	}
	return alg
}

// PublicKey is an update key a terminal trusts: ed25519 or SM2.
type PublicKey struct {
	ed    ed25519.PublicKey
	sm    *ecdsa.PublicKey
	smRaw []byte // the uncompressed point: 04, X, Y
}

// PrivateKey signs update packages: ed25519 or SM2. It stays with whoever
// releases updates, never on a terminal.
type PrivateKey struct {
	ed    ed25519.PrivateKey
	sm    *sm2.PrivateKey
	smRaw []byte    // the 32-byte private key
	smPub PublicKey // its public half
}

// GenerateKey makes an ed25519 signing key pair (suite intl).
func GenerateKey() (PublicKey, PrivateKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	return PublicKey{ed: pub}, PrivateKey{ed: priv}, err
}

// GenerateSM2Key makes an SM2 signing key pair (suite gm).
func GenerateSM2Key() (PublicKey, PrivateKey, error) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return PublicKey{}, PrivateKey{}, err
	}
	k, err := sm2Private(priv)
	return k.smPub, k, err
}

func sm2Private(priv *sm2.PrivateKey) (PrivateKey, error) {
	e, err := priv.ECDH()
	if err != nil {
		return PrivateKey{}, fmt.Errorf("not a valid SM2 private key: %v", err)
	}
	return PrivateKey{sm: priv, smRaw: e.Bytes(), smPub: PublicKey{sm: &priv.PublicKey, smRaw: e.PublicKey().Bytes()}}, nil
}

// Algorithm is Ed25519 or SM2.
func (k PublicKey) Algorithm() string {
	if k.sm != nil {
		return SM2
	}
	return Ed25519
}

// String is the key as a line of a trusted keys file: base64 for ed25519,
// "sm2:" and the uncompressed point in hex for SM2.
func (k PublicKey) String() string {
	if k.sm != nil {
		return sm2Prefix + hex.EncodeToString(k.smRaw)
	}
	return base64.StdEncoding.EncodeToString(k.ed)
}

// Equal says whether k and o are the same key.
func (k PublicKey) Equal(o PublicKey) bool { return k.String() == o.String() }

// verify checks sig, made by alg, on msg. A signature of one algorithm
// never verifies under a key of the other.
func (k PublicKey) verify(alg string, msg, sig []byte) bool {
	switch {
	case alg == SM2 && k.sm != nil:
		return verifySM2(k.sm, nil, msg, sig)
	case alg == Ed25519 && k.ed != nil:
		return ed25519.Verify(k.ed, msg, sig)
	}
	return false
}

// verifySM2 verifies an SM2 signature (ASN.1 DER) of msg over SM3 with the
// signer's user id: nil is the default, 1234567812345678, which every
// update signature uses; the tests give it to run the standard's example.
func verifySM2(pub *ecdsa.PublicKey, uid, msg, sig []byte) bool {
	return sm2.VerifyASN1WithSM2(pub, uid, msg, sig)
}

// Algorithm is Ed25519 or SM2.
func (k PrivateKey) Algorithm() string {
	if k.sm != nil {
		return SM2
	}
	return Ed25519
}

// Public is the key's public half, for the terminals.
func (k PrivateKey) Public() PublicKey {
	if k.sm != nil {
		return k.smPub
	}
	return PublicKey{ed: k.ed.Public().(ed25519.PublicKey)}
}

// Encode is the key as its file holds it (secret): the seed in base64 for
// ed25519, "sm2:" and the 32-byte private key in hex for SM2.
func (k PrivateKey) Encode() string {
	if k.sm != nil {
		return sm2Prefix + hex.EncodeToString(k.smRaw)
	}
	return base64.StdEncoding.EncodeToString(k.ed.Seed())
}

// sign signs msg and writes the signature as manifest.sig holds it: base64
// for ed25519 (as before SM2), "sm2:" and the DER signature in base64 for
// SM2.
func (k PrivateKey) sign(msg []byte) ([]byte, error) {
	switch {
	case k.sm != nil:
		sig, err := sm2.SignASN1(rand.Reader, k.sm, msg, sm2.DefaultSM2SignerOpts)
		if err != nil {
			return nil, fmt.Errorf("update: signing with SM2: %w", err)
		}
		return []byte(sm2Prefix + base64.StdEncoding.EncodeToString(sig) + "\n"), nil
	case len(k.ed) == ed25519.PrivateKeySize:
		return []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(k.ed, msg)) + "\n"), nil
	}
	return nil, errors.New("update: no signing key")
}

// parseSignature reads manifest.sig: which algorithm made the signature,
// and the signature.
func parseSignature(text []byte) (alg string, sig []byte, err error) {
	s := strings.TrimSpace(string(text))
	alg = Ed25519
	if rest, ok := strings.CutPrefix(s, sm2Prefix); ok {
		alg, s = SM2, rest
	}
	sig, err = base64.StdEncoding.DecodeString(s)
	// A DER SM2 signature is two integers below 2^256: at most 72 bytes.
	if err != nil || alg == Ed25519 && len(sig) != ed25519.SignatureSize || alg == SM2 && (len(sig) < 8 || len(sig) > 72) {
		return "", nil, fmt.Errorf("%w: the signature is not an %s signature", ErrBadSignature, algName(alg))
	}
	return alg, sig, nil
}

// digest is the payload's digest in hex as the manifest of a package
// signed with alg names it: SHA-256 with ed25519, SM3 with SM2.
func digest(alg string, payload []byte) string {
	if alg == SM2 {
		sum := sm3.Sum(payload)
		return hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// ParsePrivateKey reads a private key written by PrivateKey.Encode (for
// ed25519 also the full 64-byte key).
func ParsePrivateKey(text string) (PrivateKey, error) {
	text = strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(text, sm2Prefix); ok {
		b, err := hex.DecodeString(rest)
		if err != nil || len(b) != 32 {
			return PrivateKey{}, fmt.Errorf("the signing key starts with %q but is not an SM2 private key (64 hex digits after it)", sm2Prefix)
		}
		k, err := sm2.NewPrivateKey(b)
		if err != nil {
			return PrivateKey{}, fmt.Errorf("the signing key is not a valid SM2 private key: %v", err)
		}
		return sm2Private(k)
	}
	b, err := base64.StdEncoding.DecodeString(text)
	switch {
	case err != nil:
		return PrivateKey{}, fmt.Errorf("the signing key is neither an ed25519 key in base64 nor an SM2 key (%s and hex): %v", sm2Prefix, err)
	case len(b) == ed25519.SeedSize:
		return PrivateKey{ed: ed25519.NewKeyFromSeed(b)}, nil
	case len(b) == ed25519.PrivateKeySize:
		return PrivateKey{ed: ed25519.PrivateKey(b)}, nil
	}
	return PrivateKey{}, fmt.Errorf("the signing key is %d bytes; an ed25519 key is %d", len(b), ed25519.SeedSize)
}

// ParsePublicKey reads one public key as PublicKey.String writes it.
func ParsePublicKey(text string) (PublicKey, error) {
	text = strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(text, sm2Prefix); ok {
		b, err := hex.DecodeString(rest)
		if err != nil || len(b) != 65 {
			return PublicKey{}, fmt.Errorf("not an SM2 public key: after %q come 130 hex digits, 04 and the point", sm2Prefix)
		}
		k, err := sm2.NewPublicKey(b)
		if err != nil {
			return PublicKey{}, fmt.Errorf("not an SM2 public key: %v", err)
		}
		return PublicKey{sm: k, smRaw: b}, nil
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return PublicKey{}, fmt.Errorf("neither an ed25519 public key in base64 nor an SM2 one (%s and hex)", sm2Prefix)
	}
	return PublicKey{ed: ed25519.PublicKey(b)}, nil
}

// ParsePublicKeys reads the keys a terminal trusts: one key a line, as
// 'onewindow update keygen' writes it (ed25519 in base64, SM2 after
// "sm2:"), '#' starting a comment. Every line must be a key; a file with a
// typo is refused rather than half read.
func ParsePublicKeys(text string) ([]PublicKey, error) {
	var keys []PublicKey
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, err := ParsePublicKey(line)
		if err != nil {
			return nil, fmt.Errorf("line %d is %v (as 'onewindow update keygen' writes)", i+1, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	return keys, nil
}

// checkSignature says whether one of keys made sig (by alg) on manifest;
// when none did, the error says what was looked for, for the technician.
func checkSignature(keys []PublicKey, alg string, manifest, sig []byte) error {
	n := 0
	for _, k := range keys {
		if k.Algorithm() != alg {
			continue
		}
		n++
		if k.verify(alg, manifest, sig) {
			return nil
		}
	}
	name := algName(alg)
	switch n {
	case 0:
		return fmt.Errorf("%w (it is signed with %s, and this machine trusts no %s key: add the province's %s public key to its trusted keys)", ErrBadSignature, name, name, name)
	case 1:
		return fmt.Errorf("%w (it is signed with %s, but not by the %s key this machine trusts)", ErrBadSignature, name, name)
	}
	return fmt.Errorf("%w (it is signed with %s, but not by any of the %d %s keys this machine trusts)", ErrBadSignature, name, n, name)
}
