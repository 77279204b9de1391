package link_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/update"
	"onewindow/sync/link"
	"onewindow/sync/scene"
)

// TestFetchUpdateFromCentral: central serves the signed package it was
// given to enrolled terminals only, over HTTP, and says so cheaply when it
// is not newer than what runs; a package that does not verify is never
// published, and publishing the same version again is refused.
func TestFetchUpdateFromCentral(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		x := newTerm(t, dsn, nil)
		pub, priv, _ := update.GenerateKey()
		sign := func(version, text string) []byte {
			var buf bytes.Buffer
			m := update.Manifest{Version: version, OS: "linux", Arch: "arm64"}
			if err := update.Sign(&buf, priv, m, "onewindow_"+version+"_arm64.deb", []byte(text), time.Now()); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		keys := []update.PublicKey{pub}
		creds, err := x.st.SyncCredentials(ctx)
		if err != nil {
			t.Fatal(err)
		}
		file := update.FileName("linux", "arm64")
		if _, _, err := link.FetchUpdate(ctx, creds, file, "0.8.0", update.MaxPackage, x.opt); !errors.Is(err, link.ErrRefused) {
			t.Errorf("fetch before anything is published: %v; want refused (404)", err)
		}
		good := sign("0.9.0", "!<arch>\nthe new onewindow")
		if _, err := x.c.PublishUpdate(ctx, good, keys, false); err != nil {
			t.Fatal(err)
		}
		tampered := bytes.Replace(sign("0.9.1", "!<arch>\nthe new onewindow"), []byte("the new"), []byte("the bad"), 1)
		if _, err := x.c.PublishUpdate(ctx, tampered, keys, false); !errors.Is(err, app.ErrInvalidInput) || !errors.Is(err, update.ErrBadSignature) {
			t.Errorf("publishing a tampered package: %v; want refused for its signature", err)
		}
		if _, err := x.c.PublishUpdate(ctx, sign("0.9.0", "again"), keys, false); err == nil {
			t.Errorf("publishing 0.9.0 over 0.9.0: no error; want refused as not newer")
		}
		held, _ := x.c.Updates(ctx)
		if len(held) != 1 || held[0].Manifest.Version != "0.9.0" || held[0].Size != len(good) {
			t.Fatalf("central holds %+v; want the good 0.9.0 only", held)
		}

		v, pkg, err := link.FetchUpdate(ctx, creds, file, "0.8.0", update.MaxPackage, x.opt)
		if err != nil || v != "0.9.0" || !bytes.Equal(pkg, good) {
			t.Fatalf("fetch by a terminal running 0.8.0: %q, %d bytes, %v; want the package of 0.9.0", v, len(pkg), err)
		}
		if _, err := update.Verify(bytes.NewReader(pkg), keys, update.Target{OS: "linux", Arch: "arm64", Current: "0.8.0"}); err != nil {
			t.Errorf("the fetched package does not verify: %v", err)
		}
		if v, pkg, err := link.FetchUpdate(ctx, creds, file, "0.9.0", update.MaxPackage, x.opt); !errors.Is(err, link.ErrNoUpdate) || pkg != nil || v != "0.9.0" {
			t.Errorf("fetch by a terminal running 0.9.0: %q, %d bytes, %v; want no update, naming 0.9.0", v, len(pkg), err)
		}
		if _, _, err := link.FetchUpdate(ctx, creds, file, "", 10, x.opt); err == nil {
			t.Errorf("a package over the limit: no error")
		}
		wrong := creds
		wrong.Secret = "not-the-secret"
		if _, _, err := link.FetchUpdate(ctx, wrong, file, "", update.MaxPackage, x.opt); !errors.Is(err, link.ErrNotEnrolled) {
			t.Errorf("fetch with a wrong secret: %v; want not enrolled (401)", err)
		}
		for _, path := range []string{"/v1/updates/linux-arm64.owu", "/v1/updates/..%2Fetc.owu"} {
			resp, err := http.Get(x.srv.URL + path)
			if err != nil || resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET %s without credentials: %v %v; want 401", path, resp.StatusCode, err)
			}
			resp.Body.Close()
		}
		if _, _, err := link.FetchUpdate(ctx, creds, "nonsense", "", update.MaxPackage, x.opt); !errors.Is(err, link.ErrRefused) {
			t.Errorf("a name that is not a package: %v; want refused", err)
		}
	})
}
