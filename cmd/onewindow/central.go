package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/citizen"
	"onewindow/app/console"
	"onewindow/app/pii"
	"onewindow/app/suite"
	"onewindow/app/update"
	"onewindow/sync/central"
	"onewindow/sync/wire"
	webconsole "onewindow/web/console"
	"onewindow/web/public"
)

func init() {
	register(command{
		name:    "central",
		summary: "run the reference central platform, or administer it (enrol, revoke, publish, updates, decide, terminals' health)",
		run:     runCentral,
		subs:    []string{"serve", "enrol-code", "tlcp-certs", "revoke", "publish", "publish-update", "updates", "decide", "terminals", "compact", "migrate-crypto", "admin"},
	})
}

const centralUsage = `Usage:
  onewindow central serve [flags]                          serve the API to halls and back offices
  onewindow central enrol-code [flags]                     make a one-time enrolment bundle for a terminal
  onewindow central tlcp-certs -out DIR -hosts NAMES       make the SM2 CA and certificates for TLCP (国密)
  onewindow central revoke [flags] TERMINAL                refuse a terminal from now on
  onewindow central publish [flags] catalog|hall|calendar FILE
                                                           publish a catalogue, a hall's staff list or the holiday calendar
  onewindow central decide [flags] CASE DEPT approve|deny [REASON]
                                                           record a department's opinion on a case
  onewindow central publish-update [flags] PACKAGE.owu     publish a signed update package to the terminals
  onewindow central updates [flags]                        list the update packages published
  onewindow central terminals [-hall CODE] [flags]         list a hall's terminals with their last health
  onewindow central compact [flags] VERSION                forget the changes up to VERSION
  onewindow central migrate-crypto [flags]                 seal central's personal data again under -crypto-suite
  onewindow central admin create|list|reset [flags]        the web console's accounts (the first administrator)

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
		fmt.Fprintf(stderr, "onewindow central: say what to do: serve, enrol-code, tlcp-certs, revoke, publish, publish-update, updates, decide, terminals, compact, migrate-crypto or admin; run 'onewindow central -h' for help\n")
		return 2
	}
	sub, rest := fs.Arg(0), fs.Args()[1:]
	run, ok := map[string]func(context.Context, []string, io.Writer, io.Writer) int{
		"serve":          runCentralServe,
		"enrol-code":     runCentralEnrolCode,
		"tlcp-certs":     runCentralTLCPCerts,
		"revoke":         runCentralRevoke,
		"publish":        runCentralPublish,
		"publish-update": runCentralPublishUpdate,
		"updates":        runCentralUpdates,
		"decide":         runCentralDecide,
		"terminals":      runCentralTerminals,
		"compact":        runCentralCompact,
		"migrate-crypto": runCentralMigrateCrypto,
		"admin":          runCentralAdmin,
	}[sub]
	if !ok {
		fmt.Fprintf(stderr, "onewindow central: unknown subcommand %q; run 'onewindow central -h' for help\n", sub)
		return 2
	}
	return run(ctx, rest, stdout, stderr)
}

// storeFlags are the flags every central subcommand has.
type storeFlags struct {
	db, keys, suite string
	conns           int
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	s := &storeFlags{}
	fs.StringVar(&s.db, "db", "/var/lib/onewindow/central.db", "central's database: a SQLite `file` (created if missing), or a PostgreSQL URL postgres://user@host/db")
	fs.IntVar(&s.conns, "db-conns", central.DefaultMaxConns, "the most `connections` this process opens to PostgreSQL (several central servers share the database's max_connections, or PgBouncer's pool)")
	fs.StringVar(&s.suite, "crypto-suite", string(suite.Intl), "the province's crypto `suite`: intl (AES, SHA-256, ed25519, TLS) or gm (国密 SM4, SM3, SM2, TLCP); central names it to every terminal, which seals, indexes and chains under it from then on (docs/security.md)")
	fs.StringVar(&s.keys, "keys", "", "the personal-data key `file` (created on first use, mode 0600); default: central-personal-data.key beside a SQLite file, /var/lib/onewindow/central-personal-data.key for PostgreSQL")
	return s
}

func (s *storeFlags) open(ctx context.Context, logger *slog.Logger) (*central.Central, error) {
	named, err := suite.Parse(s.suite)
	if err != nil {
		return nil, fmt.Errorf("-crypto-suite: %w", err)
	}
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
	if s.conns < 1 {
		return nil, fmt.Errorf("-db-conns must be 1 or more, not %d", s.conns)
	}
	return central.Open(ctx, s.db, central.Options{Keys: keys, Logger: logger, MaxConns: s.conns, Suite: named})
}

// adminCall is one run of a central subcommand: its flags (the store's and
// its own), parsed, and how it reports. Every subcommand is written
// through it, so each says its errors the same way and opens central the
// same way.
type adminCall struct {
	name           string // "central revoke"
	fs             *flag.FlagSet
	store          *storeFlags
	stdout, stderr io.Writer
}

func newAdminCall(sub, usage string, stdout, stderr io.Writer) *adminCall {
	a := &adminCall{name: "central " + sub, fs: commandFlags("central "+sub, usage), stdout: stdout, stderr: stderr}
	a.store = addStoreFlags(a.fs)
	return a
}

// parse parses args after the subcommand's flags were added. It wants
// between least and most arguments (-1: any number), named by say in the
// message when there are not; done is true when the command stops there,
// with code as its exit code.
func (a *adminCall) parse(args []string, least, most int, say string) (code int, done bool) {
	if least == 0 && most == 0 {
		return parseFlagsNoArgs(a.fs, args, a.stdout, a.stderr)
	}
	if code, done := parseCommandFlags(a.fs, args, a.stdout, a.stderr); done {
		return code, true
	}
	if n := a.fs.NArg(); n < least || (most >= 0 && n > most) {
		return a.usage("wanted %s, got %d arguments", say, n), true
	}
	return 0, false
}

// usage says what was wrong with the call, points to the help and returns
// exit code 2.
func (a *adminCall) usage(format string, args ...any) int {
	fmt.Fprintf(a.stderr, "onewindow %s: %s; run 'onewindow %s -h' for help\n", a.name, fmt.Sprintf(format, args...), a.name)
	return 2
}

// fail reports err and returns exit code 1.
func (a *adminCall) fail(err error) int {
	// A refused file's error lists every problem, one per line.
	fmt.Fprintf(a.stderr, "onewindow %s: %v\n", a.name, err)
	return 1
}

// with opens central, runs fn and turns its error into exit code 1.
func (a *adminCall) with(ctx context.Context, logger *slog.Logger, fn func(*central.Central) error) int {
	c, err := a.store.open(ctx, logger)
	if err != nil {
		return a.fail(err)
	}
	defer c.Close()
	if err := fn(c); err != nil {
		return a.fail(err)
	}
	return 0
}

const centralServeUsage = `Usage: onewindow central serve [flags]

