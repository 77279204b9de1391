package central_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/app/update"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// TestAPIRefusesBadInput: every bad request from the WAN gets a 4xx with a
// message saying what is wrong, and changes nothing.
func TestAPIRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(t, t.TempDir()+"/central.db", clock)
	srv := scene.Serve(t, c, central.ServerOptions{BackOffice: map[string]string{"gongan": "back-office-token", "yibao": "yibao-back-office"}})
	code, _, _ := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
	ans, err := c.Enrol(ctx, code, scene.Terminal)
	if err != nil {
		t.Fatal(err)
	}
	good := "Bearer " + scene.Terminal + ":" + ans.Secret
	code2, _, _ := c.CreateEnrolCode(ctx, scene.Hall, "330106K02", central.RoleKiosk, time.Hour)
	revoked, _ := c.Enrol(ctx, code2, "330106K02")
	c.Revoke(ctx, "330106K02")
	op := `{"seq":1,"id":"a1","kind":"case","entity":"330106K01-20261123-000001","created":"2026-11-23T01:00:00Z","payload":{}}`
	huge := `{"terminal":"330106K01","ops":[` + op + `],"pad":"` + strings.Repeat("x", wire.MaxBatchBytes) + `"}`
	for _, tc := range []struct {
		name, method, path, auth, ctype, enc string
		body                                 []byte
		status                               int
		says                                 string
	}{
		{"push without credentials", "POST", wire.PathPush, "", "application/json", "", []byte(`{}`), 401, "no terminal credentials"},
		{"push with a wrong secret", "POST", wire.PathPush, good + "x", "application/json", "", []byte(`{}`), 401, "not enrolled"},
		{"push from a revoked terminal", "POST", wire.PathPush, "Bearer 330106K02:" + revoked.Secret, "application/json", "", []byte(`{}`), 403, "revoked"},
		{"push that is not gzip", "POST", wire.PathPush, good, "application/json", "gzip", []byte(`{"ops":[]}`), 400, "not valid gzip"},
		{"push in an unknown encoding", "POST", wire.PathPush, good, "application/json", "br", []byte(`{}`), 415, "br"},
		{"push as text", "POST", wire.PathPush, good, "text/plain", "", []byte(`{}`), 415, "application/json"},
		{"push that is not JSON", "POST", wire.PathPush, good, "application/json", "gzip", gz(`ops: 1`), 400, "invalid input"},
		{"push with an unknown field", "POST", wire.PathPush, good, "application/json", "gzip", gz(`{"terminal":"330106K01","ops":[` + op + `],"extra":1}`), 400, "extra"},
		{"push with a gap inside", "POST", wire.PathPush, good, "application/json", "gzip", gz(`{"terminal":"330106K01","ops":[` + op + `,` + strings.Replace(op, `"seq":1`, `"seq":3`, 1) + `]}`), 400, "without gaps"},
		{"push for another terminal", "POST", wire.PathPush, good, "application/json", "gzip", gz(`{"terminal":"330106K09","ops":[` + op + `]}`), 400, "330106K09"},
		{"push over 1 MiB unpacked", "POST", wire.PathPush, good, "application/json", "gzip", gz(huge), 413, "larger than"},
		{"changes without a cursor", "GET", wire.PathChanges, good, "", "", nil, 400, "since"},
		{"changes from a future cursor", "GET", wire.PathChanges + "?since=999", good, "", "", nil, 410, "resync"},
		{"enrol with a wrong code", "POST", wire.PathEnrol, "", "application/json", "", []byte(`{"code":"AAAA-BBBB","terminal":"330106K01"}`), 401, "not known"},
		{"opinion without the token", "POST", wire.PathOpinions, good, "application/json", "", []byte(`{}`), 401, "token"},
		{"opinion on an unknown case", "POST", wire.PathOpinions, "Bearer back-office-token", "application/json", "", []byte(`{"case":"X-1","department":"gongan","approve":true}`), 404, "X-1"},
		{"opinion for another department", "POST", wire.PathOpinions, "Bearer yibao-back-office", "application/json", "", []byte(`{"case":"X-1","department":"gongan","approve":true}`), 403, "yibao"},
		{"an unknown path", "GET", "/v1/secrets", good, "", "", nil, 404, "no such API"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := c.Version(ctx)
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, bytes.NewReader(tc.body))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			if tc.enc != "" {
				req.Header.Set("Content-Encoding", tc.enc)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.says) {
				t.Errorf("%s %s: %d %s; want %d saying %q", tc.method, tc.path, resp.StatusCode, body, tc.status, tc.says)
			}
			var ops int
			c.DB().QueryRow(`SELECT count(*) FROM ops`).Scan(&ops)
			if after, _ := c.Version(ctx); after != before || ops != 0 {
				t.Errorf("the refused request changed central: version %d → %d, %d operations held", before, after, ops)
			}
		})
	}
	resp, err := http.Get(srv.URL + wire.PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok":true`) {
		t.Errorf("health: %d %s; want 200 ok", resp.StatusCode, body)
	}
}

