package tlcp_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"onewindow/sync/tlcp"
)

const serverEnv = "ONEWINDOW_TLCP_BENCH_SERVER" // a folder: be the benchmark's server

func TestMain(m *testing.M) {
	if dir := os.Getenv(serverEnv); dir != "" {
		benchServer(dir)
		return
	}
	os.Exit(m.Run())
}

// BenchmarkHandshake: one full handshake over loopback (a new TCP
// connection, no resumption: the clients keep no sessions), then one byte
// each way, against central's one port (tlcp.NewListener) run in a
// process of its own, by a terminal pinning central's CA. intl is TLS
// with an ECDSA P-256 certificate signed by the CA; gm is TLCP with the
// SM2 double certificate 'central tlcp-certs' makes. ns/op is what the
// terminal waits; server-µs/op the CPU central spends on it.
//
//	go test -tags no_emoji ./sync/tlcp/ -run '^$' -bench Handshake -count 5
//
// TLCP's ECDHE_SM4_CBC_SM3 is not measured: tjfoc/gmsm v1.4.1's server
// side of it is a stub (panic("")), so onewindow offers ECC_SM4_CBC_SM3 only.
func BenchmarkHandshake(b *testing.B) {
	p := newProvince(b)
	dir := b.TempDir()
	for name, data := range map[string][]byte{"cert.pem": p.pki.CertPEM, "key.pem": p.pki.KeyPEM,
		"sign.pem": p.m.SignCert, "sign-key.pem": p.m.SignKey, "enc.pem": p.m.EncCert, "enc-key.pem": p.m.EncKey} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	srv := startServer(b, dir)

	tlsDial := func(v uint16) func() (net.Conn, error) {
		cfg := &tls.Config{RootCAs: pool(b, p.pki.CAPEM), ServerName: "127.0.0.1", MinVersion: v, MaxVersion: v}
		return func() (net.Conn, error) { return tls.Dial("tcp", srv.addr, cfg) }
	}
	gmDial, err := tlcp.CADialer(p.caPEM)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		dial func() (net.Conn, error)
	}{
		{"intl/TLS1.3-ECDSA-P256", tlsDial(tls.VersionTLS13)},
		{"intl/TLS1.2-ECDHE-ECDSA-P256", tlsDial(tls.VersionTLS12)},
		{"gm/TLCP-ECC_SM4_CBC_SM3", func() (net.Conn, error) { return gmDial(context.Background(), "tcp", srv.addr) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var one [1]byte
			cpu0 := srv.cpu(b)
			for b.Loop() {
				c, err := bc.dial()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Write(one[:]); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, one[:]); err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
			b.ReportMetric(float64(srv.cpu(b)-cpu0)/float64(b.N)/1e3, "server-µs/op")
		})
	}
}

// server is the benchmark's central, in its own process.
type server struct {
	addr string
	in   io.Writer
	out  *bufio.Reader
}

func startServer(b *testing.B, dir string) *server {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+dir)
	cmd.Stderr = io.Discard
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { in.Close(); cmd.Wait() })
	s := &server{in: in, out: bufio.NewReader(out)}
	line, err := s.out.ReadString('\n')
	if err != nil {
		b.Fatalf("the benchmark's server: %v", err)
	}
	s.addr = strings.TrimSpace(line)
	return s
}

// cpu is the CPU time the server has used, user and system.
func (s *server) cpu(b *testing.B) time.Duration {
	fmt.Fprintln(s.in, "cpu")
	line, err := s.out.ReadString('\n')
	n, err2 := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
	if err != nil || err2 != nil {
		b.Fatalf("the benchmark's server's CPU time: %q %v %v", line, err, err2)
	}
	return time.Duration(n)
}

// benchServer serves TLS and TLCP on one loopback port with the files in
// dir, handshakes each connection (crypto/tls's are not yet, gmtls's are)
// and sends back what it reads; it prints its address, then its CPU time
// for each line read, until its input ends.
func benchServer(dir string) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			panic(err)
		}
		return b
	}
	pair, err := tls.X509KeyPair(read("cert.pem"), read("key.pem"))
	if err != nil {
		panic(err)
	}
	gm, err := tlcp.ServerConfig(tlcp.Material{SignCert: read("sign.pem"), SignKey: read("sign-key.pem"), EncCert: read("enc.pem"), EncKey: read("enc-key.pem")})
	if err != nil {
		panic(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	l := tlcp.NewListener(inner, &tls.Config{Certificates: []tls.Certificate{pair}}, gm, nil)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if tc, ok := c.(*tls.Conn); ok && tc.Handshake() != nil {
					return
				}
				io.Copy(c, c)
			}()
		}
	}()
	fmt.Println(inner.Addr())
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		fmt.Println(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Nanoseconds())
	}
}
