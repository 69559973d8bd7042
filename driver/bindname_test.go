package driver_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestArguments_nameWithNUL: SQLite reads a parameter name up to its
// first NUL byte, so sql.Named("a\x00", …) was bound to :a; such a name
// is refused, on every path that binds (issue 16).
func TestArguments_nameWithNUL(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	stmt, err := db.Prepare("INSERT INTO t VALUES (:a)")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	for _, name := range []string{"a\x00", "a\x00b"} {
		arg := sql.Named(name, 1)
		for what, run := range map[string]func() error{
			"Exec":      func() error { _, err := db.Exec("INSERT INTO t VALUES (:a)", arg); return err },
			"Exec $a":   func() error { _, err := db.Exec("INSERT INTO t VALUES ($a)", arg); return err },
			"QueryRow":  func() error { var v any; return db.QueryRow("SELECT :a", arg).Scan(&v) },
			"Stmt.Exec": func() error { _, err := stmt.Exec(arg); return err },
			"script": func() error {
				_, err := db.Exec("INSERT INTO t VALUES (:a); INSERT INTO t VALUES (:a)", arg)
				return err
			},
		} {
			if err := run(); err == nil || !strings.Contains(err.Error(), "NUL") {
				t.Errorf("%s with sql.Named(%q): %v, want an error about the NUL byte", what, name, err)
			}
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows inserted (%v), want 0", n, err)
	}
}
