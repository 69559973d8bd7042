package driver_test

import (
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestBeginTx_insideSQLTransaction: on a sql.Conn already inside the
// user's own SQL BEGIN, BeginTx fails (SQLite has no nested BEGIN), and
// its clean-up rolled back the user's transaction too. It now rolls back
// only what it began: the user's transaction stays open and commits
// (issue 15).
func TestBeginTx_insideSQLTransaction(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db := openDB(t, path)
	ctx := t.Context()
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN; INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	if tx, err := conn.BeginTx(ctx, nil); err == nil {
		tx.Rollback()
		t.Fatal("BeginTx inside an SQL transaction: no error")
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO t VALUES (2); COMMIT"); err != nil {
		t.Fatalf("the user's transaction after a failed BeginTx: %v", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d rows (%v), want 2", n, err)
	}
}
