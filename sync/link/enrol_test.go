package link_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

func TestEnrolFailuresEachTheirOwn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := scene.Central(t, filepath.Join(dir, "central.db"), app.SystemClock{})
	pki, other := scene.NewPKI(t), scene.NewPKI(t)
	srv := scene.ServeTLS(t, c, pki)
	st := scene.OpenStore(t, dir, app.SystemClock{})
	defer st.Close()
	ctx := context.Background()
	code, _, err := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bundle := wire.Bundle{Central: srv.URL, Terminal: scene.Terminal, Hall: scene.Hall, Code: code, CAPEM: string(pki.CAPEM)}

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	tests := []struct {
		name   string
		bundle func(b wire.Bundle) wire.Bundle
		clock  app.Clock
		want   error
	}{
		{"central unreachable", func(b wire.Bundle) wire.Bundle { b.Central = strings.Replace(dead.URL, "http:", "https:", 1); return b }, nil, link.ErrOffline},
		{"another CA", func(b wire.Bundle) wire.Bundle { b.CAPEM = string(other.CAPEM); return b }, nil, link.ErrTLS},
		{"clock an hour slow", func(b wire.Bundle) wire.Bundle { return b }, app.NewManualClock(time.Now().Add(-time.Hour)), link.ErrClock},
		{"wrong code", func(b wire.Bundle) wire.Bundle { b.Code = "AAAA-BBBB-CCCC-DDDD"; return b }, nil, link.ErrCode},
		{"right code", func(b wire.Bundle) wire.Bundle { return b }, nil, nil},
		{"used code", func(b wire.Bundle) wire.Bundle { return b }, nil, link.ErrCode},
	}
	for _, tt := range tests {
		err := link.EnrolChecked(ctx, st, tt.bundle(bundle), link.Options{Clock: tt.clock, Timeout: 3 * time.Second})
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: want %v, got %v", tt.name, tt.want, err)
		}
		if tt.name == "used code" && !strings.Contains(err.Error(), "used already") {
			t.Errorf("used code: want the message to say the code was used, got %v", err)
		}
		// Nothing before the right code may leave an enrolment behind.
		_, got := st.SyncCredentials(ctx)
		if tt.name == "right code" && got != nil || tt.name != "right code" && tt.name != "used code" && !errors.Is(got, app.ErrNotFound) {
			t.Errorf("%s: the store's enrolment afterwards: %v", tt.name, got)
		}
	}
}
