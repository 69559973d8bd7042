package conformance_test

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"
)

type myInt int
type myString string
type upper string

func (u upper) Value() (driver.Value, error) { return strings.ToUpper(string(u)), nil }

type ptrValuer struct{ s string }

func (p *ptrValuer) Value() (driver.Value, error) { return "ptr:" + p.s, nil }

// Every Go value a database/sql program passes reaches SQLite as the
// same SQL value with all three peers: the storage class and the value
// read back.
func TestBind(t *testing.T) {
	t.Parallel()
	db := open(t)
	var nilInt *int
	s := "pointed"
	for _, tt := range []struct {
		name string
		arg  any
		typ  string // typeof(?)
		back string // ? read back into an any
	}{
		{"int", 42, "integer", "int64(42)"},
		{"int8", int8(-8), "integer", "int64(-8)"},
		{"uint8", uint8(200), "integer", "int64(200)"},
		{"int32", int32(-32), "integer", "int64(-32)"},
		{"uint32", uint32(4000000000), "integer", "int64(4000000000)"},
		{"uint64 below 2^63", uint64(1 << 62), "integer", "int64(4611686018427387904)"},
		{"max int64", int64(math.MaxInt64), "integer", "int64(9223372036854775807)"},
		{"min int64", int64(math.MinInt64), "integer", "int64(-9223372036854775808)"},
		{"named int", myInt(7), "integer", "int64(7)"},
		{"float32", float32(1.5), "real", "float64(1.5)"},
		{"float64", 2.25, "real", "float64(2.25)"},
		{"+Inf", math.Inf(1), "real", "float64(+Inf)"},
		{"NaN is NULL", math.NaN(), "null", "<nil>(<nil>)"}, // SQLite's own rule
		{"true", true, "integer", "int64(1)"},
		{"false", false, "integer", "int64(0)"},
		{"string", "héllo", "text", "string(héllo)"},
		{"string with NUL", "a\x00b", "text", "string(a\x00b)"},
		{"invalid UTF-8", "\xff\xfe", "text", "string(\xff\xfe)"},
		{"named string", myString("x"), "text", "string(x)"},
		{"empty string", "", "text", "string()"},
		{"bytes", []byte{0, 1, 2}, "blob", `[]byte("\x00\x01\x02")`},
		{"empty bytes", []byte{}, "blob", `[]byte("")`},
		{"nil bytes", []byte(nil), "null", "<nil>(<nil>)"},
		{"json.RawMessage", json.RawMessage(`{"a":1}`), "blob", `[]byte("{\"a\":1}")`},
		{"nil", nil, "null", "<nil>(<nil>)"},
		{"nil *int", nilInt, "null", "<nil>(<nil>)"},
		{"*string", &s, "text", "string(pointed)"},
		{"driver.Valuer", upper("abc"), "text", "string(ABC)"},
		{"pointer driver.Valuer", &ptrValuer{"p"}, "text", "string(ptr:p)"},
		{"sql.NullString invalid", sql.NullString{}, "null", "<nil>(<nil>)"},
		{"sql.NullInt64", sql.NullInt64{Int64: 3, Valid: true}, "integer", "int64(3)"},
		{"sql.NullBool", sql.NullBool{Bool: true, Valid: true}, "integer", "int64(1)"},
		{"sql.NullTime invalid", sql.NullTime{}, "null", "<nil>(<nil>)"},
		{"sql.Null[string]", sql.Null[string]{V: "g", Valid: true}, "text", "string(g)"},
		{"sql.Null[float64] invalid", sql.Null[float64]{}, "null", "<nil>(<nil>)"},
		// ncruces' own argument types keep their meaning.
		{"sqlite3.ZeroBlob", sqlite3.ZeroBlob(3), "blob", `[]byte("\x00\x00\x00")`},
	} {
		var typ string
		var back any
		if err := db.QueryRow("SELECT typeof(?1), ?1", tt.arg).Scan(&typ, &back); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if typ != tt.typ || typed(back) != tt.back {
			t.Errorf("%s: typeof %s, read back %s; want %s, %s", tt.name, typ, typed(back), tt.typ, tt.back)
		}
	}

	// database/sql refuses what does not fit an int64, as for every peer.
	var v any
	if err := db.QueryRow("SELECT ?", uint64(1<<63)).Scan(&v); err == nil || !strings.Contains(err.Error(), "uint64 values with high bit set are not supported") {
		t.Errorf("uint64 with the high bit set: %v", err)
	}
}

