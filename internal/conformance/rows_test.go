package conformance_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// columnType is what a ColumnType says of a column.
type columnType struct {
	Name, DatabaseType, ScanType string
	Nullable, NullableOK         bool
}

// ColumnTypes before the first row and on every row: before it, the
// scan type of a column whose declared type says it (ncruces), else of
// the value of the first row (modernc; ncruces: any); on a row, the type of the value
// Next gives (ncruces), the same whether that row was reached by Next or
// not. DatabaseTypeName is the declared type without its size
// (ncruces, as database/sql documents it; mattn and modernc keep
// "VARCHAR(64)"). Nullable is known for table columns (NOT NULL, the
// INTEGER PRIMARY KEY), unknown for expressions; ncruces reports
// nullable only for columns of no recognized type, mattn and modernc
// (true, true) for every column.
func TestColumnTypes(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, u VARCHAR(64) NOT NULL, d DATETIME, b BOOLEAN, x)")
	mustExec(t, db, "INSERT INTO t(u, d, b, x) VALUES ('a', CURRENT_TIMESTAMP, 1, 2.5), ('b', NULL, 0, 'text')")
	rows, err := db.Query("SELECT id, u, d, b, x, 1 + 1 FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	read := func() []columnType {
		t.Helper()
		cts, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		var got []columnType
		for _, c := range cts {
			nullable, ok := c.Nullable()
			got = append(got, columnType{c.Name(), c.DatabaseTypeName(), c.ScanType().String(), nullable, ok})
		}
		return got
	}
	fixed := func(d, x, expr string) []columnType {
		return []columnType{
			{"id", "INTEGER", "int64", false, true},
			{"u", "VARCHAR", "string", false, true},
			{"d", "DATETIME", d, true, true},
			{"b", "BOOLEAN", "bool", true, true},
			{"x", "", x, true, true},
			{"1 + 1", "", expr, false, false},
		}
	}
	if got, want := read(), fixed("time.Time", "float64", "int64"); !cmp.Equal(got, want) {
		t.Errorf("before Next: %s", cmp.Diff(want, got))
	}
	rows.Next()
	if got, want := read(), fixed("time.Time", "float64", "int64"); !cmp.Equal(got, want) {
		t.Errorf("on the first row: %s", cmp.Diff(want, got))
	}
	rows.Next()
	if got, want := read(), fixed("interface {}", "string", "int64"); !cmp.Equal(got, want) { // d is NULL
		t.Errorf("on the second row: %s", cmp.Diff(want, got))
	}
	// On a row, a value its declared type cannot give (NULL, text in an
	// INTEGER column, a BOOLEAN that is not 0 or 1, text that is no time
	// in a DATETIME column) has the scan type of the value Next gives,
	// as with ncruces, so that a scanner that makes its destinations
	// from ScanType row by row can scan it; a NULL BLOB stays []byte.
	rows.Close()
	mustExec(t, db, `CREATE TABLE m(i INTEGER, b BOOLEAN, d DATETIME, r REAL, bl BLOB, s TEXT)`)
	mustExec(t, db, `INSERT INTO m VALUES (NULL, 2, 'nonsense', 'x', NULL, 5), ('a', NULL, 1700000000, 1, x'00', NULL)`)
	rows, err = db.Query("SELECT * FROM m ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var scans [][]string
	for rows.Next() {
		cts, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		var line []string
		dest := make([]any, len(cts))
		for i, ct := range cts {
			line = append(line, ct.ScanType().String())
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		scans = append(scans, line)
		if err := rows.Scan(dest...); err != nil {
			t.Errorf("scan into destinations of the scan types %v: %v", line, err)
		}
	}
	if want := [][]string{
		{"interface {}", "int64", "string", "string", "[]uint8", "string"},
		{"string", "interface {}", "time.Time", "float64", "[]uint8", "interface {}"},
	}; !cmp.Equal(scans, want) {
		t.Errorf("scan types on rows of mismatched values: %s", cmp.Diff(want, scans))
	}

	// A query with no rows has its columns and declared types (all peers).
	rows, err = db.Query("SELECT id, u FROM t WHERE 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil || !cmp.Equal(cols, []string{"id", "u"}) {
		t.Errorf("columns of no rows: %v, %v", cols, err)
	}
	cts, err := rows.ColumnTypes()
	if err != nil || cts[0].ScanType() != reflect.TypeFor[int64]() || cts[1].DatabaseTypeName() != "VARCHAR" {
		t.Errorf("column types of no rows: %v", err)
	}
}

// The columns of a statement follow the schema: a prepared statement
// after ALTER TABLE (mattn, modernc; ncruces keeps the old columns), a
// cached query after a temporary table shadows the table, PRAGMAs that
// describe the schema after it changed, on the same connection and from
// another.
func TestColumnsFollowSchema(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(a); INSERT INTO t VALUES (1)")
	st, err := db.Prepare("SELECT * FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Exec(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, "ALTER TABLE t ADD COLUMN b DEFAULT 2")
	rows, err := st.Query()
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	if !cmp.Equal(cols, []string{"a", "b"}) {
		t.Errorf("prepared statement after ALTER TABLE: columns %v", cols)
	}

	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	countOn := func(q string) int {
		t.Helper()
		rows, err := c.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		return n
	}
	queries := []string{"SELECT * FROM t", "PRAGMA table_info(t)", "PRAGMA index_list(t)", "PRAGMA foreign_key_list(t)"}
	var before []int
	for _, q := range queries {
		before = append(before, countOn(q))
	}
	mustExec(t, db, "CREATE TABLE p(id INTEGER PRIMARY KEY); ALTER TABLE t ADD COLUMN c REFERENCES p(id); CREATE INDEX ti ON t(a)") // another connection
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	var after []int
	for _, q := range queries {
		after = append(after, countOn(q))
	}
	if want := [][]int{{1, 2, 0, 0}, {0, 1, 0, 0}}; !cmp.Equal([][]int{before, after}, want) {
		t.Errorf("rows of %q before and after: %v %v, want %v", queries, before, after, want)
	}
	if got := countOn("PRAGMA main.table_info(t)"); got != 3 {
		t.Errorf("main.t has %d columns", got)
	}
}

// Rows: Scan before Next, Close twice, NextResultSet, RawBytes (all
// peers).
func TestRowsBasics(t *testing.T) {
	t.Parallel()
	db := open(t)
	rows, err := db.Query("SELECT 'abc', x'0102'")
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := rows.Scan(&s); err == nil {
		t.Error("Scan before Next succeeded")
	}
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	var a, b []byte
	if err := rows.Scan(&a, &b); err != nil || string(a) != "abc" || string(b) != "\x01\x02" {
		t.Errorf("%q %q %v", a, b, err)
	}
	if rows.Next() || rows.NextResultSet() || rows.Err() != nil {
		t.Errorf("after the last row: %v", rows.Err())
	}
	if err := rows.Close(); err != nil {
		t.Error(err)
	}
	if err := rows.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	// NULLs and BLOBs into sql.RawBytes (ncruces' test).
	rows, err = db.Query("SELECT NULL UNION ALL SELECT x'cafe' UNION ALL SELECT x'babe' UNION ALL SELECT NULL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var raw sql.RawBytes
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%v:%x", raw == nil, []byte(raw)))
	}
	if want := []string{"true:", "false:cafe", "false:babe", "true:"}; !cmp.Equal(got, want) {
		t.Errorf("RawBytes: %v", got)
	}
}
