package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/update"
	"onewindow/sync/central"
	"onewindow/sync/wire"
)

func init() {
	register(command{
		name:    "central",
		summary: "run the reference central platform, or administer it (enrol, revoke, publish, decide)",
		run:     runCentral,
	})
}

const centralUsage = `Usage:
  onewindow central serve [flags]                          serve the API to halls and back offices
  onewindow central enrol-code [flags]                     make a one-time enrolment bundle for a terminal
  onewindow central revoke [flags] TERMINAL                refuse a terminal from now on
  onewindow central publish [flags] catalog|hall|calendar FILE
                                                           publish a catalogue, a hall's staff list or the holiday calendar
  onewindow central decide [flags] CASE DEPT approve|deny [REASON]
                                                           record a department's opinion on a case
  onewindow central publish-update [flags] PACKAGE.owu     publish a signed update package to the terminals
  onewindow central terminals [-hall CODE] [flags]         list a hall's terminals with their last health
  onewindow central compact [flags] VERSION                forget the changes up to VERSION

Every subcommand takes -db (a SQLite file, or a PostgreSQL URL
postgres://…) and -keys (the file with the key that seals applicants'
personal data). Run 'onewindow central SUBCOMMAND -h' for its flags.
`

func runCentral(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central", centralUsage)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "onewindow central: say what to do: serve, enrol-code, revoke, publish, publish-update, decide, terminals or compact; run 'onewindow central -h' for help\n")
		return 2
	}
	sub, rest := fs.Arg(0), fs.Args()[1:]
	run, ok := map[string]func(context.Context, []string, io.Writer, io.Writer) int{
		"serve":          runCentralServe,
		"enrol-code":     runCentralEnrolCode,
		"revoke":         runCentralRevoke,
		"publish":        runCentralPublish,
		"publish-update": runCentralPublishUpdate,
		"decide":         runCentralDecide,
		"terminals":      runCentralTerminals,
		"compact":        runCentralCompact,
	}[sub]
	if !ok {
		fmt.Fprintf(stderr, "onewindow central: unknown subcommand %q; run 'onewindow central -h' for help\n", sub)
		return 2
	}
	return run(ctx, rest, stdout, stderr)
}

// storeFlags are the flags every central subcommand has.
type storeFlags struct {
	db, keys string
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	s := &storeFlags{}
	fs.StringVar(&s.db, "db", "/var/lib/onewindow/central.db", "central's database: a SQLite `file` (created if missing), or a PostgreSQL URL postgres://user@host/db")
	fs.StringVar(&s.keys, "keys", "", "the personal-data key `file` (created on first use, mode 0600); default: central-personal-data.key beside a SQLite file, /var/lib/onewindow/central-personal-data.key for PostgreSQL")
	return s
}

func (s *storeFlags) open(ctx context.Context, logger *slog.Logger) (*central.Central, error) {
	keyFile := s.keys
	if keyFile == "" {
		dir := "/var/lib/onewindow"
		if !central.IsPostgres(s.db) {
			dir = filepath.Dir(s.db)
		}
		keyFile = filepath.Join(dir, "central-personal-data.key")
	}
	keys, err := pii.LoadOrCreate(keyFile)
	if err != nil {
		return nil, err
	}
	if !central.IsPostgres(s.db) {
		if err := os.MkdirAll(filepath.Dir(s.db), 0o700); err != nil {
			return nil, err
		}
	}
	return central.Open(ctx, s.db, central.Options{Keys: keys, Logger: logger})
}

const centralServeUsage = `Usage: onewindow central serve [flags]

Serves central's API: enrolment, pushes and pulls from the halls' terminals
and, with -admin-token-file, the back offices' opinions. With -cert and -key
it serves HTTPS; give terminals the CA that signed the certificate in their
enrolment bundle (enrol-code -ca) and they pin it. Stops cleanly on SIGINT or
SIGTERM. Log lines never carry personal data.
`

func runCentralServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central serve", centralServeUsage)
	sf := addStoreFlags(fs)
	listen := fs.String("listen", ":8443", "the `address` to listen on, host:port")
	cert := fs.String("cert", "", "TLS certificate `file` (PEM); with -key, serve HTTPS")
	key := fs.String("key", "", "TLS private key `file` (PEM)")
	tokenFile := fs.String("admin-token-file", "", "`file` holding the token back offices send to record opinions; without it that API is off")
	level := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintf(stderr, "onewindow central serve: -cert and -key go together; run 'onewindow central serve -h' for help\n")
		return 2
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stderr, "onewindow central serve: -log-level %q: want debug, info, warn or error\n", *level)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	var opt central.ServerOptions
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			fmt.Fprintf(stderr, "onewindow central serve: %v\n", err)
			return 1
		}
		if opt.AdminToken = strings.TrimSpace(string(b)); len(opt.AdminToken) < 16 {
			fmt.Fprintf(stderr, "onewindow central serve: the admin token in %s is shorter than 16 characters\n", *tokenFile)
			return 1
		}
	}
	c, err := sf.open(ctx, logger)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central serve: %v\n", err)
		return 1
	}
	defer c.Close()
	srv := &http.Server{
		Handler:           c.Handler(opt),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if *cert != "" {
		pair, err := tls.LoadX509KeyPair(*cert, *key)
		if err != nil {
			fmt.Fprintf(stderr, "onewindow central serve: %v\n", err)
			return 1
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central serve: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "central: serving on %s://%s (%s)\n", scheme, ln.Addr(), c.Backend())
	done := make(chan error, 1)
	go func() {
		if scheme == "https" {
			done <- srv.ServeTLS(ln, "", "")
		} else {
			done <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "onewindow central serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		fmt.Fprintf(stderr, "onewindow central serve: stopping: %v\n", err)
		return 1
	}
	return 0
}

const centralEnrolUsage = `Usage: onewindow central enrol-code -hall HALL -terminal TERMINAL -url URL [-ca FILE] [flags]

Makes a one-time code for one terminal and prints its enrolment bundle as
JSON: central's address, the code, and the CA the terminal will pin. The
code works once, before it expires; central keeps only its hash.
`

func runCentralEnrolCode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central enrol-code", centralEnrolUsage)
	sf := addStoreFlags(fs)
	hall := fs.String("hall", "", "the `code` of the terminal's hall")
	terminal := fs.String("terminal", "", "the terminal's `code`")
	url := fs.String("url", "", "central's address as the terminal reaches it, e.g. https://central.example:8443")
	ca := fs.String("ca", "", "the CA certificate `file` (PEM) that signed central's certificate; needed for an https URL")
	valid := fs.Duration("valid", 72*time.Hour, "how long the code stays valid")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	var missing []string
	for name, v := range map[string]string{"-hall": *hall, "-terminal": *terminal, "-url": *url} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 || fs.NArg() != 0 {
		fmt.Fprintf(stderr, "onewindow central enrol-code: give -hall, -terminal and -url, and no arguments; run 'onewindow central enrol-code -h' for help\n")
		return 2
	}
	b := wire.Bundle{Central: *url, Terminal: *terminal, Hall: *hall}
	if *ca != "" {
		pemBytes, err := os.ReadFile(*ca)
		if err != nil {
			fmt.Fprintf(stderr, "onewindow central enrol-code: %v\n", err)
			return 1
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pemBytes) {
			fmt.Fprintf(stderr, "onewindow central enrol-code: %s holds no PEM certificate\n", *ca)
			return 1
		}
		b.CAPEM = string(pemBytes)
	} else if strings.HasPrefix(*url, "https://") {
		fmt.Fprintf(stderr, "onewindow central enrol-code: an https URL needs -ca, the CA the terminal will pin\n")
		return 2
	}
	c, err := sf.open(ctx, nil)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central enrol-code: %v\n", err)
		return 1
	}
	defer c.Close()
	if b.Code, b.Expires, err = c.CreateEnrolCode(ctx, *hall, *terminal, *valid); err != nil {
		fmt.Fprintf(stderr, "onewindow central enrol-code: %v\n", err)
		return 1
	}
	out, _ := json.MarshalIndent(b, "", "  ")
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}

const centralRevokeUsage = `Usage: onewindow central revoke [flags] TERMINAL

Refuses every later request of TERMINAL (a stolen or retired machine) until
it is enrolled again with a new code.
`

func runCentralRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central revoke", centralRevokeUsage)
	sf := addStoreFlags(fs)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "onewindow central revoke: wanted one TERMINAL, got %d arguments; run 'onewindow central revoke -h' for help\n", fs.NArg())
		return 2
	}
	return withCentral(ctx, sf, "revoke", stderr, func(c *central.Central) error {
		if err := c.Revoke(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "terminal %s revoked\n", fs.Arg(0))
		return nil
	})
}

