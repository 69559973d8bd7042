package conformance_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
	ncruces "github.com/ncruces/go-sqlite3/driver"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// SAVEPOINT, ROLLBACK TO and RELEASE inside a database/sql transaction,
// as ORMs nest transactions (gorm's SavePoint, ent), and on a *sql.Conn
// outside one. All peers.
func TestSavepoints(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(x)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO t VALUES (1)",
		"SAVEPOINT sp1",
		"INSERT INTO t VALUES (2)",
		"SAVEPOINT sp2",
		"INSERT INTO t VALUES (3)",
		"ROLLBACK TO SAVEPOINT sp2",
		"RELEASE SAVEPOINT sp2",
		"ROLLBACK TO sp1",
		"RELEASE sp1",
		"INSERT INTO t VALUES (4)",
	} {
		mustExec(t, tx, q)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := value(t, db, "SELECT group_concat(x) FROM t"); got != "1,4" {
		t.Errorf("after savepoints in a transaction: %v", got)
	}

	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{"SAVEPOINT a", "INSERT INTO t VALUES (5)", "RELEASE a"} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if n := count(t, db, "t"); n != 3 {
		t.Errorf("after a savepoint on a Conn: %d rows", n)
	}
}

// ncruces' driver.Savepoint(tx), the nested transaction of code written
// for ncruces, works on a sqlitekit transaction: it panicked (a nil
// *sqlite3.Conn) because only ncruces' connection answered it.
func TestNcrucesSavepoint(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(x)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	mustExec(t, tx, "INSERT INTO t VALUES (1)")
	func() {
		var err error
		defer ncruces.Savepoint(tx).Release(&err)
		mustExec(t, tx, "INSERT INTO t VALUES (2)")
		err = errors.New("undo")
	}()
	func() {
		var err error
		defer ncruces.Savepoint(tx).Release(&err)
		mustExec(t, tx, "INSERT INTO t VALUES (3)")
	}()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := value(t, db, "SELECT group_concat(x) FROM t"); got != "1,3" {
		t.Errorf("after ncruces' savepoints: %v", got)
	}
}

// Transactions ended or misused by SQL fail as SQLite says (all peers),
// with one deliberate difference: a COMMIT run as SQL inside a Tx
// commits the Tx's work so far with the peers, and the statements after
// it then commit one by one, outside any transaction, whatever the Tx
// does later; sqlitekit lets only Tx.Commit commit a Tx, so the COMMIT
// fails and rolls the Tx's work back (issue 16: nothing is left
// half-changed).
func TestTransactionMisuse(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(x)")

	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, "INSERT INTO t VALUES (1)")
	if _, err := tx.Exec("COMMIT"); err == nil || !strings.Contains(err.Error(), "Commit or Rollback") {
		t.Errorf("COMMIT by SQL inside a Tx: %v", err)
	}
	if err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "no transaction is active") {
		t.Errorf("Commit after COMMIT: %v", err)
	}
	if n := count(t, db, "t"); n != 0 {
		t.Errorf("%d rows after COMMIT by SQL", n)
	}

	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tx, err = c.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err == nil || !strings.Contains(err.Error(), "within a transaction") {
		t.Errorf("BEGIN inside a transaction: %v", err)
	}
	tx.Rollback()
}

// Isolation levels: SQLite's transactions are serializable. ncruces and
// sqlitekit take Serializable and Linearizable and refuse the weaker
// levels; mattn and modernc accept every level and ignore it.
func TestIsolationLevels(t *testing.T) {
	t.Parallel()
	db := open(t)
	for _, tt := range []struct {
		level sql.IsolationLevel
		ok    bool
	}{
		{sql.LevelDefault, true},
		{sql.LevelSerializable, true},
		{sql.LevelLinearizable, true},
		{sql.LevelReadUncommitted, false},
		{sql.LevelReadCommitted, false},
		{sql.LevelRepeatableRead, false},
		{sql.LevelSnapshot, false},
	} {
		tx, err := db.BeginTx(context.Background(), &sql.TxOptions{Isolation: tt.level})
		if (err == nil) != tt.ok {
			t.Errorf("%v: %v", tt.level, err)
		}
		if err == nil {
			tx.Rollback()
		}
	}
}

// A read-only transaction refuses writes (ncruces, sqlitekit: query_only;
// mattn and modernc ignore ReadOnly), and its connection writes again
// afterwards.
func TestReadOnlyTransaction(t *testing.T) {
	t.Parallel()
	db := open(t)
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE t(x)")
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t VALUES (1)"); !errors.Is(err, sqlite3.READONLY) {
		t.Errorf("write in a read-only transaction: %v", err)
	}
	tx.Rollback()
	mustExec(t, db, "INSERT INTO t VALUES (1)")

	// Read-only transactions begin DEFERRED whatever _txlock says, so
	// two run at once without waiting (ncruces' test).
	db = testdb.Open(t, "file:"+testdb.Path(t)+"?_txlock=exclusive&_pragma=busy_timeout(0)")
	ctx := context.Background()
	tx1, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	tx2, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx1.Exec("CREATE TABLE u(x)"); !errors.Is(err, sqlite3.READONLY) {
		t.Errorf("CREATE in a read-only transaction: %v", err)
	}
	if err := errors.Join(tx2.Commit(), tx1.Commit()); err != nil {
		t.Fatal(err)
	}
}

// A transaction whose context ends is rolled back by database/sql, and
// the pool goes on (all peers).
func TestTransactionContextEnds(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(x)")
	ctx, cancel := context.WithCancel(context.Background())
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, "INSERT INTO t VALUES (1)")
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := tx.Commit()
		if errors.Is(err, sql.ErrTxDone) {
			break
		}
		if err == nil || time.Now().After(deadline) {
			t.Fatalf("Commit after the context ended: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	if n := count(t, db, "t"); n != 0 {
		t.Errorf("%d rows", n)
	}
	mustExec(t, db, "INSERT INTO t VALUES (2)")
}

