package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/tlcp"
	"onewindow/sync/wire"
)

// TestCentralServesTLCP: 'central tlcp-certs' makes the SM2 CA and
// central's double certificate (keys 0600; the CA kept when run again),
// 'central serve' given them and an ECDSA certificate answers a terminal
// pinning the SM2 CA over TLCP and one pinning the ECDSA CA over TLS
// (HTTP/2) on one port, and 'central enrol-code -ca' puts the SM2 CA in the
// bundle.
func TestCentralServesTLCP(t *testing.T) {
	dir := t.TempDir()
	sm2 := filepath.Join(dir, "sm2")
	if code, out, _ := runArgs(t, "central", "tlcp-certs", "-h"); code != 0 || !strings.Contains(out, "-hosts") || !strings.Contains(out, "-out") {
		t.Errorf("tlcp-certs -h: %d %s; want its usage with -out and -hosts", code, out)
	}
	if code, out, errs := runArgs(t, "central", "tlcp-certs", "-out", sm2, "-hosts", "127.0.0.1, localhost"); code != 0 {
		t.Fatalf("tlcp-certs: %d %s %s", code, out, errs)
	}
	for _, f := range []string{sm2CAKeyFile, tlcpSignKey, tlcpEncKeyFile} {
		if fi, err := os.Stat(filepath.Join(sm2, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want a 0600 file", f, fi, err)
		}
	}
	ca, _ := os.ReadFile(filepath.Join(sm2, sm2CAFile))
	sign, _ := os.ReadFile(filepath.Join(sm2, tlcpSignFile))
	if code, out, _ := runArgs(t, "central", "tlcp-certs", "-out", sm2, "-hosts", "127.0.0.1,localhost"); code != 0 || !strings.Contains(out, "kept the SM2 CA") {
		t.Fatalf("tlcp-certs again: %d %s; want the CA kept", code, out)
	}
	if again, _ := os.ReadFile(filepath.Join(sm2, sm2CAFile)); !bytes.Equal(again, ca) || !tlcp.IsSM2(ca) {
		t.Error("tlcp-certs run again changed the SM2 CA the terminals pin")
	}
	if renewed, _ := os.ReadFile(filepath.Join(sm2, tlcpSignFile)); bytes.Equal(renewed, sign) {
		t.Error("tlcp-certs run again did not renew central's certificates")
	}

	pki := scene.NewPKI(t)
	os.WriteFile(filepath.Join(dir, "cert.pem"), pki.CertPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), pki.KeyPEM, 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	db := filepath.Join(dir, "central.db")
	go func() {
		done <- run(ctx, []string{"central", "serve", "-db", db, "-listen", "127.0.0.1:0",
			"-cert", filepath.Join(dir, "cert.pem"), "-key", filepath.Join(dir, "key.pem"),
			"-tlcp-sign-cert", filepath.Join(sm2, tlcpSignFile), "-tlcp-sign-key", filepath.Join(sm2, tlcpSignKey),
			"-tlcp-enc-cert", filepath.Join(sm2, tlcpEncFile), "-tlcp-enc-key", filepath.Join(sm2, tlcpEncKeyFile)}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("central serve said nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[3], "https://127.0.0.1:") || !strings.Contains(line, "TLS and TLCP") {
		t.Fatalf("central serve said %q; want the https address it serves TLS and TLCP on", line)
	}
	url := fields[3]

	a, err := link.Probe(context.Background(), url, ca, link.Options{Timeout: 5 * time.Second})
	if err != nil || !a.Health.OK {
		t.Errorf("health over TLCP, pinning the SM2 CA: %+v, %v", a, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.CAPEM)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	resp, err := client.Get(url + wire.PathHealth)
	if err != nil {
		t.Fatalf("health over TLS on the same port: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Proto != "HTTP/2.0" || resp.TLS == nil || resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("health over TLS: %d %s; want 200 over HTTP/2 and TLS 1.3", resp.StatusCode, resp.Proto)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("central serve exited %d after the signal; want 0", code)
	}

	code, out, errs := runArgs(t, "central", "enrol-code", "-db", db, "-hall", "330106", "-terminal", "330106K01", "-role", "kiosk",
		"-url", url, "-ca", filepath.Join(sm2, sm2CAFile))
	var b wire.Bundle
	if code != 0 || json.Unmarshal([]byte(out), &b) != nil || b.CAPEM != string(ca) {
		t.Errorf("enrol-code -ca with the SM2 CA: %d %s %s; want a bundle pinning it", code, out, errs)
	}
	if code, _, errs := runArgs(t, "central", "serve", "-db", db, "-tlcp-sign-cert", "x.pem"); code == 0 || !strings.Contains(errs, "go together") {
		t.Errorf("serve with one -tlcp flag: %d %s; want the four asked for together", code, errs)
	}
}
