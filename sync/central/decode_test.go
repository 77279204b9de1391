package central

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/sync/wire"
)

// TestDecodeBatchInOnePass: decoding a batch with its payloads in one pass
// gives exactly what decoding each payload by its kind gives, for every
// kind; a payload of the wrong shape, or with a field this central does
// not know, falls back to decoding operation by operation; broken JSON
// and unknown envelope fields are refused.
func TestDecodeBatchInOnePass(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 30, 0, 123, time.UTC)
	accepted := at.Add(time.Minute)
	kase := app.CasePayload{Number: "T1-20261123-000001", Item: "GA-001", Name: "张三", IDNumber: "110105194912310020",
		Phone: "13800000000", Received: []int{0, 2}, Missing: []int{1}, Reason: "r", State: app.Accepted, Window: 3,
		Clerk: "S1001", Ticket: "A001", Submitted: at, Accepted: &accepted, Due: "2026-12-01", Statutory: "2026-12-20",
		Events: []app.CaseEvent{{Case: "T1-20261123-000001", Seq: 1, Actor: "S1001", Action: "submitted", State: app.Submitted, At: at, Hash: "h1"},
			{Case: "T1-20261123-000001", Seq: 2, Actor: "S1001", Action: "accepted", State: app.Accepted, At: at, Note: "n", PrevHash: "h1", Hash: "h2"}}}
	rating := app.RatingPayload{Rating: app.Rating{ID: "R1", Level: 1, Reasons: []string{"slow"}, Comment: "c", Ticket: "A001", Case: kase.Number, Window: 3, Clerk: "S1001", At: at},
		FollowUp: &app.FollowUp{Rating: "R1", Due: "2026-11-30", Opened: at}}
	followUp := app.FollowUpPayload{Rating: "R1", Actor: "M1", Note: "fixed", Resolved: at}
	ticket := app.QueueEvent{Seq: 7, At: at, Kind: "called", Window: 3, Reason: "x",
		Ticket: app.Ticket{ID: "2026-11-23/A001", Day: "2026-11-23", Category: "A", Seq: 1, Code: "A001", Priority: app.Elderly,
			WhoMasked: "张*", Issued: at, Called: at, Window: 3, State: app.Called}}
	var b wire.PushBatch
	b.Terminal = "T1"
	for i, p := range []struct {
		kind, entity string
		v            any
	}{{app.OpCase, kase.Number, kase}, {app.OpRating, "R1", rating}, {app.OpFollowUp, "R1", followUp}, {app.OpTicket, ticket.Ticket.ID, ticket}} {
		raw, _ := json.Marshal(p.v)
		b.Ops = append(b.Ops, wire.Op{Seq: int64(i + 1), ID: strings.Repeat("a", 31) + string(rune('0'+i)), Kind: p.kind, Entity: p.entity, Created: at, Payload: raw})
	}
	b.Ops = append(b.Ops, wire.Op{Seq: 5, ID: "oversize", Kind: app.OpCase, Entity: "x", Created: at, Oversize: true})
	body, _ := json.Marshal(b)

	got, pls, err := decodeBatch(body)
	if err != nil || pls == nil {
		t.Fatalf("one-pass decode: %v (payloads %v); want it to decode", err, pls != nil)
	}
	for i, op := range b.Ops {
		want, err := decodePayload(op.Kind, op.Payload)
		if op.Oversize {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(pls[i], want) {
			t.Errorf("operation %d (%s): one pass gives %+v; by its kind %+v", i+1, op.Kind, pls[i], want)
		}
		if g := got.Ops[i]; g.Seq != op.Seq || g.ID != op.ID || g.Kind != op.Kind || g.Entity != op.Entity || !g.Created.Equal(op.Created) || g.Payload != nil {
			t.Errorf("operation %d's envelope: %+v; want %+v without the payload bytes", i+1, g, op)
		}
	}
	if !got.Ops[4].Oversize || got.Terminal != "T1" {
		t.Errorf("envelope: %+v", got)
	}

	// A payload of the wrong shape, or with a field from a newer
	// terminal: decoded operation by operation instead.
	for _, tc := range []struct{ name, from, to string }{
		{"a case number that is a number", `"number":"T1-20261123-000001"`, `"number":12`},
		{"a field this central does not know", `"applicant_name":`, `"newer_field":1,"applicant_name":`},
		{"a follow-up whose rating is an object", `"rating":"R1","actor"`, `"rating":{"id":"R1"},"actor"`},
	} {
		bad := strings.Replace(string(body), tc.from, tc.to, 1)
		if bad == string(body) {
			t.Fatalf("%s: the test's replacement found nothing", tc.name)
		}
		got, pls, err := decodeBatch([]byte(bad))
		if err != nil || pls != nil || len(got.Ops) != 5 {
			t.Errorf("%s: %v, payloads decoded %v; want the batch decoded plainly, each payload to be decoded by its operation", tc.name, err, pls != nil)
		}
	}
	for _, tc := range []struct{ name, body string }{
		{"broken JSON", string(body[:len(body)-2])},
		{"an unknown envelope field", strings.Replace(string(body), `"terminal":"T1"`, `"terminal":"T1","colour":"red"`, 1)},
		{"trailing data", string(body) + " {}"},
	} {
		if _, _, err := decodeBatch([]byte(tc.body)); !errors.Is(err, app.ErrInvalidInput) {
			t.Errorf("%s: %v; want refused as invalid input", tc.name, err)
		}
	}
}
