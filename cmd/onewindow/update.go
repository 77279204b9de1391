package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/pii"
	"onewindow/app/setup"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/app/update"
	"onewindow/sync/link"
)

func init() {
	register(command{
		name:    "update",
		summary: "install a signed update (from a USB stick or central), migrate the database, make signing keys",
		run:     runUpdate,
		subs:    []string{"install", "fetch", "migrate", "migrate-crypto", "keygen", "sign"},
	})
}

const updateUsage = `Usage:
  onewindow update install [-keys FILE] [-downgrade] PACKAGE.owu   install an update from a file (USB stick)
  onewindow update fetch [-config FILE] [-keys FILE] [-url URL]    fetch the update from central (as the enrolled terminal) and install it
  onewindow update migrate [-config FILE]                          migrate the database (systemd runs this at start)
  onewindow update migrate-crypto [-config FILE] [-batch N]        seal the personal data again under the crypto suite central names
  onewindow update keygen [-suite intl|gm] -o PREFIX               make a signing key pair (PREFIX.key, PREFIX.pub)
  onewindow update sign -key FILE -version V [-arch A] -o OUT PAYLOAD.deb   make a signed update package

An update package is installed only after its signature is checked against
the public keys in -keys and its payload against the signed hash; a package
that fails changes nothing. The keys are of the province's crypto suite:
ed25519 (intl, the default; the payload's hash SHA-256) or SM2 with SM3
(gm, 国密; the hash SM3). A keys file may hold both while a province moves
from one to the other; a package is checked against the keys of the
algorithm that signed it. The new version migrates the database
on its first start, on a copy: if that fails the database stays as it was
and the old version runs on it again once reinstalled.
`

const defaultUpdateKeys = "/etc/onewindow/update-keys.pub"

func runUpdate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := commandFlags("update", updateUsage)
		if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
			return code
		}
		fmt.Fprintf(stderr, "onewindow update: say what to do: install, fetch, migrate, migrate-crypto, keygen or sign; run 'onewindow update -h' for help\n")
		return 2
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "install", "fetch":
		return updateInstall(ctx, sub, rest, stdout, stderr)
	case "migrate":
		return updateMigrate(ctx, rest, stdout, stderr)
	case "migrate-crypto":
		return updateMigrateCrypto(ctx, rest, stdout, stderr)
	case "keygen":
		return updateKeygen(rest, stdout, stderr)
	case "sign":
		return updateSign(rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "onewindow update: unknown subcommand %q; run 'onewindow update -h' for help\n", sub)
	return 2
}

func updateInstall(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) int {
	name := "update " + sub
	fs := commandFlags(name, updateUsage)
	keysFile := fs.String("keys", defaultUpdateKeys, "the `file` of trusted public keys, one a line (ed25519, or SM2 after sm2:)")
	downgrade := fs.Bool("downgrade", false, "accept a version not newer than the one installed (going back after a bad release)")
	dryRun := fs.Bool("dry-run", false, "verify the package and stop before installing it")
	dpkg := fs.String("dpkg", "dpkg", "the `command` that installs a .deb")
	cfgPath := fs.String("config", defaultConfigPath, "the terminal's configuration `file` (fetch: where central is)")
	fileURL := fs.String("url", "", "fetch: the package's `URL` on a mirror (default: central's /v1/updates/linux-ARCH.owu, asked as the enrolled terminal)")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if (sub == "install") != (fs.NArg() == 1) || fs.NArg() > 1 {
		fmt.Fprintf(stderr, "onewindow %s: wrong arguments %q; run 'onewindow update -h' for help\n", name, fs.Args())
		return 2
	}
	keys, err := readUpdateKeys(*keysFile)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow %s: %v\n", name, err)
		return 1
	}
	var pkg []byte
	if sub == "install" {
		if pkg, err = readLimited(fs.Arg(0), update.MaxPackage); err != nil {
			fmt.Fprintf(stderr, "onewindow %s: %v\n", name, err)
			return 1
		}
	} else {
		current := buildVersion()
		if *downgrade {
			current = "" // whatever central holds
		}
		var held string
		held, pkg, err = fetchUpdate(ctx, *cfgPath, *fileURL, current)
		if errors.Is(err, link.ErrNoUpdate) {
			fmt.Fprintf(stdout, "nothing to install: central holds onewindow %s for %s, and %s runs here\n",
				held, update.FileName(runtime.GOOS, runtime.GOARCH), current)
			return 0
		}
		if err != nil {
			fmt.Fprintf(stderr, "onewindow %s: nothing was installed: %v\n", name, err)
			return 1
		}
	}
	target := update.Target{OS: runtime.GOOS, Arch: runtime.GOARCH, Current: buildVersion(), Downgrade: *downgrade}
	install := func(file string, m update.Manifest) error {
		if *dryRun {
			fmt.Fprintf(stdout, "verified %s %s for %s/%s, signed %s; not installed (-dry-run)\n", m.Payload, m.Version, m.OS, m.Arch, m.Signed.Format(time.DateTime))
			return nil
		}
		cmd := exec.CommandContext(ctx, *dpkg, "-i", file)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		return cmd.Run()
	}
	log := slog.New(slog.DiscardHandler)
	if cfg, err := config.Load(*cfgPath); err == nil {
		var closeLog func()
		log, closeLog = openTerminalLog(cfg)
		defer closeLog()
	}
	m, err := update.Install(bytes.NewReader(pkg), keys, target, os.TempDir(), install)
	if err != nil {
		log.Warn("update refused", "source", sub, "error", err)
		fmt.Fprintf(stderr, "onewindow %s: nothing was installed: %v\n", name, err)
		return 1
	}
	if !*dryRun {
		log.Info("update installed", "source", sub, "from", buildVersion(), "to", m.Version)
		fmt.Fprintf(stdout, "installed onewindow %s; the services restart on it and migrate the database first\n", m.Version)
	}
	return 0
}

