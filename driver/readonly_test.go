package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// A transaction on a mode=ro pool does not take the writer turn: a pool
// that can write, on the same file, writes while it is open. (Issue 15
// point 4a: the write waited for the busy timeout and failed "database is
// locked".)
func TestReadOnly_noWriterTurn(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	rw := open(t, "file:"+path+"?_pragma=busy_timeout(300)")
	testdb.Exec(t, rw, "CREATE TABLE t(x)")
	ro := open(t, "file:"+path+"?mode=ro")
	for _, begin := range []func() (*sql.Tx, error){
		func() (*sql.Tx, error) { return ro.Begin() },
		func() (*sql.Tx, error) {
			return ro.BeginTx(t.Context(), &sql.TxOptions{Isolation: sql.LevelSerializable})
		},
	} {
		tx, err := begin()
		if err != nil {
			t.Fatalf("Begin on a mode=ro pool: %v", err)
		}
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := rw.Exec("INSERT INTO t VALUES (1)"); err != nil {
			t.Errorf("write while a read-only pool's transaction is open: %v (after %v)", err, time.Since(start))
		}
		tx.Rollback()
	}
}

// On a query_only pool, Begin and driver.Transaction begin (DEFERRED)
// and read. (Issue 15 point 4b: "attempt to write a readonly database".)
func TestReadOnly_queryOnlyBegins(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	rw := open(t, path)
	testdb.Exec(t, rw, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	db := open(t, "file:"+path+"?_pragma=query_only(1)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatalf("Begin on a query_only pool: %v", err)
	}
	tx.Rollback()
	err = driver.Transaction(t.Context(), db, func(tx *sql.Tx) error {
		var n int
		return tx.QueryRow("SELECT count(*) FROM t").Scan(&n)
	})
	if err != nil {
		t.Errorf("Transaction on a query_only pool: %v", err)
	}
	if _, err := db.Exec("INSERT INTO t VALUES (2)"); !errors.Is(err, sqlite3.READONLY) {
		t.Errorf("write on a query_only pool: %v, want SQLITE_READONLY", err)
	}
}

// However a read-only transaction ends (Commit, Rollback, or SQL's
// ROLLBACK or COMMIT inside it), its connection writes again. (Issue 15
// point 4c: after tx.Exec("ROLLBACK") the pooled connection kept
// query_only and refused every later write.)
func TestReadOnly_txEndedBySQL(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	db.SetMaxOpenConns(1) // the same connection every time
	testdb.Exec(t, db, "CREATE TABLE t(x)")
	for _, end := range []string{"ROLLBACK", "COMMIT", "END"} {
		tx, err := db.BeginTx(t.Context(), &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO t VALUES (0)"); !errors.Is(err, sqlite3.READONLY) {
			t.Errorf("write in a read-only transaction: %v, want SQLITE_READONLY", err)
		}
		if _, err := tx.Exec(end); err != nil {
			t.Fatalf("%s: %v", end, err)
		}
		tx.Rollback() // fails: SQL ended it already
		if _, err := db.Exec("INSERT INTO t VALUES (1)"); err != nil {
			t.Errorf("write after a read-only transaction ended by %s: %v", end, err)
		}
	}
	var queryOnly int
	if err := db.QueryRowContext(context.Background(), "PRAGMA query_only").Scan(&queryOnly); err != nil || queryOnly != 0 {
		t.Errorf("query_only = %d, %v; want 0", queryOnly, err)
	}
}
