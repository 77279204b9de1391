package probe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/device/sim/simctl"
)

func TestIdentifyTellsTheDevicesApart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := simctl.Start(simctl.Config{Dir: dir, PaperDots: 576})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opt := Options{Timeout: 150 * time.Millisecond}
	paths := map[Kind]string{IDCard: s.Path(simctl.IDReader), Printer: s.Path(simctl.Printer), QueueBus: s.Path(simctl.QueueBus)}
	for kind, path := range paths {
		for other := range paths {
			_, err := Identify(ctx, path, other, Bauds[other][0], opt)
			if other == kind && err != nil {
				t.Errorf("%s asked as %s: want it identified, got %v", path, other, err)
			}
			if other != kind && err == nil {
				t.Errorf("%s asked as %s: want no answer, got one", filepath.Base(path), other)
			}
		}
	}
	if _, err := Identify(ctx, s.Path(simctl.Scanner), Scanner, 9600, opt); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("a scanner cannot be identified: want ErrInvalidInput, got %v", err)
	}
	results := Discover(ctx, []string{filepath.Join(dir, "absent")}, opt)
	if len(results) != 1 || results[0].Found != nil || !strings.HasPrefix(results[0].Tried, "cannot be opened") {
		t.Errorf("a port that is not there: want 'cannot be opened', got %+v", results)
	}
}

func TestDevicesKeepsOnlyDevices(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "plain"), nil, 0o600)
	os.Mkdir(filepath.Join(dir, "pages"), 0o700)
	os.Symlink("/dev/null", filepath.Join(dir, "null-link"))
	os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "dangling"))
	got := Devices([]string{filepath.Join(dir, "plain"), filepath.Join(dir, "pages"), filepath.Join(dir, "null-link"), "/dev/null", filepath.Join(dir, "dangling")})
	if len(got) != 1 {
		t.Errorf("want one device (/dev/null, once through its link), got %v", got)
	}
}
