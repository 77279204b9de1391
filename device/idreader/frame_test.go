package idreader

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// The request frames must be byte for byte those of the protocol notes.
func TestRequestsMatchProtocol(t *testing.T) {
	tests := []struct {
		cmd  [2]byte
		want string
	}{
		{CmdReset, "AA AA AA 96 69 00 03 10 FF EC"},
		{CmdStatus, "AA AA AA 96 69 00 03 11 FF ED"},
		{CmdModuleID, "AA AA AA 96 69 00 03 12 FF EE"},
		{CmdFind, "AA AA AA 96 69 00 03 20 01 22"},
		{CmdSelect, "AA AA AA 96 69 00 03 20 02 21"},
		{CmdRead, "AA AA AA 96 69 00 03 30 01 32"},
		{CmdReadFinger, "AA AA AA 96 69 00 03 30 10 23"},
		{CmdReadAddress, "AA AA AA 96 69 00 03 30 03 30"},
	}
	for _, tt := range tests {
		if got := Request(tt.cmd); !bytes.Equal(got, unhex(t, tt.want)) {
			t.Errorf("Request(% X) = % X, want %s", tt.cmd, got, tt.want)
		}
	}
}

func TestParseProtocolExamples(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		sw3   byte
		data  int
	}{
		{"find OK", "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", 0x9F, 4},
		{"no card", "AA AA AA 96 69 00 04 00 00 80 84", 0x80, 0},
		{"select failed", "AA AA AA 96 69 00 04 00 00 81 85", 0x81, 0},
		{"read failed", "AA AA AA 96 69 00 04 00 00 41 45", 0x41, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := unhex(t, tt.frame)
			body, n, err := ParseFrame(f)
			if err != nil || n != len(f) {
				t.Fatalf("ParseFrame: want the whole %d bytes, got n=%d err=%v", len(f), n, err)
			}
			r, err := ParseResponse(body)
			if err != nil || r.SW3 != tt.sw3 || len(r.Data) != tt.data {
				t.Fatalf("want SW3 %02X with %d data bytes, got %+v, %v", tt.sw3, tt.data, r, err)
			}
		})
	}
}

