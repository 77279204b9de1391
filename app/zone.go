package app

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the hall's zone must load on a machine without a zone database (Windows, a bare image)
)

// DefaultTimeZone is the hall's time zone unless its configuration names
// another: China Standard Time.
const DefaultTimeZone = "Asia/Shanghai"

// HallZone is the hall's time zone. Hall days, due dates and case numbers
// are reckoned in it, and every time printed or shown is written in it,
// whatever zone the machine itself is set to (a terminal installed in UTC
// still prints the hall's time). It is DefaultTimeZone until the terminal's
// configuration sets another with SetHallZone, once, before anything runs.
var HallZone = mustZone(DefaultTimeZone)

// LoadZone finds a time zone by its IANA name ("Asia/Shanghai"); an empty
// name is DefaultTimeZone.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = DefaultTimeZone
	}
	if name == "Local" {
		return nil, fmt.Errorf("%w: time zone %q follows the machine; name the hall's zone, like %s", ErrInvalidInput, name, DefaultTimeZone)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not a time zone; give its name like %s", ErrInvalidInput, name, DefaultTimeZone)
	}
	return loc, nil
}

// SetHallZone makes loc the hall's zone. The terminal's start calls it once
// with its configuration's zone, before any screen or service runs.
func SetHallZone(loc *time.Location) {
	if loc != nil {
		HallZone = loc
	}
}

func mustZone(name string) *time.Location {
	loc, err := LoadZone(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600) // unreachable with time/tzdata linked in
	}
	return loc
}
