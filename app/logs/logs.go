// Package logs writes a terminal's log: structured lines (log/slog, JSON)
// into a folder, in files rotated by size so that a terminal left alone for a
// year never fills its disk, and it bundles those files with the doctor's
// report and the configuration, secrets redacted, into one archive a
// technician sends to support.
//
// The rotating writer is our own rather than a module such as lumberjack:
// the terminal needs only size-based rotation with a fixed number of old
// files, which is some eighty lines with no background goroutine, no
// compression pass and no clock, so it behaves the same in a test as on a
// kiosk. The package must not add personal data to what it is given, and it
// never copies the hall key, PINs or central credentials into a bundle.
package logs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Defaults for a terminal: ten files of 10 MiB is months of info-level
// lines and still small next to the database.
const (
	DefaultMaxBytes = 10 << 20
	DefaultKeep     = 9
	FileName        = "onewindow.log"
)

// Writer appends to dir/onewindow.log and, when a write would take the
// file past MaxBytes, renames it to onewindow.log.1 (the older ones moving
// up to .2, … and the oldest beyond Keep removed) and starts a new one. A
// line is never split across two files.
type Writer struct {
	dir      string
	maxBytes int64
	keep     int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// NewWriter opens (creating) the log in dir. maxBytes ≤ 0 and keep < 0 take
// the defaults.
func NewWriter(dir string, maxBytes int64, keep int) (*Writer, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if keep < 0 {
		keep = DefaultKeep
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("log folder: %w", err)
	}
	w := &Writer{dir: dir, maxBytes: maxBytes, keep: keep}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Writer) path(n int) string {
	if n == 0 {
		return filepath.Join(w.dir, FileName)
	}
	return filepath.Join(w.dir, FileName+"."+strconv.Itoa(n))
}

func (w *Writer) open() error {
	// 0640: logs carry no personal data, but they do carry the hall's
	// layout and addresses, which are not for every user of the machine.
	f, err := os.OpenFile(w.path(0), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log file: %w", err)
	}
	w.f, w.size = f, fi.Size()
	return nil
}

// Write writes p, rotating first if p would not fit. slog hands over one
// whole line per call, so lines stay whole.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return 0, os.ErrClosed
	}
	if w.size > 0 && w.size+int64(len(p)) > w.maxBytes {
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

func (w *Writer) rotate() error {
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("log rotation: %w", err)
	}
	w.f = nil
	os.Remove(w.path(w.keep))
	for n := w.keep - 1; n >= 0; n-- {
		if err := os.Rename(w.path(n), w.path(n+1)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("log rotation: %w", err)
		}
	}
	if w.keep == 0 {
		os.Remove(w.path(1))
	}
	return w.open()
}

// Close closes the current file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// Files lists the log files in dir, newest first.
func Files(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, FileName+"*"))
	if err != nil {
		return nil, err
	}
	num := func(p string) int {
		s := strings.TrimPrefix(filepath.Base(p), FileName)
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "."))
		return n
	}
	sort.Slice(m, func(i, j int) bool { return num(m[i]) < num(m[j]) })
	return m, nil
}

// New is the terminal's logger: JSON lines at level into a rotating log in
// dir, and also to also (stderr under systemd, which the journal keeps) when
// it is not nil. The caller closes the returned closer at exit.
func New(dir string, level slog.Level, also io.Writer) (*slog.Logger, io.Closer, error) {
	w, err := NewWriter(dir, 0, -1)
	if err != nil {
		return nil, nil, err
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if also != nil {
		h = fanout{h, slog.NewTextHandler(also, opts)}
	}
	return slog.New(h), w, nil
}

// fanout sends every record to each of its handlers.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var first error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
