package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"onewindow/app/config"
	"onewindow/app/store"
	"onewindow/sync/central"
)

const migrateCryptoUsage = `Usage: onewindow update migrate-crypto [-config FILE] [-batch N]

Seals this terminal's or hub's personal data again under the crypto suite
central names (issue 19: intl or gm, 国密), and indexes its ID numbers again
under it. Run it after central has named a new suite and the terminal has
synced once (what it records from then on is under the new suite already).
It runs beside the terminal's own service, a batch of records to a
transaction; stopped or killed at any point it loses nothing, and run again
it goes on from where it was. Hash chains are left as they are: each step
stays verifiable under the suite that recorded it.
`

func updateMigrateCrypto(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("update migrate-crypto", migrateCryptoUsage)
	cfgPath := fs.String("config", defaultConfigPath, "the terminal's configuration `file`")
	batch := fs.Int("batch", 200, "how many `records` to seal again in one transaction")
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	fail := commandFailure(stderr, "update migrate-crypto")
	if fs.NArg() != 0 || *batch < 1 {
		return fail(errors.New("give only -config and a -batch of 1 or more"))
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return fail(err)
	}
	if cfg.Role == config.RoleCentral {
		return fail(errors.New("this is central's configuration: central seals what it records under its -crypto-suite"))
	}
	st, err := openTerminalStore(ctx, cfg)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	log, closeLog := openTerminalLog(cfg)
	defer closeLog()
	left, err := st.ResealLeft(ctx)
	if err != nil {
		return fail(err)
	}
	to := st.Suite()
	if left == 0 {
		fmt.Fprintf(stdout, "every record is sealed under %s already: nothing to do\n", to)
		return 0
	}
	fmt.Fprintf(stdout, "sealing %d records again under %s\n", left, to)
	log.Info("crypto reseal started", "suite", string(to), "records", left)
	n, err := st.Reseal(ctx, *batch, func(p store.ResealProgress) {
		fmt.Fprintf(stdout, "%s: %d done, %d left\n", p.Table, p.Done, p.Left)
	})
	if err != nil {
		log.Error("crypto reseal stopped; run it again to go on", "suite", string(to), "done", n, "error", err)
		return fail(fmt.Errorf("%w (%d records done; run it again to go on)", err, n))
	}
	log.Info("crypto reseal done", "suite", string(to), "records", n)
	fmt.Fprintf(stdout, "done: %d records sealed again under %s\n", n, to)
	return 0
}

const centralMigrateCryptoUsage = `Usage: onewindow central migrate-crypto [flags]

Seals central's personal data again (cases' applicants, ratings' comments,
bookings) under the crypto suite of -crypto-suite, and indexes its ID
numbers again under it: after central's servers were restarted with a new
suite, which they seal under from then on. It runs beside the servers, a
batch of rows to a transaction; stopped or killed it loses nothing, and run
again it goes on.
`

func runCentralMigrateCrypto(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("migrate-crypto", centralMigrateCryptoUsage, stdout, stderr)
	batch := a.fs.Int("batch", 200, "how many `rows` to seal again in one transaction")
	if code, done := a.parse(args, 0, 0, ""); done {
		return code
	}
	if *batch < 1 {
		return a.usage("-batch must be 1 or more")
	}
	return a.with(ctx, nil, func(c *central.Central) error {
		left, err := c.ResealLeft(ctx)
		if err != nil || left == 0 {
			fmt.Fprintf(stdout, "every row is sealed under %s already: nothing to do\n", c.Suite())
			return err
		}
		fmt.Fprintf(stdout, "sealing %d rows again under %s\n", left, c.Suite())
		n, err := c.Reseal(ctx, *batch, func(table string, done int) { fmt.Fprintf(stdout, "%s: %d done\n", table, done) })
		if err != nil {
			return fmt.Errorf("%w (%d rows done; run it again to go on)", err, n)
		}
		fmt.Fprintf(stdout, "done: %d rows sealed again under %s\n", n, c.Suite())
		return nil
	})
}