Serves central's API: enrolment, pushes and pulls from the halls' terminals
and, with -admin-token-file, the back offices' opinions; and the web
console at / for departments' reviewers, supervisors, hall managers and
administrators (make the first administrator with 'central admin create'). With -cert and -key
it serves HTTPS; give terminals the CA that signed the certificate in their
enrolment bundle (enrol-code -ca) and they pin it. With the four -tlcp flags
(SM2 certificates from 'central tlcp-certs') it speaks TLCP (国密) on the same
port too, to terminals whose bundle pins the SM2 CA. Stops cleanly on SIGINT
or SIGTERM. Log lines never carry personal data.
`

func runCentralServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("serve", centralServeUsage, stdout, stderr)
	listen := a.fs.String("listen", ":8443", "the `address` to listen on, host:port")
	cert := a.fs.String("cert", "", "TLS certificate `file` (PEM); with -key, serve HTTPS")
	key := a.fs.String("key", "", "TLS private key `file` (PEM)")
	sm2 := addTLCPFlags(a.fs)
	tokenFile := a.fs.String("admin-token-file", "", "`file` of the departments' back-office tokens, a line 'DEPARTMENT TOKEN' each: each records opinions for its own department; without it that API is off")
	level := a.fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	behindProxy := a.fs.Bool("behind-proxy", false, "take a citizen's address for the public pages' rate limit from X-Forwarded-For (only behind a proxy or load balancer that sets it)")
	updateKeys := a.fs.String("update-keys", defaultUpdateKeys, "the `file` of trusted update public keys, one a line (ed25519, or SM2 after sm2:): what the web console's published update packages must be signed with (as 'publish-update -update-keys')")
	if code, done := a.parse(args, 0, 0, ""); done {
		return code
	}
	if (*cert == "") != (*key == "") {
		return a.usage("-cert and -key go together")
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return a.usage("-log-level %q: want debug, info, warn or error", *level)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	var opt central.ServerOptions
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return a.fail(err)
		}
		if opt.BackOffice, err = backOfficeTokens(b); err != nil {
			return a.fail(fmt.Errorf("%s: %w", *tokenFile, err))
		}
	}
	gm, err := sm2.config()
	if err != nil {
		return a.fail(err)
	}
	var tlsConfig *tls.Config
	if *cert != "" {
		pair, err := tls.LoadX509KeyPair(*cert, *key)
		if err != nil {
			return a.fail(err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	return a.with(ctx, logger, func(c *central.Central) error {
		web, err := webconsole.New(console.NewService(c, app.SystemClock{}),
			webconsole.Options{Where: app.Text{Zh: "省级平台", En: "province"}, Logger: logger})
		if err != nil {
			return err
		}
		if opt.Console, err = centralWeb(ctx, c, web, logger, *behindProxy); err != nil {
			return err
		}
		if keys, err := readUpdateKeys(*updateKeys); err == nil {
			c.TrustUpdateKeys(keys)
		} else {
			logger.Warn("the web console cannot publish update packages (publish-update still can)", "err", err)
		}
		return serveCentral(ctx, c, opt, *listen, tlsConfig, gm, logger, stdout)
	})
}

// backOfficeTokens reads the departments' back-office tokens: a line
// "DEPARTMENT TOKEN" each; '#' starts a comment.
func backOfficeTokens(b []byte) (map[string]string, error) {
	tokens := map[string]string{}
	for i, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case len(f) != 2:
			return nil, fmt.Errorf("line %d: want 'DEPARTMENT TOKEN' (one token for one department's back office)", i+1)
		case len(f[1]) < 16:
			return nil, fmt.Errorf("line %d: the token of %s is shorter than 16 characters", i+1, f[0])
		case tokens[f[0]] != "":
			return nil, fmt.Errorf("line %d: department %s has a token already", i+1, f[0])
		}
		tokens[f[0]] = f[1]
	}
	if len(tokens) == 0 {
		return nil, errors.New("no token in it: a line 'DEPARTMENT TOKEN' each")
	}
	return tokens, nil
}

// centralWeb is what central serves outside its API: the citizens' pages
// (web/public) at their paths, the web console at every other.
func centralWeb(ctx context.Context, c *central.Central, consoleWeb http.Handler, log *slog.Logger, behindProxy bool) (http.Handler, error) {
	pages, err := public.New(ctx, citizen.New(c, c, app.SystemClock{}), public.Options{Logger: log, TrustProxy: behindProxy})
	if err != nil {
		return nil, err
	}
	return public.Mount(pages, consoleWeb), nil
}

const centralRevokeUsage = `Usage: onewindow central revoke [flags] TERMINAL

