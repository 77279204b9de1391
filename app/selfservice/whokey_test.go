package selfservice_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/selfservice"
	"onewindow/app/suite"
	"onewindow/internal/hallrig"
)

// enumerate is the attack of issue 16 §4: try every ID number of region
// born in year against the stored hash, keyed with key. It returns the
// number that matches, or "".
func enumerate(key []byte, region string, year int, stored string) app.IDNumber {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		for seq := 0; seq < 1000; seq++ {
			body := []byte(region + d.Format("20060102") + string(rune('0'+seq/100)) + string(rune('0'+seq/10%10)) + string(rune('0'+seq%10)))
			sum := 0
			for i, w := range weights {
				sum += int(body[i]-'0') * w
			}
			n := app.IDNumber(string(body) + string("10X98765432"[sum%11]))
			if app.WhoKey(suite.Intl, key, n) == stored {
				return n
			}
		}
	}
	return ""
}

// withCard takes a number in category after reading card c.
func (k *kiosk) withCard(c app.IDCard, category string) selfservice.Issued {
	k.t.Helper()
	n := k.s.TakeNumber()
	n.Card(c)
	issued, p := k.s.Issue(k.ctx, n.Request(category))
	if p != app.ProblemNone {
		k.t.Fatalf("take a number in %s with %s's card: problem %q", category, c.Name, p)
	}
	return issued
}

// TestHubCannotReverseTheTicketHash: a kiosk takes a number for 王秀英
// (born 1951-08-23). With everything the hub holds, its database and its
// hall key, and even granted the region and the birth year, trying every
// number of that year finds nothing: the hash is keyed with the kiosk key,
// which the hub never holds (its configuration refuses one), and what the
// hub stores and was sent carries no age or birth date, only that the
// holder is elderly by the hall's rule. The same search with the kiosk key
// finds the number, so it is the key alone that stops it. The citizen who
// missed the ticket is still re-queued by reading the same card at a kiosk.
func TestHubCannotReverseTheTicketHash(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	c := card(1)
	issued := k.withCard(c, "A")
	if issued.Ticket.Priority != app.Elderly {
		t.Fatalf("issue: %+v; want an elderly ticket", issued.Ticket)
	}

	// What the hub stores.
	var stored string
	if err := k.HubStore.DB().QueryRowContext(k.ctx, `SELECT who_index FROM tickets WHERE id = ?`, issued.Ticket.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == "" {
		t.Fatal("the hub keeps no hash for the ticket: the re-queue by card below cannot work")
	}
	if err := k.HubStore.Close(); err != nil { // its files complete on disk
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(k.Dir, "hub", "*"))
	birth := c.BirthDate.Format("20060102")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{string(c.Number), birth, `"age"`, `"birth`} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("the hub's file %s holds %q", filepath.Base(f), leak)
			}
		}
	}
	for _, r := range k.queue.requests() {
		if !r.Elderly || strings.Contains(r.Who, "王秀") {
			t.Errorf("the kiosk sent %+v; want only elderly, the masked name and the hash", r)
		}
	}

	region, year := string(c.Number[:6]), c.BirthDate.Year()
	if got := enumerate([]byte(hallrig.HallKey), region, year, stored); got != "" {
		t.Fatalf("with the hub's hall key the stored hash gives up the ID number %s", got)
	}
	if got := enumerate([]byte(kioskKey), region, year, stored); got != c.Number {
		t.Fatalf("the search itself is wrong: with the kiosk key it found %q, want %s", got, c.Number)
	}

	// The hub's configuration may not hold the kiosk key.
	hubConf := `role = "hub"
hall = "330106"
terminal = "330106H01"
[hub]
address = ":7100"
hall_key = "` + hallrig.HallKey + `"
kiosk_key = "` + kioskKey + `"
`
	if _, err := config.Parse([]byte(hubConf)); !errors.Is(err, app.ErrInvalidConfig) || !strings.Contains(err.Error(), "hub.kiosk_key") {
		t.Errorf("a hub configured with the kiosk key: %v; want it refused naming hub.kiosk_key", err)
	}
}

// TestRequeueByCard: a ticket missed is put back in the queue by reading
// the same card at a kiosk, the hub finding it by the kiosk-keyed hash; a
// kiosk without a kiosk key asks for the ticket to be scanned.
func TestRequeueByCard(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	c := card(0)
	issued := k.withCard(c, "A")
	if _, p := k.s.RequeueByCard(k.ctx, c); p != app.ProblemNotFound {
		t.Errorf("requeue of a waiting ticket by card: problem %q, want %q", p, app.ProblemNotFound)
	}
	if got, err := k.Hub.Call(k.ctx, app.NewID(), hallrig.Window); err != nil || got.ID != issued.Ticket.ID {
		t.Fatalf("call: %+v, %v; want %s", got, err, issued.Ticket.Code)
	}
	if got, err := k.Hub.Skip(k.ctx, app.NewID(), hallrig.Window); err != nil || got.State != app.NoShow {
		t.Fatalf("skip: %+v, %v; want a no-show", got, err)
	}
	re, p := k.s.RequeueByCard(k.ctx, c)
	if p != app.ProblemNone || re.ID != issued.Ticket.ID || re.State != app.Waiting || !re.Requeued {
		t.Fatalf("requeue by card: %+v, problem %q; want %s waiting again", re, p, issued.Ticket.Code)
	}

	keyless := openKiosk(t, func(_ *hallrig.Rig, _ *selfservice.Services, cfg *selfservice.Config) { cfg.KioskKey = nil })
	if _, p := keyless.s.RequeueByCard(keyless.ctx, c); p != selfservice.ProblemScanTicket {
		t.Errorf("requeue by card without a kiosk key: problem %q, want %q", p, selfservice.ProblemScanTicket)
	}
	n := keyless.s.TakeNumber()
	n.Card(c)
	if r := n.Request("A"); r.WhoKey != "" {
		t.Errorf("a kiosk without a kiosk key sent a hash %q", r.WhoKey)
	}
}
