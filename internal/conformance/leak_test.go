package conformance_test

import (
	"context"
	"testing"
	"time"
)

// Rows that a program opens and never reads (leaked, or kept for later)
// hold nothing: not the write lock, and not the process's writer turn,
// even for INSERT ... RETURNING, which writes at its first step. Other
// writers go on (ncruces; mattn and modernc fail them with "database is
// locked"). The leaked insert runs if the rows are read later, and not
// at all if they are closed unread (ncruces, mattn).
func TestUnreadRowsHoldNothing(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
	unread, err := db.Query("INSERT INTO t(v) VALUES ('unread') RETURNING id")
	if err != nil {
		t.Fatal(err)
	}
	later, err := db.Query("INSERT INTO t(v) VALUES ('later') RETURNING id")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "INSERT INTO t(v) VALUES ('other')"); err != nil {
		t.Fatalf("a write beside unread RETURNING rows: %v", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("a transaction beside unread RETURNING rows: %v", err)
	}
	mustExec(t, tx, "INSERT INTO t(v) VALUES ('tx')")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := unread.Close(); err != nil {
		t.Fatal(err)
	}
	var id int64
	if !later.Next() {
		t.Fatal(later.Err())
	}
	if err := later.Scan(&id); err != nil {
		t.Fatal(err)
	}
	later.Close()
	if got := value(t, db, "SELECT group_concat(v) FROM t ORDER BY id"); got != "other,tx,later" {
		t.Errorf("rows: %v", got)
	}
}
