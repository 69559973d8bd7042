package pragma_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/pragma"
)

// _timefmt takes what ncruces/go-sqlite3 documents, _time_format what
// modernc.org/sqlite documents, each with that driver's meaning; anything
// else fails naming the parameter and the value.
func TestParse_timeFormats(t *testing.T) {
	t.Parallel()
	accepted := []struct{ dsn, want string }{
		{"x.db?_timefmt=", ""},
		{"x.db?_timefmt=auto", "auto"},
		{"x.db?_timefmt=sqlite", "sqlite"},
		{"x.db?_timefmt=rfc3339", "rfc3339"},
		{"x.db?_timefmt=julianday", "julianday"},
		{"x.db?_timefmt=unixepoch", "unixepoch"},
		{"x.db?_timefmt=unixepoch_frac", "unixepoch_frac"},
		{"x.db?_timefmt=unixepoch_milli", "unixepoch_milli"},
		{"x.db?_timefmt=unixepoch_micro", "unixepoch_micro"},
		{"x.db?_timefmt=unixepoch_nano", "unixepoch_nano"},
		{"x.db?_timefmt=2006-01-02", "2006-01-02"},                 // sqlite3.TimeFormat1
		{"x.db?_timefmt=15:04:05.000Z07:00", "15:04:05.000Z07:00"}, // sqlite3.TimeFormat10TZ
		{"x.db?_timefmt=2006-01-02T15:04:05Z07:00", time3339},      // a Go layout that keeps the instant
		{"x.db?_timefmt=Mon, 02 Jan 2006 15:04:05 -0700", "Mon, 02 Jan 2006 15:04:05 -0700"},
		{"x.db?_time_format=sqlite", "2006-01-02 15:04:05.999999999-07:00"},
		{"x.db?_time_format=datetime", "2006-01-02 15:04:05"},
		{"x.db?_time_format=string_no_monotonic", "2006-01-02 15:04:05.999999999 -0700 MST"},
	}
	for _, tt := range accepted {
		c, err := pragma.Parse(tt.dsn)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.dsn, err)
			continue
		}
		if c.TimeFormat != tt.want {
			t.Errorf("Parse(%q).TimeFormat = %q, want %q", tt.dsn, c.TimeFormat, tt.want)
		}
	}

	refused := []struct{ dsn, name, value string }{
		{"x.db?_timefmt=datetime", "_timefmt", "datetime"}, // modernc's name, not ncruces'
		{"x.db?_timefmt=string_no_monotonic", "_timefmt", "string_no_monotonic"},
		{"x.db?_timefmt=sqlitee", "_timefmt", "sqlitee"},                                         // misspelled
		{"x.db?_timefmt=RFC3339", "_timefmt", "RFC3339"},                                         // ncruces' names are lower case
		{"x.db?_timefmt=2006/01/02", "_timefmt", "2006/01/02"},                                   // loses the time of day
		{"x.db?_timefmt=2006-01-02 15:04:05 %2B07:00", "_timefmt", "2006-01-02 15:04:05 +07:00"}, // a literal offset
		{"x.db?_time_format=rfc3339", "_time_format", "rfc3339"},
		{"x.db?_time_format=auto", "_time_format", "auto"},
		{"x.db?_time_format=Sqlite", "_time_format", "Sqlite"},
		{"x.db?_time_format=2006-01-02", "_time_format", "2006-01-02"},
	}
	for _, tt := range refused {
		_, err := pragma.Parse(tt.dsn)
		if err == nil {
			t.Errorf("Parse(%q): no error", tt.dsn)
			continue
		}
		var perr *pragma.Error
		if !errors.As(err, &perr) || !errors.Is(err, pragma.ErrInvalidValue) {
			t.Errorf("Parse(%q) = %v, not an invalid-value *pragma.Error", tt.dsn, err)
			continue
		}
		if perr.Name != tt.name || !strings.Contains(err.Error(), tt.name+": ") || !strings.Contains(err.Error(), `"`+tt.value+`"`) {
			t.Errorf("Parse(%q) = %v, want it to name %s and %q", tt.dsn, err, tt.name, tt.value)
		}
	}

	// ncruces and modernc spellings of one setting are one setting.
	if _, err := pragma.Parse("x.db?_timefmt=sqlite&_time_format=sqlite"); err == nil {
		t.Error("Parse with both _timefmt and _time_format: no error")
	}

	// Validate refuses what Parse refuses.
	c := pragma.Default()
	c.Path = "x.db"
	c.TimeFormat = "datetime"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `"datetime"`) {
		t.Errorf("Validate with TimeFormat datetime = %v", err)
	}
}

const time3339 = "2006-01-02T15:04:05Z07:00"
