package conformance_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
	ncruces "github.com/ncruces/go-sqlite3/driver"

	"github.com/sqlitekit/sqlitekit/driver"
)

// Code written for ncruces reaches the SQLite connection with
// sql.Conn.Raw and ncruces' driver.Conn interface; sqlitekit's
// connections answer it as they answer their own.
func TestRawConn(t *testing.T) {
	t.Parallel()
	db := open(t)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		nc, ok := dc.(ncruces.Conn)
		if !ok {
			t.Fatalf("%T is not ncruces' driver.Conn", dc)
		}
		if _, ok := dc.(driver.Conn); !ok {
			t.Fatalf("%T is not sqlitekit's driver.Conn", dc)
		}
		return nc.Raw().Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "t"); n != 1 {
		t.Errorf("%d rows", n)
	}
}

// Ping, Stats, prepared statements across connections, and the order
// things close in (all peers).
func TestPoolLifecycle(t *testing.T) {
	t.Parallel()
	db := open(t)
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	if s := db.Stats(); s.OpenConnections != 1 {
		t.Errorf("after Ping: %+v", s)
	}
	mustExec(t, db, "CREATE TABLE t(x)")

	// A prepared statement re-prepared on each new connection.
	db.SetMaxIdleConns(0)
	ins, err := db.Prepare("INSERT INTO t VALUES (?)")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if got := resultOf(t, mustExecStmt(t, ins, i)); got != (result{int64(i + 1), 1}) {
			t.Errorf("insert %d: %+v", i, got)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Stmt(ins).Exec(9); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	db.SetMaxIdleConns(2)
	if n := count(t, db, "t"); n != 3 {
		t.Errorf("%d rows", n)
	}

	// Statements, rows and a transaction outliving db.Close.
	st, err := db.Prepare("SELECT x FROM t")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT x FROM t")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, "INSERT INTO t VALUES (10)")
	closed := make(chan error)
	go func() { closed <- db.Close() }()
	time.Sleep(20 * time.Millisecond)
	if err := tx.Commit(); err != nil {
		t.Errorf("Commit during db.Close: %v", err)
	}
	if err := errors.Join(rows.Close(), st.Close(), <-closed, ins.Close()); err != nil {
		t.Error(err)
	}
	if err := db.Ping(); err == nil {
		t.Error("Ping after Close succeeded")
	}
}

func mustExecStmt(t *testing.T, st *sql.Stmt, args ...any) sql.Result {
	t.Helper()
	r, err := st.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The DSN ent's and gorm's documentation use for a shared in-memory
// database: one database for the whole pool, foreign keys enforced.
func TestORMInMemoryDSN(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"file:ent?mode=memory&cache=shared&_fk=1", "file::memory:?cache=shared", ":memory:"} {
		db, err := sql.Open("sqlitekit", dsn)
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		db.SetMaxOpenConns(3)
		mustExec(t, db, "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p REFERENCES p(id))")
		ctx := context.Background()
		var conns []*sql.Conn
		for range 3 {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			var fk int
			if err := c.QueryRowContext(ctx, "SELECT count(*) FROM c").Scan(new(int)); err != nil {
				t.Errorf("%s: a connection does not see the table: %v", dsn, err)
			}
			if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
				t.Errorf("%s: foreign_keys %d, %v", dsn, fk, err)
			}
		}
		for _, c := range conns {
			c.Close()
		}
		if _, err := db.Exec("INSERT INTO c VALUES (1)"); !errors.Is(err, sqlite3.CONSTRAINT_FOREIGNKEY) {
			t.Errorf("%s: %v", dsn, err)
		}
		db.Close()
	}
}