// readUpdateKeys reads the file of trusted update public keys (ed25519,
// SM2 or both).
func readUpdateKeys(file string) ([]update.PublicKey, error) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("the trusted update keys: %w (copy the province's update key there first)", err)
	}
	keys, err := update.ParsePublicKeys(string(text))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return keys, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MB: not an update package", path, limit>>20)
	}
	return data, nil
}

// fetchUpdate downloads the package for this machine from central as the
// enrolled terminal: with its own credentials, over the TLS it pinned at
// enrolment (the database is only read). With fileURL the package comes
// from that address instead (a mirror), without the terminal's secret,
// pinned to the same CA. Either way it is verified before it is installed.
func fetchUpdate(ctx context.Context, cfgPath, fileURL, current string) (held string, pkg []byte, err error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return "", nil, err
	}
	keys, err := pii.LoadOrCreate(cfg.Paths.KeyFile)
	if err != nil {
		return "", nil, err
	}
	creds, err := store.ReadSyncCredentials(ctx, terminalDatabase(cfg), keys)
	if fileURL != "" {
		// A mirror is not central: it gets no credentials.
		pkg, err := link.FetchMirror(ctx, fileURL, creds.CAPEM, update.MaxPackage, link.Options{})
		return "", pkg, err
	}
	if errors.Is(err, app.ErrNotFound) {
		return "", nil, errors.New("this terminal is not enrolled with central, and central serves updates to enrolled terminals only: enrol it first ('onewindow setup -enrol BUNDLE'), or give -url")
	}
	if err != nil {
		return "", nil, err
	}
	return link.FetchUpdate(ctx, creds, update.FileName(runtime.GOOS, runtime.GOARCH), current, update.MaxPackage, link.Options{})
}

func updateMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("update migrate", updateUsage)
	cfgPath := fs.String("config", defaultConfigPath, "the terminal's configuration `file`")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if _, err := os.Stat(*cfgPath); errors.Is(err, os.ErrNotExist) {
		// Not set up yet: there is no database to migrate, and the screen
		// session will show the set-up wizard.
		fmt.Fprintf(stdout, "%s does not exist yet: nothing to migrate\n", *cfgPath)
		return 0
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow update migrate: %v\n", err)
		return 1
	}
	if cfg.Role == config.RoleCentral {
		return 0
	}
	keys, err := pii.LoadOrCreate(cfg.Paths.KeyFile)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow update migrate: %v\n", err)
		return 1
	}
	open := func(ctx context.Context, file string) error {
		st, err := store.Open(ctx, file, store.Options{Terminal: cfg.Terminal, Keys: keys})
		if err != nil {
			return err
		}
		return st.Close()
	}
	log, closeLog := openTerminalLog(cfg)
	defer closeLog()
	res, err := update.Migrate(ctx, terminalDatabase(cfg), open)
	if err != nil {
		log.Error("database migration failed; the database was left as it was", "version", buildVersion(), "error", err)
		fmt.Fprintf(stderr, "onewindow update migrate: %v\n", err)
		return 1
	}
	if res.Backup != "" {
		log.Info("database migrated", "version", buildVersion(), "from", res.From, "to", res.To, "backup", res.Backup)
		fmt.Fprintf(stdout, "migrated the database from schema %d to %d; the original is kept as %s\n", res.From, res.To, res.Backup)
	}
	return 0
}

