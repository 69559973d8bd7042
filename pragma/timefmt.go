package pragma

import (
	"slices"
	"time"
)

// ncrucesTimeFormats are the _timefmt values ncruces/go-sqlite3 v0.37.0
// documents by name: its driver's "auto", "sqlite" and "rfc3339", and
// the [github.com/ncruces/go-sqlite3.TimeFormat] constants. A test in
// package driver checks them against the engine's constants.
var ncrucesTimeFormats = []string{
	"", "auto", "sqlite", "rfc3339",
	"julianday", "unixepoch", "unixepoch_frac",
	"unixepoch_milli", "unixepoch_micro", "unixepoch_nano",
	"2006-01-02",
	"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02 15:04:05.000",
	"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04:05.000",
	"15:04", "15:04:05", "15:04:05.000",
	"2006-01-02 15:04Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.000Z07:00",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.000Z07:00",
	"15:04Z07:00", "15:04:05Z07:00", "15:04:05.000Z07:00",
}

// moderncTimeFormats are the _time_format values modernc.org/sqlite
// v1.62.0 documents, and the Go layout each writes with. "datetime" is
// ncruces' format 3, which ncruces writes in UTC, as SQLite's datetime()
// does (modernc writes the time's own wall clock: see [Config.TimeFormat]).
var moderncTimeFormats = map[string]string{
	"sqlite":              "2006-01-02 15:04:05.999999999-07:00",
	"datetime":            "2006-01-02 15:04:05",
	"string_no_monotonic": "2006-01-02 15:04:05.999999999 -0700 MST",
}

// timeReference is the time a custom layout must keep: a date, an
// afternoon hour, distinct fields and an offset that is not UTC.
var timeReference = time.Date(2001, 2, 3, 16, 5, 6, 0, time.FixedZone("", 5*3600+30*60))

// checkTimeFormat reports whether f is a time format Config accepts:
// one that ncruces names, one of modernc's layouts, or a Go layout that
// keeps timeReference as it is.
func checkTimeFormat(param, f string) error {
	if slices.Contains(ncrucesTimeFormats, f) {
		return nil
	}
	for _, layout := range moderncTimeFormats {
		if f == layout {
			return nil
		}
	}
	back := "nothing: the layout is longer than 100 bytes"
	if len(f) <= maxLayout {
		back = "nothing"
		if t, err := time.Parse(f, timeReference.Format(f)); err == nil {
			if t.Equal(timeReference) {
				return nil
			}
			back = t.Format(time.RFC3339)
		}
	}
	return invalid(param, f, "%q is not a time format: auto, sqlite, rfc3339, julianday, unixepoch, unixepoch_frac, unixepoch_milli, unixepoch_micro, unixepoch_nano, or a Go layout that keeps the date, the time to the second and the offset (%s reads back as %s)",
		f, timeReference.Format(time.RFC3339), back)
}

// maxLayout bounds a custom layout.
const maxLayout = 100
