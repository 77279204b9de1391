// Package pii protects personal data (names, ID numbers, phone numbers) at
// rest: AES-256-GCM for the values, HMAC-SHA256 for exact look-up without
// decrypting. The keys live in their own file with 0600 permissions, never in
// the database. Nothing here logs; callers must not log what passes through.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrKeyFile means the key file exists but cannot be used as it is.
var ErrKeyFile = errors.New("personal-data key file is unusable")

// ErrTampered means a sealed value does not open with this terminal's key:
// the value was altered, moved to another record, or sealed elsewhere.
var ErrTampered = errors.New("personal data does not decrypt with this terminal's key")

// Keys seal and index personal data.
type Keys struct {
	aead cipher.AEAD
	mac  []byte
}

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
func New(encKey, macKey []byte) (*Keys, error) {
	if len(encKey) != 32 || len(macKey) != 32 {
		return nil, fmt.Errorf("%w: keys must be 32 bytes each", ErrKeyFile)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{aead: aead, mac: append([]byte(nil), macKey...)}, nil
}

// Seal encrypts a value. context names where the value belongs (for example
// "case/<number>/name"), so a sealed value copied into another record will
// not open there. An empty value seals to nil.
func (k *Keys) Seal(value, context string) []byte {
	if value == "" {
		return nil
	}
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(value)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("pii: the system's random source failed: " + err.Error())
	}
	return k.aead.Seal(nonce, nonce, []byte(value), []byte(context))
}

// Open decrypts a value sealed for the same context.
func (k *Keys) Open(sealed []byte, context string) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return "", ErrTampered
	}
	plain, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// Index is the keyed hash of a value, for exact look-up (an ID number, say)
// without storing or decrypting the value. kind keeps indexes of different
// fields apart.
func (k *Keys) Index(kind, value string) []byte {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}
