package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func TestTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, testdb.Path(t))
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		t.Helper()
		if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	boom := errors.New("boom")
	err := driver.Transaction(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.Exec("INSERT INTO t VALUES (1)"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count() != 0 {
		t.Errorf("error = %v, rows = %d; want boom and the insert rolled back", err, count())
	}

	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not pass through")
			}
		}()
		driver.Transaction(ctx, db, func(tx *sql.Tx) error {
			tx.Exec("INSERT INTO t VALUES (1)")
			panic("boom")
		})
	}()
	if count() != 0 {
		t.Error("a panicking transaction was committed")
	}

	if err := driver.Transaction(ctx, db, func(tx *sql.Tx) error {
		_, err := tx.Exec("INSERT INTO t VALUES (1)")
		return err
	}); err != nil || count() != 1 {
		t.Errorf("error = %v, rows = %d; want a commit", err, count())
	}

	err = driver.ReadTransaction(ctx, db, func(tx *sql.Tx) error {
		_, err := tx.Exec("INSERT INTO t VALUES (2)")
		return err
	})
	if err == nil || count() != 1 {
		t.Errorf("a write in ReadTransaction: error = %v, rows = %d; want an error and 1 row", err, count())
	}
}
