package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tjfoc/gmsm/gmtls"

	"onewindow/app/setup"
	"onewindow/sync/central"
	"onewindow/sync/tlcp"
)

// tlcpFlags are central serve's SM2 double certificate: with them central
// speaks TLCP (国密, GM/T 0024) beside TLS on its one port.
type tlcpFlags struct{ signCert, signKey, encCert, encKey string }

func addTLCPFlags(fs *flag.FlagSet) *tlcpFlags {
	f := &tlcpFlags{}
	fs.StringVar(&f.signCert, "tlcp-sign-cert", "", "TLCP (国密) SM2 signing certificate `file` (PEM, made by 'central tlcp-certs'); with the other three -tlcp flags, serve TLCP beside TLS on the same port")
	fs.StringVar(&f.signKey, "tlcp-sign-key", "", "TLCP SM2 signing key `file` (PEM)")
	fs.StringVar(&f.encCert, "tlcp-enc-cert", "", "TLCP SM2 encryption certificate `file` (PEM)")
	fs.StringVar(&f.encKey, "tlcp-enc-key", "", "TLCP SM2 encryption key `file` (PEM)")
	return f
}

// config reads the four files; nil when none is given.
func (f *tlcpFlags) config() (*gmtls.Config, error) {
	files := []string{f.signCert, f.signKey, f.encCert, f.encKey}
	given := 0
	for _, p := range files {
		if p != "" {
			given++
		}
	}
	switch given {
	case 0:
		return nil, nil
	case len(files):
	default:
		return nil, errors.New("-tlcp-sign-cert, -tlcp-sign-key, -tlcp-enc-cert and -tlcp-enc-key go together (TLCP's double certificate)")
	}
	var data [4][]byte
	for i, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		data[i] = b
	}
	cfg, err := tlcp.ServerConfig(tlcp.Material{SignCert: data[0], SignKey: data[1], EncCert: data[2], EncKey: data[3]})
	if err != nil {
		return nil, fmt.Errorf("TLCP: %w", err)
	}
	return cfg, nil
}

