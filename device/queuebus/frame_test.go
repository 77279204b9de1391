package queuebus

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/app"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCRCCheckValue(t *testing.T) {
	if got := CRC16([]byte("123456789")); got != 0x4B37 {
		t.Fatalf("CRC-16/MODBUS of 123456789: want 0x4B37, got 0x%04X", got)
	}
}

func TestEncodeProtocolExample(t *testing.T) {
	got, err := Frame{Addr: 3, Cmd: CmdShow, Seq: 1, Payload: []byte("0015")}.Encode()
	want := unhex(t, "AA 55 03 10 01 04 30 30 31 35 3B 46")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("want % X, got % X (%v)", want, got, err)
	}
	f, n, err := ParseFrame(want)
	if err != nil || n != len(want) || f.Addr != 3 || f.Cmd != CmdShow || f.Seq != 1 || string(f.Payload) != "0015" {
		t.Fatalf("parse of the example: got %+v, n=%d, %v", f, n, err)
	}
}

func TestEncodeRefuses(t *testing.T) {
	if _, err := (Frame{Addr: 1, Payload: make([]byte, MaxPayload+1)}).Encode(); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("payload of %d bytes: want ErrInvalidInput, got %v", MaxPayload+1, err)
	}
	if _, err := (Frame{Addr: 248}).Encode(); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("address 248: want ErrInvalidInput, got %v", err)
	}
}

func TestParseFrame(t *testing.T) {
	good := unhex(t, "AA 55 03 10 01 04 30 30 31 35 3B 46")
	tests := []struct {
		name    string
		in      []byte
		wantBad bool
	}{
		{"clean", good, false},
		{"garbage before", append([]byte{0x00, 0xAA, 0x13, 0x55}, good...), false},
		{"bad CRC then good", append(unhex(t, "AA 55 03 10 01 04 30 30 31 35 3B 47"), good...), true},
		{"false start with long length", append(unhex(t, "AA 55 01 02 03 F5"), good...), true},
		{"doubled start byte", append([]byte{0xAA}, good...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf, sawBad := tt.in, false
			for {
				f, n, err := ParseFrame(buf)
				buf = buf[n:]
				if err == nil {
					if string(f.Payload) != "0015" {
						t.Fatalf("wrong frame found: %+v", f)
					}
					break
				}
				if errors.Is(err, ErrIncomplete) {
					t.Fatalf("good frame not found; left % X", buf)
				}
				if n == 0 {
					t.Fatal("a bad frame must skip at least one byte")
				}
				sawBad = true
			}
			if sawBad != tt.wantBad {
				t.Errorf("reported a bad frame: %v, want %v", sawBad, tt.wantBad)
			}
		})
	}
	for cut := 0; cut < len(good); cut++ {
		if _, n, err := ParseFrame(good[:cut]); !errors.Is(err, ErrIncomplete) || n != 0 {
			t.Fatalf("%d of %d bytes: want ErrIncomplete keeping everything, got n=%d, %v", cut, len(good), n, err)
		}
	}
}

// testdata/corrupt holds frames a noisy bus produces; none may pass.
func TestCorruptFrames(t *testing.T) {
	files, _ := filepath.Glob("testdata/corrupt/*.bin")
	if len(files) == 0 {
		t.Fatal("no files in testdata/corrupt")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		buf := data
		for {
			f, n, err := ParseFrame(buf)
			if err == nil {
				t.Errorf("%s: a corrupt input gave a frame %+v", filepath.Base(file), f)
			}
			if errors.Is(err, ErrIncomplete) {
				break
			}
			buf = buf[n:]
		}
	}
}

func FuzzParseFrame(f *testing.F) {
	f.Add(unhex(f, "AA 55 03 10 01 04 30 30 31 35 3B 46"))
	f.Add(unhex(f, "AA 55 0B A0 07 02 01 03 00 00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		buf := data
		for {
			fr, n, err := ParseFrame(buf)
			if n < 0 || n > len(buf) {
				t.Fatalf("n=%d out of 0–%d", n, len(buf))
			}
			if err == nil {
				enc, eerr := fr.Encode()
				if eerr == nil && !bytes.Equal(enc, buf[n-len(enc):n]) {
					t.Fatalf("accepted frame does not re-encode to its bytes")
				}
			} else if errors.Is(err, ErrIncomplete) {
				return
			} else if !errors.Is(err, app.ErrBadFrame) || n == 0 {
				t.Fatalf("bad frame must wrap ErrBadFrame and skip ≥1 byte: n=%d, %v", n, err)
			}
			buf = buf[n:]
		}
	})
}
