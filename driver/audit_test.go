package driver_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestNULInSQL: SQLite reads SQL text up to its first NUL byte, so a query
// with one ran its prefix: Exec("DELETE FROM t\x00 WHERE id = 1") deleted
// every row and returned nil, and a migration step lost what followed the
// NUL. Every entry point refuses such SQL before anything of it runs
// (issue 16).
func TestNULInSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const rows = "CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')"
	for _, q := range []string{
		"DELETE FROM t\x00 WHERE id = 1",
		"DELETE FROM t WHERE id = 1\x00",
		"DELETE FROM t WHERE id = 1;\x00 DROP TABLE t",
		"UPDATE t SET v = 'x'\x00 WHERE id = 1; SELECT 1",
		"SELECT 1; DELETE FROM t\x00 WHERE id = 1",
		"\x00",
	} {
		db := testdb.Open(t, testdb.Path(t))
		if _, err := db.Exec(rows); err != nil {
			t.Fatal(err)
		}
		check := func(op string, err error) {
			t.Helper()
			if err == nil || !strings.Contains(err.Error(), "NUL") {
				t.Errorf("%s %q: %v, want an error naming the NUL byte", op, q, err)
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM t WHERE v IN ('a', 'b', 'c')").Scan(&n); err != nil || n != 3 {
				t.Errorf("%s %q: %d rows left (%v), want 3", op, q, n, err)
			}
		}
		_, err := db.ExecContext(ctx, q)
		check("Exec", err)
		_, err = db.ExecContext(ctx, q+"; SELECT ?", 1)
		check("Exec with an argument", err)
		rows, err := db.QueryContext(ctx, q)
		if err == nil {
			rows.Close()
		}
		check("Query", err)
		st, err := db.PrepareContext(ctx, q)
		if err == nil {
			st.Close()
		}
		check("Prepare", err)
		err = driver.Migrate(ctx, db, []driver.Migration{{Name: "nul.sql", SQL: "UPDATE t SET v = 'y';\x00 UPDATE t SET v = 'z'"}})
		check("Migrate", err)
		if err != nil && strings.Count(err.Error(), "sqlitekit:") != 1 {
			t.Errorf("Migrate: %v: want one sqlitekit: prefix", err)
		}
	}
}
