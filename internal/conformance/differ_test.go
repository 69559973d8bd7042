package conformance_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"
	_ "github.com/ncruces/go-sqlite3/driver" // the "sqlite3" driver, the one sqlitekit replaces
)

// The differential tests run the same code against plain
// ncruces/go-sqlite3 (driver "sqlite3") and sqlitekit, each on a new
// file, and compare what they saw: what a program written for ncruces
// meets when it changes the import and the driver name and nothing else.
// A difference that is deliberate is asserted as such, with its reason,
// and listed in the driver's package docs.

// drivers are the two drivers compared, the reference first.
var drivers = [...]string{"sqlite3", "sqlitekit"}

// openWith opens a pool of driver on a new file of the test, with the
// DSN parameters params ("" for none), closed when the test ends.
func openWith(t *testing.T, driverName, params string) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	dsn := path
	if params != "" {
		// t.TempDir may hold a '#' (subtests of one name): escaped, as a
		// file: URI needs ('#' starts its fragment).
		dsn = "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path) + "?" + params
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		t.Fatalf("%s: %v", driverName, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// both runs f for each driver on a new file opened with params, and
// returns what f returned for ncruces and for sqlitekit.
func both[T any](t *testing.T, params string, f func(t *testing.T, db *sql.DB) T) (ncr, kit T) {
	t.Helper()
	return bothWith(t, params, params, f)
}

// bothWith is both with DSN parameters of each driver's own.
func bothWith[T any](t *testing.T, ncrParams, kitParams string, f func(t *testing.T, db *sql.DB) T) (ncr, kit T) {
	t.Helper()
	var got [2]T
	for i, params := range [...]string{ncrParams, kitParams} {
		t.Run(drivers[i], func(t *testing.T) {
			got[i] = f(t, openWith(t, drivers[i], params))
		})
	}
	return got[0], got[1]
}

// same runs f for each driver and fails the test if what they saw
// differs.
func same[T any](t *testing.T, params string, f func(t *testing.T, db *sql.DB) T) {
	t.Helper()
	sameWith(t, params, params, f)
}

// sameWith is same with DSN parameters of each driver's own.
func sameWith[T any](t *testing.T, ncrParams, kitParams string, f func(t *testing.T, db *sql.DB) T) {
	t.Helper()
	ncr, kit := bothWith(t, ncrParams, kitParams, f)
	if diff := cmp.Diff(ncr, kit); diff != "" {
		t.Errorf("sqlitekit differs from ncruces (-ncruces +sqlitekit):\n%s", diff)
	}
}

// class names what err is, in the terms a program branches on: nil, the
// extended code of an error of SQLite, the errors of database/sql and
// of contexts it matches. Messages differ between the drivers (sqlitekit
// prefixes its own); what errors.Is and errors.As find must not.
func class(err error) string {
	if err == nil {
		return "ok"
	}
	var parts []string
	var serr *sqlite3.Error
	if errors.As(err, &serr) {
		parts = append(parts, serr.ExtendedCode().Error())
	}
	for _, e := range []error{sql.ErrNoRows, sql.ErrTxDone, sql.ErrConnDone, driver.ErrBadConn, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, e) {
			parts = append(parts, e.Error())
		}
	}
	if len(parts) == 0 {
		return "error"
	}
	return strings.Join(parts, "|")
}

// scanAll reads every row of rows, each value scanned into an any and
// formatted with its Go type, and closes them; an error ends the list.
func scanAll(rows *sql.Rows, err error) []string {
	if err != nil {
		return []string{"query: " + class(err)}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return []string{"columns: " + class(err)}
	}
	out := []string{strings.Join(cols, ",")}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return append(out, "scan: "+class(err))
		}
		line := make([]string, len(vals))
		for i, v := range vals {
			line[i] = typed(v)
		}
		out = append(out, strings.Join(line, " | "))
	}
	if err := rows.Err(); err != nil {
		out = append(out, "err: "+class(err))
	}
	return out
}

// execResult is what an Exec reported, or its error's class.
func execResult(r sql.Result, err error) string {
	if err != nil {
		return class(err)
	}
	id, err1 := r.LastInsertId()
	n, err2 := r.RowsAffected()
	return fmt.Sprintf("id=%d n=%d %s %s", id, n, class(err1), class(err2))
}
