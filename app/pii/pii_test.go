package pii

import (
	"bytes"
	"errors"
	"onewindow/app/suite"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "pii.key")
	k1, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	sealed := k1.Seal("张三", "case/1/name")
	k2, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k2.Open(sealed, "case/1/name")
	if err != nil || got != "张三" {
		t.Fatalf("value sealed before a restart opens as %q, %v; want 张三", got, err)
	}
	if !bytes.Equal(k1.Index("id", "x"), k2.Index("id", "x")) {
		t.Error("the index changed across a restart: look-ups would miss old cases")
	}
}

func TestKeyFileRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, content string
		mode          os.FileMode
	}{
		{"readable by others", keyFileHeader + string(bytes.Repeat([]byte("ab"), 64)), 0o644},
		{"not a key file", "hello", 0o600},
		{"too short", keyFileHeader + "abcd", 0o600},
		{"not hex", keyFileHeader + string(bytes.Repeat([]byte("zz"), 64)), 0o600},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, tt.mode)
		before, _ := os.ReadFile(path)
		if _, err := LoadOrCreate(path); !errors.Is(err, ErrKeyFile) {
			t.Errorf("%s: LoadOrCreate error = %v; want ErrKeyFile", tt.name, err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("%s: the refused key file was changed", tt.name)
		}
	}
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	k, err := New(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	a, b := k.Seal("11010519491231002X", "case/1/id"), k.Seal("11010519491231002X", "case/1/id")
	if bytes.Equal(a, b) {
		t.Error("sealing the same value twice gave the same bytes: equal values would show in the file")
	}
	if bytes.Contains(a, []byte("11010519491231002X")) {
		t.Error("the sealed value contains the plaintext")
	}
	if _, err := k.Open(a, "case/2/id"); !errors.Is(err, ErrTampered) {
		t.Errorf("opening in another record's context: %v; want ErrTampered", err)
	}
	a[len(a)-1] ^= 1
	if _, err := k.Open(a, "case/1/id"); !errors.Is(err, ErrTampered) {
		t.Errorf("opening an altered value: %v; want ErrTampered", err)
	}
	if _, err := k.Open([]byte{1, 2}, "case/1/id"); !errors.Is(err, ErrTampered) {
		t.Errorf("opening a short value: %v; want ErrTampered", err)
	}
	if got := k.Seal("", "x"); got != nil {
		t.Errorf("Seal(\"\") = %x, want nil", got)
	}
	if bytes.Equal(k.Index("id", "1"), k.Index("phone", "1")) {
		t.Error("indexes of different fields collide")
	}
}

func TestBothSuitesOpenWhileAHallMoves(t *testing.T) {
	k, err := New(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	old := k.Seal("张伟", "case/1/name")
	oldIndex := k.Index("id", "11010519491231002X")
	k.Use(suite.GM)
	gm := k.Seal("张伟", "case/1/name")
	gmIndex := k.Index("id", "11010519491231002X")
	if !bytes.HasPrefix(gm, []byte("sm4:")) || SealedUnder(gm) != suite.GM || SealedUnder(old) != suite.Intl {
		t.Fatalf("the marks: GM value %x, Intl value %x", gm[:4], old[:4])
	}
	if !bytes.HasPrefix(gmIndex, []byte("sm3:")) || len(gmIndex) != 36 || len(oldIndex) != 32 ||
		IndexedUnder(gmIndex) != suite.GM || IndexedUnder(oldIndex) != suite.Intl {
		t.Fatalf("the index marks: GM %x (%d bytes), Intl %d bytes", gmIndex[:4], len(gmIndex), len(oldIndex))
	}
	for _, v := range [][]byte{old, gm} {
		if got, err := k.Open(v, "case/1/name"); got != "张伟" || err != nil {
			t.Errorf("open %x…: %q, %v", v[:4], got, err)
		}
		if _, err := k.Open(v, "case/2/name"); err != ErrTampered {
			t.Errorf("a value moved to another case opened: %v", err)
		}
	}
	// The GM value is SM4 under a key of its own: AES with the file's key
	// does not open it even with the mark taken off.
	if _, err := open(k.intl, gm[4:], "case/1/name"); err == nil {
		t.Error("the GM value opens under AES")
	}
	for _, ix := range [][]byte{oldIndex, gmIndex} {
		if !k.Matches(ix, "id", "11010519491231002X") || k.Matches(ix, "id", "330106198807150031") {
			t.Errorf("index %x… matches wrongly", ix[:4])
		}
	}
	both := k.Indexes("id", "11010519491231002X")
	if !bytes.Equal(both[0], gmIndex) || !bytes.Equal(both[1], oldIndex) {
		t.Error("Indexes are not the GM one, then the Intl one")
	}
	// Altering one byte of a GM value is caught.
	bad := bytes.Clone(gm)
	bad[len(bad)-1] ^= 1
	if _, err := k.Open(bad, "case/1/name"); err != ErrTampered {
		t.Errorf("an altered GM value: %v", err)
	}
}
