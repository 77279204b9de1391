package central

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"onewindow/app"
	"onewindow/sync/wire"
)

// payload is an operation's payload decoded into the type its kind names:
// exactly one field is set.
type payload struct {
	kase     *app.CasePayload
	rating   *app.RatingPayload
	followUp *app.FollowUpPayload
	ticket   *app.QueueEvent
	staff    *app.StaffPasswordPayload
	checkIn  *app.BookingCheckInPayload
}

func knownKind(kind string) bool {
	switch kind {
	case app.OpCase, app.OpRating, app.OpFollowUp, app.OpTicket, app.OpStaffPassword, app.OpBookingCheckIn:
		return true
	}
	return false
}

// decodePayload decodes one operation's payload by its kind.
func decodePayload(kind string, raw json.RawMessage) (payload, error) {
	var p payload
	var err error
	switch kind {
	case app.OpCase:
		p.kase = new(app.CasePayload)
		err = json.Unmarshal(raw, p.kase)
	case app.OpRating:
		p.rating = new(app.RatingPayload)
		err = json.Unmarshal(raw, p.rating)
	case app.OpFollowUp:
		p.followUp = new(app.FollowUpPayload)
		err = json.Unmarshal(raw, p.followUp)
	case app.OpTicket:
		p.ticket = new(app.QueueEvent)
		err = json.Unmarshal(raw, p.ticket)
	case app.OpStaffPassword:
		p.staff = new(app.StaffPasswordPayload)
		err = json.Unmarshal(raw, p.staff)
	case app.OpBookingCheckIn:
		p.checkIn = new(app.BookingCheckInPayload)
		err = json.Unmarshal(raw, p.checkIn)
	default:
		err = fmt.Errorf("unknown operation kind %q", kind)
	}
	return p, err
}

// anyPayload has the fields of every kind's payload, so that a batch's
// payloads are decoded with its envelope in one pass over the bytes:
// decoding them apart (as json.RawMessage, then each by its kind) reads
// every byte four times, and on a drain that is a third of central's
// work. Where two kinds give a name different types, the field is kept
// raw and decoded by kind (ticket: a case's is the ticket's code, a queue
// event's the ticket; rating: a rating's is the rating, a follow-up's the
// rating's id).
type anyPayload struct {
	app.CasePayload
	Ticket   json.RawMessage `json:"ticket"`
	Rating   json.RawMessage `json:"rating"`
	FollowUp *app.FollowUp   `json:"follow_up"`
	Actor    string          `json:"actor"`
	Note     string          `json:"note"`
	Resolved time.Time       `json:"resolved_at"`
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Kind     string          `json:"kind"`
	Staff    string          `json:"staff"`
	Hash     string          `json:"hash"`
	SetAt    time.Time       `json:"set_at"`
	Code     string          `json:"code"` // a booking's check-in
}

type anyOp struct {
	Seq      int64       `json:"seq"`
	ID       string      `json:"id"`
	Kind     string      `json:"kind"`
	Entity   string      `json:"entity"`
	Created  time.Time   `json:"created"`
	Payload  *anyPayload `json:"payload"`
	Oversize bool        `json:"oversize"`
}

type anyBatch struct {
	Terminal string  `json:"terminal"`
	Ops      []anyOp `json:"ops"`
}

// decodeBatch decodes a push body, strictly as wire.Decode does, with
// each operation's payload. A payload that does not fit its kind does not
// fail the batch: it is decoded again operation by operation, and the one
// that is wrong is refused by itself, with the reason.
func decodeBatch(data []byte) (wire.PushBatch, []payload, error) {
	var in anyBatch
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&in)
	if err == nil && app.JSONEnd(dec) != nil {
		return wire.PushBatch{}, nil, fmt.Errorf("%w: something follows the end of the body", app.ErrInvalidInput)
	}
	if err == nil {
		if b, pls, ok := in.split(); ok {
			return b, pls, nil
		}
	}
	// Anything else but broken JSON is decided by the plain decoding: a
	// payload of the wrong shape is refused by itself there, and a field
	// inside a payload that this central does not know (from a newer
	// terminal) is let through, as the envelope's strictness does not
	// reach into payloads.
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return wire.PushBatch{}, nil, fmt.Errorf("%w: %v", app.ErrInvalidInput, err)
	}
	var b wire.PushBatch
	if err := wire.Decode(data, &b); err != nil {
		return wire.PushBatch{}, nil, err
	}
	return b, nil, nil
}

// split turns the decoded batch into the wire batch and its payloads; ok
// is false when a payload's kind-dependent field does not decode.
func (in anyBatch) split() (wire.PushBatch, []payload, bool) {
	b := wire.PushBatch{Terminal: in.Terminal, Ops: make([]wire.Op, len(in.Ops))}
	pls := make([]payload, len(in.Ops))
	for i, o := range in.Ops {
		b.Ops[i] = wire.Op{Seq: o.Seq, ID: o.ID, Kind: o.Kind, Entity: o.Entity, Created: o.Created, Oversize: o.Oversize}
		a := o.Payload
		if a == nil {
			a = &anyPayload{}
		}
		var err error
		switch o.Kind {
		case app.OpCase:
			k := a.CasePayload
			k.Ticket, err = rawString(a.Ticket)
			pls[i].kase = &k
		case app.OpRating:
			r := &app.RatingPayload{FollowUp: a.FollowUp}
			if len(a.Rating) > 0 {
				err = json.Unmarshal(a.Rating, &r.Rating)
			}
			pls[i].rating = r
		case app.OpFollowUp:
			f := &app.FollowUpPayload{Actor: a.Actor, Note: a.Note, Resolved: a.Resolved}
			f.Rating, err = rawString(a.Rating)
			pls[i].followUp = f
		case app.OpTicket:
			e := &app.QueueEvent{Seq: a.Seq, At: a.At, Kind: app.QueueEventKind(a.Kind), Window: a.Window, Reason: a.Reason}
			if len(a.Ticket) > 0 {
				err = json.Unmarshal(a.Ticket, &e.Ticket)
			}
			pls[i].ticket = e
		case app.OpStaffPassword:
			pls[i].staff = &app.StaffPasswordPayload{Staff: a.Staff, Hash: a.Hash, Set: a.SetAt}
		case app.OpBookingCheckIn:
			ci := &app.BookingCheckInPayload{Code: a.Code, At: a.At}
			ci.Ticket, err = rawString(a.Ticket)
			pls[i].checkIn = ci
		}
		if err != nil {
			return wire.PushBatch{}, nil, false
		}
	}
	return b, pls, true
}

// rawString decodes a JSON string kept raw; absent or null is "".
func rawString(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}
