// Package testdb is what sqlitekit's tests share: database files in a
// test's temporary directory, pools on them, and the sqlite3 CLI.
package testdb

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	_ "github.com/sqlitekit/sqlitekit/driver" // the "sqlitekit" driver
)

// Path returns the path of a database file, not yet created, in a
// directory that is removed when the test ends.
func Path(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "test.db")
}

// Open opens a "sqlitekit" pool on dsn, closed when the test ends.
func Open(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlitekit", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Exec runs query on db (a *sql.DB or *sql.Tx) and fails the test,
// naming the query, if it fails.
func Exec(tb testing.TB, db interface {
	Exec(query string, args ...any) (sql.Result, error)
}, query string, args ...any) sql.Result {
	tb.Helper()
	r, err := db.Exec(query, args...)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return r
}

// Row runs query on q (a *sql.DB, *sql.Conn or *sql.Tx) and returns its
// column names and the values of its first row, each scanned into an any;
// it fails the test if there is no row.
func Row(tb testing.TB, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, query string, args ...any) (cols []string, vals []any) {
	tb.Helper()
	rows, err := q.QueryContext(tb.Context(), query, args...)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err = rows.Columns()
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	if !rows.Next() {
		tb.Fatalf("%s: no row (%v)", query, rows.Err())
	}
	vals = make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return cols, vals
}

// CLI returns the path of the sqlite3 command. CI installs it and a test
// that needs it fails there without it; elsewhere the test is skipped.
func CLI(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("the sqlite3 CLI is not installed; .ci/run installs it")
		}
		tb.Skip("the sqlite3 CLI is not installed")
	}
	return path
}
