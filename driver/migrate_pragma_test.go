package driver_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestMigrate_pragmaInTransaction: SQLite cannot change journal_mode or
// foreign_keys inside a transaction and says nothing: a step's
// PRAGMA journal_mode=delete left the database in WAL mode, and the step
// counted as applied. Such a step is refused, naming the step and the
// PRAGMA, and the database stays at the previous version (issue 16).
func TestMigrate_pragmaInTransaction(t *testing.T) {
	t.Parallel()
	for _, step := range []driver.Migration{
		{Name: "jm", SQL: "CREATE TABLE a(x); PRAGMA journal_mode=delete"},
		{Name: "jm schema", SQL: "PRAGMA main.JOURNAL_MODE = 'truncate'"},
		{Name: "fk", SQL: "PRAGMA foreign_keys=OFF; CREATE TABLE a(x)"},
		{Name: "go", Func: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "PRAGMA journal_mode=delete")
			return err
		}},
	} {
		db := openDB(t, testdb.Path(t))
		err := driver.Migrate(t.Context(), db, []driver.Migration{step})
		pragma := "journal_mode"
		if step.Name == "fk" {
			pragma = "foreign_keys"
		}
		if err == nil || !strings.Contains(err.Error(), step.Name) || !strings.Contains(err.Error(), pragma) {
			t.Errorf("step %q: Migrate: %v, want an error naming the step and %s", step.Name, err, pragma)
		}
		var v int
		var mode string
		if err := db.QueryRow("SELECT (SELECT user_version FROM pragma_user_version), (SELECT journal_mode FROM pragma_journal_mode)").Scan(&v, &mode); err != nil {
			t.Fatal(err)
		}
		if v != 0 || mode != "wal" {
			t.Errorf("step %q: user_version %d, journal_mode %s; want 0 and wal", step.Name, v, mode)
		}
	}
	// Reading them is fine.
	db := openDB(t, testdb.Path(t))
	if err := driver.Migrate(t.Context(), db, []driver.Migration{{SQL: "PRAGMA journal_mode; PRAGMA foreign_keys; CREATE TABLE a(x)"}}); err != nil {
		t.Errorf("a step reading journal_mode and foreign_keys: %v", err)
	}
}
