package qrscanner

import (
	"strings"
	"testing"
	"unicode"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
		ok   bool
	}{
		{[]byte("KS0105-20261123-0042"), "KS0105-20261123-0042", true},
		{[]byte("预约号"), "预约号", true},
		{[]byte{0xC0, 0xEE, 0x88, 0xD2}, "李堃", true},
		{[]byte{'A', 0xFF, 'B'}, "", false},
		{[]byte("A\x1bB"), "", false},
		{[]byte("A\tB"), "A\tB", true},
	}
	for _, tt := range tests {
		got, err := decode(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("decode(% X) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("https://zwfw.example.gov.cn/q/T20261123A012"))
	f.Add([]byte{0xC0, 0xEE, 0x88, 0xD2})
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := decode(raw)
		if err != nil {
			return
		}
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) >= 0 {
			t.Fatalf("accepted a line with control characters: %q", s)
		}
		if strings.ContainsRune(s, '\uFFFD') && !strings.Contains(string(raw), "\uFFFD") {
			t.Fatalf("accepted a line that did not decode: %q", s)
		}
	})
}
