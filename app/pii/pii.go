// Package pii protects personal data (names, ID numbers, phone numbers) at
// rest: an authenticated cipher for the values, a keyed hash for exact
// look-up without decrypting, each of the crypto suite the province chose
// (AES-256-GCM and HMAC-SHA-256, or SM4-GCM and HMAC-SM3: app/suite). The
// keys live in their own file with 0600 permissions, never in the database.
// Nothing here logs; callers must not log what passes through.
//
// A value sealed under GM starts with "sm4:"; one under Intl is a bare
// AES-GCM nonce and ciphertext, as every value was before suites. A GM
// index starts with "sm3:"; an Intl index is the bare 32-byte HMAC. Both
// kinds open and match while a hall moves from one suite to the other.
package pii

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"onewindow/app/suite"
)

// ErrKeyFile means the key file exists but cannot be used as it is.
var ErrKeyFile = errors.New("personal-data key file is unusable")

// ErrTampered means a sealed value does not open with this terminal's key:
// the value was altered, moved to another record, or sealed elsewhere.
var ErrTampered = errors.New("personal data does not decrypt with this terminal's key")

// Keys seal and index personal data.
type Keys struct {
	intl, gm       cipher.AEAD
	intlMAC, gmMAC []byte
	useGM          atomic.Bool
}

// The marks of values made under GM: a sealed value starts with
// SealedMark, an index with IndexMark. Values made under Intl carry none.
const (
	SealedMark = "sm4:"
	IndexMark  = "sm3:"
)

var (
	gmSealed = []byte(SealedMark)
	gmIndex  = []byte(IndexMark)
)

const keyFileHeader = "onewindow-pii-v1 "

// LoadOrCreate reads the key file at path, or creates it with fresh random
// keys (mode 0600) when there is none. A key file that others may read is
// refused rather than silently used.
func LoadOrCreate(path string) (*Keys, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return create(path)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s can be read by other users (mode %v); run 'chmod 600 %s'", ErrKeyFile, path, fi.Mode().Perm(), path)
	}
	return parse(path, string(data))
}

func parse(path, s string) (*Keys, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, keyFileHeader) {
		return nil, fmt.Errorf("%w: %s is not an onewindow key file", ErrKeyFile, path)
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(s, keyFileHeader))
	if err != nil || len(raw) != 64 {
		return nil, fmt.Errorf("%w: %s is damaged (it must hold 64 key bytes in hex)", ErrKeyFile, path)
	}
	return New(raw[:32], raw[32:])
}

func create(path string) (*Keys, error) {
	raw := make([]byte, 64)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	// O_EXCL: two processes starting at once must not each write their own key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreate(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	_, err = f.WriteString(keyFileHeader + hex.EncodeToString(raw) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("create key file: %w", err)
	}
	return New(raw[:32], raw[32:])
}

// New builds keys from a 32-byte encryption key and a 32-byte index key.
// They seal under Intl until Use says otherwise.
func New(encKey, macKey []byte) (*Keys, error) {
	if len(encKey) != 32 || len(macKey) != 32 {
		return nil, fmt.Errorf("%w: keys must be 32 bytes each", ErrKeyFile)
	}
	intl, err := suite.Intl.AEAD(encKey)
	if err != nil {
		return nil, err
	}
	gm, err := suite.GM.AEAD(encKey)
	if err != nil {
		return nil, err
	}
	return &Keys{intl: intl, gm: gm, intlMAC: append([]byte(nil), macKey...), gmMAC: suite.GM.MACKey(macKey)}, nil
}

// Use makes s the suite of every value sealed or indexed from now on.
// Values of either suite still open and match.
func (k *Keys) Use(s suite.Name) { k.useGM.Store(s == suite.GM) }

// Suite is the suite new values are sealed and indexed under.
func (k *Keys) Suite() suite.Name {
	if k.useGM.Load() {
		return suite.GM
	}
	return suite.Intl
}

