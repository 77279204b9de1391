//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/device/sim/idreadersim"
	"onewindow/internal/suitetest"
)

// TestOneHallMovesToGMMidDay: the province names 国密 at noon. Central is
// restarted with -crypto-suite gm in the middle of the hall's day; the hub
// and the terminals learn it from their next pull and record under SM4,
// HMAC-SM3 and SM3 from then on; the hub's reseal (update migrate-crypto)
// is killed with SIGKILL half-way and run again. Nothing is lost, every
// chain still verifies (the morning's links under SHA-256, the
// afternoon's under SM3), and the database's bytes are SM4 everywhere.
func TestOneHallMovesToGMMidDay(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a whole hall of processes")
	}
	if suitetest.Suite() == suite.GM {
		t.Skip("the tests run under gm from the start: there is no move to make")
	}
	t.Parallel()
	h := newWholeHall(t, nil)
	numbers := h.day(t, func(step string) {
		switch step {
		case "decisions":
			h.restartCentral("-crypto-suite", "gm")
			h.untilSuite("H01", suite.GM)
		case "ratings":
			h.resealKilled("H01")
		}
	})
	h.agree(t, numbers)
	for _, term := range []string{"W01", "K01"} {
		h.untilSuite(term, suite.GM)
		if code, out, errOut := runArgs(t, "update", "migrate-crypto", "-config", h.config(term)); code != 0 {
			t.Fatalf("migrate-crypto at %s: %d %s %s", term, code, out, errOut)
		}
	}

	ctx := context.Background()
	for _, term := range []string{"H01", "W01", "K01"} {
		st := h.openStore(term)
		if left, err := st.ResealLeft(ctx); left != 0 || err != nil {
			t.Errorf("%s: %d records left under intl (%v)", term, left, err)
		}
		if sealed, indexes := h.sealedBytes(term); sealed == 0 || term == "H01" && indexes == 0 {
			t.Errorf("%s: %d sealed values and %d ID indexes read: the check reads nothing", term, sealed, indexes)
		}
		st.Close()
	}

	// At the hub: every case opens and verifies; the morning's first
	// links are SHA-256, the afternoon's SM3; the ID look-up finds the
	// morning's case (indexed again under HMAC-SM3).
	hub := h.openStore("H01")
	defer hub.Close()
	links := map[suite.Name]int{}
	for _, n := range numbers {
		if err := hub.Verify(ctx, n); err != nil {
			t.Errorf("case %s at the hub after the move: %v", n, err)
		}
		evs, err := hub.Events(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			links[app.ChainSuite(e.Hash)]++
		}
	}
	if links[suite.Intl] == 0 || links[suite.GM] == 0 {
		t.Errorf("chain links by suite: %v; want both the morning's and the afternoon's", links)
	}
	first := idreadersim.SampleCards()[0].Card
	if cs, err := hub.CasesByIDNumber(ctx, first.Number); err != nil || !hasCase(cs, numbers[0]) {
		t.Errorf("the hub's look-up of the morning's applicant after the reseal: %v (%v)", len(cs), err)
	}

	// Central seals what it records after the move under SM4 as well;
	// its own reseal, beside the running server, moves the morning's.
	db, err := sql.Open("sqlite", "file:"+h.centralDB+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nameAtCentral := func(number string) []byte {
		var name []byte
		if err := db.QueryRow(`SELECT name_sealed FROM cases WHERE number = ?`, number).Scan(&name); err != nil {
			t.Fatal(err)
		}
		return name
	}
	if morning, afternoon := nameAtCentral(numbers[0]), nameAtCentral(numbers[2]); bytes.HasPrefix(morning, []byte("sm4:")) ||
		!bytes.HasPrefix(afternoon, []byte("sm4:")) {
		t.Errorf("central sealed the morning's case under %x…, the afternoon's under %x…", morning[:4], afternoon[:4])
	}
	if code, out, errOut := runArgs(t, "central", "migrate-crypto", "-db", h.centralDB, "-crypto-suite", "gm"); code != 0 || !strings.Contains(out, "done: ") {
		t.Fatalf("central migrate-crypto: %d %s %s", code, out, errOut)
	}
	for _, n := range numbers {
		if name := nameAtCentral(n); !bytes.HasPrefix(name, []byte("sm4:")) {
			t.Errorf("central's case %s after its reseal: %x…", n, name[:4])
		}
	}
}

