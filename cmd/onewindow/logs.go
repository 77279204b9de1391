package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"onewindow/app/config"
	"onewindow/app/logs"
	"onewindow/app/setup"
	"onewindow/app/store"
	"onewindow/sync/netcheck"
)

func init() {
	register(command{
		name:    "logs",
		summary: "bundle the logs, doctor's report and the configuration (secrets removed) for support",
		run:     runLogs,
		subs:    []string{"export"},
	})
}

const logsUsage = `Usage: onewindow logs export [-config FILE] [-o FILE]

Writes one .tar.gz file for support holding: this terminal's log files, the
journal of its onewindow services (when journalctl is there), doctor's
report as text and JSON, and the configuration file with the hall key, PINs
and any other secret setting replaced by "(redacted)". The hall key file,
the personal-data key and the database are never included. Logs carry no
personal data.
`

// terminalLogDir is where a terminal's log files go: inside its data
// folder, which the package creates with the right owner.
func terminalLogDir(cfg *config.Config) string { return filepath.Join(cfg.Paths.DataDir, "logs") }

// openTerminalLog is the terminal's rotating log for a technician's
// command. A log that cannot be opened (a read-only disk, a first run as
// another user) must not stop the command: its lines then go nowhere and
// the command's own output still says what happened.
func openTerminalLog(cfg *config.Config) (*slog.Logger, func()) {
	l, c, err := logs.New(terminalLogDir(cfg), cfg.Level(), nil)
	if err != nil {
		return slog.New(slog.DiscardHandler), func() {}
	}
	return l, func() { c.Close() }
}

// roleLogger is the log of a running role (hub, kiosk, window, display):
// the rotating files that doctor and logs export read, and stderr, which
// the journal keeps under systemd. If the files cannot be opened the role
// still runs, logging to stderr, and says why.
func roleLogger(cfg *config.Config, stderr io.Writer) (*slog.Logger, func()) {
	l, c, err := logs.New(terminalLogDir(cfg), cfg.Level(), stderr)
	if err != nil {
		l = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.Level()}))
		l.Warn("the log files cannot be opened; logging to standard error only", "dir", terminalLogDir(cfg), "err", err)
		return l, func() {}
	}
	return l, func() { c.Close() }
}

func runLogs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("logs", logsUsage)
	path := configFlag(fs)
	out := fs.String("o", "", "the bundle `file` to write (default: onewindow-support-TERMINAL-TIME.tar.gz here)")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() == 0 || fs.Arg(0) != "export" {
		fmt.Fprintf(stderr, "onewindow logs: say 'export'; run 'onewindow logs -h' for help\n")
		return 2
	}
	// The flags may come after export too (logs export -o FILE, --help).
	if code, done := parseFlagsNoArgs(fs, fs.Args()[1:], stdout, stderr); done {
		return code
	}
	now := time.Now()
	entries, terminal := supportEntries(ctx, *path, now)
	name := *out
	if name == "" {
		if terminal == "" {
			terminal = "unconfigured"
		}
		name = fmt.Sprintf("onewindow-support-%s-%s.tar.gz", terminal, now.Format("20060102-150405"))
	}
	var buf bytes.Buffer
	if err := logs.WriteBundle(&buf, entries, now); err != nil {
		fmt.Fprintf(stderr, "onewindow logs export: %v\n", err)
		return 1
	}
	if err := setup.WriteFileAtomic(name, buf.Bytes(), 0o640); err != nil {
		fmt.Fprintf(stderr, "onewindow logs export: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (%d files, %d KiB); send it to support\n", name, len(entries), (buf.Len()+1023)/1024)
	return 0
}

// supportEntries gathers what a support bundle holds. A configuration that
// does not load still goes in (redacted), since that is often the problem.
func supportEntries(ctx context.Context, path string, now time.Time) ([]logs.Entry, string) {
	r := diagnose(ctx, path, doctorOptions{net: netcheck.Options{Timeout: 5 * time.Second}, now: func() time.Time { return now }})
	var text, js bytes.Buffer
	r.WriteText(&text)
	r.WriteJSON(&js)
	entries := []logs.Entry{{Name: "doctor.txt", Data: text.Bytes()}, {Name: "doctor.json", Data: js.Bytes()}}
	if raw, err := os.ReadFile(path); err == nil {
		entries = append(entries, logs.Entry{Name: "onewindow.toml", Data: []byte(logs.Redact(string(raw)))})
	} else {
		entries = append(entries, logs.Entry{Name: "onewindow.toml", Data: []byte(fmt.Sprintf("not readable: %v\n", err))})
	}
	about := fmt.Sprintf("onewindow %s, %s/%s, %s, database schema %d\nbundle made %s\n",
		buildVersion(), runtime.GOOS, runtime.GOARCH, runtime.Version(), store.SchemaVersion(), now.Format(time.RFC3339))
	cfg, err := config.Load(path)
	terminal := ""
	if err == nil {
		terminal = cfg.Terminal
		about += "\n" + cfg.Summary()
		files, _ := logs.Files(terminalLogDir(cfg))
		for _, f := range files {
			entries = append(entries, logs.Entry{Name: "logs/" + filepath.Base(f), From: f})
		}
	}
	entries = append(entries, logs.Entry{Name: "about.txt", Data: []byte(about)})
	if j := journal(ctx); j != nil {
		entries = append(entries, logs.Entry{Name: "journal.txt", Data: j})
	}
	return entries, terminal
}

// journal is the last few thousand lines the journal holds of the onewindow
// services; nil where there is no journalctl (Windows, a container).
func journal(ctx context.Context) []byte {
	if _, err := exec.LookPath("journalctl"); err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "journalctl", "--no-pager", "-n", "5000", "-u", "onewindow*", "-u", "onewindow-kiosk-session*").Output()
	if err != nil && len(out) == 0 {
		return nil
	}
	return out
}

// buildVersion is the module version the binary was built as; packages
// built by 'make dist' stamp it with -ldflags -X main.version.
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// version is set at link time by make dist.
var version string
