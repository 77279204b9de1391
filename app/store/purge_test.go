package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/health"
)

// TestPurgeErasesTheBytes: the retention period after a case ended, once
// every operation of it has been taken, its applicant leaves the database
// file and its log, and so does a rating's comment; the case keeps its
// number, state and timeline, whose chain still verifies. A case whose
// operation still waits keeps its applicant.
func TestPurgeErasesTheBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	refuse := func(who app.Applicant) app.Case {
		c, err := f.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: who, Window: 2, Actor: "S1002",
			Outcome: app.Refused, Reason: "不属于本事项受理范围"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	gone := refuse(zhang)
	const comment = "窗口人员态度差，电话13912345678"
	r, _, err := f.Rate(ctx, app.Rating{Level: app.VeryDissatisfied, Case: gone.Number, Comment: comment, Window: 2, Clerk: "S1002"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.MarkSent(ctx, 1<<40); err != nil {
		t.Fatal(err)
	}
	kept := refuse(wang) // its operation still waits
	before, err := f.Events(ctx, gone.Number)
	if err != nil {
		t.Fatal(err)
	}

	// What must leave the file: the applicant in clear and sealed, the
	// look-up hash, the sealed payloads of the case's and rating's
	// operations, the comment.
	secrets := map[string][]byte{"name": []byte(zhang.Name), "ID number": []byte(zhang.IDNumber), "phone": []byte(zhang.Phone),
		"comment": []byte(comment)}
	var name, id, phone, index []byte
	if err := f.DB().QueryRow(`SELECT name_sealed, id_sealed, phone_sealed, id_index FROM cases WHERE number = ?`, gone.Number).
		Scan(&name, &id, &phone, &index); err != nil {
		t.Fatal(err)
	}
	secrets["sealed name"], secrets["sealed ID number"], secrets["sealed phone"], secrets["ID look-up hash"] = name, id, phone, index
	var comm []byte
	if err := f.DB().QueryRow(`SELECT comment_sealed FROM ratings WHERE id = ?`, r.ID).Scan(&comm); err != nil {
		t.Fatal(err)
	}
	secrets["sealed comment"] = comm
	rows, err := f.DB().Query(`SELECT op_id, payload FROM outbox WHERE entity IN (?, ?)`, gone.Number, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var op string
		var p []byte
		if err := rows.Scan(&op, &p); err != nil {
			t.Fatal(err)
		}
		secrets["sealed payload of operation "+op] = p
	}
	rows.Close()
	for what, b := range secrets {
		if len(b) < 8 && what != "name" {
			t.Fatalf("%s is %d bytes: nothing to look for", what, len(b))
		}
	}
	fileBytes := func() []byte {
		var all []byte
		for _, file := range []string{f.path, f.path + "-wal"} {
			data, err := os.ReadFile(file)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			all = append(all, data...)
		}
		return all
	}
	// The sealed bytes are there to be found before the purge.
	data := fileBytes()
	for _, what := range []string{"sealed name", "sealed ID number", "ID look-up hash", "sealed comment"} {
		if !bytes.Contains(data, secrets[what]) {
			t.Fatalf("before the purge the file holds no %s: the scan would prove nothing", what)
		}
	}

	// 29 days on, nothing is due; 31 days on the case and comment are.
	for _, days := range []int{29, 31} {
		f.clock.Set(start.AddDate(0, 0, days))
		p, err := f.PurgePersonalData(ctx, f.clock.Now().AddDate(0, 0, -app.DefaultRetentionDays), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := Purged{}
		if days == 31 {
			want = Purged{Cases: 1, Comments: 1, Waiting: 1}
		}
		if p != want {
			t.Fatalf("%d days on the purge did %+v, want %+v", days, p, want)
		}
	}

	data = fileBytes()
	for what, b := range secrets {
		if bytes.Contains(data, b) {
			t.Errorf("after the purge the database file or its log still holds the %s", what)
		}
	}

	c, err := f.Case(ctx, gone.Number)
	if err != nil {
		t.Fatal(err)
	}
	if c.Applicant != (app.Applicant{}) || c.Purged.IsZero() || c.State != app.Refused || c.ItemCode != "GA-001" || !c.Submitted.Equal(gone.Submitted) {
		t.Errorf("purged case = %+v; want its applicant gone, its state, item and dates kept", c)
	}
	after, err := f.Events(ctx, gone.Number)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the timeline changed in the purge:\n%+v\nwant\n%+v", after, before)
	}
	if err := f.Verify(ctx, gone.Number); err != nil {
		t.Errorf("the purged case's chain: %v", err)
	}
	if found, err := f.CasesByIDNumber(ctx, zhang.IDNumber); err != nil || len(found) != 0 {
		t.Errorf("look-up by the ID number after the purge found %d cases (%v), want none", len(found), err)
	}
	if _, err := f.Decide(ctx, gone.Number, app.Decision{To: app.Closed, Actor: "S1002"}); !errors.Is(err, app.ErrIllegalTransition) {
		t.Errorf("filing a purged case: %v, want ErrIllegalTransition (its step would carry no applicant)", err)
	}
	if k, err := f.Case(ctx, kept.Number); err != nil || k.Applicant != wang || !k.Purged.IsZero() {
		t.Errorf("the case still waiting to be sent = %+v, %v; want its applicant kept", k, err)
	}

	// The operations, were they sent again, carry the steps and no applicant.
	if _, err := f.ResendFrom(ctx, 1); err != nil {
		t.Fatal(err)
	}
	ops, err := f.PendingOperations(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		switch op.Entity {
		case gone.Number:
			var k app.CasePayload
			if err := json.Unmarshal(op.Payload, &k); err != nil {
				t.Fatal(err)
			}
			if k.Name != "" || k.IDNumber != "" || k.Phone != "" || !reflect.DeepEqual(k.Events, before) {
				t.Errorf("purged case's operation = %+v; want no applicant and its steps", k)
			}
		case r.ID:
			var k app.RatingPayload
			if err := json.Unmarshal(op.Payload, &k); err != nil {
				t.Fatal(err)
			}
			if k.Rating.Comment != "" || k.Rating.Level != app.VeryDissatisfied {
				t.Errorf("purged rating's operation = %+v; want no comment and its level", k.Rating)
			}
		}
	}
}

// TestPurgeAsksWhenTheCaseEnded: on a terminal whose hall has a hub, the
// case's end is known at the hub; the purge asks, and a failed question
// erases nothing.
func TestPurgeAsksWhenTheCaseEnded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang) // filed at the hub, not here
	if err := f.MarkSent(ctx, 1<<40); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(start.AddDate(0, 0, 45))
	cutoff := f.clock.Now().AddDate(0, 0, -30)
	down := errors.New("the hub cannot be reached")
	if _, err := f.PurgePersonalData(ctx, cutoff, func(context.Context, string) (time.Time, bool, error) {
		return time.Time{}, false, down
	}); !errors.Is(err, down) {
		t.Fatalf("purge with the hub down: %v", err)
	}
	if _, err := f.PurgePersonalData(ctx, cutoff, nil); err != nil { // here the case is still accepted
		t.Fatal(err)
	}
	if got, _ := f.Case(ctx, c.Number); got.Applicant != zhang {
		t.Fatal("a case open here was purged, or purged on an error")
	}
	p, err := f.PurgePersonalData(ctx, cutoff, func(_ context.Context, n string) (time.Time, bool, error) {
		return start.AddDate(0, 0, 5), n == c.Number, nil
	})
	if err != nil || p.Cases != 1 {
		t.Fatalf("purge of a case filed at the hub 40 days ago: %+v, %v", p, err)
	}
	if got, _ := f.Case(ctx, c.Number); got.Applicant != (app.Applicant{}) {
		t.Errorf("after the purge the case's applicant is %+v", got.Applicant)
	}
}

