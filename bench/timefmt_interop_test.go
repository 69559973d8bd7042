//go:build !benchmattn

package main

import (
	"path/filepath"
	"testing"
	"time"
)

// modernc.org/sqlite and sqlitekit given the same _time_format store the
// same text, and each reads back the other's time. The one deliberate
// difference: modernc writes "datetime" in the time's own zone, without
// an offset, sqlitekit in UTC (see pragma.Config.TimeFormat).
func TestTimeFormatInterop_modernc(t *testing.T) {
	zone := time.FixedZone("", -(3*3600 + 30*60))
	times := []time.Time{
		time.Date(2026, 11, 23, 20, 15, 30, 123456789, time.UTC),
		time.Date(2026, 11, 23, 20, 15, 30, 123456789, zone),
		time.Date(2026, 11, 23, 20, 15, 30, 0, time.UTC),
	}
	for _, format := range []string{"sqlite", "datetime", "string_no_monotonic"} {
		path := filepath.Join(t.TempDir(), "t.db")
		modernc := openT(t, "sqlite", path+"?_time_format="+format)
		kit := openT(t, "sqlitekit", path+"?_time_format="+format)
		if _, err := kit.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, by TEXT, at DATETIME)`); err != nil {
			t.Fatal(err)
		}
		for i, at := range times {
			if _, err := modernc.Exec(`INSERT INTO t(id, by, at) VALUES (?, 'modernc', ?)`, 2*i, at); err != nil {
				t.Fatal(err)
			}
			if _, err := kit.Exec(`INSERT INTO t(id, by, at) VALUES (?, 'sqlitekit', ?)`, 2*i+1, at); err != nil {
				t.Fatal(err)
			}
			var mText, kText string
			if err := kit.QueryRow(`SELECT (SELECT CAST(at AS TEXT) FROM t WHERE id = ?), (SELECT CAST(at AS TEXT) FROM t WHERE id = ?)`, 2*i, 2*i+1).Scan(&mText, &kText); err != nil {
				t.Fatal(err)
			}
			differs := format == "datetime" && at.Location() != time.UTC
			if (mText != kText) != differs {
				t.Errorf("_time_format=%s, %v: modernc stored %q, sqlitekit %q", format, at, mText, kText)
			}
			// sqlitekit reads what either wrote as the time it was, to
			// the precision of the format.
			want := at
			if format == "datetime" {
				want = at.Truncate(time.Second)
			}
			for id, who := range map[int]string{2*i + 1: "sqlitekit", 2 * i: "modernc"} {
				if who == "modernc" && differs {
					continue // the wall clock without its zone: another instant
				}
				var got time.Time
				if err := kit.QueryRow(`SELECT at FROM t WHERE id = ?`, id).Scan(&got); err != nil {
					t.Errorf("_time_format=%s: sqlitekit reads %s's %v: %v", format, who, at, err)
				} else if !got.Equal(want) {
					t.Errorf("_time_format=%s: sqlitekit reads %s's %v as %v", format, who, at, got)
				}
			}
		}
	}
}
