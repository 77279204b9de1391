// Package wire is the protocol between a hall terminal and the central
// platform (DESIGN.md §5): the JSON bodies of enrolment, push, pull and
// resync, their limits, and the gzip framing of push bodies. Both sides
// import it, so a field is named in one place only.
//
// It holds types, limits and pure encoding helpers only: it must not open a
// network connection or a database, and it must not log (bodies carry
// personal data).
package wire

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/app/health"
)

// Paths of central's HTTP API.
const (
	PathHealth   = "/v1/health"
	PathEnrol    = "/v1/enrol"
	PathPush     = "/v1/push"
	PathChanges  = "/v1/changes"  // ?since=<cursor>
	PathSnapshot = "/v1/snapshot" // full resync
	PathOpinions = "/v1/opinions" // back-office decisions; admin token
	PathReport   = "/v1/report"   // a terminal's health, sent with its syncs
	PathQueue    = "/v1/queue"    // the hall's queue snapshot, from its hub (app.QueueSnapshot)
	// PathUpdates is where central serves signed update packages, one per
	// machine kind: PathUpdates + "linux-amd64.owu". ?current=VERSION answers
	// 204 No Content when the package is not newer than VERSION.
	PathUpdates = "/v1/updates/"
)

// Limits of one push batch.
const (
	MaxBatchOps   = 500
	MaxBatchBytes = 1 << 20 // the uncompressed JSON body
	// MaxOpPayload is the largest payload an operation may carry and still
	// fit a batch beside its envelope; a larger one is sent without it, as
	// Oversize, for central to refuse by name.
	MaxOpPayload = MaxBatchBytes - 4096
	// MaxChanges is the most changes one pull answer carries.
	MaxChanges = 1000
)

// MaxQueueSnapshot is the largest queue snapshot body, uncompressed.
const MaxQueueSnapshot = 4 << 20

// QueueAnswer is central's answer to a queue snapshot: the hall's snapshot
// version now.
type QueueAnswer struct {
	Version int64 `json:"version"`
}

// SecretHash is a terminal's secret as central keeps it: what it checks
// the terminal's credentials against, and what keys its hub's tickets'
// links (app.TicketKey).
func SecretHash(secret string) string {
	h := sha256.Sum256([]byte("onewindow-terminal-secret\x00" + secret))
	return hex.EncodeToString(h[:])
}

// Header names.
const (
	HeaderExpected = "X-Expected-Seq"      // on 409: the sequence central waits for
	HeaderVersion  = "X-Onewindow-Version" // on an update package: the version it holds
)

