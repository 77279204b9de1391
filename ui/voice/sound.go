// Package voice says the hall's calls and the kiosk's prompts aloud: it
// loads a voice pack of WAV clips (the embedded default or a hall's own
// recordings), strings clips into one announcement, and plays it on the
// machine's sound device through oto. With no clips for a call it plays a
// chime; with no sound device it logs that once and stays silent, and the
// screens carry on.
//
// It holds no rule about what is said: app.CallClips decides that.
package voice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"

	"onewindow/app"
	"onewindow/assets/voice"
)

// Rate is the sample rate everything is played at; clips at other rates
// are resampled when loaded.
const Rate = 22050

// Pack is a voice pack: each clip's samples, mono, at Rate.
type Pack map[string][]float32

// ErrBadWAV means a clip is not a WAV file this package can play.
var ErrBadWAV = errors.New("not a 16-bit PCM WAV file")

// DefaultPack is the pack embedded in the binary.
func DefaultPack() (Pack, error) { return LoadPack(voice.Default, "default") }

// LoadPack reads every .wav file in dir of fsys. A file that cannot be
// read is an error naming it: a hall that records its own pack should
// hear about a bad clip at start, not at the first call.
func LoadPack(fsys fs.FS, dir string) (Pack, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	p := Pack{}
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(path.Ext(e.Name()), ".wav") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		s, err := DecodeWAV(data)
		if err != nil {
			return nil, fmt.Errorf("voice clip %s: %w", e.Name(), err)
		}
		p[strings.TrimSuffix(e.Name(), path.Ext(e.Name()))] = s
	}
	return p, nil
}

// Over returns p with the clips of hall laid over it: a hall's pack may
// record only some clips.
func (p Pack) Over(hall Pack) Pack {
	out := Pack{}
	for k, v := range p {
		out[k] = v
	}
	for k, v := range hall {
		out[k] = v
	}
	return out
}

// gap is the pause between two clips of one announcement.
const gap = Rate / 20

// Sequence strings the named clips together with short pauses. It fails,
// naming the missing clips, unless the pack has every one: half a call is
// worse than a chime.
func (p Pack) Sequence(names []string) ([]float32, error) {
	var missing []string
	var out []float32
	for _, n := range names {
		c, ok := p[n]
		if !ok {
			missing = append(missing, n)
			continue
		}
		out = append(out, c...)
		out = append(out, make([]float32, gap)...)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the voice pack has no clip for %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// Chime is a two-tone "ding-dong", for a call when no voice can say it.
func Chime() []float32 {
	tone := func(freq float64, d time.Duration) []float32 {
		n := int(d.Seconds() * Rate)
		s := make([]float32, n)
		for i := range s {
			env := math.Exp(-3 * float64(i) / float64(n))
			s[i] = float32(0.4 * env * math.Sin(2*math.Pi*freq*float64(i)/Rate))
		}
		return s
	}
	return append(tone(880, 500*time.Millisecond), tone(659.25, 800*time.Millisecond)...)
}

// DecodeWAV reads a 16-bit PCM WAV file into mono samples at Rate, with
// the silence at both ends trimmed.
func DecodeWAV(data []byte) ([]float32, error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return nil, ErrBadWAV
	}
	var channels, bits, format uint16
	var rate uint32
	var pcm []byte
	for off := 12; off+8 <= len(data); {
		id, size := string(data[off:off+4]), int(binary.LittleEndian.Uint32(data[off+4:]))
		body := data[off+8:]
		if size > len(body) {
			size = len(body) // espeak-ng, writing to a pipe, cannot go back to fill in the real size
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, ErrBadWAV
			}
			format = binary.LittleEndian.Uint16(body)
			channels = binary.LittleEndian.Uint16(body[2:])
			rate = binary.LittleEndian.Uint32(body[4:])
			bits = binary.LittleEndian.Uint16(body[14:])
		case "data":
			pcm = body
		}
		off += 8 + size + size%2
	}
	if format != 1 || bits != 16 || channels == 0 || channels > 2 || rate < 8000 || rate > 192000 || pcm == nil {
		return nil, fmt.Errorf("%w (format %d, %d bits, %d channels, %d Hz)", ErrBadWAV, format, bits, channels, rate)
	}
	frames := len(pcm) / (2 * int(channels))
	mono := make([]float32, frames)
	for i := range mono {
		var sum float32
		for c := 0; c < int(channels); c++ {
			sum += float32(int16(binary.LittleEndian.Uint16(pcm[(i*int(channels)+c)*2:]))) / 32768
		}
		mono[i] = sum / float32(channels)
	}
	return trim(resample(mono, int(rate))), nil
}