Refuses every later request of TERMINAL (a stolen or retired machine) until
it is enrolled again with a new code.
`

func runCentralRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("revoke", centralRevokeUsage, stdout, stderr)
	if code, done := a.parse(args, 1, 1, "one TERMINAL"); done {
		return code
	}
	return a.with(ctx, nil, func(c *central.Central) error {
		if err := c.Revoke(ctx, a.fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "terminal %s revoked\n", a.fs.Arg(0))
		return nil
	})
}

const centralPublishUsage = `Usage: onewindow central publish [flags] catalog|hall|calendar FILE

Publishes to the halls, from a JSON file:
  catalog   the service catalogue (app.Catalog), with a version newer than the last
  hall      one hall's set-up: windows and staff (app.Hall), checked against the catalogue
  calendar  the holiday calendar: the days that differ from Monday–Friday, for
            one year or more (assets/calendar/cn-2026.json is the format);
            the years in the file replace those years, the others stay, so
            next year's notice is published on its own
A file with any problem is refused with every problem named, and nothing is
published. Halls get what is published on their next pull.
`

func runCentralPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("publish", centralPublishUsage, stdout, stderr)
	if code, done := a.parse(args, 2, 2, "what (catalog, hall or calendar) and a FILE"); done {
		return code
	}
	what, file := a.fs.Arg(0), a.fs.Arg(1)
	if what != "catalog" && what != "hall" && what != "calendar" {
		return a.usage("%q: publish catalog, hall or calendar", what)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return a.fail(err)
	}
	return a.with(ctx, nil, func(c *central.Central) error {
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
	a := newAdminCall("publish-update", centralPublishUpdateUsage, stdout, stderr)
	keysFile := a.fs.String("update-keys", defaultUpdateKeys, "the `file` of trusted update public keys, one a line (as on the terminals)")
	downgrade := a.fs.Bool("downgrade", false, "publish a version not newer than the one published (going back after a bad release)")
	if code, done := a.parse(args, 1, 1, "one PACKAGE.owu"); done {
		return code
	}
	keys, err := readUpdateKeys(*keysFile)
	if err != nil {
		return a.fail(err)
	}
	pkg, err := readLimited(a.fs.Arg(0), update.MaxPackage)
	if err != nil {
		return a.fail(err)
	}
	return a.with(ctx, nil, func(c *central.Central) error {
		m, err := c.PublishUpdate(ctx, pkg, keys, *downgrade)
		if err != nil {
			return fmt.Errorf("%s: %w; nothing was published", a.fs.Arg(0), err)
		}
		fmt.Fprintf(stdout, "published onewindow %s for %s/%s (%d KiB); terminals install it with 'onewindow update fetch'\n",
			m.Version, m.OS, m.Arch, len(pkg)>>10)
		return nil
	})
}

const centralUpdatesUsage = `Usage: onewindow central updates [flags]

