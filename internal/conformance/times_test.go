package conformance_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// A time.Time argument reads back as the same instant, as a time.Time,
// from a column declared DATE, DATETIME or TIMESTAMP (all peers), and
// (as with ncruces, sqlitekit's engine) from an untyped column, a column
// of another declared type or an expression; from a TEXT column it reads
// back as the text stored. mattn and modernc give strings for those.
func TestTimeRoundTrip(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, `CREATE TABLE t(a DATETIME, b TIMESTAMP, c DATE, d "datetime(3)", e, f INTEGER, g TEXT)`)
	for _, tm := range []time.Time{
		time.Date(2024, 3, 4, 5, 6, 7, 123456789, time.FixedZone("X", 3600)),
		time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999_000_000, time.FixedZone("", -7*3600)),
		time.Now(), // with a monotonic reading
	} {
		mustExec(t, db, "DELETE FROM t")
		mustExec(t, db, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", tm, tm, tm, tm, tm, tm, tm)
		var a, b, c, d, e, f, echo time.Time
		var g string
		if err := db.QueryRow("SELECT a, b, c, d, e, f, g, ? FROM t", tm).Scan(&a, &b, &c, &d, &e, &f, &g, &echo); err != nil {
			t.Fatalf("%v: %v", tm, err)
		}
		for i, got := range []time.Time{a, b, c, d, e, f, echo} {
			if !got.Equal(tm) {
				t.Errorf("column %d: %v, want %v", i, got, tm)
			}
		}
		if want := tm.Format(time.RFC3339Nano); g != want {
			t.Errorf("TEXT column: %q, want %q", g, want)
		}
		var v any
		if err := db.QueryRow("SELECT g FROM t").Scan(&v); err != nil || v != tm.Format(time.RFC3339Nano) {
			t.Errorf("TEXT column into any: %T %v, %v", v, v, err)
		}
	}
}

// Times that SQLite, other programs or other drivers wrote into DATE,
// DATETIME and TIMESTAMP columns read back as times: CURRENT_TIMESTAMP
// and CURRENT_DATE defaults (all peers), literal text in the layouts
// mattn writes and bun and gorm format into SQL, Unix seconds (ncruces,
// mattn; modernc only with _time_integer_format). Text that is no time
// stays text.
func TestTimeReadForms(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, `CREATE TABLE t(i INTEGER PRIMARY KEY, ts TIMESTAMP, dt DATETIME,
		at DATETIME DEFAULT CURRENT_TIMESTAMP, d DATE DEFAULT CURRENT_DATE)`)
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for i, tt := range []struct {
		stored any
		want   time.Time
	}{
		{"2024-01-02 15:04:05.123456+00:00", utc("2024-01-02T15:04:05.123456Z")},
		{"2024-01-02 15:04:05.123-07:00", utc("2024-01-02T22:04:05.123Z")},
		{"2024-01-02 15:04:05", utc("2024-01-02T15:04:05Z")},
		{"2024-01-02T15:04:05Z", utc("2024-01-02T15:04:05Z")},
		{"2024-01-02T15:04:05.999999999", utc("2024-01-02T15:04:05.999999999Z")},
		{"2024-01-02 15:04", utc("2024-01-02T15:04:00Z")},
		{"2024-01-02", utc("2024-01-02T00:00:00Z")},
		{int64(1700000000), utc("2023-11-14T22:13:20Z")},
	} {
		mustExec(t, db, "INSERT INTO t(i, ts, dt) VALUES (?, ?, ?)", i, tt.stored, tt.stored)
		var ts, dt, at, d time.Time
		if err := db.QueryRow("SELECT ts, dt, at, d FROM t WHERE i = ?", i).Scan(&ts, &dt, &at, &d); err != nil {
			t.Errorf("%v: %v", tt.stored, err)
			continue
		}
		if !ts.Equal(tt.want) || !dt.Equal(tt.want) {
			t.Errorf("%v: TIMESTAMP %v, DATETIME %v, want %v", tt.stored, ts, dt, tt.want)
		}
		if since := time.Since(at); since < -time.Minute || since > time.Minute {
			t.Errorf("CURRENT_TIMESTAMP read back as %v", at)
		}
		if d.IsZero() || d.Hour() != 0 {
			t.Errorf("CURRENT_DATE read back as %v", d)
		}
	}

	mustExec(t, db, "INSERT INTO t(i, dt) VALUES (100, 'nonsense')")
	var s string
	if err := db.QueryRow("SELECT dt FROM t WHERE i = 100").Scan(&s); err != nil || s != "nonsense" {
		t.Errorf("text that is no time: %q, %v", s, err)
	}
}