// Op is one outbox operation on the wire.
type Op struct {
	Seq      int64           `json:"seq"`
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Entity   string          `json:"entity"`
	Created  time.Time       `json:"created"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	Oversize bool            `json:"oversize,omitempty"` // the payload exceeded MaxOpPayload and was left out
}

// FromOperation turns an outbox operation into its wire form.
func FromOperation(o app.Operation) Op {
	op := Op{Seq: o.Seq, ID: o.ID, Kind: o.Kind, Entity: o.Entity, Created: o.Created.UTC()}
	if len(o.Payload) > MaxOpPayload {
		op.Oversize = true
	} else {
		op.Payload = o.Payload
	}
	return op
}

// PushBatch is what a terminal sends: its operations in sequence order,
// without gaps.
type PushBatch struct {
	Terminal string `json:"terminal"`
	Ops      []Op   `json:"ops"`
}

// Validate checks the envelope: the count, the order and the fields every
// operation needs. Payloads are checked by whoever applies them.
func (b PushBatch) Validate() error {
	var p app.Problems
	if b.Terminal == "" {
		p.Add("terminal", "is empty")
	}
	if len(b.Ops) == 0 {
		p.Add("ops", "the batch is empty")
	}
	if len(b.Ops) > MaxBatchOps {
		p.Add("ops", fmt.Sprintf("%d operations; at most %d in one batch", len(b.Ops), MaxBatchOps))
	}
	for i, op := range b.Ops {
		where := fmt.Sprintf("ops[%d]", i)
		if op.Seq < 1 {
			p.Add(where+".seq", "must be 1 or more")
		}
		if i > 0 && op.Seq != b.Ops[i-1].Seq+1 {
			p.Add(where+".seq", fmt.Sprintf("is %d after %d; a batch must run without gaps", op.Seq, b.Ops[i-1].Seq))
		}
		if op.ID == "" || len(op.ID) > 64 {
			p.Add(where+".id", "must be 1–64 characters")
		}
		if op.Kind == "" {
			p.Add(where+".kind", "is empty")
		}
		if op.Entity == "" {
			p.Add(where+".entity", "is empty")
		}
		if len(p) > 20 {
			p.Add("ops", "more problems follow")
			break
		}
	}
	return p.Err(app.ErrInvalidInput)
}

// Rejected is central's refusal of one operation, with the reason in words
// staff understand.
type Rejected struct {
	Seq    int64  `json:"seq"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// PushAnswer is central's answer to a batch: the highest sequence it holds
// from this terminal (applied or refused) and the refusals in the batch.
type PushAnswer struct {
	Held     int64      `json:"held"`
	Applied  int        `json:"applied"`
	Skipped  int        `json:"skipped"` // already held: sent again after a lost answer
	Rejected []Rejected `json:"rejected,omitempty"`
}

// Change kinds in a pull answer.
const (
	ChangeCatalog  = "catalog"
	ChangeHall     = "hall"
	ChangeCalendar = "calendar"
	ChangeDecision = "decision"
	// ChangeBooking is a booking taken, cancelled or checked in
	// (app.Booking); central sends it to the hall's hub only.
	ChangeBooking = "booking"
)

// Change is one change central publishes to a hall; Body is the catalogue
// (app.Catalog), hall set-up (app.Hall), calendar ([]app.CalendarDay) or
// decision (app.CentralDecision) as JSON.
type Change struct {
	Version int64           `json:"version"`
	Kind    string          `json:"kind"`
	Body    json.RawMessage `json:"body"`
}

// ChangesAnswer is central's answer to a pull: the changes after the
// cursor asked for, in version order, and the cursor to ask from next.
// More says another pull would return more right away.
type ChangesAnswer struct {
	// Suite is the crypto suite central's province uses (suite.Intl or
	// suite.GM): a terminal seals what it records from then on under it.
	Suite   string   `json:"suite,omitempty"`
	Cursor  int64    `json:"cursor"`
	More    bool     `json:"more"`
	Changes []Change `json:"changes"`
}

// Snapshot is a full resync: everything the hall needs now, and the cursor
// it is current to.
type Snapshot struct {
	Suite     string                `json:"suite,omitempty"` // as ChangesAnswer.Suite
	Cursor    int64                 `json:"cursor"`
	Catalog   *app.Catalog          `json:"catalog,omitempty"`
	Hall      *app.Hall             `json:"hall,omitempty"`
	Calendar  *[]app.CalendarDay    `json:"calendar,omitempty"`
	Decisions []app.CentralDecision `json:"decisions"`
	// Bookings are the hall's bookings from today on (the hub's only).
	Bookings []app.Booking `json:"bookings,omitempty"`
}

// EnrolRequest exchanges a one-time code for the terminal's own secret.
type EnrolRequest struct {
	Code     string `json:"code"`
	Terminal string `json:"terminal"`
}

// EnrolAnswer is the terminal's identity and secret. The secret is shown
// once and central keeps only its hash.
type EnrolAnswer struct {
	Terminal string `json:"terminal"`
	Hall     string `json:"hall"`
	Secret   string `json:"secret"`
	// Suite is the crypto suite of central's province (as
	// ChangesAnswer.Suite), so the terminal's first records use it.
	Suite string `json:"suite,omitempty"`
	// Held is the last operation central holds under this terminal code,
	// 0 for a new one. A terminal enrolled again with a wiped database
	// numbers its outbox on after it, so that its operations follow what
	// central holds instead of being refused as a gap or a conflict.
	Held int64 `json:"held,omitempty"`
	// LastCase is the highest case sequence central holds under this
	// terminal code: a wiped terminal numbers its cases on after it and
	// never issues a case number twice.
	LastCase int64 `json:"last_case,omitempty"`
}

// Bundle is what an administrator hands a technician to enrol one terminal:
// where central is, the one-time code, and the CA to pin.
type Bundle struct {
	Central  string    `json:"central"`
	Terminal string    `json:"terminal"`
	Hall     string    `json:"hall"`
	Code     string    `json:"code"`
	CAPEM    string    `json:"ca_pem,omitempty"`
	Expires  time.Time `json:"expires"`
}

// Opinion is a department's opinion on a case, sent by a back office.
type Opinion struct {
	Case       string `json:"case"`
	Department string `json:"department"`
	Approve    bool   `json:"approve"`
	Reason     string `json:"reason,omitempty"`
}

// OpinionAnswer says where the case stands after an opinion.
type OpinionAnswer struct {
	Case     string        `json:"case"`
	Decision app.CaseState `json:"decision"` // in_review until every department has decided
	Waiting  []string      `json:"waiting,omitempty"`
}

// Report is a terminal's health as it sends it to central with its syncs:
// what it is and the checks of app/health. Checks never carry personal
// data (app/health says so of every check), so neither does a report.
type Report struct {
	Role    string        `json:"role"`    // kiosk, window, hub, display
	Version string        `json:"version"` // the onewindow build it runs
	Health  health.Report `json:"health"`
}

// Limits of a report.
const (
	MaxReportBytes  = 64 << 10
	MaxReportChecks = 64
	maxCheckText    = 1000 // characters in a check's name, detail or next step
)

// Fit cuts a report to the limits Validate holds it to: a check's texts to
// their length, the list of checks to its count (the worst kept first is
// not attempted: the checks keep their order). A terminal sends its report
// fitted, so that one long detail never keeps all of it from central.
func (r *Report) Fit() {
	if len(r.Health.Checks) > MaxReportChecks {
		r.Health.Checks = r.Health.Checks[:MaxReportChecks]
	}
	cut := func(s string) string {
		if len(s) <= maxCheckText { // bytes ≥ runes: nothing to cut
			return s
		}
		if rs := []rune(s); len(rs) > maxCheckText {
			return string(rs[:maxCheckText-1]) + "…"
		}
		return s
	}
	for i := range r.Health.Checks {
		c := &r.Health.Checks[i]
		c.Name, c.Detail, c.Next = cut(c.Name), cut(c.Detail), cut(c.Next)
	}
}

// Validate checks a report's fields and sizes.
func (r Report) Validate() error {
	var p app.Problems
	if !codeLike(r.Role, 20) {
		p.Add("role", "must be 1–20 letters, like kiosk")
	}
	if len(r.Version) > 100 {
		p.Add("version", "is longer than 100 characters")
	}
	if r.Health.At.IsZero() {
		p.Add("health.at", "is missing: when were the checks made?")
	}
	if len(r.Health.Checks) > MaxReportChecks {
		p.Add("health.checks", fmt.Sprintf("%d checks; at most %d", len(r.Health.Checks), MaxReportChecks))
	}
	for i, c := range r.Health.Checks {
		where := fmt.Sprintf("health.checks[%d]", i)
		if c.Name == "" {
			p.Add(where+".name", "is empty")
		}
		if c.Verdict < health.OK || c.Verdict > health.Fail {
			p.Add(where+".verdict", "is not ok, skip, warn or fail")
		}
		if len([]rune(c.Name)) > maxCheckText || len([]rune(c.Detail)) > maxCheckText || len([]rune(c.Next)) > maxCheckText {
			p.Add(where, fmt.Sprintf("a text is longer than %d characters", maxCheckText))
		}
		if len(p) > 20 {
			break
		}
	}
	return p.Err(app.ErrInvalidInput)
}

func codeLike(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// Health is central's health answer.
type Health struct {
	OK      bool      `json:"ok"`
	Store   string    `json:"store"` // sqlite or postgres
	Version int64     `json:"version"`
	Time    time.Time `json:"time"`
}

// Problem is the body of every 4xx and 5xx answer.
type Problem struct {
	Error    string `json:"error"`
	Expected int64  `json:"expected,omitempty"` // on 409: the sequence central waits for
}

// ErrTooLarge means a body exceeds the limit it is read under.
var ErrTooLarge = errors.New("the body is larger than allowed")

// Compress gzips an encoded push body. BestSpeed: a terminal's CPU is
// slow, and JSON compresses well at any level.
func Compress(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw)/4 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// gzipWriters keeps compressors for reuse: each holds most of a megabyte of
// tables, and a drain compresses a batch every few milliseconds.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// ReadBody reads a body that may be gzip-compressed, refusing more than
// limit bytes after decompression, so a small bomb cannot fill memory.
func ReadBody(r io.Reader, gzipped bool, limit int64) ([]byte, error) {
	if gzipped {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("the body is not valid gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	var buf bytes.Buffer
	if size, ok := r.(interface{ Len() int }); ok && !gzipped {
		buf.Grow(min(size.Len(), int(limit)) + 1)
	} else {
		buf.Grow(64 << 10)
	}
	_, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// Decode decodes a JSON body strictly: unknown fields and trailing data are
// refused, with the line of the problem.
func Decode(data []byte, v any) error {
	if err := app.DecodeStrict(data, v); err != nil {
		return fmt.Errorf("%w: %v", app.ErrInvalidInput, err)
	}
	return nil
}

// BatchBody builds the gzip body of a batch from the first operations that
// fit wire's limits, and says how many that is. Payloads are the store's
// own compact JSON and go in as they are; only the envelopes are encoded.
func BatchBody(terminal string, ops []app.Operation) (body []byte, raw, n int, err error) {
	var buf bytes.Buffer
	buf.Grow(MaxBatchBytes / 2)
	buf.WriteString(`{"terminal":`)
	writeString(&buf, terminal)
	buf.WriteString(`,"ops":[`)
	var one bytes.Buffer
	for i, o := range ops {
		// The payload is the store's own JSON, sealed since: it goes in as
		// it is, without a second encoding.
		w := FromOperation(o)
		one.Reset()
		fmt.Fprintf(&one, `{"seq":%d,"id":`, w.Seq)
		writeString(&one, w.ID)
		one.WriteString(`,"kind":`)
		writeString(&one, w.Kind)
		one.WriteString(`,"entity":`)
		writeString(&one, w.Entity)
		one.WriteString(`,"created":"`)
		one.WriteString(w.Created.Format(time.RFC3339Nano))
		one.WriteByte('"')
		if w.Oversize {
			one.WriteString(`,"oversize":true`)
		} else {
			one.WriteString(`,"payload":`)
			one.Write(w.Payload)
		}
		one.WriteByte('}')
		if i > 0 && buf.Len()+one.Len()+3 > MaxBatchBytes {
			break
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(one.Bytes())
		n++
	}
	buf.WriteString(`]}`)
	body, err = Compress(buf.Bytes())
	return body, buf.Len(), n, err
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}
