package store

import (
	"bytes"
	"context"
	"onewindow/app/health"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDatabaseAndOutboxOnFilesThatAreNotDatabases(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	if c := CheckDatabase(ctx, filepath.Join(dir, "absent.db")); c.Verdict != health.Warn || !strings.Contains(c.Detail, "does not exist yet") {
		t.Errorf("no database yet: want a warning, got %+v", c)
	}
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, bytes.Repeat([]byte("not sqlite "), 1000), 0o600)
	if c := CheckDatabase(ctx, junk); c.Verdict != health.Fail || c.Next == "" {
		t.Errorf("a file that is not a database: want FAIL with a next step, got %+v", c)
	}
	if c := CheckOutbox(ctx, junk, time.Now()); c.Verdict != health.Skip {
		t.Errorf("outbox of a broken database: want skip (database integrity says why), got %+v", c)
	}
	if _, ok, _ := ReadEnrolment(ctx, filepath.Join(dir, "absent.db")); ok {
		t.Errorf("no database: want not enrolled")
	}
}