// TestPushOverHTTPRefusesOnePayloadOnly: over HTTP (where payloads are
// decoded with the batch), a payload of the wrong shape is refused by
// itself with the reason and the rest of the batch is applied; a field a
// newer terminal adds inside a payload is let through.
func TestPushOverHTTPRefusesOnePayloadOnly(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		clock := app.NewManualClock(scene.Start)
		c := scene.Central(t, dsn, clock)
		srv := scene.Serve(t, c, central.ServerOptions{})
		code, _, _ := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
		ans, err := c.Enrol(ctx, code, scene.Terminal)
		if err != nil {
			t.Fatal(err)
		}
		st := scene.OpenStore(t, t.TempDir(), clock)
		defer st.Close()
		if err := store.LoadSample(ctx, st); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			scene.TakeIn(t, st, "GA-001", i)
		}
		ops, _ := st.PendingOperations(ctx, 10)
		b := wire.PushBatch{Terminal: scene.Terminal}
		for _, o := range ops {
			b.Ops = append(b.Ops, wire.FromOperation(o))
		}
		b.Ops[1].Payload = bytes.Replace(b.Ops[1].Payload, []byte(`"item":"GA-001"`), []byte(`"item":["GA-001"]`), 1)
		b.Ops[2].Payload = bytes.Replace(b.Ops[2].Payload, []byte(`"item":`), []byte(`"from_a_newer_terminal":{"x":1},"item":`), 1)
		body, _ := json.Marshal(b)
		req, _ := http.NewRequest("POST", srv.URL+wire.PathPush, bytes.NewReader(gz(string(body))))
		req.Header.Set("Authorization", "Bearer "+scene.Terminal+":"+ans.Secret)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got wire.PushAnswer
		json.NewDecoder(resp.Body).Decode(&got)
		if resp.StatusCode != 200 || got.Held != 3 || got.Applied != 2 || len(got.Rejected) != 1 || got.Rejected[0].Seq != 2 ||
			!strings.Contains(got.Rejected[0].Reason, "the case payload is malformed") {
			t.Errorf("%d %+v; want 200, operations 1 and 3 applied and 2 refused as malformed", resp.StatusCode, got)
		}
	})
}

// TestUpdateDownloadsAreBounded: central sends a few update packages at
// once; a terminal asking beyond that is told to come back, with
// Retry-After, and one asking whether there is anything newer is answered
// at once all the same.
func TestUpdateDownloadsAreBounded(t *testing.T) {
	ctx := context.Background()
	clock := app.NewManualClock(scene.Start)
	c := scene.Central(t, t.TempDir()+"/central.db", clock)
	srv := scene.Serve(t, c, central.ServerOptions{})
	code, _, _ := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
	ans, err := c.Enrol(ctx, code, scene.Terminal)
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := update.GenerateKey()
	var pkg bytes.Buffer
	if err := update.Sign(&pkg, priv, update.Manifest{Version: "0.9.0", OS: "linux", Arch: "amd64"}, "p.deb", []byte("deb"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishUpdate(ctx, pkg.Bytes(), []update.PublicKey{pub}, false); err != nil {
		t.Fatal(err)
	}
	get := func(query string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+wire.PathUpdates+"linux-amd64.owu"+query, nil)
		req.Header.Set("Authorization", "Bearer "+scene.Terminal+":"+ans.Secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	release := central.HoldUpdateSlots(c)
	if resp := get(""); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a download while every slot is taken: %s, Retry-After %q; want 503 with Retry-After", resp.Status, resp.Header.Get("Retry-After"))
	}
	if resp := get("?current=0.9.0"); resp.StatusCode != http.StatusNoContent || resp.Header.Get(wire.HeaderVersion) != "0.9.0" {
		t.Errorf("asking whether 0.9.0 is current while busy: %s; want 204 naming 0.9.0", resp.Status)
	}
	release()
	if resp := get("?current=0.8.0"); resp.StatusCode != http.StatusOK || resp.ContentLength != int64(pkg.Len()) {
		t.Errorf("a download once a slot is free: %s, %d bytes; want 200 and the package", resp.Status, resp.ContentLength)
	}
}