const centralPublishUsage = `Usage: onewindow central publish [flags] catalog|hall|calendar FILE

Publishes to the halls, from a JSON file:
  catalog   the service catalogue (app.Catalog), with a version newer than the last
  hall      one hall's set-up: windows and staff (app.Hall), checked against the catalogue
  calendar  the holiday calendar: the days that differ from Monday–Friday
A file with any problem is refused with every problem named, and nothing is
published. Halls get what is published on their next pull.
`

func runCentralPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central publish", centralPublishUsage)
	sf := addStoreFlags(fs)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "onewindow central publish: wanted what (catalog, hall or calendar) and a FILE, got %d arguments; run 'onewindow central publish -h' for help\n", fs.NArg())
		return 2
	}
	what, file := fs.Arg(0), fs.Arg(1)
	if what != "catalog" && what != "hall" && what != "calendar" {
		fmt.Fprintf(stderr, "onewindow central publish: %q: publish catalog, hall or calendar; run 'onewindow central publish -h' for help\n", what)
		return 2
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central publish: %v\n", err)
		return 1
	}
	return withCentral(ctx, sf, "publish", stderr, func(c *central.Central) error {
		publish := map[string]func(context.Context, []byte) (int64, error){
			"catalog": c.PublishCatalog, "hall": c.PublishHall, "calendar": c.PublishCalendar,
		}[what]
		v, err := publish(ctx, data)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		fmt.Fprintf(stdout, "%s published from %s as change %d\n", what, file, v)
		return nil
	})
}

const centralPublishUpdateUsage = `Usage: onewindow central publish-update [-keys FILE] [-downgrade] [flags] PACKAGE.owu

Publishes a signed update package (made by 'onewindow update sign' or
'make dist UPDATE_KEY=…') to the terminals of the machine its manifest
names: central serves it at /v1/updates/OS-ARCH.owu to enrolled terminals,
and 'onewindow update fetch' on a terminal installs it. The package is
verified against the update keys first, as a terminal verifies it: a
package that fails, or that is not newer than the one published for its
machine (without -downgrade), is refused and nothing changes.
`

func runCentralPublishUpdate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central publish-update", centralPublishUpdateUsage)
	sf := addStoreFlags(fs)
	keysFile := fs.String("update-keys", defaultUpdateKeys, "the `file` of trusted update public keys, one a line (as on the terminals)")
	downgrade := fs.Bool("downgrade", false, "publish a version not newer than the one published (going back after a bad release)")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "onewindow central publish-update: wanted one PACKAGE.owu, got %d arguments; run 'onewindow central publish-update -h' for help\n", fs.NArg())
		return 2
	}
	keyText, err := os.ReadFile(*keysFile)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central publish-update: the update keys: %v\n", err)
		return 1
	}
	keys, err := update.ParsePublicKeys(string(keyText))
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central publish-update: %s: %v\n", *keysFile, err)
		return 1
	}
	pkg, err := readLimited(fs.Arg(0), update.MaxPackage)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central publish-update: %v\n", err)
		return 1
	}
	return withCentral(ctx, sf, "publish-update", stderr, func(c *central.Central) error {
		m, err := c.PublishUpdate(ctx, pkg, keys, *downgrade)
		if err != nil {
			return fmt.Errorf("%s: %w; nothing was published", fs.Arg(0), err)
		}
		fmt.Fprintf(stdout, "published onewindow %s for %s/%s (%d KiB); terminals install it with 'onewindow update fetch'\n",
			m.Version, m.OS, m.Arch, len(pkg)>>10)
		return nil
	})
}

const centralDecideUsage = `Usage: onewindow central decide [flags] CASE DEPT approve|deny [REASON]

Records department DEPT's opinion on CASE (审批意见). A case of an item one
department decides is approved or denied at once; a parallel-approval item
(并联审批) is decided when every one of its departments has given its
opinion: approved if all approve, denied if any denies. A denial needs its
REASON. The accepting hall sees the decision on its next pull.
`

func runCentralDecide(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central decide", centralDecideUsage)
	sf := addStoreFlags(fs)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() < 3 || fs.NArg() > 4 {
		fmt.Fprintf(stderr, "onewindow central decide: wanted CASE DEPT approve|deny [REASON], got %d arguments; run 'onewindow central decide -h' for help\n", fs.NArg())
		return 2
	}
	o := wire.Opinion{Case: fs.Arg(0), Department: fs.Arg(1), Reason: fs.Arg(3)}
	switch fs.Arg(2) {
	case "approve":
		o.Approve = true
	case "deny":
	default:
		fmt.Fprintf(stderr, "onewindow central decide: %q: say approve or deny; run 'onewindow central decide -h' for help\n", fs.Arg(2))
		return 2
	}
	return withCentral(ctx, sf, "decide", stderr, func(c *central.Central) error {
		ans, err := c.RecordOpinion(ctx, o)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "case %s: %s", ans.Case, ans.Decision)
		if len(ans.Waiting) > 0 {
			fmt.Fprintf(stdout, ", waiting for %s", strings.Join(ans.Waiting, ", "))
		}
		fmt.Fprintln(stdout)
		return nil
	})
}

