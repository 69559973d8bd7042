package driver_test

import (
	"context"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// Each run of a cached statement counts its VM steps from zero, as a
// freshly prepared statement does, so that ncruces' progress handler,
// which yields the goroutine every 16,000 steps counted over the
// statement's life, never yields a short statement: not a writer in the
// middle of a transaction (with every writer waiting for the turn behind
// it), not a reader.
func TestFreshCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, testdb.Path(t))
	db.SetMaxOpenConns(1)
	testdb.Exec(t, db, "CREATE TABLE t(x)")
	const (
		insert = "INSERT INTO t(x) VALUES(?)"
		read   = "SELECT x FROM t WHERE rowid = ?"
		runs   = 300
	)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		if _, err := tx.ExecContext(ctx, insert, i); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, read, i+1).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for i := range runs { // outside a write: no turn held
		var n int
		if err := db.QueryRowContext(ctx, read, i+1).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}

	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var inserted, counted int
	err = c.Raw(func(dc any) error {
		var err error
		if inserted, err = driver.CachedVMSteps(dc, insert); err != nil {
			return err
		}
		counted, err = driver.CachedVMSteps(dc, read)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// One run of either statement takes a few dozen steps.
	if inserted > 100 {
		t.Errorf("the INSERT, run %d times in a write transaction, counts %d VM steps: want one run's", runs, inserted)
	}
	if counted > 100 {
		t.Errorf("the SELECT, run %d times in and out of a transaction, counts %d VM steps: want one run's", 2*runs, counted)
	}
}
