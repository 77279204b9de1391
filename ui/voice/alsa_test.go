package voice

import (
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestOpenWritesNothingToStderr: opening the speaker on a machine without
// a sound card says so once, in the log, and nothing on stderr (ALSA wrote
// 32 "ALSA lib …" lines there from C). The test binary opens the speaker
// in a child process, so that what C writes to the process's stderr is
// seen; on a machine with a sound card it checks only that stderr stays
// clean.
func TestOpenWritesNothingToStderr(t *testing.T) {
	if os.Getenv("VOICE_OPEN_CHILD") == "1" {
		sp := Open(slog.New(slog.NewTextHandler(os.Stdout, nil)))
		if sp.Available() {
			os.Stdout.WriteString("sound device available\n")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenWritesNothingToStderr$")
	cmd.Env = append(os.Environ(), "VOICE_OPEN_CHILD=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the child: %v\n%s%s", err, out, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("opening the speaker wrote to stderr:\n%s", stderr.String())
	}
	if log := string(out); !strings.Contains(log, "sound device available") {
		if !strings.Contains(log, "no sound device") {
			t.Errorf("without a sound device the log should say so; it says:\n%s", log)
		}
		t.Logf("no sound device here; the log says:\n%s", log)
	}
}