// Reading and writing in one transaction: rows of a query stay open
// while the transaction writes, and Commit with rows open succeeds
// (database/sql closes them). All peers.
func TestTransactionRowsAndWrites(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
	mustExec(t, db, "INSERT INTO t(v) VALUES (1), (2), (3)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query("SELECT id FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "UPDATE t SET v = v * 10 WHERE id = ?", id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = tx.Query("SELECT id FROM t")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	mustExec(t, tx, "INSERT INTO t(v) VALUES (40)")
	if err := tx.Commit(); err != nil {
		t.Fatalf("Commit with rows open: %v", err)
	}
	if rows.Next() || !errors.Is(rows.Err(), context.Canceled) && rows.Err() != nil {
		t.Errorf("rows after Commit: %v", rows.Err())
	}
	if got := value(t, db, "SELECT sum(v) FROM t"); got != int64(100) {
		t.Errorf("sum %v", got)
	}

	// A statement prepared in the transaction, run again while its own
	// rows are open: an error that says so (ncruces and modernc fail
	// with "bad parameter or other API misuse"; mattn resets the open
	// rows and both give wrong results).
	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	st, err := tx.Prepare("SELECT id FROM t WHERE id > ?")
	if err != nil {
		t.Fatal(err)
	}
	rows, err = st.Query(0)
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	var id int
	if err := st.QueryRow(1).Scan(&id); err == nil || !strings.Contains(err.Error(), "open rows") {
		t.Errorf("statement run again with its rows open: %v", err)
	}
	rows.Close()
	if err := st.QueryRow(1).Scan(&id); err != nil || id != 2 {
		t.Errorf("after the rows closed: %d, %v", id, err)
	}
}

// Writers of one process: transactions that read then write, autocommit
// writes, a prepared statement shared by goroutines, and connections
// that BEGIN IMMEDIATE by SQL beside database/sql transactions. Every
// write succeeds and none is lost. (ncruces too; mattn loses a few
// transactions to "database is locked", modernc, without a busy
// timeout by default, most of them.)
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE counter(n INTEGER); INSERT INTO counter VALUES (0); CREATE TABLE log(g, i)")
	ins, err := db.Prepare("INSERT INTO log VALUES (?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	ctx := context.Background()
	const goroutines, each = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, 4*goroutines*each)
	for g := range goroutines {
		wg.Add(4)
		go func() { // read, then write, in a transaction
			defer wg.Done()
			for range each {
				errs <- func() error {
					tx, err := db.BeginTx(ctx, nil)
					if err != nil {
						return err
					}
					defer tx.Rollback()
					var n int
					if err := tx.QueryRow("SELECT n FROM counter").Scan(&n); err != nil {
						return err
					}
					if _, err := tx.Exec("UPDATE counter SET n = ?", n+1); err != nil {
						return err
					}
					return tx.Commit()
				}()
			}
		}()
		go func() { // autocommit
			defer wg.Done()
			for i := range each {
				_, err := db.Exec("INSERT INTO log VALUES (?, ?)", g, i)
				errs <- err
			}
		}()
		go func() { // a shared prepared statement
			defer wg.Done()
			for i := range each {
				_, err := ins.Exec(-g, i)
				errs <- err
			}
		}()
		go func() { // BEGIN IMMEDIATE by SQL on a Conn
			defer wg.Done()
			for range each {
				errs <- func() error {
					c, err := db.Conn(ctx)
					if err != nil {
						return err
					}
					defer c.Close()
					if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
						return err
					}
					if _, err := c.ExecContext(ctx, "UPDATE counter SET n = n + 1"); err != nil {
						c.ExecContext(ctx, "ROLLBACK")
						return err
					}
					_, err = c.ExecContext(ctx, "COMMIT")
					return err
				}()
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := map[string]int{}
	for err := range errs {
		if err != nil {
			failed[err.Error()]++
		}
	}
	if len(failed) > 0 {
		t.Errorf("failed writes: %v", failed)
	}
	if got, want := value(t, db, "SELECT n FROM counter"), int64(2*goroutines*each); got != want {
		t.Errorf("counter %v, want %v", got, want)
	}
	if got, want := count(t, db, "log"), int64(2*goroutines*each); got != want {
		t.Errorf("%d log rows, want %d", got, want)
	}
	_ = fmt.Sprint
}

// Transactions whose context is canceled while they begin, again and
// again (mattn's test): none leaves a connection inside a transaction or
// holding the process's writer turn, and the pool writes on.
func TestBeginCanceledRepeatedly(t *testing.T) {
	t.Parallel()
	db := open(t)
	db.SetMaxOpenConns(4)
	mustExec(t, db, "CREATE TABLE t(x)")
	for i := range 300 {
		ctx, cancel := context.WithCancel(context.Background())
		go cancel()
		tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: i%3 == 0})
		if err == nil {
			_, err = tx.Exec("SELECT 1")
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
				t.Fatalf("Rollback: %v", rerr)
			}
		}
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, sql.ErrTxDone) {
			t.Fatalf("iteration %d: %v", i, err)
		}
		cancel()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var conns []*sql.Conn
	for range 4 { // every connection of the pool
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range append(conns, conns...) {
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			t.Fatalf("Begin after canceled begins: %v", err)
		}
		if _, err := tx.Exec("INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if n := count(t, db, "t"); n != 8 {
		t.Errorf("%d rows", n)
	}
}