func TestTimeNullAndZero(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(i INTEGER, at DATETIME)")
	mustExec(t, db, "INSERT INTO t VALUES (1, NULL), (2, ?)", time.Time{})
	var nt sql.NullTime
	if err := db.QueryRow("SELECT at FROM t WHERE i = 1").Scan(&nt); err != nil || nt.Valid {
		t.Errorf("NULL into sql.NullTime: %v, %v", nt, err)
	}
	var zero time.Time
	if err := db.QueryRow("SELECT at FROM t WHERE i = 2").Scan(&zero); err != nil || !zero.IsZero() {
		t.Errorf("the zero time: %v, %v", zero, err)
	}
	if err := db.QueryRow("SELECT at FROM t WHERE i = 2").Scan(&nt); err != nil || !nt.Valid || !nt.Time.IsZero() {
		t.Errorf("the zero time into sql.NullTime: %v, %v", nt, err)
	}
}

// With _loc (mattn's parameter), times of DATE, DATETIME and TIMESTAMP
// columns read back in that location, as mattn gives them; text from an
// untyped column or an expression (json_extract, coalesce, ...) that
// happens to be an RFC 3339 time reads back into a *string byte for byte,
// as with mattn (which gives it as a string) and ncruces (no _loc): it
// came back moved to _loc's zone, "2024-01-02T03:04:05+05:30" as
// "2024-01-01T21:34:05Z". Into a *time.Time it is the same instant.
func TestTimeLocKeepsText(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t, "file:"+testdb.Path(t)+"?_loc=UTC")
	const text = "2024-01-02T03:04:05+05:30"
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 5*3600+1800))
	mustExec(t, db, "CREATE TABLE t(u, j TEXT, d DATETIME)")
	mustExec(t, db, "INSERT INTO t VALUES (?, ?, ?)", text, `{"at":"`+text+`"}`, at)
	var u, j, c string
	var d time.Time
	if err := db.QueryRow("SELECT u, j->>'$.at', coalesce(NULL, u), d FROM t").Scan(&u, &j, &c, &d); err != nil {
		t.Fatal(err)
	}
	for _, got := range []string{u, j, c} {
		if got != text {
			t.Errorf("read back %q, stored %q", got, text)
		}
	}
	if !d.Equal(at) || d.Location() != time.UTC {
		t.Errorf("DATETIME column: %v in %v", d, d.Location())
	}
	var ut, jt time.Time
	if err := db.QueryRow("SELECT u, j->>'$.at' FROM t").Scan(&ut, &jt); err != nil || !ut.Equal(at) || !jt.Equal(at) {
		t.Errorf("into *time.Time: %v %v, %v", ut, jt, err)
	}
}

// A time read back and given again as an argument finds its row (modernc's
// round-trip test, which uses time.Now(): its zone has a name wherever
// the machine's zone is not UTC). With _time_format=string_no_monotonic
// the stored text carries the zone's abbreviation ("+0100 CET"): the
// time read back must keep it, or it is written "+0100 +0100" and
// matches nothing.
func TestTimeEqualityRoundTrip(t *testing.T) {
	t.Parallel()
	var zoned []time.Time // as time.Now() gives them on machines in these zones
	for _, name := range []string{"Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata", "Australia/Lord_Howe"} {
		if loc, err := time.LoadLocation(name); err == nil {
			zoned = append(zoned, time.Now().In(loc), time.Date(2026, 1, 2, 3, 4, 5, 0, loc))
		}
	}
	for _, params := range []string{"", "?_time_format=sqlite", "?_time_format=string_no_monotonic", "?_time_format=datetime", "?_timefmt=sqlite"} {
		db := testdb.Open(t, "file:"+testdb.Path(t)+params)
		mustExec(t, db, "CREATE TABLE e(deadline DATETIME, ts TIMESTAMP, d DATE, processed INTEGER NOT NULL DEFAULT 0)")
		for _, at := range append([]time.Time{
			time.Now(),
			time.Now().UTC(),
			time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CET", 3600)),
			time.Date(2026, 7, 2, 3, 4, 5, 0, time.FixedZone("IST", 5*3600+1800)),
			time.Date(2026, 7, 2, 3, 4, 5, 0, time.FixedZone("", -3*3600)),
		}, zoned...) {
			mustExec(t, db, "DELETE FROM e")
			mustExec(t, db, "INSERT INTO e(deadline, ts, d) VALUES (?, ?, ?)", at, at, at)
			for _, col := range []string{"deadline", "ts", "d"} {
				var back time.Time
				if err := db.QueryRow("SELECT " + col + " FROM e").Scan(&back); err != nil {
					t.Fatalf("%s %s: %v", params, col, err)
				}
				if n := resultOf(t, mustExec(t, db, "UPDATE e SET processed = processed + 1 WHERE "+col+" = ?", back)).N; n != 1 {
					var stored, again string
					db.QueryRow("SELECT CAST("+col+" AS BLOB), CAST(? AS BLOB) FROM e", back).Scan(&stored, &again)
					t.Errorf("%s %s: %v read back as %v matches %d rows: stored %q, written again %q", params, col, at, back, n, stored, again)
				}
			}
		}
	}
}
