package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/sync/central"
)

const centralAdminUsage = `Usage:
  onewindow central admin create -login LOGIN -name NAME [-role ROLE] [flags] < password
  onewindow central admin list [flags]
  onewindow central admin reset -login LOGIN [flags] < password

The web console's accounts, on central's own machine: how the first
administrator is made (there is no default account or password), and how
one locked out gets back in. The password is the first line of standard
input, never an argument (it would show in the process list and the shell's
history); it has at least 10 characters. Accounts made here keep their
password; an account reset here must change it at its next login.

ROLE is admin (the default), reviewer (-department CODE, one department of
the catalogue), manager (-halls CODE,CODE) or supervisor (-scope PREFIX:
the halls whose codes start with it; none for the whole province). Every
action is in the console's audit log, as done from the command line.
`

// centralStdin is where 'central admin' reads passwords; tests replace it.
var centralStdin io.Reader = os.Stdin

func runCentralAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("admin", centralAdminUsage, stdout, stderr)
	login := a.fs.String("login", "", "the account's `login`")
	name := a.fs.String("name", "", "the person's `name`")
	role := a.fs.String("role", "admin", "`role`: admin, reviewer, manager or supervisor")
	dept := a.fs.String("department", "", "a reviewer's department `code`")
	halls := a.fs.String("halls", "", "a manager's hall `codes`, comma-separated")
	scope := a.fs.String("scope", "", "a supervisor's area: the `start` of its halls' codes")
	// The action comes first (central admin create -login …) or after the
	// flags (central admin -db … create).
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	least := 1
	if action != "" {
		least = 0
	}
	if code, done := a.parse(args, least, least, "create, list or reset"); done {
		return code
	}
	if action == "" {
		action = a.fs.Arg(0)
	}
	if action != "list" && *login == "" {
		return a.usage("%s needs -login", action)
	}
	var password string
	if action == "create" || action == "reset" {
		line, err := bufio.NewReader(centralStdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return a.fail(err)
		}
		password = strings.TrimRight(line, "\r\n")
		if err := console.CheckPassword(password); err != nil {
			return a.fail(fmt.Errorf("the password on standard input: %w", err))
		}
	}
	return a.with(ctx, nil, func(c *central.Central) error {
		svc := console.NewService(c, app.SystemClock{})
		switch action {
		case "create":
			acct := console.Account{Login: *login, Name: *name, Role: console.Role(*role), Department: *dept, Scope: *scope}
			if *halls != "" {
				acct.Halls = strings.Split(*halls, ",")
			}
			if err := svc.CreateAccount(ctx, console.CommandLine, acct, password); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "account %s (%s) created\n", acct.Login, acct.Role)
		case "reset":
			if err := svc.ResetPassword(ctx, console.CommandLine, *login, password); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "account %s: password reset; it must be changed at the next login\n", *login)
		case "list":
			list, err := svc.Accounts(ctx, console.CommandLine)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "LOGIN\tNAME\tROLE\tFOR\tSTATUS")
			for _, x := range list {
				status := "active"
				switch {
				case x.Disabled:
					status = "disabled"
				case x.Locked(time.Now()):
					status = "locked until " + when(x.LockedUntil)
				case x.MustChange:
					status = "must change password"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", x.Login, x.Name, x.Role,
					strings.TrimSpace(x.Department+" "+strings.Join(x.Halls, ",")+" "+x.Scope), status)
			}
			return w.Flush()
		default:
			return fmt.Errorf("%w: %q: say create, list or reset", app.ErrInvalidInput, action)
		}
		return nil
	})
}
