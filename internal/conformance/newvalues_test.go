package conformance_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"
)

type valuerTime struct{ t time.Time }

func (v valuerTime) Value() (driver.Value, error) { return v.t, nil }

type valuerBad struct{}

func (valuerBad) Value() (driver.Value, error) { return int32(1), nil }

type valuerErr struct{}

func (valuerErr) Value() (driver.Value, error) { return nil, fmt.Errorf("no value") }

type status int

func (s status) Value() (driver.Value, error) { return int64(s) * 10, nil }

// Every argument a program passes, into columns of every declared type,
// read back into an any: the same SQL value and the same Go type from
// both drivers.
func TestDiffBindAndScan(t *testing.T) {
	t.Parallel()
	tm := time.Date(2024, 3, 4, 5, 6, 7, 890000000, time.FixedZone("", 3600))
	var nilp *int
	args := []any{
		nil, true, false, 0, -1, int8(-8), uint16(65535), int64(math.MaxInt64), int64(math.MinInt64),
		uint64(math.MaxInt64), 0.0, math.Copysign(0, -1), 1.5, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), float32(0.1),
		"", "text", "12", "1.5", "2024-03-04T05:06:07Z", "2024-03-04 05:06:07", "\x00", "é",
		[]byte(nil), []byte{}, []byte("bytes"), []byte{0xff, 0}, json.RawMessage(`{"a":1}`),
		tm, time.Time{}, time.Unix(0, 0).UTC(), valuerTime{tm},
		nilp, &ptrValuer{"x"}, upper("u"), status(3), myInt(4), myString("s"),
		sql.NullInt64{}, sql.NullInt64{Int64: 1, Valid: true}, sql.NullTime{Time: tm, Valid: true}, sql.Null[[]byte]{V: []byte("n"), Valid: true},
		sqlite3.ZeroBlob(2),
	}
	decls := []string{"INTEGER", "INT", "REAL", "TEXT", "BLOB", "NUMERIC", "BOOLEAN", "DATETIME", "DATE", "TIMESTAMP", "TIME", "VARCHAR(10)", "JSON", ""}
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		var cols []string
		for i, d := range decls {
			cols = append(cols, fmt.Sprintf("c%d %s", i, d))
		}
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, "+strings.Join(cols, ", ")+")")
		ph := strings.Repeat(", ?", len(decls))[2:]
		var out []string
		for i, a := range args {
			vals := make([]any, len(decls))
			for j := range vals {
				vals[j] = a
			}
			if _, err := db.Exec("INSERT INTO t VALUES ("+fmt.Sprint(i)+", "+ph+")", vals...); err != nil {
				out = append(out, fmt.Sprintf("%d %T insert: %s", i, a, class(err)))
				continue
			}
			rows, err := db.Query("SELECT typeof(c0), * FROM t WHERE id = ?", i)
			out = append(out, fmt.Sprintf("%d %T", i, a))
			out = append(out, scanAll(rows, err)[1:]...)
			// The argument echoed back, and compared.
			rows, err = db.Query("SELECT ?, typeof(?1), ?1 = c13, quote(?1) FROM t WHERE id = ?2", a, i)
			out = append(out, scanAll(rows, err)[1:]...)
		}
		return out
	})
}

// NULL, and each storage class, scanned into every Go type a program
// uses: what database/sql converts, or refuses, is the same.
func TestDiffScanIntoTypes(t *testing.T) {
	t.Parallel()
	dests := []func() any{
		func() any { return new(int) }, func() any { return new(int64) }, func() any { return new(uint8) },
		func() any { return new(float64) }, func() any { return new(float32) }, func() any { return new(bool) },
		func() any { return new(string) }, func() any { return new([]byte) }, func() any { return new(sql.RawBytes) },
		func() any { return new(time.Time) }, func() any { return new(*string) }, func() any { return new(*int64) },
		func() any { return new(*time.Time) }, func() any { return new(sql.NullString) }, func() any { return new(sql.NullInt64) },
		func() any { return new(sql.NullFloat64) }, func() any { return new(sql.NullBool) }, func() any { return new(sql.NullTime) },
		func() any { return new(sql.Null[time.Time]) }, func() any { return new(any) }, func() any { return new(json.RawMessage) },
		func() any { return new(myInt) }, func() any { return new(myString) },
	}
	sources := []string{"NULL", "0", "1", "-1", "2", "300", "1.5", "-0.0", "9223372036854775807", "1e300", "'1'", "'true'", "'x'", "''",
		"x''", "x'31'", "'2024-03-04 05:06:07'", "'2024-03-04T05:06:07Z'", "1700000000", "2460000.5", "'  7 '"}
	decls := []string{"", "INTEGER", "TEXT", "BOOLEAN", "DATETIME", "REAL", "BLOB"}
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		var cols []string
		for i, d := range decls {
			cols = append(cols, fmt.Sprintf("c%d %s", i, d))
		}
		mustExec(t, db, "CREATE TABLE t("+strings.Join(cols, ", ")+")")
		var out []string
		for _, src := range sources {
			mustExec(t, db, "DELETE FROM t")
			mustExec(t, db, "INSERT INTO t VALUES ("+strings.TrimPrefix(strings.Repeat(", "+src, len(decls)), ", ")+")")
			// One row, scanned again for each destination and column
			// (Rows.Scan may be called more than once on a row), the
			// other columns into anys.
			rows, err := db.Query("SELECT * FROM t")
			if err != nil || !rows.Next() {
				t.Fatal(err, rows.Err())
			}
			for _, mk := range dests {
				for i, d := range decls {
					dest := mk()
					all := make([]any, len(decls))
					for j := range all {
						all[j] = new(any)
					}
					all[i] = dest
					err := rows.Scan(all...)
					got := class(err)
					if err == nil {
						got = fmt.Sprintf("%#v", reflect.ValueOf(dest).Elem().Interface())
						if p, ok := dest.(**string); ok && *p != nil {
							got = "&" + **p
						} else if p, ok := dest.(**int64); ok && *p != nil {
							got = fmt.Sprint("&", **p)
						} else if p, ok := dest.(**time.Time); ok && *p != nil {
							got = "&" + (*p).String()
						}
					}
					out = append(out, fmt.Sprintf("%s %q into %T: %s", src, d, dest, got))
				}
			}
			rows.Close()
		}
		return out
	})
}