const centralTerminalsUsage = `Usage: onewindow central terminals [-hall CODE] [flags]

Lists the terminals ever enrolled, of one hall with -hall: each one's
hall, role, whether it is revoked, when central last heard from it (LAST
SEEN), when it last completed a sync (LAST SYNC), the last operation
central holds from it, and the health it last reported. Under a terminal
whose health is not ok, each check that warns or fails is listed with the
next step to take. Terminals report their health with their syncs, at most
every few minutes; "not reported" is a terminal that has not yet (or runs an
onewindow from before health reports).
`

func runCentralTerminals(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central terminals", centralTerminalsUsage)
	sf := addStoreFlags(fs)
	hall := fs.String("hall", "", "list only the terminals of the hall with this `code`")
	if code, done := parseFlagsNoArgs(fs, args, stdout, stderr); done {
		return code
	}
	return withCentral(ctx, sf, "terminals", stderr, func(c *central.Central) error {
		ts, err := c.Terminals(ctx, *hall)
		if err != nil {
			return err
		}
		writeTerminals(stdout, ts)
		return nil
	})
}

// writeTerminals prints the terminal list: one line each, and under one
// whose last report is not well its failing and warning checks.
func writeTerminals(w io.Writer, ts []central.Terminal) {
	fmt.Fprintf(w, "%-16s %-10s %-8s %-8s %-16s %-16s %9s  %s\n", "TERMINAL", "HALL", "ROLE", "STATE", "LAST SEEN", "LAST SYNC", "LAST OP", "HEALTH")
	for _, t := range ts {
		state := "active"
		if !t.Revoked.IsZero() {
			state = "revoked"
		}
		role := t.Role
		if role == "" {
			role = "-"
		}
		fmt.Fprintf(w, "%-16s %-10s %-8s %-8s %-16s %-16s %9d  %s\n", t.ID, t.Hall, role, state, when(t.LastSeen), when(t.LastSync), t.LastSeq, t.Summary())
		if t.Health == nil {
			continue
		}
		for _, c := range t.Health.NotWell() {
			fmt.Fprintf(w, "    [%-4s] %s: %s\n", c.Verdict, c.Name, c.Detail)
			if c.Next != "" {
				fmt.Fprintf(w, "           → %s\n", c.Next)
			}
		}
		if bad := t.Health.NotWell(); len(bad) > 0 {
			fmt.Fprintf(w, "           (checked %s, onewindow %s)\n", when(t.Health.At), t.Version)
		}
	}
}

const centralCompactUsage = `Usage: onewindow central compact [flags] VERSION

Forgets the changes up to and including VERSION (publish prints each
change's version; GET /v1/health shows the newest). A hall whose cursor is older
is told so on its next pull and resyncs in full: the current catalogue,
staff list, calendar and every decision on its cases.
`

func runCentralCompact(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("central compact", centralCompactUsage)
	sf := addStoreFlags(fs)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	upTo, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil || upTo < 1 {
		fmt.Fprintf(stderr, "onewindow central compact: wanted one VERSION, a positive whole number; run 'onewindow central compact -h' for help\n")
		return 2
	}
	return withCentral(ctx, sf, "compact", stderr, func(c *central.Central) error {
		n, err := c.Compact(ctx, upTo)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d changes forgotten\n", n)
		return nil
	})
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(app.HallZone).Format("2006-01-02 15:04")
}

// withCentral opens central, runs fn and turns its error into exit code 1.
func withCentral(ctx context.Context, sf *storeFlags, name string, stderr io.Writer, fn func(*central.Central) error) int {
	c, err := sf.open(ctx, nil)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow central %s: %v\n", name, err)
		return 1
	}
	defer c.Close()
	if err := fn(c); err != nil {
		// A refused file's error lists every problem, one per line.
		fmt.Fprintf(stderr, "onewindow central %s: %v\n", name, err)
		return 1
	}
	return 0
}
