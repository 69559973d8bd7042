package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestHelpers_nilContext: a nil context made database/sql panic inside
// the helpers, with the pool's mutex held, so the next use of the pool
// hung; every helper that takes a context returns an error instead, and
// the pool stays usable (issue 16).
func TestHelpers_nilContext(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var nilCtx context.Context // a variable, so that no linter sees a literal nil
	calls := map[string]func() error{
		"Transaction":     func() error { return driver.Transaction(nilCtx, db, func(*sql.Tx) error { return nil }) },
		"ReadTransaction": func() error { return driver.ReadTransaction(nilCtx, db, func(*sql.Tx) error { return nil }) },
		"Backup":          func() error { return driver.Backup(nilCtx, db, filepath.Join(dir, "b.db"), nil) },
		"VacuumInto":      func() error { return driver.VacuumInto(nilCtx, db, filepath.Join(dir, "v.db")) },
		"SizesOf":         func() error { _, err := driver.SizesOf(nilCtx, db); return err },
		"Checkpoint":      func() error { _, err := driver.Checkpoint(nilCtx, db, driver.CheckpointPassive); return err },
		"Migrate":         func() error { return driver.Migrate(nilCtx, db, []driver.Migration{{SQL: "CREATE TABLE m(x)"}}) },
		"Check":           func() error { _, err := driver.Check(nilCtx, db, true); return err },
		"Stream": func() error {
			for _, err := range driver.Stream(nilCtx, db, func(r *sql.Rows) (int, error) { var n int; return n, r.Scan(&n) }, "SELECT 1") {
				return err
			}
			return nil
		},
	}
	for name, call := range calls {
		if err := noPanic(call); err == nil || !strings.Contains(err.Error(), "nil context") {
			t.Errorf("%s(nil ctx): %v, want an error saying the context is nil", name, err)
		}
		usable(t, db, name)
	}
}

// noPanic runs f, turning a panic into an error.
func noPanic(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// usable fails the test if db does not answer a query within 10 s.
func usable(t *testing.T, db *sql.DB, after string) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		var n int
		done <- db.QueryRow("SELECT count(*) FROM t").Scan(&n)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after %s: %v", after, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("after %s: the pool hangs", after)
	}
}
