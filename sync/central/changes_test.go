package central_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"onewindow/app"
	"onewindow/assets"
	"onewindow/sync/central"
	"onewindow/sync/scene"
)

func storeIntake(t *testing.T, s *stage, item string) app.Intake {
	return app.Intake{ItemCode: item, Applicant: scene.Applicant(99), Received: scene.All(t, s.st, item), Actor: "S1002", Outcome: app.Submitted}
}

func TestChangesForAHallSinceACursor(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		other := strings.Replace(string(assets.SampleHall), `"code": "330106"`, `"code": "330108"`, 1)
		if _, err := c.PublishHall(ctx, []byte(other)); err != nil {
			t.Fatal(err)
		}
		all, err := c.Changes(ctx, scene.Hall, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, ch := range all.Changes {
			kinds = append(kinds, ch.Kind)
		}
		if got := strings.Join(kinds, " "); got != "catalog hall calendar" || all.More || all.Cursor != 4 {
			t.Errorf("changes for hall 330106 from 0: %q, cursor %d, more %v; want catalog hall calendar, cursor 4 (past the other hall's), no more", got, all.Cursor, all.More)
		}
		page, err := c.Changes(ctx, scene.Hall, 0, 2)
		if err != nil || len(page.Changes) != 2 || !page.More || page.Cursor != 2 {
			t.Errorf("a page of 2: %d changes, cursor %d, more %v, %v; want 2, cursor 2, more", len(page.Changes), page.Cursor, page.More, err)
		}
		rest, _ := c.Changes(ctx, scene.Hall, page.Cursor, 2)
		if len(rest.Changes) != 1 || rest.More || rest.Cursor != 4 {
			t.Errorf("the rest: %d changes, cursor %d, more %v; want 1, cursor 4, no more", len(rest.Changes), rest.Cursor, rest.More)
		}
		if _, err := c.Changes(ctx, scene.Hall, 5, 0); !errors.Is(err, central.ErrCursorGone) {
			t.Errorf("a cursor from the future: %v; want ErrCursorGone", err)
		}
		if _, err := c.Compact(ctx, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Changes(ctx, scene.Hall, 1, 0); !errors.Is(err, central.ErrCursorGone) {
			t.Errorf("a cursor below what was compacted: %v; want ErrCursorGone", err)
		}
		if ch, err := c.Changes(ctx, scene.Hall, 2, 0); err != nil || len(ch.Changes) != 1 {
			t.Errorf("the cursor at the compaction: %v, %v; want the calendar", ch, err)
		}
		snap, err := c.Snapshot(ctx, scene.Hall)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Cursor != 4 || snap.Catalog == nil || snap.Hall == nil || snap.Hall.Code != "330106" || snap.Calendar == nil || len(*snap.Calendar) == 0 {
			t.Errorf("snapshot: cursor %d, catalogue %v, hall %v, calendar %v; want everything at cursor 4", snap.Cursor, snap.Catalog != nil, snap.Hall, snap.Calendar != nil)
		}
	})
}

// TestVersionsCommitInOrder: writers racing for versions never let a reader
// see a version while a lower one is still to come.
func TestVersionsCommitInOrder(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		const writers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		stop := make(chan struct{})
		seen := make(chan []int64, 1)
		go func() {
			// A reader following the cursor must see every version, in order.
			var got []int64
			cursor := int64(0)
			for done := false; !done; {
				select {
				case <-stop:
					done = true
				default:
				}
				ch, err := c.Changes(ctx, scene.Hall, cursor, 0)
				if err != nil {
					errs <- err
					break
				}
				for _, x := range ch.Changes {
					got = append(got, x.Version)
				}
				cursor = ch.Cursor
			}
			seen <- got
		}()
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					cal := fmt.Sprintf(`[{"date": "2026-12-%02d", "kind": "holiday", "name": {"zh": "测试"}}]`, 1+(w*each+i)%28)
					if _, err := c.PublishCalendar(ctx, []byte(cal)); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		got := <-seen
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		top, _ := c.Version(ctx)
		if int64(len(got)) != top {
			t.Fatalf("the reader saw %d versions; want all %d", len(got), top)
		}
		for i, v := range got {
			if v != int64(i+1) {
				t.Fatalf("the reader saw version %d in place %d; want every version once, in order", v, i+1)
			}
		}
	})
}

func TestOpenRefusesNoKeysAndNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/central.db"
	if _, err := central.Open(ctx, path, central.Options{}); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("open without keys: %v; want ErrInvalidInput", err)
	}
	c := scene.Central(t, path, app.NewManualClock(scene.Start))
	c.DB().Exec(`UPDATE meta SET value = 99 WHERE name = 'schema'`)
	c.Close()
	if _, err := central.Open(ctx, path, central.Options{Keys: scene.Keys(t, 7)}); err == nil || !strings.Contains(err.Error(), "schema 99") {
		t.Errorf("open a schema-99 database: %v; want a refusal naming schema 99", err)
	}
}

// TestOpenUpgradesAnOlderSchema: a database made by the first central
// (schema 1: no health reports) is brought up to date on open, keeping
// its terminals.
func TestOpenUpgradesAnOlderSchema(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/central.db"
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if err := central.CreateSchemaOne(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO terminals (id, hall, last_seq) VALUES ('330106K09', '330106', 12)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c, err := central.Open(ctx, path, central.Options{Keys: scene.Keys(t, 7)})
	if err != nil {
		t.Fatalf("open a schema-1 database: %v", err)
	}
	defer c.Close()
	ts, err := c.Terminals(ctx, "330106")
	if err != nil || len(ts) != 1 || ts[0].ID != "330106K09" || ts[0].LastSeq != 12 || ts[0].Health != nil {
		t.Errorf("terminals after the upgrade: %+v, %v; want 330106K09 at 12, not reported", ts, err)
	}
	var v int
	c.DB().QueryRow(`SELECT value FROM meta WHERE name = 'schema'`).Scan(&v)
	if v != 12 {
		t.Errorf("schema %d after the upgrade; want 12", v)
	}
	// Opened again, nothing is run twice.
	c.Close()
	if c, err = central.Open(ctx, path, central.Options{Keys: scene.Keys(t, 7)}); err != nil {
		t.Fatalf("open the upgraded database again: %v", err)
	}
}
