package suite

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The standard vectors, through the suite's own wrappers: SM3 of
// GB/T 32905-2016 appendix A, SM4 of GB/T 32907-2016 appendix A, and
// SM4-GCM of RFC 8998 appendix A.1.
func TestGMStandardVectors(t *testing.T) {
	for _, v := range []struct{ in, want string }{
		{"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{"abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	} {
		if got := hex.EncodeToString(GM.Sum([]byte(v.in))); got != v.want {
			t.Errorf("SM3(%q) = %s; GB/T 32905 says %s", v.in, got, v.want)
		}
	}

	key := unhex(t, "0123456789abcdeffedcba9876543210")
	b, err := GM.Block(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16)
	b.Encrypt(out, key)
	if want := unhex(t, "681edf34d206965e86b3e94f536e4246"); !bytes.Equal(out, want) {
		t.Errorf("SM4 example 1: %x; GB/T 32907 says %x", out, want)
	}
	copy(out, key)
	for range 1000000 {
		b.Encrypt(out, out)
	}
	if want := unhex(t, "595298c7c6fd271f0402f804c33d3f66"); !bytes.Equal(out, want) {
		t.Errorf("SM4 example 2 (a million times): %x; GB/T 32907 says %x", out, want)
	}

	g, err := GM.GCM(key)
	if err != nil {
		t.Fatal(err)
	}
	nonce := unhex(t, "00001234567800000000abcd")
	plain := unhex(t, "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa")
	aad := unhex(t, "feedfacedeadbeeffeedfacedeadbeefabaddad2")
	want := unhex(t, "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d83de3541e4c2b58177e065a9bf7b62ec")
	sealed := g.Seal(nil, nonce, plain, aad)
	if !bytes.Equal(sealed, want) {
		t.Errorf("SM4-GCM: %x; RFC 8998 says %x", sealed, want)
	}
	if got, err := g.Open(nil, nonce, want, aad); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("SM4-GCM open of RFC 8998's vector: %v", err)
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Name{"": Intl, "intl": Intl, "gm": GM} {
		if got, err := Parse(in); got != want || err != nil {
			t.Errorf("Parse(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"GM", "sm4", "aes", " gm"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) took it", bad)
		}
	}
}

func TestSuitesDeriveDifferentKeys(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	if bytes.Equal(GM.MACKey(secret), Intl.MACKey(secret)) {
		t.Error("the GM index key is the Intl one")
	}
	if !bytes.Equal(Intl.MACKey(secret), secret) {
		t.Error("the Intl index key changed: every index made before suites would stop matching")
	}
}
