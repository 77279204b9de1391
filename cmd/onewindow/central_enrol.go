package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"onewindow/sync/central"
	"onewindow/sync/tlcp"
	"onewindow/sync/wire"
)

const centralEnrolUsage = `Usage: onewindow central enrol-code -hall HALL -terminal TERMINAL -role ROLE -url URL [-ca FILE] [flags]

Makes a one-time code for one terminal and prints its enrolment bundle as
JSON: central's address, the code, and the CA the terminal will pin. The
code works once, before it expires; central keeps only its hash.

ROLE is what the terminal is: kiosk, window, display or hub. Central keeps
it with the terminal when it enrols, and takes the hall's queue events from
its hub only. A hub enrolled before codes had a role keeps its role if its
health reports said it is the hub; otherwise enrol it again with -role hub.
`

func runCentralEnrolCode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newAdminCall("enrol-code", centralEnrolUsage, stdout, stderr)
	hall := a.fs.String("hall", "", "the `code` of the terminal's hall")
	terminal := a.fs.String("terminal", "", "the terminal's `code`")
	role := a.fs.String("role", "", "what the terminal is: "+strings.Join(central.Roles, ", "))
	url := a.fs.String("url", "", "central's address as the terminal reaches it, e.g. https://central.example:8443")
	ca := a.fs.String("ca", "", "the CA certificate `file` (PEM) that signed central's certificate; needed for an https URL. An SM2 CA (central tlcp-certs) makes the terminal speak TLCP (国密)")
	valid := a.fs.Duration("valid", 72*time.Hour, "how long the code stays valid")
	if code, done := a.parse(args, 0, 0, ""); done {
		return code
	}
	if *hall == "" || *terminal == "" || *role == "" || *url == "" {
		return a.usage("give -hall, -terminal, -role and -url")
	}
	if !slices.Contains(central.Roles, *role) {
		return a.usage("-role %q is not a terminal's role; give one of %s", *role, strings.Join(central.Roles, ", "))
	}
	b := wire.Bundle{Central: *url, Terminal: *terminal, Hall: *hall}
	if *ca != "" {
		pemBytes, err := os.ReadFile(*ca)
		if err != nil {
			return a.fail(err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pemBytes) && !tlcp.IsSM2(pemBytes) { // an SM2 CA: TLCP
			return a.fail(fmt.Errorf("%s holds no PEM certificate", *ca))
		}
		b.CAPEM = string(pemBytes)
	} else if strings.HasPrefix(*url, "https://") {
		return a.usage("an https URL needs -ca, the CA the terminal will pin")
	}
	return a.with(ctx, nil, func(c *central.Central) error {
		var err error
		if b.Code, b.Expires, err = c.CreateEnrolCode(ctx, *hall, *terminal, *role, *valid); err != nil {
			return err
		}
		out, _ := json.MarshalIndent(b, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return nil
	})
}
