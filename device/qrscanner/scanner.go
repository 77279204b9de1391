// Package qrscanner reads a QR or barcode scanner on a serial port: each scan
// is a line ending in CR, LF or CR LF; a scan repeated while the code stays
// under the scanner is reported once; a line cut short by a glitch is
// dropped once the line stays quiet, so it never glues onto the next scan.
//
// It returns codes as text and decides nothing about them; it must not log
// them, since a scanned code can be a citizen's case or appointment number.
package qrscanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"onewindow/app"
	"onewindow/device/serialport"
)

var _ app.Scanner = (*Scanner)(nil)

// Config tunes the driver.
type Config struct {
	// Debounce is how long the same code is ignored after it was read.
	Debounce time.Duration
	// Gap is how long a line may wait for its end before it is dropped.
	Gap time.Duration
	// MaxLen bounds a line; a QR code holds at most about 3 KB.
	MaxLen int
	Clock  app.Clock
	Log    *slog.Logger
}

// Scanner is a scanner on a serial port.
type Scanner struct {
	port *serialport.Port
	cfg  Config
	log  *slog.Logger

	mu        sync.Mutex // one Next at a time
	buf       []byte
	partialAt time.Time
	skipping  bool // dropping the rest of an overlong line, up to its end
	last      string
	lastAt    time.Time
}

// New reads the scanner on port.
func New(port *serialport.Port, cfg Config) *Scanner {
	if cfg.Debounce <= 0 {
		cfg.Debounce = 2 * time.Second
	}
	if cfg.Gap <= 0 {
		cfg.Gap = 500 * time.Millisecond
	}
	if cfg.MaxLen <= 0 {
		cfg.MaxLen = 4096
	}
	if cfg.Clock == nil {
		cfg.Clock = app.SystemClock{}
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scanner{port: port, cfg: cfg, log: log}
}

// Next waits for the next scan. A garbled line is returned as an error of
// kind app.ErrBadFrame, and the next call goes on reading.
func (s *Scanner) Next(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chunk := make([]byte, 256)
	for {
		for {
			line, ok, err := s.takeLine()
			if err != nil {
				return "", err
			}
			if !ok {
				break
			}
			if line == "" {
				continue
			}
			now := s.cfg.Clock.Now()
			if line == s.last && now.Sub(s.lastAt) < s.cfg.Debounce {
				s.lastAt = now
				continue
			}
			s.last, s.lastAt = line, now
			return line, nil
		}
		n, err := s.port.Read(chunk)
		now := s.cfg.Clock.Now()
		if (len(s.buf) > 0 || s.skipping) && now.Sub(s.partialAt) > s.cfg.Gap {
			if len(s.buf) > 0 {
				s.log.Warn("scanner: an unfinished scan was dropped", "bytes", len(s.buf))
			}
			s.buf, s.skipping = s.buf[:0], false
		}
		if n > 0 {
			if len(s.buf) == 0 {
				s.partialAt = now
			}
			data := chunk[:n]
			if s.skipping {
				i := bytes.IndexAny(data, "\r\n")
				if i < 0 {
					data = nil
				} else {
					data, s.skipping = data[i+1:], false
				}
			}
			s.buf = append(s.buf, data...)
		}
		if err != nil && !errors.Is(err, app.ErrDeviceTimeout) {
			s.buf = s.buf[:0]
			return "", err
		}
		// Checked after reading, so that even a caller out of time takes
		// in what the line holds and a half line is timed from its arrival.
		if err := ctx.Err(); err != nil {
			return "", err
		}
	}
}

// takeLine removes the first whole line from the buffer.
func (s *Scanner) takeLine() (string, bool, error) {
	i := bytes.IndexAny(s.buf, "\r\n")
	if i < 0 {
		if len(s.buf) > s.cfg.MaxLen {
			n := len(s.buf)
			s.buf, s.skipping = s.buf[:0], true
			return "", false, s.port.Errorf("scan", app.ErrBadFrame, "a line of more than %d bytes with no end (%d dropped)", s.cfg.MaxLen, n)
		}
		return "", false, nil
	}
	raw := append([]byte(nil), s.buf[:i]...)
	s.buf = s.buf[i+1:]
	s.partialAt = s.cfg.Clock.Now()
	line, err := decode(raw)
	if err != nil {
		return "", false, s.port.Errorf("scan", app.ErrBadFrame, "%v", err)
	}
	return strings.TrimSpace(line), true, nil
}

// decode reads a line as UTF-8, or as GB18030, which many scanners sold in
// China send; a line that is neither, or holds control characters, is noise.
func decode(raw []byte) (string, error) {
	if !utf8.Valid(raw) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return "", fmt.Errorf("%d bytes that are neither UTF-8 nor GB18030", len(raw))
		}
		raw = d
	}
	s := string(raw)
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) >= 0 {
		return "", fmt.Errorf("a line of %d bytes with control characters", len(raw))
	}
	return s, nil
}
