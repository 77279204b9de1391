package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/app/suite"
)

// sealedBytes are every sealed value and ID index in the file, by where
// they are, as read straight from the database.
func sealedBytes(t *testing.T, f *fixture) map[string][]byte {
	t.Helper()
	db := f.raw(t)
	out := map[string][]byte{}
	for _, tb := range sealedTables {
		cols := []string{}
		for _, c := range tb.columns {
			cols = append(cols, c.name)
		}
		if tb.idIndex {
			cols = append(cols, "id_index")
		}
		for _, c := range cols {
			rows, err := db.Query(`SELECT ` + tb.context + `, ` + c + ` FROM ` + tb.table)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var name string
				var v []byte
				if err := rows.Scan(&name, &v); err != nil {
					t.Fatal(err)
				}
				if len(v) > 0 {
					out[tb.table+"/"+name+"/"+c] = v
				}
			}
			rows.Close()
		}
	}
	return out
}

func TestResealMovesEveryValueToGMAndLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	if err := f.SaveSyncCredentials(ctx, app.SyncCredentials{Central: "https://central.example", Terminal: "330106K01", Hall: "330106", Secret: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	a := accepted(t, f, zhang)
	b := accepted(t, f, wang)
	if _, _, err := f.Rate(ctx, app.Rating{Level: app.Dissatisfied, Ticket: "A001", Reasons: []string{"wait"}, Comment: "等了很久 13812345678", Window: 2, Clerk: "S1002"}); err != nil {
		t.Fatal(err)
	}
	before := sealedBytes(t, f)
	if len(before) < 9 {
		t.Fatalf("only %d sealed values to start with", len(before))
	}
	for where, v := range before {
		if bytes.HasPrefix(v, []byte("sm4:")) || bytes.HasPrefix(v, []byte("sm3:")) {
			t.Fatalf("%s is marked GM before the move", where)
		}
	}

	// Central names GM: what is recorded from now on is GM at once.
	if _, err := f.ApplyCentralChanges(ctx, app.PulledChanges{From: 0, To: 0, Suite: suite.GM}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	c := accepted(t, f, zhang)
	left, err := f.ResealLeft(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if left == 0 {
		t.Fatal("nothing left to reseal after the move")
	}
	if c := CheckCryptoSuite(ctx, f.path); c.Verdict != health.Warn || !strings.Contains(c.Detail, fmt.Sprintf("%d record(s)", left)) || !strings.Contains(c.Next, "migrate-crypto") {
		t.Errorf("the doctor before the reseal: %+v", c)
	}
	var seen []ResealProgress
	n, err := f.Reseal(ctx, 1, func(p ResealProgress) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || len(seen) != n {
		t.Errorf("resealed %d rows with %d reports", n, len(seen))
	}
	if left, _ := f.ResealLeft(ctx); left != 0 {
		t.Errorf("%d rows left under Intl after the reseal", left)
	}
	if c := CheckCryptoSuite(ctx, f.path); c.Verdict != health.OK || !strings.HasPrefix(c.Detail, "gm") {
		t.Errorf("the doctor after the reseal: %+v", c)
	}
	after := sealedBytes(t, f)
	for where, v := range after {
		mark := "sm4:"
		if bytes.HasSuffix([]byte(where), []byte("id_index")) {
			mark = "sm3:"
		}
		if !bytes.HasPrefix(v, []byte(mark)) {
			t.Errorf("%s does not start with %q after the reseal", where, mark)
		}
	}
	if len(after) != len(before)+4+1 { // the new case's four values; its outbox operation
		t.Errorf("%d sealed values after, %d before", len(after), len(before))
	}
	// Everything opens; the look-up by ID finds old and new cases; every
	// chain verifies, the old links under SHA-256 and the new under SM3.
	for _, want := range []app.Case{a, b, c} {
		got, err := f.Case(ctx, want.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.Applicant != want.Applicant {
			t.Errorf("case %s: applicant changed by the reseal", want.Number)
		}
		if err := f.Verify(ctx, want.Number); err != nil {
			t.Error(err)
		}
	}
	if got, _ := f.CasesByIDNumber(ctx, zhang.IDNumber); len(got) != 2 {
		t.Errorf("%d cases of zhang found after the reseal; want 2", len(got))
	}
	ev, err := f.Events(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	if app.ChainSuite(ev[0].Hash) != suite.GM {
		t.Errorf("a case taken after the move is chained with %s", app.ChainSuite(ev[0].Hash))
	}
	if ev, _ := f.Events(ctx, a.Number); app.ChainSuite(ev[0].Hash) != suite.Intl {
		t.Error("the reseal rewrote an old chain")
	}
	creds, err := f.SyncCredentials(ctx)
	if err != nil || creds.Secret != "s3cret" || creds.Suite != suite.GM {
		t.Errorf("enrolment after the reseal: %v, suite %s", err, creds.Suite)
	}
	// A second run finds nothing to do.
	if n, err := f.Reseal(ctx, 100, nil); n != 0 || err != nil {
		t.Errorf("a second reseal did %d rows (%v)", n, err)
	}
	// And back: a province may return to Intl the same way.
	if _, err := f.ApplyCentralChanges(ctx, app.PulledChanges{Suite: suite.Intl}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Reseal(ctx, 100, nil); err != nil {
		t.Fatal(err)
	}
	for where, v := range sealedBytes(t, f) {
		if bytes.HasPrefix(v, []byte("sm4:")) || bytes.HasPrefix(v, []byte("sm3:")) {
			t.Errorf("%s is still GM after moving back", where)
		}
	}
	if got, _ := f.CasesByIDNumber(ctx, zhang.IDNumber); len(got) != 2 {
		t.Errorf("%d cases of zhang found after moving back; want 2", len(got))
	}
}

func TestSuiteSurvivesARestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	if _, err := f.ApplyCentralChanges(ctx, app.PulledChanges{Suite: suite.GM}); err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	if f.keys.Suite() != suite.GM {
		t.Fatalf("after a restart the store seals under %s", f.keys.Suite())
	}
	c := accepted(t, f, wang)
	if ev, _ := f.Events(ctx, c.Number); app.ChainSuite(ev[0].Hash) != suite.GM {
		t.Error("after a restart a new case is not chained with SM3")
	}
}

// TestCardsFoundAcrossTheMove: a ticket taken and a booking made before
// the hall moved to GM carry keyed hashes under Intl; a card read after the
// move sends its hashes under GM and, beside them, under Intl, and finds
// both.
func TestCardsFoundAcrossTheMove(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	zhangs, _ := withBookings(t, f)
	tk, _ := f.Issue(ctx, fromCard("B", zhang))
	call(t, f, 3)
	for range 3 {
		f.Recall(ctx, "", 3)
	}
	if _, err := f.ApplyCentralChanges(ctx, app.PulledChanges{From: 0, To: 0, Suite: suite.GM}); err != nil {
		t.Fatal(err)
	}
	gmKey, intlKey := app.WhoKey(suite.GM, kioskKey, zhang.IDNumber), app.WhoKey(suite.Intl, kioskKey, zhang.IDNumber)
	if !app.ValidWhoKey(gmKey) || gmKey[:4] != "sm3:" {
		t.Fatalf("a GM who-key: %q", gmKey)
	}
	if _, err := f.Requeue(ctx, "", "", gmKey, ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the GM key alone found the morning's ticket: %v", err)
	}
	if re, err := f.Requeue(ctx, "", "", gmKey, intlKey); err != nil || re.Code != tk.Code {
		t.Errorf("requeue by card after the move: %+v, %v", re, err)
	}
	r, err := f.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "k1-1",
		IDKey: app.BookingIDKey(suite.GM, bookingKey, zhang.IDNumber), IDKeyAlt: zhangs.IDKey})
	if err != nil || r.Booking.Code != zhangs.Code {
		t.Errorf("check-in by card after the move: %+v, %v", r, err)
	}
}