// Times written with every _timefmt ncruces knows, into columns of every
// declared type and echoed, read back into a time.Time, a string and an
// any.
func TestDiffTimeFormats(t *testing.T) {
	t.Parallel()
	tms := []time.Time{
		time.Date(2024, 3, 4, 5, 6, 7, 890123456, time.FixedZone("", -5*3600)),
		time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.Local),
		{},
	}
	for _, f := range []string{"", "auto", "sqlite", "rfc3339", "unixepoch", "unixepoch_frac", "unixepoch_milli", "unixepoch_micro", "unixepoch_nano", "julianday",
		"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05.000Z07:00", "15:04:05"} {
		params := ""
		if f != "" {
			params = "_timefmt=" + f
		}
		ncrParams := params
		if f == "auto" {
			// ncruces documents auto as its default, but given by name
			// it stops reading RFC 3339 text of columns of other declared
			// types (INTEGER, none) and expressions as times: its check
			// compares the format's name, not its meaning. sqlitekit
			// reads _timefmt=auto as the default it is documented to be.
			ncrParams = ""
		}
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			sameWith(t, ncrParams, params, func(t *testing.T, db *sql.DB) []string {
				mustExec(t, db, "CREATE TABLE t(a DATETIME, b TIMESTAMP, c DATE, d TEXT, e INTEGER, f)")
				var out []string
				for _, tm := range tms {
					mustExec(t, db, "DELETE FROM t")
					mustExec(t, db, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", tm, tm, tm, tm, tm, tm)
					rows, err := db.Query("SELECT *, ?, typeof(a), max(a) FROM t", tm)
					out = append(out, scanAll(rows, err)...)
					for _, c := range []string{"a", "b", "c", "d", "e", "f"} {
						var got time.Time
						err := db.QueryRow("SELECT " + c + " FROM t").Scan(&got)
						var s string
						err2 := db.QueryRow("SELECT " + c + " FROM t").Scan(&s)
						out = append(out, fmt.Sprintf("%s: %v %s; %q %s", c, got, class(err), s, class(err2)))
					}
				}
				return out
			})
		})
	}
}

// Arguments database/sql or the driver refuse, refused by both, before
// anything runs; and the one sqlitekit refuses where ncruces wraps it
// around: a uint above math.MaxInt64 (database/sql's conversion makes
// it a negative int64; it refuses only a uint64).
func TestDiffBadArguments(t *testing.T) {
	t.Parallel()
	bad := []any{valuerBad{}, valuerErr{}, uint64(1 << 63), struct{}{}, []int{1}, map[string]int{}, make(chan int), complex(1, 2)}
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, "CREATE TABLE t(x)")
		var out []string
		for _, a := range append(bad, uint(1<<63)) {
			_, err := db.Exec("INSERT INTO t VALUES (?)", a)
			var v any
			err2 := db.QueryRow("SELECT ?", a).Scan(&v)
			out = append(out, fmt.Sprintf("%T: exec %v, query %v", a, err != nil, err2 != nil))
		}
		out = append(out, fmt.Sprint("rows: ", count(t, db, "t")))
		return out
	})
	want := slices.Clone(ncr)
	want[len(bad)] = "uint: exec true, query true"
	want[len(bad)+1] = "rows: 0"
	if d := cmp.Diff(want, kit); d != "" {
		t.Errorf("sqlitekit (-want +got):\n%s", d)
	}
	if ncr[len(bad)] != "uint: exec false, query false" {
		t.Errorf("ncruces: %s", ncr[len(bad)])
	}
}