// TestCheckRetention: the doctor warns of a case past its retention that
// still holds its applicant, says which wait for their records to be
// sent, and counts the purged.
func TestCheckRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	for _, who := range []app.Applicant{zhang, wang} {
		if _, err := f.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: who, Window: 2, Actor: "S1002",
			Outcome: app.Refused, Reason: "不属于本事项受理范围"}); err != nil {
			t.Fatal(err)
		}
		if who == zhang {
			if err := f.MarkSent(ctx, 1<<40); err != nil {
				t.Fatal(err)
			}
		}
	}
	const keep = 30 * 24 * time.Hour
	now := start.AddDate(0, 0, 40)
	c := CheckRetention(ctx, f.path, now, keep)
	if c.Verdict != health.Warn || !strings.Contains(c.Detail, "1 case(s) past it still hold") || !strings.Contains(c.Detail, "1 case(s) past it wait") {
		t.Errorf("before the purge: %+v; want a warning for the one sent, and the one waiting said", c)
	}
	f.clock.Set(now)
	if _, err := f.PurgePersonalData(ctx, now.Add(-keep), nil); err != nil {
		t.Fatal(err)
	}
	c = CheckRetention(ctx, f.path, now, keep)
	if c.Verdict != health.OK || !strings.HasPrefix(c.Detail, "1 case(s) purged") || c.Next != "" {
		t.Errorf("after the purge: %+v; want ok with the purged counted", c)
	}
	if c := CheckRetention(ctx, f.path+".none", now, keep); c.Verdict != health.Skip {
		t.Errorf("no database: %+v", c)
	}
}
