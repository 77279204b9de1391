package voice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"onewindow/app"
)

func wav(rate, channels int, samples []int16) []byte {
	var b bytes.Buffer
	data := len(samples) * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, uint16(1))
	binary.Write(&b, binary.LittleEndian, uint16(channels))
	binary.Write(&b, binary.LittleEndian, uint32(rate))
	binary.Write(&b, binary.LittleEndian, uint32(rate*channels*2))
	binary.Write(&b, binary.LittleEndian, uint16(channels*2))
	binary.Write(&b, binary.LittleEndian, uint16(16))
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	binary.Write(&b, binary.LittleEndian, samples)
	return b.Bytes()
}

func loud(n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(10000 * (1 - 2*((i/4)%2))) // a square wave, the same in both channels
	}
	return s
}

// TestDefaultPackSaysEveryCall: every clip a call can need is in the
// shipped pack, so no window number or ticket falls back to the chime.
func TestDefaultPackSaysEveryCall(t *testing.T) {
	p, err := DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		for _, w := range []int{1, 9, 10, 12, 20, 99, 100, 105, 110, 999} {
			if _, err := p.Sequence(app.CallClips(string(l)+"012", w)); err != nil {
				t.Fatalf("%c012 to window %d: %v", l, w, err)
			}
		}
	}
	for name, s := range p {
		if len(s) < Rate/20 || len(s) > 10*Rate {
			t.Errorf("clip %s lasts %d samples; a trimmed clip should last between 0.05 and 10 s", name, len(s))
		}
	}
	for _, name := range []string{"prompt-welcome", "prompt-card", "prompt-category", "prompt-ticket"} {
		if _, ok := p[name]; !ok {
			t.Errorf("the kiosk's prompt %s is missing", name)
		}
	}
}

func TestDecodeWAVTrimsResamplesAndMixes(t *testing.T) {
	silence := make([]int16, 4000)
	s, err := DecodeWAV(wav(44100, 2, append(append(silence, loud(8820)...), silence...)))
	if err != nil {
		t.Fatal(err)
	}
	// 4410 stereo frames of sound at 44.1 kHz are 0.1 s: 2205 samples at
	// 22.05 kHz, plus up to 10 ms kept at each end.
	if len(s) < 2200 || len(s) > 2205+2*Rate/100+2 {
		t.Errorf("decoded %d samples, want about 2205 once trimmed and resampled", len(s))
	}
}

func TestDecodeWAVRefusesWhatItCannotPlay(t *testing.T) {
	eight := wav(8000, 1, loud(100))
	binary.LittleEndian.PutUint16(eight[34:], 8) // 8-bit
	for name, data := range map[string][]byte{
		"empty": nil, "text": []byte("hello, this is not audio"), "8-bit": eight,
		"no data": wav(8000, 1, nil)[:36],
	} {
		if _, err := DecodeWAV(data); !errors.Is(err, ErrBadWAV) {
			t.Errorf("%s: err = %v, want ErrBadWAV", name, err)
		}
	}
}

func TestHallPackOverridesAndBadClipIsNamed(t *testing.T) {
	def, err := DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "please.wav"), wav(16000, 1, loud(1600)), 0o644)
	hall, err := LoadPack(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	p := def.Over(hall)
	if len(p["please"]) == len(def["please"]) || len(p["5"]) != len(def["5"]) {
		t.Errorf("the hall's clip should replace only 'please'")
	}
	bad := fstest.MapFS{"x/window.wav": {Data: []byte("garbage")}}
	if _, err := LoadPack(bad, "x"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("window.wav")) {
		t.Errorf("a bad clip should be named: %v", err)
	}
}

func TestMissingClipMeansNoSequence(t *testing.T) {
	p := Pack{"please": make([]float32, 10)}
	if _, err := p.Sequence(app.CallClips("A001", 5)); err == nil {
		t.Errorf("a pack without digits built a call")
	}
	if len(Chime()) < Rate {
		t.Errorf("the chime is shorter than a second")
	}
}

func TestAnnouncerChimesWithoutAPack(t *testing.T) {
	def, err := DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	chime := len(Chime())
	if got := len((&Announcer{}).call("A012", 5)); got != chime {
		t.Errorf("with no pack the call is %d samples, want the chime's %d", got, chime)
	}
	voiced := (&Announcer{Pack: def}).call("A012", 5)
	want, _ := def.Sequence(app.CallClips("A012", 5))
	if len(voiced) != len(want) || len(voiced) == chime {
		t.Errorf("with the default pack the call is %d samples, want the spoken %d", len(voiced), len(want))
	}
}
