package pii

import (
	"bytes"
	"errors"
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