func updateKeygen(args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("update keygen", updateUsage)
	prefix := fs.String("o", "", "write the keys to `PREFIX`.key (private, mode 600) and PREFIX.pub")
	named := fs.String("suite", string(suite.Intl), "the province's crypto `suite`: intl (ed25519) or gm (国密: SM2 with SM3)")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	generate := update.GenerateKey
	switch s, err := suite.Parse(*named); {
	case err != nil:
		fmt.Fprintf(stderr, "onewindow update keygen: -suite: %v\n", err)
		return 2
	case s == suite.GM:
		generate = update.GenerateSM2Key
	}
	if *prefix == "" || fs.NArg() != 0 {
		fmt.Fprintf(stderr, "onewindow update keygen: give -o PREFIX and no arguments\n")
		return 2
	}
	if _, err := os.Stat(*prefix + ".key"); err == nil {
		fmt.Fprintf(stderr, "onewindow update keygen: %s.key exists; a signing key is never overwritten\n", *prefix)
		return 1
	}
	pub, priv, err := generate()
	if err == nil {
		err = setup.WriteFileAtomic(*prefix+".key", []byte(priv.Encode()+"\n"), 0o600)
	}
	if err == nil {
		err = setup.WriteFileAtomic(*prefix+".pub", []byte("# onewindow update key ("+pub.Algorithm()+"), made "+time.Now().Format(time.DateOnly)+"\n"+pub.String()+"\n"), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "onewindow update keygen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s.key (%s; keep it off the terminals) and %s.pub (add its key line to %s on every terminal)\n", *prefix, pub.Algorithm(), *prefix, defaultUpdateKeys)
	return 0
}

func updateSign(args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("update sign", updateUsage)
	keyFile := fs.String("key", "", "the private key `file` from keygen (ed25519 or SM2: the package is signed with it)")
	version := fs.String("version", "", "the payload's `version`")
	arch := fs.String("arch", "", "the payload's architecture, amd64 or arm64 (default: read from a name like onewindow_V_ARCH.deb)")
	out := fs.String("o", "", "the package `file` to write")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	if *keyFile == "" || *version == "" || *out == "" || fs.NArg() != 1 {
		fmt.Fprintf(stderr, "onewindow update sign: give -key, -version, -o and one PAYLOAD; run 'onewindow update -h' for help\n")
		return 2
	}
	payloadPath := fs.Arg(0)
	if *arch == "" {
		for _, a := range []string{"amd64", "arm64"} {
			if strings.HasSuffix(payloadPath, "_"+a+".deb") {
				*arch = a
			}
		}
		if *arch == "" {
			fmt.Fprintf(stderr, "onewindow update sign: cannot tell the architecture from %s; give -arch\n", payloadPath)
			return 2
		}
	}
	keyText, err := os.ReadFile(*keyFile)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow update sign: %v\n", err)
		return 1
	}
	key, err := update.ParsePrivateKey(string(keyText))
	if err != nil {
		fmt.Fprintf(stderr, "onewindow update sign: %s: %v\n", *keyFile, err)
		return 1
	}
	payload, err := readLimited(payloadPath, update.MaxPackage)
	if err != nil {
		fmt.Fprintf(stderr, "onewindow update sign: %v\n", err)
		return 1
	}
	var buf bytes.Buffer
	if err := update.Sign(&buf, key, update.Manifest{Version: *version, OS: "linux", Arch: *arch}, payloadPath, payload, time.Now()); err != nil {
		fmt.Fprintf(stderr, "onewindow update sign: %v\n", err)
		return 1
	}
	if err := setup.WriteFileAtomic(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "onewindow update sign: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s: onewindow %s for linux/%s, signed with %s\n", *out, *version, *arch, key.Algorithm())
	return 0
}
