package kiosk

import "onewindow/app/health"

// The technician page shows the doctor's report in the kiosk's language:
// the checks' names and verdicts come from a fixed set (app/health and
// the checks of app/store, sync/netcheck, device/probe and the command's
// devices), so each has words; what a check found (its detail and next
// step) is free English written where the check is, and stays as it is.
// In English the names and verdicts are those doctor prints, so the page
// and doctor's output read alike (a next step names another check).
// checkwords_test.go walks those sources for every name.

// checkKeys are the words of the doctor's checks, by the name doctor prints.
var checkKeys = map[string]string{
	"configuration":           "tech.check.configuration",
	"disk space":              "tech.check.disk",
	"holiday calendar":        "tech.check.calendar",
	"clock":                   "tech.check.clock",
	"database integrity":      "tech.check.database",
	"outbox":                  "tech.check.outbox",
	"personal data retention": "tech.check.retention",
	"crypto suite":            "tech.check.crypto",
	"hall hub":                "tech.check.hub",
	"central platform":        "tech.check.central",
	"devices":                 "tech.check.devices",
	"ID-card reader":          "tech.check.reader",
	"ticket printer":          "tech.check.ticketprinter",
	"receipt printer":         "tech.check.receiptprinter",
	"queue bus":               "tech.check.queuebus",
	"QR scanner":              "tech.check.scanner",
}

// verdictKeys are the words of the verdicts on the coloured badges.
var verdictKeys = map[health.Verdict]string{
	health.OK: "tech.verdict.ok", health.Skip: "tech.verdict.skip", health.Warn: "tech.verdict.warn", health.Fail: "tech.verdict.fail",
}

// checkName is a check's name in the kiosk's language; a name without
// words (a check added since) as doctor prints it.
func (k *Kiosk) checkName(name string) string {
	if key, ok := checkKeys[name]; ok {
		return k.tr(key)
	}
	return name
}

// verdictWord is a verdict in the kiosk's language.
func (k *Kiosk) verdictWord(v health.Verdict) string {
	if key, ok := verdictKeys[v]; ok {
		return k.tr(key)
	}
	return v.String()
}
