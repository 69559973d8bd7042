package driver_test

import (
	"database/sql"
	"net/url"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// Each time format writes what its driver writes, and reads back what it
// wrote and what SQLite's CURRENT_TIMESTAMP and datetime() produce.
func TestTimeFormats(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("", -(3*3600 + 30*60))
	at := time.Date(2026, 11, 23, 20, 15, 30, 123456789, zone)
	tests := []struct {
		query  string
		stored any           // the value in the file
		back   time.Duration // the precision at which at reads back
	}{
		{"", "2026-11-23T20:15:30.123456789-03:30", 0},                 // ncruces' default: RFC 3339
		{"_timefmt=auto", "2026-11-23T20:15:30.123456789-03:30", 0},    // the same
		{"_timefmt=rfc3339", "2026-11-23T20:15:30.123456789-03:30", 0}, // the same
		{"_timefmt=sqlite", "2026-11-23 23:45:30", time.Second},        // ncruces: format 3, UTC
		{"_timefmt=unixepoch", at.Unix(), time.Second},
		{"_timefmt=unixepoch_nano", at.UnixNano(), 0},
		{"_timefmt=2006-01-02T15:04:05.000Z07:00", "2026-11-23T20:15:30.123-03:30", time.Millisecond},
		// modernc: the time in its own zone, nanoseconds, numeric offset
		{"_time_format=sqlite", "2026-11-23 20:15:30.123456789-03:30", 0},
		// modernc: format 3, as datetime() writes it, in UTC (see pragma's docs)
		{"_time_format=datetime", "2026-11-23 23:45:30", time.Second},
		// modernc: time.Time.String without the monotonic clock
		{"_time_format=string_no_monotonic", "2026-11-23 20:15:30.123456789 -0330 -0330", 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			db := testdb.Open(t, testdb.Path(t)+"?"+tt.query)
			testdb.Exec(t, db, `CREATE TABLE t(id INTEGER PRIMARY KEY, at DATETIME)`)
			testdb.Exec(t, db, `INSERT INTO t(id, at) VALUES (1, ?), (2, CURRENT_TIMESTAMP), (3, datetime('now', 'subsec'))`, at)
			var stored any
			if err := db.QueryRow(`SELECT CASE typeof(at) WHEN 'text' THEN CAST(at AS BLOB) ELSE at END FROM t WHERE id = 1`).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if b, ok := stored.([]byte); ok {
				stored = string(b)
			}
			if stored != tt.stored {
				t.Errorf("stored %#v, want %#v", stored, tt.stored)
			}
			var back time.Time
			if err := db.QueryRow(`SELECT at FROM t WHERE id = 1`).Scan(&back); err != nil {
				t.Fatalf("read back: %v", err)
			}
			if want := at.Truncate(tt.back); !back.Equal(want) {
				t.Errorf("read back %v, want %v", back, want)
			}
			for id := 2; id <= 3; id++ {
				var now time.Time
				if err := db.QueryRow(`SELECT at FROM t WHERE id = ?`, id).Scan(&now); err != nil {
					t.Fatalf("read row %d (SQLite's own time): %v", id, err)
				}
				if d := time.Since(now); d < -time.Minute || d > time.Minute {
					t.Errorf("row %d read as %v, %v from now", id, now, d)
				}
			}
		})
	}
}

// A DSN with a time format no driver documents fails at sql.Open.
func TestTimeFormats_refused(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"x.db?_timefmt=datetime", "x.db?_time_format=rfc3339", "x.db?_timefmt=2006/01/02"} {
		if db, err := sql.Open("sqlitekit", dsn); err == nil {
			db.Close()
			t.Errorf("sql.Open(%q): no error", dsn)
		}
	}
}

// Every sqlite3.TimeFormat that ncruces names is a _timefmt.
func TestTimeFormats_ncrucesNames(t *testing.T) {
	t.Parallel()
	for _, f := range []sqlite3.TimeFormat{
		sqlite3.TimeFormatDefault, sqlite3.TimeFormatAuto,
		sqlite3.TimeFormat1, sqlite3.TimeFormat2, sqlite3.TimeFormat3, sqlite3.TimeFormat4, sqlite3.TimeFormat5,
		sqlite3.TimeFormat6, sqlite3.TimeFormat7, sqlite3.TimeFormat8, sqlite3.TimeFormat9, sqlite3.TimeFormat10,
		sqlite3.TimeFormat2TZ, sqlite3.TimeFormat3TZ, sqlite3.TimeFormat4TZ, sqlite3.TimeFormat5TZ, sqlite3.TimeFormat6TZ,
		sqlite3.TimeFormat7TZ, sqlite3.TimeFormat8TZ, sqlite3.TimeFormat9TZ, sqlite3.TimeFormat10TZ,
		sqlite3.TimeFormatJulianDay, sqlite3.TimeFormatUnix, sqlite3.TimeFormatUnixFrac,
		sqlite3.TimeFormatUnixMilli, sqlite3.TimeFormatUnixMicro, sqlite3.TimeFormatUnixNano,
	} {
		dsn := "x.db?_timefmt=" + url.QueryEscape(string(f))
		if c, err := pragma.Parse(dsn); err != nil || c.TimeFormat != string(f) {
			t.Errorf("Parse(%q) = %q, %v", dsn, c.TimeFormat, err)
		}
	}
}

// _loc gives times read in a location, as mattn does: the same instant;
// what is written does not change.
func TestTimeFormats_loc(t *testing.T) {
	t.Parallel()
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip(err) // no time zone database
	}
	at := time.Date(2026, 11, 23, 20, 15, 30, 0, time.UTC)
	for _, tt := range []struct {
		loc  string
		want *time.Location
	}{{"auto", time.Local}, {"Asia/Kolkata", kolkata}} {
		db := testdb.Open(t, testdb.Path(t)+"?_loc="+tt.loc)
		testdb.Exec(t, db, `CREATE TABLE t(at DATETIME); INSERT INTO t VALUES (?), ('2026-11-23 20:15:30')`, at)
		rows, err := db.Query(`SELECT at, CAST(at AS BLOB) FROM t`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var got time.Time
			var stored []byte
			if err := rows.Scan(&got, &stored); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(at) || got.Location().String() != tt.want.String() {
				t.Errorf("_loc=%s: read %v (%v), want %v in %v", tt.loc, got, got.Location(), at, tt.want)
			}
			if s := string(stored); s != "2026-11-23T20:15:30Z" && s != "2026-11-23 20:15:30" {
				t.Errorf("_loc=%s: stored %q", tt.loc, s)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}
