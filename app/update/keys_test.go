package update

import (
	"archive/tar"
	"bytes"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// TestSM2StandardExample runs the digital signature example of GM/T
// 0003.5-2012 (SM2 part 5, parameter definitions), Annex A, which
// GB/T 32918.5-2017 carries over: on the recommended curve, with the
// default user id 1234567812345678 and the message "message digest", the
// private key dA gives the public key (xA, yA), and (r, s) is its
// signature. It goes through the same parsing and verifying as an update's
// key and signature.
func TestSM2StandardExample(t *testing.T) {
	t.Parallel()
	const (
		dA = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
		xA = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
		yA = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
		r  = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
		s  = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
	)
	msg := []byte("message digest")
	priv, err := ParsePrivateKey("sm2:" + dA)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey("sm2:04" + xA + yA)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.Public().Equal(pub) || pub.Algorithm() != SM2 {
		t.Fatalf("the standard's private key gives %s; want its public key %s", priv.Public(), pub)
	}
	rInt, _ := new(big.Int).SetString(r, 16)
	sInt, _ := new(big.Int).SetString(s, 16)
	sig, err := asn1.Marshal(struct{ R, S *big.Int }{rInt, sInt})
	if err != nil {
		t.Fatal(err)
	}
	if !pub.verify(SM2, msg, sig) {
		t.Fatal("the standard's signature does not verify with the default user id")
	}
	if !verifySM2(pub.sm, []byte("1234567812345678"), msg, sig) {
		t.Error("the standard's signature does not verify with the user id 1234567812345678 given")
	}
	if verifySM2(pub.sm, []byte("ALICE123@YAHOO.COM"), msg, sig) {
		t.Error("the signature verifies under another user id")
	}
	if pub.verify(SM2, []byte("message digesT"), sig) {
		t.Error("the signature verifies for another message")
	}
	if pub.verify(Ed25519, msg, sig) {
		t.Error("an SM2 key accepts a signature said to be ed25519")
	}
}

// TestPackageSignedBeforeSM2: a package signed before SM2 existed (by the
// code as it was, kept in testdata, with the seed 01..20) verifies against
// its key file as it was written then, and signing the same again gives
// the same bytes.
func TestPackageSignedBeforeSM2(t *testing.T) {
	t.Parallel()
	old, err := os.ReadFile("testdata/ed25519-before-sm2.owu")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParsePublicKeys("# onewindow update key, made 2026-11-20\nebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ=\n")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(bytes.NewReader(old), keys, linux)
	if err != nil || v.Manifest.Version != "0.9.0" || v.Manifest.SHA256 == "" || v.Manifest.SM3 != "" {
		t.Fatalf("a package signed before SM2: %+v %v; want it verified", v.Manifest, err)
	}
	priv, err := ParsePrivateKey("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n")
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := Sign(&again, priv, Manifest{Version: "0.9.0", OS: "linux", Arch: "amd64"}, "onewindow_0.9.0_amd64.deb", v.Payload, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), old) {
		t.Error("an ed25519 package is no longer written as before SM2")
	}
}

func TestSM2Packages(t *testing.T) {
	t.Parallel()
	smPub, smPriv, err := GenerateSM2Key()
	if err != nil {
		t.Fatal(err)
	}
	otherPub, otherPriv, _ := GenerateSM2Key()
	edPub, edPriv, _ := GenerateKey()
	payload := []byte("!<arch>\ndebian-binary the new onewindow")
	good := signed(t, smPriv, "0.9.0", payload)

	v, err := Verify(bytes.NewReader(good), []PublicKey{edPub, otherPub, smPub}, linux)
	sum := sm3.Sum(payload)
	if err != nil || !bytes.Equal(v.Payload, payload) || v.Manifest.SM3 != hex.EncodeToString(sum[:]) || v.Manifest.SHA256 != "" {
		t.Fatalf("a package signed with SM2, against both kinds of keys: %+v %v; want it verified, its payload named by SM3 only", v.Manifest, err)
	}
	if sig := entry(t, good, signatureName); !strings.HasPrefix(string(sig), "sm2:") {
		t.Errorf("an SM2 signature must say so: %q", sig)
	}
	if _, err := Verify(bytes.NewReader(signed(t, edPriv, "0.9.0", payload)), []PublicKey{edPub, smPub}, linux); err != nil {
		t.Errorf("an ed25519 package against both kinds of keys: %v", err)
	}

	flip := func(b []byte, at string) []byte {
		c := bytes.Clone(b)
		c[bytes.Index(c, []byte(at))+1] ^= 1
		return c
	}
	for _, tt := range []struct {
		name string
		pkg  []byte
		keys []PublicKey
		says string
	}{
		{"signed by another SM2 key", signed(t, otherPriv, "0.9.0", payload), []PublicKey{edPub, smPub}, "signed with SM2, but not by the SM2 key this machine trusts"},
		{"payload altered", flip(good, "the new"), []PublicKey{smPub}, "its hash differs"},
		{"manifest altered", flip(good, `"0.9.0"`), []PublicKey{smPub}, "signed with SM2"},
		{"SM2 signature, ed25519 keys only", good, []PublicKey{edPub}, "trusts no SM2 key"},
		{"ed25519 signature, SM2 keys only", signed(t, edPriv, "0.9.0", payload), []PublicKey{smPub, otherPub}, "trusts no ed25519 key"},
		{"SM2 signature relabelled ed25519", bytes.Replace(good, []byte("sm2:"), []byte("    "), 1), []PublicKey{edPub, smPub}, "not an ed25519 signature"},
		{"SM2-signed manifest naming its payload by SHA-256", repack(t, good, smPriv, func(m *Manifest) { m.SHA256 = digest(Ed25519, payload) }), []PublicKey{smPub}, ""},
	} {
		_, err := Verify(bytes.NewReader(tt.pkg), tt.keys, linux)
		want := ErrBadSignature
		if tt.says == "" {
			want = ErrBadPackage
		}
		if !errors.Is(err, want) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: got %v; want %v saying %q", tt.name, err, want, tt.says)
		}
	}
}