func TestParseFrameResynchronises(t *testing.T) {
	good := unhex(t, "AA AA AA 96 69 00 04 00 00 80 84")
	badSum := unhex(t, "AA AA AA 96 69 00 04 00 00 80 85")
	tests := []struct {
		name    string
		in      []byte
		wantBad bool
	}{
		{"garbage before", append([]byte{0x13, 0xAA, 0x00, 0xAA, 0xAA}, good...), false},
		{"bad frame then good", append(append([]byte{}, badSum...), good...), true},
		{"false preamble with huge length", append(unhex(t, "AA AA AA 96 69 FF FF 00"), good...), true},
		{"extra preamble byte", append([]byte{0xAA}, good...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := tt.in
			sawBad := false
			for {
				body, n, err := ParseFrame(buf)
				if n < 0 || n > len(buf) {
					t.Fatalf("n=%d out of range for %d bytes", n, len(buf))
				}
				buf = buf[n:]
				if err == nil {
					if !bytes.Equal(body, good[7:len(good)-1]) {
						t.Fatalf("want body % X, got % X", good[7:len(good)-1], body)
					}
					break
				}
				if errors.Is(err, ErrIncomplete) {
					t.Fatalf("the good frame was not found; %d bytes left: % X", len(buf), buf)
				}
				if !errors.Is(err, app.ErrBadFrame) {
					t.Fatalf("want ErrBadFrame, got %v", err)
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
}

func TestParseFrameIncomplete(t *testing.T) {
	good := unhex(t, "AA AA AA 96 69 00 04 00 00 80 84")
	for cut := 0; cut < len(good); cut++ {
		_, n, err := ParseFrame(good[:cut])
		if !errors.Is(err, ErrIncomplete) {
			t.Fatalf("%d of %d bytes: want ErrIncomplete, got %v", cut, len(good), err)
		}
		if n != 0 {
			t.Fatalf("%d of %d bytes: the start of a frame must be kept, but n=%d", cut, len(good), n)
		}
	}
}

func sampleCard() app.IDCard {
	n := "44030519920607151"
	c, _ := app.IDCheckDigit(n)
	return app.IDCard{
		Name: "李堃", Sex: app.SexMale, NationCode: "01", Nation: "汉",
		BirthDate: time.Date(1992, 6, 7, 0, 0, 0, 0, time.UTC),
		Address:   "广东省深圳市南山区科技南十二路18号", Number: app.IDNumber(n + string(c)),
		Authority: "深圳市公安局南山分局",
		ValidFrom: time.Date(2018, 7, 9, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2038, 7, 9, 0, 0, 0, 0, time.UTC),
	}
}

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func TestTextRoundTrip(t *testing.T) {
	want := sampleCard()
	got, err := ParseText(EncodeText(want, 0), today)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != want.Name || got.Number != want.Number || got.Address != want.Address || got.Nation != "汉" ||
		!got.BirthDate.Equal(want.BirthDate) || !got.ValidTo.Equal(want.ValidTo) || got.Sex != app.SexMale || got.Authority != want.Authority {
		t.Fatalf("round trip:\nwant %+v\ngot  %+v", want, got)
	}
	want.ValidTo = time.Time{}
	got, err = ParseText(EncodeText(want, 0), today)
	if err != nil || !got.ValidTo.IsZero() {
		t.Fatalf("a 长期 card: want a zero ValidTo, got %v, %v", got.ValidTo, err)
	}
}

// TestParseOtherDocuments: a foreigner's permanent residence card (flag I,
// its own layout) and a residence permit for Hong Kong, Macao and Taiwan
// residents (flag J) are read with their document type; a foreigner's
// card whose number does not start with its nationality is refused.
func TestParseOtherDocuments(t *testing.T) {
	foreign := app.IDCard{Name: "史密斯", NameLatin: "SMITH JOHN", Sex: app.SexMale, Nationality: "USA",
		BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Number: "USA110080010101", Document: app.ForeignPermanent,
		Authority: "1100", ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	got, err := ParseText(EncodeText(foreign, 'I'), today)
	if err != nil || got.Document != app.ForeignPermanent || got.Name != "史密斯" || got.NameLatin != "SMITH JOHN" ||
		got.Number != foreign.Number || got.Nationality != "USA" || !got.BirthDate.Equal(foreign.BirthDate) || got.AgeOn(today) < 40 {
		t.Fatalf("a foreigner's card: want %+v, got %+v, %v", foreign, got, err)
	}
	foreign.Name = "" // no Chinese name: the Latin one is the name
	if got, err := ParseText(EncodeText(foreign, 'I'), today); err != nil || got.Name != "SMITH JOHN" {
		t.Fatalf("a foreigner's card without a Chinese name: got %q, %v", got.Name, err)
	}
	foreign.Nationality = "CAN"
	if _, err := ParseText(EncodeText(foreign, 'I'), today); !errors.Is(err, app.ErrBadCardData) || !strings.Contains(err.Error(), "nationality") {
		t.Fatalf("a foreigner's card whose number is not of its nationality: want ErrBadCardData naming it, got %v", err)
	}
	hk := sampleCard()
	hk.NationCode, hk.Nation = "", ""
	first17 := "810000" + hk.BirthDate.Format("20060102") + "123"
	check, _ := app.IDCheckDigit(first17)
	hk.Number = app.IDNumber(first17 + string(check))
	got, err = ParseText(EncodeText(hk, 'J'), today)
	if err != nil || got.Document != app.HMTResidence || got.Number != hk.Number || got.Name != hk.Name {
		t.Fatalf("a Hong Kong resident's permit: want %+v, got %+v, %v", hk, got, err)
	}
}

func TestParseTextRefuses(t *testing.T) {
	good := sampleCard()
	tests := []struct {
		name string
		card func(c *app.IDCard)
		flag rune
		want error
		says string
	}{
		{"a resident card's number on a residence permit", nil, 'J', app.ErrInvalidIDNumber, "ID number"},
		{"unknown flag", nil, 'Z', app.ErrUnsupportedCard, "0x005A"},
		{"bad check digit", func(c *app.IDCard) { c.Number = c.Number[:17] + "0" }, 0, app.ErrInvalidIDNumber, "GB 11643"},
		{"birth date disagrees with number", func(c *app.IDCard) { c.BirthDate = c.BirthDate.AddDate(0, 0, 1) }, 0, app.ErrBadCardData, "does not match"},
		{"empty name", func(c *app.IDCard) { c.Name = "" }, 0, app.ErrBadCardData, "name: is empty"},
		{"unknown nation", func(c *app.IDCard) { c.NationCode = "77" }, 0, app.ErrBadCardData, "GB 3304"},
		{"sex code", func(c *app.IDCard) { c.Sex = 5 }, 0, app.ErrBadCardData, "sex"},
		{"valid to before from", func(c *app.IDCard) { c.ValidTo = c.ValidFrom.AddDate(-1, 0, 0) }, 0, app.ErrBadCardData, "not after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			if tt.card != nil {
				tt.card(&c)
			}
			_, err := ParseText(EncodeText(c, tt.flag), today)
			if !errors.Is(err, tt.want) {
				t.Fatalf("want %v, got %v", tt.want, err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("message should say %q, got %q", tt.says, err)
			}
			for _, secret := range []string{string(good.Number), good.Name, good.Number.Masked()[:6] + "1992"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("message leaks personal data %q: %q", secret, err)
				}
			}
		})
	}
}

func TestParseReadData(t *testing.T) {
	text := EncodeText(sampleCard(), 0)
	photo := bytes.Repeat([]byte{7}, 1024)
	finger := bytes.Repeat([]byte{9}, 1024)
	for _, fp := range []bool{false, true} {
		d := ReadData{Text: text, Photo: photo}
		if fp {
			d.Finger = finger
		}
		got, err := ParseReadData(EncodeReadData(d, fp), fp)
		if err != nil || !bytes.Equal(got.Text, text) || !bytes.Equal(got.Photo, photo) || fp && !bytes.Equal(got.Finger, finger) {
			t.Fatalf("fingerprint %v: round trip failed: %v", fp, err)
		}
	}
	enc := EncodeReadData(ReadData{Text: text, Photo: photo}, false)
	if _, err := ParseReadData(enc[:len(enc)-1], false); !errors.Is(err, app.ErrBadFrame) {
		t.Errorf("short data: want ErrBadFrame, got %v", err)
	}
	if _, err := ParseReadData(enc, true); !errors.Is(err, app.ErrBadFrame) {
		t.Errorf("plain read parsed as fingerprint read: want ErrBadFrame, got %v", err)
	}
}

// Every file under testdata/corrupt is a response a broken reader or line
// might produce; the parsers must refuse each one without panicking.
func TestCorruptResponses(t *testing.T) {
	files, _ := filepath.Glob("testdata/corrupt/*.bin")
	if len(files) == 0 {
		t.Fatal("no files in testdata/corrupt")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := decodeCard(data); err == nil {
				t.Fatal("a corrupt response was accepted as a card")
			}
		})
	}
}

// decodeCard runs a whole read response through every parser, as the driver
// does.
func decodeCard(data []byte) (app.IDCard, error) {
	for {
		body, n, err := ParseFrame(data)
		if errors.Is(err, ErrIncomplete) {
			return app.IDCard{}, err
		}
		data = data[n:]
		if err != nil {
			continue
		}
		r, err := ParseResponse(body)
		if err != nil {
			return app.IDCard{}, err
		}
		if r.SW3 != ResultOK {
			return app.IDCard{}, errors.New(ResultText(r.SW3))
		}
		d, err := ParseReadData(r.Data, false)
		if err != nil {
			return app.IDCard{}, err
		}
		return ParseText(d.Text, today)
	}
}

func FuzzParseFrame(f *testing.F) {
	f.Add(unhex(f, "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"))
	f.Add(unhex(f, "AA AA AA 96 69 00 04 00 00 80 84"))
	f.Fuzz(func(t *testing.T, data []byte) {
		buf := data
		for len(buf) > 0 {
			body, n, err := ParseFrame(buf)
			if n < 0 || n > len(buf) {
				t.Fatalf("n=%d out of range 0–%d", n, len(buf))
			}
			if err == nil {
				if !bytes.Equal(Encode(body), buf[n-len(body)-8:n]) {
					t.Fatalf("accepted frame does not re-encode to itself")
				}
			} else if !errors.Is(err, ErrIncomplete) && !errors.Is(err, app.ErrBadFrame) {
				t.Fatalf("unexpected error kind: %v", err)
			} else if errors.Is(err, app.ErrBadFrame) && n == 0 {
				t.Fatal("a bad frame must skip at least one byte, or the driver loops")
			}
			if errors.Is(err, ErrIncomplete) {
				break
			}
			buf = buf[n:]
		}
		_, _ = decodeCard(data)
	})
}

func FuzzParseText(f *testing.F) {
	f.Add(EncodeText(sampleCard(), 0))
	f.Add(EncodeText(sampleCard(), 'I'))
	f.Fuzz(func(t *testing.T, text []byte) {
		c, err := ParseText(text, today)
		if err != nil {
			return
		}
		if _, err := app.ParseIDNumber(string(c.Number), today); err != nil {
			t.Fatalf("accepted a card whose number fails the check: %v", err)
		}
		again, err := ParseText(EncodeText(c, 0), today)
		if err != nil || again.Name != c.Name || again.Number != c.Number {
			t.Fatalf("an accepted card does not survive a round trip: %v", err)
		}
	})
}