// Times another program wrote (SQLite's CURRENT_TIMESTAMP, RFC 3339
// text, Unix seconds, a Julian day, text that is no time) in DATETIME
// columns, read with every _timefmt, into an any, a string and a
// time.Time.
func TestDiffTimeReadOthers(t *testing.T) {
	t.Parallel()
	stored := []string{"'2024-03-04 05:06:07'", "'2024-03-04T05:06:07Z'", "'2024-03-04T05:06:07.5+01:00'", "'2024-03-04'", "'05:06'",
		"1709528767", "1709528767.5", "2460373.5", "'nonsense'", "''", "'1709528767'",
		// the layouts mattn writes and reads, and modernc's default
		// (time.Time.String)
		"'2024-03-04 05:06:07.123456789-07:00'", "'2024-03-04T05:06:07.123456789-07:00'", "'2024-03-04 05:06:07.123456789'",
		"'2024-03-04T05:06:07.123456789'", "'2024-03-04 05:06'", "'2024-03-04T05:06'", "'2024-03-04 05:06:07.123 +0000 UTC'",
		"'2024-03-04 05:06:07 -0700 MST m=+0.000000001'", "'2024-03-04 05:06:07Z'"}
	for _, f := range []string{"", "sqlite", "rfc3339", "unixepoch", "unixepoch_milli", "julianday", "2006-01-02 15:04:05"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			params := ""
			if f != "" {
				params = "_timefmt=" + f
			}
			ncr, kit := both(t, params, func(t *testing.T, db *sql.DB) []string {
				mustExec(t, db, "CREATE TABLE t(d DATETIME, ts TIMESTAMP, x DATE)")
				var out []string
				for _, s := range stored {
					mustExec(t, db, "DELETE FROM t")
					mustExec(t, db, fmt.Sprintf("INSERT INTO t VALUES (%s, %s, %s)", s, s, s))
					var a any
					var str string
					var tm time.Time
					e1 := db.QueryRow("SELECT d FROM t").Scan(&a)
					e2 := db.QueryRow("SELECT ts FROM t").Scan(&str)
					e3 := db.QueryRow("SELECT x FROM t").Scan(&tm)
					out = append(out, fmt.Sprintf("%s: %s %s; %q %s; %v %s", s, typed(a), class(e1), str, class(e2), tm, class(e3)))
				}
				return out
			})
			// By design, with a _timefmt other than the default (or
			// sqlite), sqlitekit reads a time in any form SQLite's date
			// functions read, where ncruces reads only the form it
			// writes and gives the rest as text or a number: a time that
			// another program, or SQLite's CURRENT_TIMESTAMP, wrote. And
			// with every _timefmt it reads time.Time.String's text
			// (modernc's default), which ncruces gives as a string.
			for i := range ncr {
				if ncr[i] != kit[i] && !(strings.Contains(kit[i], "time.Time(") && strings.HasSuffix(ncr[i], "0001-01-01 00:00:00 +0000 UTC error")) {
					t.Errorf("ncruces:   %s\nsqlitekit: %s", ncr[i], kit[i])
				}
			}
		})
	}
}

// JSON as storage layers keep it: Go values bound with sqlite3.JSON and
// as marshalled text or bytes, read back with sqlite3.JSON and into
// strings, json.RawMessage and maps; JSONB; the JSON functions' types.
func TestDiffJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		A int      `json:"a"`
		B []string `json:"b,omitempty"`
	}
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, j JSON, b BLOB, x TEXT)")
		var out []string
		for i, v := range []any{doc{1, []string{"x"}}, map[string]any{"k": 1.5}, []int{1, 2}, nil, "s", 7, json.RawMessage(`{"r":true}`)} {
			raw, _ := json.Marshal(v)
			_, err := db.Exec("INSERT INTO t VALUES (?, ?, jsonb(?), ?)", i, sqlite3.JSON(v), string(raw), raw)
			out = append(out, fmt.Sprintf("insert %d: %s", i, class(err)))
		}
		out = append(out, scanAll(db.Query("SELECT id, j, typeof(j), json_type(j), typeof(b), json(b), x, j ->> '$.a', j -> '$.b' FROM t ORDER BY id"))...)
		var d doc
		err := db.QueryRow("SELECT j FROM t WHERE id = 0").Scan(sqlite3.JSON(&d))
		out = append(out, fmt.Sprintf("into a struct: %+v %s", d, class(err)))
		var m map[string]any
		err = db.QueryRow("SELECT json(b) FROM t WHERE id = 1").Scan(sqlite3.JSON(&m))
		out = append(out, fmt.Sprintf("JSONB into a map: %v %s", m, class(err)))
		err = db.QueryRow("SELECT b FROM t WHERE id = 1").Scan(sqlite3.JSON(&m))
		out = append(out, fmt.Sprintf("raw JSONB into a map: %s", class(err)))
		var rm json.RawMessage
		err = db.QueryRow("SELECT x FROM t WHERE id = 6").Scan(&rm)
		out = append(out, fmt.Sprintf("into RawMessage: %s %s", rm, class(err)))
		var n any
		err = db.QueryRow("SELECT j FROM t WHERE id = 3").Scan(sqlite3.JSON(&n))
		out = append(out, fmt.Sprintf("null: %v %s", n, class(err)))
		out = append(out, scanAll(db.Query("SELECT json_group_array(id), json_group_object(id, j) FROM t"))...)
		return out
	})
}