// serveCentral serves central's API on listen until ctx ends, then stops
// cleanly, letting requests in flight finish: plain HTTP, TLS, or TLS and
// TLCP on the one port when gm (the SM2 double certificate) is given.
func serveCentral(ctx context.Context, c *central.Central, opt central.ServerOptions, listen string, tlsConfig *tls.Config, gm *gmtls.Config, logger *slog.Logger, stdout io.Writer) error {
	srv := &http.Server{
		Handler:           c.Handler(opt),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		TLSConfig:         tlsConfig,
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	scheme, what := "http", ""
	switch {
	case gm != nil:
		scheme, what = "https", ", TLCP"
		if tlsConfig != nil {
			what = ", TLS and TLCP"
			// As ServeTLS: HTTP/2 offered to TLS clients (Serve sets it
			// up when the server's configuration names h2).
			tlsConfig = tlsConfig.Clone()
			tlsConfig.NextProtos = []string{"h2", "http/1.1"}
			srv.TLSConfig = tlsConfig
		}
		ln = tlcp.NewListener(ln, tlsConfig, gm, func(format string, args ...any) {
			logger.Warn(fmt.Sprintf(format, args...))
		})
	case tlsConfig != nil:
		scheme, what = "https", ", TLS"
	}
	fmt.Fprintf(stdout, "central: serving on %s://%s (%s%s)\n", scheme, ln.Addr(), c.Backend(), what)
	done := make(chan error, 1)
	go func() {
		if tlsConfig != nil && gm == nil {
			done <- srv.ServeTLS(ln, "", "")
		} else {
			done <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("stopping: %w", err)
	}
	return nil
}

// The files 'central tlcp-certs' writes in its folder.
const (
	sm2CAFile, sm2CAKeyFile     = "sm2-ca.pem", "sm2-ca-key.pem"
	tlcpSignFile, tlcpSignKey   = "tlcp-sign.pem", "tlcp-sign-key.pem"
	tlcpEncFile, tlcpEncKeyFile = "tlcp-enc.pem", "tlcp-enc-key.pem"
)

const centralTLCPUsage = `Usage: onewindow central tlcp-certs -out DIR -hosts NAMES

Makes central's SM2 certificates for TLCP (国密, GM/T 0024), for a
province on the gm crypto suite, in DIR:

  sm2-ca.pem, sm2-ca-key.pem          the province's SM2 CA, which every
                                      terminal pins (enrol-code -ca)
  tlcp-sign.pem, tlcp-sign-key.pem    central's SM2 signing certificate
  tlcp-enc.pem, tlcp-enc-key.pem      central's SM2 encryption certificate

both of central's certificates signed by the CA, for NAMES (the names and
IP addresses terminals reach central at, comma-separated, as in
enrol-code's -url). Keys are written mode 0600: keep the CA's key off the
server once the certificates are made. An SM2 CA already in DIR is kept
and signs the new certificates, so that renewing them (every 2 years)
changes nothing on the terminals. Then:

  onewindow central serve -cert … -key … \
      -tlcp-sign-cert DIR/tlcp-sign.pem -tlcp-sign-key DIR/tlcp-sign-key.pem \
      -tlcp-enc-cert DIR/tlcp-enc.pem -tlcp-enc-key DIR/tlcp-enc-key.pem
  onewindow central enrol-code -ca DIR/sm2-ca.pem …

Central then speaks TLS and TLCP on its one port; a terminal speaks TLCP
when the CA its bundle pins is SM2, TLS otherwise (docs/security.md).
`

func runCentralTLCPCerts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &adminCall{name: "central tlcp-certs", fs: commandFlags("central tlcp-certs", centralTLCPUsage), stdout: stdout, stderr: stderr}
	out := a.fs.String("out", "", "the `folder` to write the certificates and keys in (created if missing)")
	hosts := a.fs.String("hosts", "", "central's `names`: host names and IP addresses, comma-separated, like central.example,10.0.0.5")
	if code, done := a.parse(args, 0, 0, ""); done {
		return code
	}
	var names []string
	for _, h := range strings.Split(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			names = append(names, h)
		}
	}
	if *out == "" || len(names) == 0 {
		return a.usage("give -out and -hosts")
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return a.fail(err)
	}
	path := func(name string) string { return filepath.Join(*out, name) }
	now := time.Now()
	caCert, errC := os.ReadFile(path(sm2CAFile))
	caKey, errK := os.ReadFile(path(sm2CAKeyFile))
	kept := errC == nil && errK == nil
	switch {
	case kept:
	case errors.Is(errC, os.ErrNotExist) && errors.Is(errK, os.ErrNotExist):
		var err error
		if caCert, caKey, err = tlcp.MakeCA("onewindow province SM2 CA", now); err != nil {
			return a.fail(err)
		}
	default:
		return a.fail(fmt.Errorf("%s has half an SM2 CA (%v; %v): restore both files, or remove both to make a new CA (every terminal then needs a new bundle)", *out, errC, errK))
	}
	ca, err := tlcp.LoadIssuer(caCert, caKey)
	if err != nil {
		return a.fail(fmt.Errorf("%s: %w", path(sm2CAFile), err))
	}
	m, err := ca.Server(names, now)
	if err != nil {
		return a.fail(err)
	}
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{{sm2CAKeyFile, caKey, 0o600}, {sm2CAFile, caCert, 0o644}, {tlcpSignKey, m.SignKey, 0o600}, {tlcpSignFile, m.SignCert, 0o644},
		{tlcpEncKeyFile, m.EncKey, 0o600}, {tlcpEncFile, m.EncCert, 0o644}} {
		if err := setup.WriteFileAtomic(path(f.name), f.data, f.mode); err != nil {
			return a.fail(err)
		}
	}
	if kept {
		fmt.Fprintf(stdout, "kept the SM2 CA in %s; ", path(sm2CAFile))
	} else {
		fmt.Fprintf(stdout, "made a new SM2 CA in %s; ", path(sm2CAFile))
	}
	fmt.Fprintf(stdout, "central's SM2 signing and encryption certificates for %s, valid until %s, in %s\n",
		strings.Join(names, ", "), now.Add(tlcp.ServerValidity).Format("2006-01-02"), *out)
	return 0
}
