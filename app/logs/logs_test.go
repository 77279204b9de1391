package logs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriterRotatesBySizeAndKeepsWholeLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, err := NewWriter(dir, 1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 99) + "\n") // 100 bytes
	for range 95 {
		if _, err := w.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{FileName, FileName + ".1", FileName + ".2", FileName + ".3"}
	if len(files) != len(want) {
		t.Fatalf("want %v (the rest rotated away), got %v", want, files)
	}
	for i, f := range files {
		if filepath.Base(f) != want[i] {
			t.Errorf("file %d: want %s, got %s", i, want[i], filepath.Base(f))
		}
		data, _ := os.ReadFile(f)
		if len(data) > 1000 || len(data)%100 != 0 {
			t.Errorf("%s: %d bytes; want at most 1000, whole 100-byte lines", f, len(data))
		}
	}
	// 95 lines of 10 a file: the newest holds the last 5.
	if data, _ := os.ReadFile(files[0]); len(data) != 500 {
		t.Errorf("the current file: want 500 bytes, got %d", len(data))
	}
}

func TestWriterAppendsAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i := range 2 {
		log, c, err := New(dir, slog.LevelInfo, nil)
		if err != nil {
			t.Fatal(err)
		}
		log.Info("started", "run", i)
		c.Close()
	}
	data, _ := os.ReadFile(filepath.Join(dir, FileName))
	if n := strings.Count(string(data), `"msg":"started"`); n != 2 {
		t.Fatalf("want both runs' lines in one file, got %d:\n%s", n, data)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	in := `role = "kiosk"
[hub]
address = "192.168.10.2:7100"
hall_key = "0123456789abcdef0123456789abcdef"
hall_key_file = "/etc/onewindow/hall.key"
[technician]
pin = "864201"
admin_token="s3cr3t-token"
# a comment about the pin stays
central_password = 'hunter2'`
	out := Redact(in)
	for _, secret := range []string{"0123456789abcdef", "864201", "s3cr3t-token", "hunter2"} {
		if strings.Contains(out, secret) {
			t.Errorf("want %q redacted, got:\n%s", secret, out)
		}
	}
	for _, kept := range []string{`address = "192.168.10.2:7100"`, `hall_key_file = "/etc/onewindow/hall.key"`, "# a comment about the pin stays", `hall_key = "(redacted)"`, `pin = "(redacted)"`} {
		if !strings.Contains(out, kept) {
			t.Errorf("want %q kept, got:\n%s", kept, out)
		}
	}
}

func TestWriteBundle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("line\n"), 0o600)
	var buf bytes.Buffer
	err := WriteBundle(&buf, []Entry{
		{Name: "doctor.txt", Data: []byte("all ok\n")},
		{Name: "logs/a.log", From: filepath.Join(dir, "a.log")},
		{Name: "logs/gone.log", From: filepath.Join(dir, "gone.log")},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := untar(t, buf.Bytes())
	if got["doctor.txt"] != "all ok\n" || got["logs/a.log"] != "line\n" || !strings.Contains(got["NOTES.txt"], "logs/gone.log: not included") {
		t.Fatalf("bundle holds %v", got)
	}
}

func untar(t *testing.T, data []byte) map[string]string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b)
	}
}
