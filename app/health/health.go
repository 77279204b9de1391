// Package health is the terminal's self-examination as a technician reads it:
// a Report is a list of Checks, each with a verdict and, when it is not well,
// the next step in plain words. `onewindow doctor`, the technician's status
// page and the health a terminal reports to central all speak these types.
//
// The checks here need nothing but the standard library and the terminal's
// own files and database: the configuration, the database's integrity, the
// disk, the outbox and the clock. Checks that talk to a serial device or the
// network live under device/ and sync/ and return the same Check. Nothing in
// a Check may carry personal data: it is printed, logged and sent to central.
package health

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Verdict is how one check came out.
type Verdict int

// Verdicts, from best to worst. Warn is for a state the hall can work in but
// a technician should hear of (paper near its end, a backlog building up);
// Skip for a check that does not apply to this terminal or could not run
// because an earlier one failed.
const (
	OK Verdict = iota
	Skip
	Warn
	Fail
)

func (v Verdict) String() string {
	switch v {
	case OK:
		return "ok"
	case Skip:
		return "skip"
	case Warn:
		return "warn"
	case Fail:
		return "FAIL"
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}

// MarshalText writes the verdict as its lower-case word, for JSON.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(strings.ToLower(v.String())), nil }

// UnmarshalText reads what MarshalText wrote.
func (v *Verdict) UnmarshalText(b []byte) error {
	for _, c := range []Verdict{OK, Skip, Warn, Fail} {
		if strings.EqualFold(string(b), c.String()) {
			*v = c
			return nil
		}
	}
	return fmt.Errorf("health: %q is not a verdict; want ok, skip, warn or fail", b)
}

// Check is one item of the report.
type Check struct {
	Name    string  `json:"name"`           // what was checked: "database integrity"
	Verdict Verdict `json:"verdict"`        // how it came out
	Detail  string  `json:"detail"`         // what was found, in a line
	Next    string  `json:"next,omitempty"` // what to do about it; empty when OK
}

// Report is every check of one run.
type Report struct {
	Terminal string    `json:"terminal,omitempty"`
	At       time.Time `json:"at"`
	Checks   []Check   `json:"checks"`
}

// Add appends checks to the report.
func (r *Report) Add(c ...Check) { r.Checks = append(r.Checks, c...) }

// Worst is the worst verdict in the report; OK for an empty one.
func (r Report) Worst() Verdict {
	w := OK
	for _, c := range r.Checks {
		w = max(w, c.Verdict)
	}
	return w
}

// Failed reports whether any check failed.
func (r Report) Failed() bool { return r.Worst() == Fail }

// Count counts the checks with verdict v.
func (r Report) Count(v Verdict) int {
	n := 0
	for _, c := range r.Checks {
		if c.Verdict == v {
			n++
		}
	}
	return n
}

// NotWell is the checks that warn or fail, worst first, in report order
// within a verdict: what a technician must look at.
func (r Report) NotWell() []Check {
	var out []Check
	for _, v := range []Verdict{Fail, Warn} {
		for _, c := range r.Checks {
			if c.Verdict == v {
				out = append(out, c)
			}
		}
	}
	return out
}

// WriteText prints the report for a technician: one line per check, its
// verdict first so a column of FAIL stands out, the next step indented
// under it, and a closing line that says what the exit code will say.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	if r.Terminal != "" {
		fmt.Fprintf(&b, "onewindow doctor — %s — %s\n\n", r.Terminal, r.At.Format("2006-01-02 15:04:05 MST"))
	} else {
		fmt.Fprintf(&b, "onewindow doctor — %s\n\n", r.At.Format("2006-01-02 15:04:05 MST"))
	}
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "[%-4s] %-*s  %s\n", c.Verdict, width, c.Name, c.Detail)
		if c.Next != "" && c.Verdict != OK {
			fmt.Fprintf(&b, "       %*s  → %s\n", width, "", c.Next)
		}
	}
	b.WriteString("\n")
	switch fails, warns := r.Count(Fail), r.Count(Warn); {
	case fails > 0:
		fmt.Fprintf(&b, "%d of %d checks failed, %d warnings: follow the → steps above, top to bottom.\n", fails, len(r.Checks), warns)
	case warns > 0:
		fmt.Fprintf(&b, "All checks passed, with %d warnings.\n", warns)
	default:
		fmt.Fprintf(&b, "All %d checks passed.\n", len(r.Checks))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as one JSON document, for central and scripts.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
