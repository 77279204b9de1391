// Package assets holds the files embedded in the onewindow binary: the sample
// service catalogue and hall set-up of a fictitious district hall, and the
// official holiday calendar. It has no logic and imports nothing of the project.
package assets

import _ "embed"

// SampleCatalog is the service catalogue of a fictitious district hall
// (app.Catalog as JSON), written by the onewindow team for tests and the demo.
//
//go:embed catalog/sample.json
var SampleCatalog []byte

// SampleHall is the set-up of the same hall (app.Hall as JSON): its windows,
// the queue categories each serves, and its staff (fictitious people).
//
//go:embed hall/sample.json
var SampleHall []byte

// Calendar2026 lists the official holidays and make-up working days (调休) of
// 2026 as the State Council announced them ([]app.CalendarDay as JSON).
//
//go:embed calendar/cn-2026.json
var Calendar2026 []byte
