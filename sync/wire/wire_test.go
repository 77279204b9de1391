package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/health"
)

func TestBatchValidate(t *testing.T) {
	op := func(seq int64) Op {
		return Op{Seq: seq, ID: "id" + string(rune('a'+seq)), Kind: app.OpCase, Entity: "C-1"}
	}
	many := make([]Op, MaxBatchOps+1)
	for i := range many {
		many[i] = op(int64(i + 1))
	}
	for _, tc := range []struct {
		name string
		b    PushBatch
		want string // "" when valid
	}{
		{"good", PushBatch{Terminal: "K1", Ops: []Op{op(4), op(5)}}, ""},
		{"no terminal", PushBatch{Ops: []Op{op(1)}}, "terminal: is empty"},
		{"empty", PushBatch{Terminal: "K1"}, "the batch is empty"},
		{"too many", PushBatch{Terminal: "K1", Ops: many}, "at most 500"},
		{"gap", PushBatch{Terminal: "K1", Ops: []Op{op(1), op(3)}}, "ops[1].seq: is 3 after 1"},
		{"zero sequence", PushBatch{Terminal: "K1", Ops: []Op{op(0)}}, "ops[0].seq"},
		{"no id", PushBatch{Terminal: "K1", Ops: []Op{{Seq: 1, Kind: "case", Entity: "C"}}}, "ops[0].id"},
		{"no kind or entity", PushBatch{Terminal: "K1", Ops: []Op{{Seq: 1, ID: "x"}}}, "ops[0].kind"},
	} {
		err := tc.b.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v; want valid", tc.name, err)
		case tc.want != "" && (!errors.Is(err, app.ErrInvalidInput) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v; want ErrInvalidInput saying %q", tc.name, err, tc.want)
		}
	}
}

func TestReadBodyLimits(t *testing.T) {
	zip := func(b []byte) []byte {
		out, err := Compress(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	bomb := zip(bytes.Repeat([]byte{' '}, 8<<20)) // 8 MiB of spaces in a few KiB
	for _, tc := range []struct {
		name   string
		body   []byte
		gzip   bool
		want   string
		tooBig bool
	}{
		{"plain", []byte(`{"a":1}`), false, `{"a":1}`, false},
		{"gzip", zip([]byte(`{"a":1}`)), true, `{"a":1}`, false},
		{"exactly the limit", bytes.Repeat([]byte{'x'}, 64), false, strings.Repeat("x", 64), false},
		{"plain over the limit", bytes.Repeat([]byte{'x'}, 65), false, "", true},
		{"a gzip bomb", bomb, true, "", true},
		{"not gzip", []byte("hello"), true, "", false},
	} {
		got, err := ReadBody(bytes.NewReader(tc.body), tc.gzip, 64)
		switch {
		case tc.tooBig:
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s: %v; want ErrTooLarge", tc.name, err)
			}
		case tc.want == "":
			if err == nil || !strings.Contains(err.Error(), "not valid gzip") {
				t.Errorf("%s: %v; want an error saying it is not gzip", tc.name, err)
			}
		case err != nil || string(got) != tc.want:
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes compressed; the test wants a small one", len(bomb))
	}
}

func TestDecodeIsStrict(t *testing.T) {
	var b PushBatch
	for _, tc := range []struct{ body, want string }{
		{`{"terminal":"K1","ops":[],"extra":1}`, `unknown field "extra"`},
		{`{"terminal":"K1"} {"terminal":"K2"}`, "something follows"},
		{`{"terminal":"K1"}}`, "something follows"},
		{`{"terminal":"K1"}]`, "something follows"},
		{`{"terminal":5}`, "cannot unmarshal number"},
	} {
		if err := Decode([]byte(tc.body), &b); !errors.Is(err, app.ErrInvalidInput) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%s): %v; want ErrInvalidInput saying %q", tc.body, err, tc.want)
		}
	}
}

func TestFromOperationLeavesOutOversizePayloads(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 30, 0, 0, app.HallZone)
	small := FromOperation(app.Operation{Seq: 1, ID: "a", Kind: "case", Entity: "C", Payload: []byte(`{}`), Created: at})
	if small.Oversize || string(small.Payload) != `{}` || small.Created.Location() != time.UTC {
		t.Errorf("small operation on the wire: %+v; want its payload, created in UTC", small)
	}
	big := FromOperation(app.Operation{Seq: 2, ID: "b", Kind: "case", Entity: "C", Payload: bytes.Repeat([]byte{'1'}, MaxOpPayload+1)})
	if !big.Oversize || big.Payload != nil {
		t.Errorf("oversize operation: oversize %v with %d payload bytes; want it flagged and its payload left out", big.Oversize, len(big.Payload))
	}
}

func TestReportFitsItsLimits(t *testing.T) {
	r := Report{Role: "kiosk", Health: health.Report{At: time.Now()}}
	for range MaxReportChecks + 3 {
		r.Health.Add(health.Check{Name: "configuration", Verdict: health.Fail, Detail: strings.Repeat("配置错误 ", 400), Next: "fix it"})
	}
	if r.Validate() == nil {
		t.Fatal("an oversized report validates")
	}
	r.Fit()
	if err := r.Validate(); err != nil {
		t.Errorf("a fitted report: %v", err)
	}
	if len(r.Health.Checks) != MaxReportChecks || !strings.HasSuffix(r.Health.Checks[0].Detail, "…") || r.Health.Checks[0].Next != "fix it" {
		t.Errorf("fitted: %d checks, first %+v", len(r.Health.Checks), r.Health.Checks[0].Next)
	}
}
