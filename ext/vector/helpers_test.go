package vector_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// openConn opens an in-memory database with the vector functions.
func openConn(tb testing.TB) *sqlite3.Conn {
	tb.Helper()
	return openConnPath(tb, ":memory:")
}

// openConnPath opens the database at path with the vector functions,
// closed when the test ends.
func openConnPath(tb testing.TB, path string) *sqlite3.Conn {
	tb.Helper()
	c, err := sqlite3.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	if err := vector.Register(c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// openDB opens a database file under a temporary directory through
// database/sql, with the vector functions on every connection.
func openDB(tb testing.TB) *sql.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "test.db")
	db, err := driver.Open("file:"+path, vector.Register)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// eval runs a one-row, one-column query and returns its value as a Go value
// (int64, float64, string, []byte or nil), and the subtype is lost.
func eval(c *sqlite3.Conn, query string, args ...any) (any, error) {
	stmt, _, err := c.Prepare(query)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	if err := bindArgs(stmt, args); err != nil {
		return nil, err
	}
	if !stmt.Step() {
		if err := stmt.Err(); err != nil {
			return nil, err
		}
		return nil, sql.ErrNoRows
	}
	v := columnValue(stmt, 0)
	return v, stmt.Err()
}

// bindArgs binds args (nil, int, int64, float64, string or []byte) to
// stmt's parameters in order.
func bindArgs(stmt *sqlite3.Stmt, args []any) error {
	for i, a := range args {
		var err error
		switch a := a.(type) {
		case nil:
			err = stmt.BindNull(i + 1)
		case int:
			err = stmt.BindInt(i+1, a)
		case int64:
			err = stmt.BindInt64(i+1, a)
		case float64:
			err = stmt.BindFloat(i+1, a)
		case string:
			err = stmt.BindText(i+1, a)
		case []byte:
			err = stmt.BindBlob(i+1, a)
		default:
			panic(fmt.Sprintf("bindArgs: unsupported argument type %T", a))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// columnValue returns column i of stmt's current row as a Go value (int64,
// float64, string, []byte or nil).
func columnValue(stmt *sqlite3.Stmt, i int) any {
	switch stmt.ColumnType(i) {
	case sqlite3.INTEGER:
		return stmt.ColumnInt64(i)
	case sqlite3.FLOAT:
		return stmt.ColumnFloat(i)
	case sqlite3.TEXT:
		return stmt.ColumnText(i)
	case sqlite3.BLOB:
		return stmt.ColumnBlob(i, nil)
	}
	return nil
}

// randVec returns a vector of n elements uniform in [-1, 1).
func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 2*r.Float32() - 1
	}
	return v
}
