package hub

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"onewindow/app"
	"onewindow/sync/wire"
)

// The hall's records on the hub (DESIGN.md §4a). Terminals push their
// outbox here as they push it to central, in the same batches (sync/wire);
// the kiosk looks up progress and rates here, and every window takes in
// the kiosk's applications, hands out results and closes follow-ups here.

// HeaderHall names the hall a terminal pushing its records is of: a hub
// takes only its own hall's.
const HeaderHall = "X-Onewindow-Hall"

// maxRecordsBody is the largest records batch: wire's limit, compressed
// or not.
const maxRecordsBody = wire.MaxBatchBytes

// records takes a terminal's batch of outbox operations.
func (h *Server) records(w http.ResponseWriter, r *http.Request) {
	data, err := wire.ReadBody(http.MaxBytesReader(w, r.Body, maxRecordsBody), r.Header.Get("Content-Encoding") == "gzip", maxRecordsBody)
	var tooBig *http.MaxBytesError
	if errors.Is(err, wire.ErrTooLarge) || errors.As(err, &tooBig) {
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{
			Error: fmt.Sprintf("the batch is larger than %d bytes", maxRecordsBody), Code: "too_large"})
		return
	}
	if err != nil {
		writeError(w, fmt.Errorf("%w: %v", app.ErrInvalidInput, err))
		return
	}
	var b wire.PushBatch
	if err := wire.Decode(data, &b); err != nil {
		writeError(w, fmt.Errorf("the batch is not valid JSON: %w", err))
		return
	}
	if err := b.Validate(); err != nil {
		writeError(w, fmt.Errorf("%w: %v", app.ErrInvalidInput, err))
		return
	}
	hall, err := h.store.Hall(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	if from := r.Header.Get(HeaderHall); from != hall.Code {
		writeError(w, fmt.Errorf("%w: this is the hub of hall %s, and terminal %s says it is of hall %q: check the hall and the hub's address in its configuration",
			app.ErrInvalidInput, hall.Code, b.Terminal, from))
		return
	}
	ops := make([]app.Operation, len(b.Ops))
	for i, o := range b.Ops {
		ops[i] = app.Operation{Seq: o.Seq, ID: o.ID, Terminal: b.Terminal, Kind: o.Kind, Entity: o.Entity, Payload: o.Payload, Created: o.Created}
		if o.Oversize {
			ops[i].Payload = nil
		}
	}
	ans, err := h.store.ApplyHallBatch(r.Context(), b.Terminal, ops)
	var gap *app.SequenceGap
	if errors.As(err, &gap) {
		w.Header().Set(wire.HeaderExpected, strconv.FormatInt(gap.Expected, 10))
		writeJSON(w, http.StatusConflict, wire.Problem{Error: gap.Error(), Expected: gap.Expected})
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	out := wire.PushAnswer{Held: ans.Held, Applied: ans.Applied, Skipped: ans.Skipped}
	for _, x := range ans.Rejected {
		out.Rejected = append(out.Rejected, wire.Rejected{Seq: x.Seq, ID: b.Ops[0].ID, Reason: x.Reason})
		if i := x.Seq - b.Ops[0].Seq; i >= 0 && i < int64(len(b.Ops)) {
			out.Rejected[len(out.Rejected)-1].ID = b.Ops[i].ID
		}
	}
	if ans.Applied > 0 {
		h.notify()
	}
	writeJSON(w, http.StatusOK, out)
}

// findCases finds the hall's cases of an ID number's holder, newest first.
// The number comes in the body, never in a URL that a log could keep.
func (h *Server) findCases(w http.ResponseWriter, r *http.Request) {
	var b findBody
	if !readJSON(w, r, &b) {
		return
	}
	id, err := app.ParseAnyDocumentNumber(b.IDNumber, h.now())
	if err != nil {
		writeError(w, fmt.Errorf("%w: %v", app.ErrInvalidIDNumber, err))
		return
	}
	cs, err := h.store.CasesByIDNumber(r.Context(), id)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, casesOf(cs))
}

