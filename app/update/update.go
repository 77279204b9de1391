// Package update installs a new onewindow on a terminal safely: an update
// package (.owu) carries the new version's payload (a .deb) and a manifest
// signed with ed25519 or, in a province that chose the national algorithms
// (国密), with SM2 (keys.go), and nothing of it is installed, not even unpacked
// beside the old version, until the signature is verified against the keys
// the terminal trusts and the payload matches the manifest's hash. Whether
// it came on a USB stick or from central makes no difference: the
// signature, not the channel, is what is trusted.
//
// It also migrates the terminal's database forward on the first start of a
// new version without ever risking the old one: the migration runs on a
// copy, which replaces the original only once it succeeded; the original is
// kept as a backup. A failed migration leaves the database exactly as it
// was, so the old version still runs on it.
//
// It runs no installer itself: the caller passes one (dpkg on Debian). It
// must not log or send personal data (it never opens the records).
package update

import (
	"archive/tar"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Errors of Verify; callers decide with errors.Is.
var (
	ErrBadPackage   = errors.New("this is not a onewindow update package, or it is damaged")
	ErrBadSignature = errors.New("the update's signature is not valid: it was not made by a key this terminal trusts, or the package was altered")
	ErrWrongTarget  = errors.New("the update is for another kind of machine")
	ErrOlder        = errors.New("the update is not newer than the version installed")
	ErrNoKeys       = errors.New("this terminal trusts no update key")
)

// Manifest describes the payload of an update package. Its exact bytes are
// what the signature covers.
type Manifest struct {
	Version string `json:"version"`
	OS      string `json:"os"`   // linux
	Arch    string `json:"arch"` // amd64, arm64
	Kind    string `json:"kind"` // deb
	Payload string `json:"payload"`
	Size    int64  `json:"size"`
	// The payload's digest in hex, by the signature's suite: SHA-256 under
	// ed25519, SM3 under SM2; the other is absent.
	SHA256 string    `json:"sha256,omitempty"`
	SM3    string    `json:"sm3,omitempty"`
	Signed time.Time `json:"signed"`
}

// Names inside a package.
const (
	manifestName  = "manifest.json"
	signatureName = "manifest.sig"
)

// MaxPackage bounds what is read of a package: a .deb of onewindow is some
// 30 MB; anything far larger is the wrong file.
const MaxPackage = 512 << 20

// Sign writes an update package to w: the payload (read from payload, named
// name) with its manifest and the manifest's signature, made with key
// (ed25519 or SM2; the manifest names the payload by the key's digest).
func Sign(w io.Writer, key PrivateKey, m Manifest, name string, payload []byte, now time.Time) error {
	m.Payload, m.Size, m.Signed = path.Base(name), int64(len(payload)), now.UTC()
	m.SHA256, m.SM3 = "", ""
	if key.Algorithm() == SM2 {
		m.SM3 = digest(SM2, payload)
	} else {
		m.SHA256 = digest(Ed25519, payload)
	}
	if m.Kind == "" {
		m.Kind = "deb"
	}
	if m.Version == "" || m.OS == "" || m.Arch == "" {
		return fmt.Errorf("update: the manifest needs a version, an OS and an architecture")
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	sig, err := key.sign(manifest)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	for _, f := range []struct {
		name string
		data []byte
	}{{manifestName, manifest}, {signatureName, sig}, {m.Payload, payload}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), ModTime: now, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

// Verified is a package whose signature and payload checked out.
type Verified struct {
	Manifest Manifest
	Payload  []byte
}

// Target is the machine an update must be for, and what it runs now.
type Target struct {
	OS, Arch string
	Current  string // the version installed; "" or "devel" accepts any
	// Downgrade allows a version not newer than Current (going back after a
	// bad release), still signed.
	Downgrade bool
}

// Verify reads a package and checks, in this order, that it is well
// formed, that its manifest is signed by one of keys, that the payload is
// the one the manifest names, and that it is for this machine and newer.
// Nothing is written anywhere.
func Verify(r io.Reader, keys []PublicKey, t Target) (Verified, error) {
	v, err := VerifySigned(r, keys)
	if err != nil {
		return Verified{}, err
	}
	m := v.Manifest
	if m.OS != t.OS || m.Arch != t.Arch {
		return Verified{}, fmt.Errorf("%w: it is for %s/%s and this machine is %s/%s", ErrWrongTarget, m.OS, m.Arch, t.OS, t.Arch)
	}
	if t.Current != "" && t.Current != "devel" && !t.Downgrade && CompareVersions(m.Version, t.Current) <= 0 {
		return Verified{}, fmt.Errorf("%w: it is %s and %s is installed (give -downgrade to go back on purpose)", ErrOlder, m.Version, t.Current)
	}
	return v, nil
}

// VerifySigned is Verify without the machine: that the package is well
// formed, signed by one of keys, and carries the payload its manifest
// names. Central checks a package with it before publishing it to the
// machines its manifest names.
func VerifySigned(r io.Reader, keys []PublicKey) (Verified, error) {
	if len(keys) == 0 {
		return Verified{}, ErrNoKeys
	}
	files := map[string][]byte{}
	tr := tar.NewReader(io.LimitReader(r, MaxPackage+1<<20))
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Verified{}, fmt.Errorf("%w: %v", ErrBadPackage, err)
		}
		if h.Typeflag != tar.TypeReg || strings.Contains(h.Name, "/") || h.Size < 0 || len(files) >= 3 {
			return Verified{}, fmt.Errorf("%w: unexpected entry %q", ErrBadPackage, h.Name)
		}
		if total += h.Size; total > MaxPackage {
			return Verified{}, fmt.Errorf("%w: larger than %d MB", ErrBadPackage, MaxPackage>>20)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return Verified{}, fmt.Errorf("%w: %v", ErrBadPackage, err)
		}
		files[h.Name] = data
	}
	manifest, sigText := files[manifestName], files[signatureName]
	if manifest == nil || sigText == nil {
		return Verified{}, fmt.Errorf("%w: no signed manifest in it", ErrBadPackage)
	}
	alg, sig, err := parseSignature(sigText)
	if err != nil {
		return Verified{}, err
	}
	if err := checkSignature(keys, alg, manifest, sig); err != nil {
		return Verified{}, err
	}
	// Only a signed manifest is read at all.
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(manifest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Verified{}, fmt.Errorf("%w: the manifest: %v", ErrBadPackage, err)
	}
	payload, ok := files[m.Payload]
	if !ok || m.Payload == manifestName || m.Payload == signatureName {
		return Verified{}, fmt.Errorf("%w: the payload %q named by the manifest is missing", ErrBadPackage, m.Payload)
	}
	want, other, hashName := m.SHA256, m.SM3, "SHA-256"
	if alg == SM2 {
		want, other, hashName = m.SM3, m.SHA256, "SM3"
	}
	if want == "" || other != "" {
		return Verified{}, fmt.Errorf("%w: a manifest signed with %s names its payload by %s only", ErrBadPackage, algName(alg), hashName)
	}
	if int64(len(payload)) != m.Size || digest(alg, payload) != want {
		return Verified{}, fmt.Errorf("%w: the payload is not the one that was signed (its hash differs)", ErrBadSignature)
	}
	if m.Kind != "deb" {
		return Verified{}, fmt.Errorf("%w: payload kind %q; this onewindow installs deb", ErrWrongTarget, m.Kind)
	}
	if !machineRe.MatchString(m.OS) || !machineRe.MatchString(m.Arch) {
		return Verified{}, fmt.Errorf("%w: the manifest names machine %q/%q", ErrBadPackage, m.OS, m.Arch)
	}
	return Verified{Manifest: m, Payload: payload}, nil
}

// CompareVersions compares dotted versions numerically (0.10.0 > 0.9.1; a
// missing part counts as 0). A pre-release (0.9.0-rc1) comes before its
// release; a part that is not a number compares as text.
func CompareVersions(a, b string) int {
	ca, preA, _ := strings.Cut(strings.TrimPrefix(a, "v"), "-")
	cb, preB, _ := strings.Cut(strings.TrimPrefix(b, "v"), "-")
	pa, pb := strings.Split(ca, "."), strings.Split(cb, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		switch {
		case ex == nil && ey == nil:
			if c := cmp.Compare(nx, ny); c != 0 {
				return c
			}
		case x != y:
			return strings.Compare(x, y)
		}
	}
	switch {
	case preA == preB:
		return 0
	case preA == "":
		return 1
	case preB == "":
		return -1
	}
	return strings.Compare(preA, preB)
}

// machineRe is an OS or architecture name as Go spells them.
var machineRe = regexp.MustCompile(`^[a-z0-9]{1,16}$`)

// FileName is the name central serves a package for a machine under:
// linux-amd64.owu.
func FileName(os, arch string) string { return os + "-" + arch + ".owu" }

// Installer installs a verified payload file; on Debian it runs dpkg.
type Installer func(payloadFile string, m Manifest) error

// Install verifies the package and only then writes its payload to a
// private temporary file in dir and hands it to install. A package that
// fails verification writes nothing and installs nothing.
func Install(r io.Reader, keys []PublicKey, t Target, dir string, install Installer) (Manifest, error) {
	v, err := Verify(r, keys, t)
	if err != nil {
		return Manifest{}, err
	}
	f, err := os.CreateTemp(dir, "onewindow-update-*-"+path.Base(v.Manifest.Payload))
	if err != nil {
		return Manifest{}, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(v.Payload); err != nil {
		f.Close()
		return Manifest{}, err
	}
	if err := f.Close(); err != nil {
		return Manifest{}, err
	}
	if err := install(f.Name(), v.Manifest); err != nil {
		return Manifest{}, fmt.Errorf("installing %s: %w", v.Manifest.Version, err)
	}
	return v.Manifest, nil
}