func resample(s []float32, from int) []float32 {
	if from == Rate || len(s) < 2 {
		return s
	}
	n := int(int64(len(s)) * Rate / int64(from))
	out := make([]float32, n)
	for i := range out {
		x := float64(i) * float64(from) / Rate
		j := int(x)
		if j >= len(s)-1 {
			out[i] = s[len(s)-1]
			continue
		}
		f := float32(x - float64(j))
		out[i] = s[j]*(1-f) + s[j+1]*f
	}
	return out
}

// trim cuts silence at both ends, keeping a few milliseconds so speech
// does not start with a click.
func trim(s []float32) []float32 {
	const quiet, keep = 0.01, Rate / 100
	start, end := 0, len(s)
	for start < end && abs(s[start]) < quiet {
		start++
	}
	for end > start && abs(s[end-1]) < quiet {
		end--
	}
	return s[max(0, start-keep):min(len(s), end+keep)]
}

func abs(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// Speaker plays announcements one after another on the sound device. A
// process has one (oto allows one context): Open returns the same one.
type Speaker struct {
	ctx   *oto.Context
	queue chan []float32
	log   *slog.Logger
}

var (
	openOnce sync.Once
	speaker  *Speaker
)

// Open returns the process's speaker. Without a sound device it logs so
// once and returns a speaker that stays silent.
func Open(log *slog.Logger) *Speaker {
	openOnce.Do(func() {
		speaker = &Speaker{queue: make(chan []float32, 16), log: log}
		// ALSA's messages while oto looks for a device go to the log with
		// the warning below, not to stderr line by line.
		alsaDone := quietALSA()
		ctx, ready, err := oto.NewContext(&oto.NewContextOptions{SampleRate: Rate, ChannelCount: 1, Format: oto.FormatFloat32LE})
		if err == nil {
			<-ready
			// oto opens the device in the background: a machine without
			// one reports it only now.
			err = ctx.Err()
		}
		if n, first := alsaDone(); err != nil {
			log.Warn("no sound device: calls are shown on screen only", "err", err, "alsa_messages", n, "alsa_first", first)
			return
		}
		speaker.ctx = ctx
		go speaker.run()
	})
	return speaker
}

// Available reports whether there is a sound device to play on.
func (s *Speaker) Available() bool { return s != nil && s.ctx != nil }

// Play queues samples to play after what is queued already. A full queue
// drops the oldest wish, not the newest: a hall hears the latest call.
func (s *Speaker) Play(samples []float32) {
	if !s.Available() {
		return
	}
	select {
	case s.queue <- samples:
	default:
		select {
		case <-s.queue:
		default:
		}
		s.queue <- samples
	}
}

func (s *Speaker) run() {
	for samples := range s.queue {
		buf := make([]byte, 4*len(samples))
		for i, v := range samples {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		p := s.ctx.NewPlayer(bytes.NewReader(buf))
		p.Play()
		for p.IsPlaying() {
			time.Sleep(20 * time.Millisecond)
		}
		if err := p.Close(); err != nil {
			s.log.Warn("sound", "err", err)
		}
	}
}

// Announcer says calls and prompts with a pack on a speaker.
type Announcer struct {
	Pack    Pack
	Speaker *Speaker
	Log     *slog.Logger
}

// Call says "请 A012 号到 5 号窗口办理", or chimes when the pack cannot.
func (a *Announcer) Call(code string, window int) { a.Speaker.Play(a.call(code, window)) }

func (a *Announcer) call(code string, window int) []float32 {
	s, err := a.Pack.Sequence(app.CallClips(code, window))
	if err != nil {
		if a.Log != nil && len(a.Pack) > 0 {
			a.Log.Warn("voice pack incomplete: chiming instead", "err", err)
		}
		return Chime()
	}
	return s
}

// Prompt says one of the kiosk's prompts; a pack without it stays silent.
func (a *Announcer) Prompt(name string) {
	if s, ok := a.Pack[name]; ok {
		a.Speaker.Play(s)
	}
}
