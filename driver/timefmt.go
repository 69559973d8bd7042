package driver

import (
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/pragma"
)

// timeFormats returns how times are read and written for a
// pragma.Config.TimeFormat, which Validate has checked: ncruces' names
// and layouts, or modernc's layouts (Parse turns _time_format into them).
// Writes are ncruces' for every format; reads accept more (see timeReader).
func timeFormats(cfg pragma.Config) (read timeReader, write sqlite3.TimeFormat) {
	switch f := cfg.TimeFormat; f {
	case "", "auto":
		read, write = timeReader{f: sqlite3.TimeFormatAuto}, sqlite3.TimeFormatDefault
	case "sqlite":
		read, write = timeReader{f: sqlite3.TimeFormatAuto}, sqlite3.TimeFormat3
	case "rfc3339":
		read, write = timeReader{f: sqlite3.TimeFormatDefault}, sqlite3.TimeFormatDefault
	default:
		read, write = timeReader{f: sqlite3.TimeFormat(f)}, sqlite3.TimeFormat(f)
	}
	switch loc := cfg.TimeLocation; loc {
	case "":
	case "auto":
		read.loc = time.Local
	default:
		read.loc, _ = time.LoadLocation(loc) // Validate loaded it
	}
	return read, write
}

// timeReader reads a time value of a DATE, TIME, DATETIME or TIMESTAMP
// column: in the format times are written in, else in any format SQLite's
// date functions understand (what CURRENT_TIMESTAMP and datetime() write),
// else as time.Time.String writes it (modernc's default and its
// string_no_monotonic). ncruces reads only the written format, except
// for "auto" and "sqlite": a time another program wrote, or SQLite did,
// would come back as a string.
type timeReader struct {
	f   sqlite3.TimeFormat
	loc *time.Location // not nil: times are given in this location (_loc)
}

// Decode returns the time v holds: v is a string, an int64 or a float64.
func (r timeReader) Decode(v any) (time.Time, error) {
	t, err := r.decode(v)
	if err == nil && r.loc != nil {
		t = t.In(r.loc)
	}
	return t, err
}

func (r timeReader) decode(v any) (time.Time, error) {
	if r.f != sqlite3.TimeFormatAuto {
		if t, err := r.f.Decode(v); err == nil {
			return t, nil
		}
	}
	t, err := sqlite3.TimeFormatAuto.Decode(v)
	if err != nil {
		if s, ok := v.(string); ok {
			if t, ok := parseGoString(s); ok {
				return t, nil
			}
		}
	}
	return t, err
}

// parseGoString parses what time.Time.String returns:
// "2006-01-02 15:04:05.999999999 -0700 MST", perhaps followed by the
// monotonic clock reading (" m=+0.000000001"). The zone abbreviation is
// not needed (the offset says the instant) and time.Parse cannot read it
// for a zone without a name ("+0530 +0530"), so it is dropped.
func parseGoString(s string) (time.Time, bool) {
	if i := strings.Index(s, " m="); i >= 0 {
		s = s[:i]
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700", s[:i])
	return t, err == nil
}