// TestWrongSM2KeyChangesNothing: as TestBadSignatureChangesNothing, under
// SM2 keys.
func TestWrongSM2KeyChangesNothing(t *testing.T) {
	t.Parallel()
	pub, priv, _ := GenerateSM2Key()
	_, evil, _ := GenerateSM2Key()
	dir := t.TempDir()
	var installed []string
	install := func(file string, m Manifest) error {
		data, err := os.ReadFile(file)
		installed = append(installed, m.Version+" "+string(data))
		return err
	}
	for name, pkg := range map[string][]byte{
		"signed by another SM2 key": signed(t, evil, "9.9.9", []byte("rootkit")),
		"payload swapped":           bytes.Replace(signed(t, priv, "9.9.9", []byte("good deb")), []byte("good deb"), []byte("rootkit!"), 1),
	} {
		if _, err := Install(bytes.NewReader(pkg), []PublicKey{pub}, linux, dir, install); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("%s: want ErrBadSignature, got %v", name, err)
		}
		if entries, _ := os.ReadDir(dir); len(installed) != 0 || len(entries) != 0 {
			t.Fatalf("%s must change nothing: installed %v, files %v", name, installed, entries)
		}
	}
	m, err := Install(bytes.NewReader(signed(t, priv, "0.9.0", []byte("good deb"))), []PublicKey{pub}, linux, dir, install)
	if err != nil || m.Version != "0.9.0" || len(installed) != 1 || installed[0] != "0.9.0 good deb" {
		t.Fatalf("a good SM2 package: want the payload installed once, got %v %v", installed, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the payload's temporary file was left behind: %v", entries)
	}
}

func TestSM2Keys(t *testing.T) {
	t.Parallel()
	smPub, smPriv, _ := GenerateSM2Key()
	edPub, _, _ := GenerateKey()
	if !strings.HasPrefix(smPub.String(), "sm2:04") || len(smPub.String()) != 4+130 {
		t.Fatalf("an SM2 public key is written %q; want sm2: and 130 hex digits", smPub)
	}
	keys, err := ParsePublicKeys("# moving to 国密\n" + edPub.String() + "\n" + smPub.String() + " # the SM2 key\n")
	if err != nil || len(keys) != 2 || !keys[0].Equal(edPub) || !keys[1].Equal(smPub) || keys[1].Algorithm() != SM2 {
		t.Fatalf("a keys file of both kinds: %v %v", keys, err)
	}
	back, err := ParsePrivateKey(smPriv.Encode() + "\n")
	if err != nil || back.Algorithm() != SM2 || !back.Public().Equal(smPub) || back.Encode() != smPriv.Encode() {
		t.Fatalf("ParsePrivateKey(SM2): %v", err)
	}
	// The point's last digit changed: off the curve.
	last := "0"
	if strings.HasSuffix(smPub.String(), "0") {
		last = "1"
	}
	offCurve := smPub.String()[:len(smPub.String())-1] + last
	for _, bad := range []string{offCurve, "sm2:zz", "sm2:" + strings.Repeat("0", 64), smPriv.Encode()} {
		if _, err := ParsePublicKeys(edPub.String() + "\n" + bad + "\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("a keys file with %q: want it refused naming line 2, got %v", bad, err)
		}
	}
	for _, bad := range []string{"sm2:" + strings.Repeat("0", 64), "sm2:" + strings.Repeat("f", 64), "sm2:1234", smPub.String()} {
		if _, err := ParsePrivateKey(bad); err == nil {
			t.Errorf("ParsePrivateKey(%q): want it refused", bad)
		}
	}
}

// entry is a file of a package.
func entry(t *testing.T, pkg []byte, name string) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(pkg))
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in the package: %v", name, err)
		}
		if h.Name == name {
			var b bytes.Buffer
			b.ReadFrom(tr)
			return b.Bytes()
		}
	}
}

// repack signs pkg's manifest again with key after change, as a signer
// that wrote a manifest by hand would.
func repack(t *testing.T, pkg []byte, key PrivateKey, change func(*Manifest)) []byte {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(entry(t, pkg, manifestName), &m); err != nil {
		t.Fatal(err)
	}
	change(&m)
	manifest, _ := json.Marshal(m)
	sig, err := key.sign(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range [][2][]byte{{[]byte(manifestName), manifest}, {[]byte(signatureName), sig}, {[]byte(m.Payload), entry(t, pkg, m.Payload)}} {
		tw.WriteHeader(&tar.Header{Name: string(f[0]), Mode: 0o644, Size: int64(len(f[1])), Typeflag: tar.TypeReg})
		tw.Write(f[1])
	}
	tw.Close()
	return b.Bytes()
}