Lists the update packages central serves to the terminals, one per kind
of machine: the version, its size and when it was signed and published.
`

func runCentralUpdates(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("updates", centralUpdatesUsage, stdout, stderr)
	if code, done := a.parse(args, 0, 0, ""); done {
		return code
	}
	return a.with(ctx, nil, func(c *central.Central) error {
		us, err := c.Updates(ctx)
		if err != nil {
			return err
		}
		if len(us) == 0 {
			fmt.Fprintln(stdout, "no update published; 'onewindow central publish-update PACKAGE.owu' publishes one")
			return nil
		}
		fmt.Fprintf(stdout, "%-16s %-12s %10s  %-16s  %s\n", "MACHINE", "VERSION", "SIZE", "SIGNED", "PUBLISHED")
		for _, u := range us {
			fmt.Fprintf(stdout, "%-16s %-12s %7d KiB  %-16s  %s\n", u.Manifest.OS+"/"+u.Manifest.Arch, u.Manifest.Version,
				u.Size>>10, when(u.Manifest.Signed), when(u.Published))
		}
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
	a := newAdminCall("decide", centralDecideUsage, stdout, stderr)
	if code, done := a.parse(args, 3, 4, "CASE DEPT approve|deny [REASON]"); done {
		return code
	}
	o := wire.Opinion{Case: a.fs.Arg(0), Department: a.fs.Arg(1), Reason: a.fs.Arg(3)}
	switch a.fs.Arg(2) {
	case "approve":
		o.Approve = true
	case "deny":
	default:
		return a.usage("%q: say approve or deny", a.fs.Arg(2))
	}
	return a.with(ctx, nil, func(c *central.Central) error {
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
hall, the role it was enrolled as (ROLE; "-" for one enrolled before codes
had a role, and said when it reports itself as another), whether it is
revoked, when central last heard from it (LAST
SEEN), when it last completed a sync (LAST SYNC), the last operation
central holds from it, and the health it last reported. Under a terminal
whose health is not ok, each check that warns or fails is listed with the
next step to take. Terminals report their health with their syncs, at most
every few minutes; "not reported" is a terminal that has not yet (or runs an
onewindow from before health reports), and "silent for …" one that has not
been heard from for 5 minutes or more (the WAN, or the terminal, is down).
`

func runCentralTerminals(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("terminals", centralTerminalsUsage, stdout, stderr)
	hall := a.fs.String("hall", "", "list only the terminals of the hall with this `code`")
	if code, done := a.parse(args, 0, 0, ""); done {
		return code
	}
	return a.with(ctx, nil, func(c *central.Central) error {
		ts, err := c.Terminals(ctx, *hall)
		if err != nil {
			return err
		}
		if len(ts) == 0 {
			fmt.Fprintln(stdout, "no terminal was ever enrolled; 'onewindow central enrol-code' makes the bundle for one")
			return nil
		}
		writeTerminals(stdout, ts)
		return nil
	})
}

// silentAfter is how long a terminal may go without a word to central
// before the list says so: ten syncs missed.
const silentAfter = 5 * time.Minute

func ageOf(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	}
	return fmt.Sprintf("%d minutes", int(d/time.Minute))
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
		role := t.EnrolledAs
		if role == "" {
			role = "-"
		}
		summary := t.Summary()
		if t.Role != "" && t.Role != t.EnrolledAs {
			summary = fmt.Sprintf("reports itself as %s; %s", t.Role, summary)
		}
		if quiet := time.Since(t.LastSeen); !t.LastSeen.IsZero() && t.Revoked.IsZero() && quiet >= silentAfter {
			// The WAN is often down for hours: not a failure, but the
			// first thing to ask the hall about.
			summary = fmt.Sprintf("silent for %s; last: %s", ageOf(quiet), summary)
		}
		fmt.Fprintf(w, "%-16s %-10s %-8s %-8s %-16s %-16s %9d  %s\n", t.ID, t.Hall, role, state, when(t.LastSeen), when(t.LastSync), t.LastSeq, summary)
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
	a := newAdminCall("compact", centralCompactUsage, stdout, stderr)
	if code, done := a.parse(args, 0, -1, ""); done {
		return code
	}
	upTo, err := strconv.ParseInt(a.fs.Arg(0), 10, 64)
	if a.fs.NArg() != 1 || err != nil || upTo < 1 {
		return a.usage("wanted one VERSION, a positive whole number")
	}
	return a.with(ctx, nil, func(c *central.Central) error {
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