// listCases lists the hall's cases in a state (?state=submitted: the
// kiosk's applications waiting for pre-review), oldest first.
func (h *Server) listCases(w http.ResponseWriter, r *http.Request) {
	state := app.CaseState(r.URL.Query().Get("state"))
	if !state.Valid() {
		writeError(w, fmt.Errorf("%w: state must be a case state, not %q", app.ErrInvalidInput, state))
		return
	}
	cs, err := h.store.CasesInState(r.Context(), state, 500)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, casesOf(cs))
}

// openCases lists the hall's open cases with their lights (window 0: the
// whole hall's).
func (h *Server) openCases(w http.ResponseWriter, r *http.Request) {
	window := 0
	if v := r.URL.Query().Get("window"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 999 {
			writeError(w, fmt.Errorf("%w: window must be a number from 0 to 999", app.ErrInvalidInput))
			return
		}
		window = n
	}
	cs, err := h.store.OpenCases(r.Context(), window)
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]lightBody, len(cs))
	for i, c := range cs {
		out[i] = lightBody{Case: caseOf(c.Case), Light: c.Light}
	}
	writeJSON(w, http.StatusOK, out)
}

// getCase answers a case with its timeline.
func (h *Server) getCase(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	c, err := h.store.Case(r.Context(), number)
	if err != nil {
		writeError(w, err)
		return
	}
	evs, err := h.store.Events(r.Context(), number)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, caseWithEvents{Case: caseOf(c), Events: evs})
}

// verifyCase checks a case's timeline against its hash chain.
func (h *Server) verifyCase(w http.ResponseWriter, r *http.Request) {
	if err := h.store.Verify(r.Context(), r.PathValue("number")); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// decideCase moves a case on: a window accepting a kiosk's application,
// handing out a result, or any step after intake. The hub chains the step.
func (h *Server) decideCase(w http.ResponseWriter, r *http.Request) {
	var b decisionBody
	if !readJSON(w, r, &b) {
		return
	}
	c, err := h.store.Decide(r.Context(), r.PathValue("number"), app.Decision(b))
	if err != nil {
		writeError(w, err)
		return
	}
	h.notify()
	writeJSON(w, http.StatusOK, caseOf(c))
}

// noteCase adds a remark to a case's timeline.
func (h *Server) noteCase(w http.ResponseWriter, r *http.Request) {
	var b noteBody
	if !readJSON(w, r, &b) {
		return
	}
	e, err := h.store.NoteCase(r.Context(), r.PathValue("number"), b.Actor, b.Action, b.Note)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// rate takes a citizen's rating at the kiosk, checked against the hall's
// queue and cases (一次一评).
func (h *Server) rate(w http.ResponseWriter, r *http.Request) {
	var b ratingBody
	if !readJSON(w, r, &b) {
		return
	}
	rt, fu, err := h.store.RateServed(r.Context(), app.Rating{Level: b.Level, Reasons: b.Reasons, Comment: b.Comment, Ticket: b.Ticket, Case: b.Case})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, ratedBody{Rating: rt, FollowUp: fu})
}

// followUps lists the hall's open follow-ups of bad ratings.
func (h *Server) followUps(w http.ResponseWriter, r *http.Request) {
	fs, err := h.store.OpenFollowUps(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]openFollowUpBody, len(fs))
	for i, f := range fs {
		out[i] = openFollowUpBody(f)
	}
	writeJSON(w, http.StatusOK, out)
}

// resolveFollowUp closes a follow-up with what was done.
func (h *Server) resolveFollowUp(w http.ResponseWriter, r *http.Request) {
	var b resolveBody
	if !readJSON(w, r, &b) {
		return
	}
	if err := h.store.ResolveFollowUp(r.Context(), r.PathValue("rating"), b.Actor, b.Note); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
