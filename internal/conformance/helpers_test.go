package conformance_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// open returns a pool on a new database file of the test.
func open(t *testing.T) *sql.DB {
	t.Helper()
	return testdb.Open(t, testdb.Path(t))
}

type execer interface {
	Exec(query string, args ...any) (sql.Result, error)
}

func mustExec(t *testing.T, db execer, query string, args ...any) sql.Result {
	t.Helper()
	r, err := db.Exec(query, args...)
	if err != nil {
		t.Fatalf("Exec(%q): %v", query, err)
	}
	return r
}

// result is what an Exec reported.
type result struct{ ID, N int64 }

func resultOf(t *testing.T, r sql.Result) result {
	t.Helper()
	id, err := r.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		t.Fatal(err)
	}
	return result{id, n}
}

// value scans the one value of the one row of query into an any.
func value(t *testing.T, db *sql.DB, query string, args ...any) any {
	t.Helper()
	var v any
	if err := db.QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("QueryRow(%q): %v", query, err)
	}
	return v
}

// row scans every column of the one row of query into an any each.
func row(t *testing.T, db *sql.DB, query string, args ...any) []any {
	t.Helper()
	_, vals := testdb.Row(t, db, query, args...)
	return vals
}

// count returns count(*) of table.
func count(t *testing.T, db *sql.DB, table string) int64 {
	t.Helper()
	return value(t, db, "SELECT count(*) FROM "+table).(int64)
}

// typed formats v with its Go type, for comparing values whose type
// matters ("int64(1)" is not "float64(1)").
func typed(v any) string {
	if b, ok := v.([]byte); ok {
		return fmt.Sprintf("[]byte(%q)", b)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}