// What each storage class arrives as when scanned into an any, in
// columns of every declared type. All peers agree, but for BOOLEAN:
// mattn turns any nonzero integer into true, modernc gives int64 for 1
// too; sqlitekit, as ncruces, gives bool for 0 and 1 and the integer
// otherwise.
func TestScanAny(t *testing.T) {
	t.Parallel()
	db := open(t)
	if got, want := row(t, db, "SELECT 1, 1.5, 'x', x'00ff', NULL, 9223372036854775807, 9223372036854775808, '', x''"),
		[]any{int64(1), 1.5, "x", []byte{0, 0xff}, nil, int64(math.MaxInt64), float64(1 << 63), "", []byte{}}; !cmp.Equal(got, want) {
		t.Errorf("literals: %s", cmp.Diff(want, got))
	}

	mustExec(t, db, "CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n NUMERIC, v VARCHAR(10), bo BOOLEAN, x)")
	mustExec(t, db, "INSERT INTO t VALUES (1, 2, 3, 'four', '5', 6, 1, 'x')")
	mustExec(t, db, "INSERT INTO t VALUES ('a', 'b', 'c', 7, 'e', 'f', 0, 8)")
	mustExec(t, db, "INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL, 2, NULL)")
	rows, err := db.Query("SELECT * FROM t ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][]any
	for rows.Next() {
		vals := make([]any, 8)
		ptrs := make([]any, 8)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		got = append(got, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := [][]any{
		{int64(1), 2.0, "3", "four", int64(5), "6", true, "x"},
		{"a", "b", "c", int64(7), "e", "f", false, int64(8)},
		{nil, nil, nil, nil, nil, nil, int64(2), nil},
	}
	if !cmp.Equal(got, want) {
		t.Errorf("table: %s", cmp.Diff(want, got))
	}
}

// database/sql's conversions into typed destinations behave as with every
// peer: they depend only on the value the driver gives.
func TestScanInto(t *testing.T) {
	t.Parallel()
	db := open(t)
	var (
		i  int
		u  uint
		s  string
		b  []byte
		f  float64
		bo bool
		ns sql.NullString
		ni sql.NullInt64
		ps *string
		rb sql.RawBytes
	)
	rows, err := db.Query("SELECT '42', 42, 7, 'txt', 7, 1, NULL, 5, NULL, x'0102'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	rows.Next()
	if err := rows.Scan(&i, &u, &s, &b, &f, &bo, &ns, &ni, &ps, &rb); err != nil {
		t.Fatal(err)
	}
	if i != 42 || u != 42 || s != "7" || string(b) != "txt" || f != 7 || !bo || ns.Valid || ni != (sql.NullInt64{Int64: 5, Valid: true}) || ps != nil || !bytes.Equal(rb, []byte{1, 2}) {
		t.Errorf("got %v %v %q %q %v %v %v %v %v %v", i, u, s, b, f, bo, ns, ni, ps, rb)
	}
	rows.Close()

	for _, tt := range []struct {
		query string
		dest  any
		msg   string
	}{
		{"SELECT 1.5", new(int), "converting driver.Value type float64"},
		{"SELECT NULL", new(string), "converting NULL to string is unsupported"},
		{"SELECT NULL", new(int64), "converting NULL to int64 is unsupported"},
		{"SELECT 'abc'", new(int), `converting driver.Value type string ("abc") to a int`},
		{"SELECT 1 WHERE 0", new(int), sql.ErrNoRows.Error()},
	} {
		if err := db.QueryRow(tt.query).Scan(tt.dest); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s into %T: %v, want %q", tt.query, tt.dest, err, tt.msg)
		}
	}
}

// nil []byte is NULL and an empty []byte an empty BLOB, which scans back
// as an empty, non-nil []byte (ncruces, mattn; modernc gives nil).
func TestBytesNilAndEmpty(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(b BLOB NOT NULL, s TEXT)")
	if _, err := db.Exec("INSERT INTO t(b) VALUES (?)", []byte(nil)); err == nil || !strings.Contains(err.Error(), "NOT NULL constraint failed") {
		t.Errorf("nil []byte into NOT NULL: %v", err)
	}
	mustExec(t, db, "INSERT INTO t VALUES (?, ?)", []byte{}, []byte(nil))
	var b, s []byte
	if err := db.QueryRow("SELECT b, s FROM t").Scan(&b, &s); err != nil {
		t.Fatal(err)
	}
	if b == nil || len(b) != 0 || s != nil {
		t.Errorf("empty blob %#v, NULL text %#v", b, s)
	}
}

func TestLargeValues(t *testing.T) {
	t.Parallel()
	db := open(t)
	blob := make([]byte, 5<<20)
	for i := range blob {
		blob[i] = byte(i * 7)
	}
	text := strings.Repeat("sqlitekit ", 200_000)
	mustExec(t, db, "CREATE TABLE t(b BLOB, s TEXT)")
	mustExec(t, db, "INSERT INTO t VALUES (?, ?)", blob, text)
	var b []byte
	var s string
	if err := db.QueryRow("SELECT b, s FROM t").Scan(&b, &s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, blob) || s != text {
		t.Errorf("read back %d bytes, %d characters", len(b), len(s))
	}
}

// JSON through SQL functions and operators, and ncruces' sqlite3.JSON for
// arguments and destinations, as code written for ncruces uses it.
func TestJSON(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(j JSON)")
	mustExec(t, db, "INSERT INTO t VALUES (?)", `{"a":{"b":[1,2]}}`)
	if got, want := row(t, db, "SELECT j->>'$.a.b[1]', json_extract(j, '$.a'), typeof(j) FROM t"), []any{int64(2), `{"b":[1,2]}`, "text"}; !cmp.Equal(got, want) {
		t.Errorf("%s", cmp.Diff(want, got))
	}

	type doc struct {
		Name string `json:"name"`
		Tags []string
	}
	in := doc{"x", []string{"a", "b"}}
	mustExec(t, db, "DELETE FROM t")
	mustExec(t, db, "INSERT INTO t VALUES (?)", sqlite3.JSON(in))
	if got := value(t, db, "SELECT j->>'$.name' FROM t"); got != "x" {
		t.Errorf("j->>'$.name' of sqlite3.JSON(v): %v", got)
	}
	var out doc
	if err := db.QueryRow("SELECT j FROM t").Scan(sqlite3.JSON(&out)); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(in, out) {
		t.Errorf("sqlite3.JSON round trip: %s", cmp.Diff(in, out))
	}
}