// Seal encrypts a value under the suite in use. context names where the
// value belongs (for example "case/<number>/name"), so a sealed value copied
// into another record will not open there. An empty value seals to nil.
func (k *Keys) Seal(value, context string) []byte {
	if value == "" {
		return nil
	}
	aead, mark := k.intl, []byte(nil)
	if k.useGM.Load() {
		aead, mark = k.gm, gmSealed
	}
	n := len(mark) + aead.NonceSize()
	out := make([]byte, n, n+len(value)+aead.Overhead())
	copy(out, mark)
	nonce := out[len(mark):n]
	if _, err := rand.Read(nonce); err != nil {
		panic("pii: the system's random source failed: " + err.Error())
	}
	return aead.Seal(out, nonce, []byte(value), []byte(context))
}

// Open decrypts a value sealed for the same context under either suite.
func (k *Keys) Open(sealed []byte, context string) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	if bytes.HasPrefix(sealed, gmSealed) {
		if plain, err := open(k.gm, sealed[len(gmSealed):], context); err == nil {
			return plain, nil
		}
		// An Intl value whose random nonce happens to start with the
		// mark: the AES tag below decides.
	}
	return open(k.intl, sealed, context)
}

func open(aead cipher.AEAD, sealed []byte, context string) (string, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return "", ErrTampered
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// SealedUnder is the suite a sealed value says made it; empty for no value.
func SealedUnder(sealed []byte) suite.Name {
	switch {
	case len(sealed) == 0:
		return ""
	case bytes.HasPrefix(sealed, gmSealed):
		return suite.GM
	}
	return suite.Intl
}

// Index is the keyed hash of a value under the suite in use, for exact
// look-up (an ID number, say) without storing or decrypting the value.
// kind keeps indexes of different fields apart.
func (k *Keys) Index(kind, value string) []byte {
	return k.IndexUnder(k.Suite(), kind, value)
}

// IndexUnder is the index of a value under the suite s. A look-up while a
// hall moves matches the index under either suite.
func (k *Keys) IndexUnder(s suite.Name, kind, value string) []byte {
	key, mark := k.intlMAC, []byte(nil)
	if s == suite.GM {
		key, mark = k.gmMAC, gmIndex
	}
	m := s.MAC(key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(append([]byte(nil), mark...))
}

// Indexes are a value's index under each suite, the one in use first.
func (k *Keys) Indexes(kind, value string) [2][]byte {
	other := suite.GM
	if k.useGM.Load() {
		other = suite.Intl
	}
	return [2][]byte{k.Index(kind, value), k.IndexUnder(other, kind, value)}
}

// IndexedUnder is the suite an index says made it.
func IndexedUnder(index []byte) suite.Name {
	if len(index) == len(gmIndex)+32 && bytes.HasPrefix(index, gmIndex) {
		return suite.GM
	}
	return suite.Intl
}

// Matches reports, in constant time, whether index is value's index under
// the suite the index says made it.
func (k *Keys) Matches(index []byte, kind, value string) bool {
	return subtle.ConstantTimeCompare(index, k.IndexUnder(IndexedUnder(index), kind, value)) == 1
}

// ResealRow seals a row's values again under the suite in use, values[i]
// for contexts[i] (nothing stays nothing: nil). With idAt ≥ 0 it also
// indexes values[idAt]'s value again as an "id", unless the row's present
// index is empty (an erased applicant's stays so). A value that does not
// open is an error naming its context, and nothing is returned.
func (k *Keys) ResealRow(values [][]byte, contexts []string, idAt int, index []byte) ([][]byte, []byte, error) {
	out := make([][]byte, len(values))
	id := ""
	for i, v := range values {
		plain, err := k.Open(v, contexts[i])
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", contexts[i], err)
		}
		if i == idAt {
			id = plain
		}
		out[i] = k.Seal(plain, contexts[i])
	}
	switch {
	case idAt < 0:
		return out, nil, nil
	case len(index) == 0:
		return out, []byte{}, nil
	}
	return out, k.Index("id", id), nil
}
