package logs

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// secretKey matches a TOML line whose key names a secret: the hall key
// itself, a technician's PIN, and anything that looks like a password,
// token or central credential. A key naming a file of a secret
// (hall_key_file) is kept: the path helps support, the file is not sent.
var secretKey = regexp.MustCompile(`(?i)^(\s*"?([a-z0-9_.-]*(hall_key|pin|secret|password|passwd|token|credential|private_key)[a-z0-9_.-]*)"?\s*=)(.*)$`)

// Redact returns the configuration text with the value of every secret
// setting replaced, line by line, so comments and layout survive for
// support to read. A multi-line value after a secret key is cut to
// nothing: a key is never a multi-line string, so such a line is a mistake
// that must not leak either.
func Redact(config string) string {
	lines := strings.Split(config, "\n")
	for i, line := range lines {
		m := secretKey.FindStringSubmatch(line)
		if m == nil || strings.HasSuffix(strings.ToLower(m[2]), "_file") {
			continue
		}
		lines[i] = m[1] + ` "(redacted)"`
	}
	return strings.Join(lines, "\n")
}

// Entry is one file of a support bundle.
type Entry struct {
	Name string // path inside the archive
	Data []byte
	// From, when set, is a file on disk copied instead of Data.
	From string
}

// WriteBundle writes the entries as a gzip-compressed tar archive. Files
// that cannot be read become a note in the archive rather than a failure:
// a support bundle is most needed when something is broken.
func WriteBundle(w io.Writer, entries []Entry, now time.Time) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	var notes []string
	add := func(name string, data []byte) error {
		hdr := &tar.Header{Name: name, Mode: 0o640, Size: int64(len(data)), ModTime: now, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	for _, e := range entries {
		data := e.Data
		if e.From != "" {
			b, err := os.ReadFile(e.From)
			if err != nil {
				notes = append(notes, fmt.Sprintf("%s: not included: %v", e.Name, err))
				continue
			}
			data = b
		}
		if err := add(filepath.ToSlash(e.Name), data); err != nil {
			return fmt.Errorf("support bundle: %w", err)
		}
	}
	if len(notes) > 0 {
		if err := add("NOTES.txt", []byte(strings.Join(notes, "\n")+"\n")); err != nil {
			return fmt.Errorf("support bundle: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("support bundle: %w", err)
	}
	return gz.Close()
}