func hasCase(cs []app.Case, number string) bool {
	for _, c := range cs {
		if c.Number == number {
			return true
		}
	}
	return false
}

// restartCentral stops central and starts it again with extra flags.
func (h *wholeHall) restartCentral(extra ...string) {
	h.t.Helper()
	old := h.procs["central"]
	old.Process.Signal(syscall.SIGTERM)
	old.Wait()
	args := append([]string{"central", "serve", "-db", h.centralDB, "-listen", h.centralAt,
		"-admin-token-file", filepath.Join(h.dir, "admin.token"), "-log-level", "warn"}, extra...)
	if err := h.child("central", "run", args...).Start(); err != nil {
		h.t.Fatal(err)
	}
	h.waitListening(h.centralAt)
}

func (h *wholeHall) database(term string) string {
	return filepath.Join(h.dir, term+"-data", "onewindow.db")
}

// untilSuite waits until term has pulled the suite central names.
func (h *wholeHall) untilSuite(term string, want suite.Name) {
	h.t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.database(term)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	var got string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if db.QueryRow(`SELECT suite FROM sync_link`).Scan(&got); got == string(want) {
			return
		}
	}
	h.t.Fatalf("%s still names suite %q, not %s", term, got, want)
}

// openStore opens term's database as the terminal does, beside its
// running process.
func (h *wholeHall) openStore(term string) *store.Store {
	h.t.Helper()
	cfg, err := config.Load(h.config(term))
	if err != nil {
		h.t.Fatal(err)
	}
	keys, err := pii.LoadOrCreate(cfg.Paths.KeyFile)
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := store.Open(context.Background(), h.database(term), store.Options{Terminal: term, Keys: keys, HallHub: relayed(cfg.Role)})
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

// resealKilled runs the hub's reseal a record at a time, kills it with
// SIGKILL after its first batches, checks that what it left opens, and
// runs it again to the end.
func (h *wholeHall) resealKilled(term string) {
	h.t.Helper()
	t := h.t
	cmd := h.child("reseal", "run", "update", "migrate-crypto", "-config", h.config(term), "-batch", "1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	batches := 0
	for batches < 3 && lines.Scan() {
		if strings.Contains(lines.Text(), " done, ") {
			batches++
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if batches < 3 {
		t.Fatalf("the reseal printed %d batches before it ended", batches)
	}
	st := h.openStore(term)
	left, err := st.ResealLeft(context.Background())
	st.Close()
	if err != nil || left == 0 {
		t.Fatalf("after the kill: %d records left (%v); the reseal ended before it was killed", left, err)
	}
	code, stdout, stderr := runArgs(t, "update", "migrate-crypto", "-config", h.config(term))
	if code != 0 || !strings.Contains(stdout, "done: ") {
		t.Fatalf("migrate-crypto after the kill: %d %s %s", code, stdout, stderr)
	}
}

// sealedBytes reads term's database file as bytes through SQL and checks
// that every sealed value starts with sm4: and every ID index with sm3:,
// and says how many of each it saw.
func (h *wholeHall) sealedBytes(term string) (sealed, indexes int) {
	h.t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.database(term)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []struct{ table, col, mark string }{
		{"cases", "name_sealed", "sm4:"}, {"cases", "id_sealed", "sm4:"}, {"cases", "phone_sealed", "sm4:"},
		{"outbox", "payload", "sm4:"}, {"ratings", "comment_sealed", "sm4:"}, {"sync_link", "secret_sealed", "sm4:"},
		{"cases", "id_index", "sm3:"},
	} {
		rows, err := db.Query(`SELECT ` + q.col + ` FROM ` + q.table + ` WHERE length(` + q.col + `) > 0`)
		if err != nil {
			h.t.Fatal(err)
		}
		for rows.Next() {
			var v []byte
			rows.Scan(&v)
			if !bytes.HasPrefix(v, []byte(q.mark)) {
				h.t.Errorf("%s: a value of %s.%s starts %x, not %q", term, q.table, q.col, v[:min(4, len(v))], q.mark)
			}
			if q.mark == "sm4:" {
				sealed++
			} else {
				indexes++
			}
		}
		rows.Close()
	}
	return sealed, indexes
}
