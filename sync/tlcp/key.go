package tlcp

import (
	"crypto"
	"errors"
	"io"

	emsm2 "github.com/emmansun/gmsm/sm2"
	"github.com/tjfoc/gmsm/sm2"
)

// fastKey gives gmtls, which uses a server's private keys only through
// crypto.Signer (the signing key signs the ServerKeyExchange) and
// crypto.Decrypter (the encryption key decrypts the pre-master secret),
// the same key in github.com/emmansun/gmsm, whose SM2 has an assembly
// path on amd64 and arm64 where tjfoc's is pure Go: the server's half of a
// handshake, the half central pays for every terminal, costs less. Both
// libraries follow GB/T 32918: a signature is SM3 over Z_A (the default
// user id) and the message, encoded in ASN.1; a ciphertext is
// 04‖C1‖C3‖C2, as tjfoc's CipherUnmarshal hands it over.
func fastKey(k crypto.PrivateKey) (crypto.PrivateKey, error) {
	tk, ok := k.(*sm2.PrivateKey)
	if !ok {
		return nil, errors.New("not an SM2 private key")
	}
	ek, err := emsm2.NewPrivateKeyFromInt(tk.D)
	if err != nil {
		return nil, err
	}
	return emKey{pub: &tk.PublicKey, k: ek}, nil
}

type emKey struct {
	pub *sm2.PublicKey // what gmtls and tjfoc's x509 know
	k   *emsm2.PrivateKey
}

func (e emKey) Public() crypto.PublicKey { return e.pub }

// Sign signs msg itself (not a digest), with the default user id.
func (e emKey) Sign(rand io.Reader, msg []byte, _ crypto.SignerOpts) ([]byte, error) {
	return e.k.Sign(rand, msg, emsm2.NewSM2SignerOption(true, nil))
}

// Decrypt opens a 04‖C1‖C3‖C2 ciphertext.
func (e emKey) Decrypt(rand io.Reader, msg []byte, _ crypto.DecrypterOpts) ([]byte, error) {
	return e.k.Decrypt(rand, msg, nil)
}
