package reliability_test

import (
	"errors"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// A database opened read-only (as a program does when its file is on
// read-only storage or not its own): writes fail with SQLITE_READONLY,
// reads work, and the file is unchanged.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	rw := testdb.Open(t, path)
	if _, err := rw.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)"); err != nil {
		t.Fatal(err)
	}
	rw.Close()

	ro := testdb.Open(t, "file:"+path+"?mode=ro")
	for _, q := range []string{"INSERT INTO t VALUES (3)", "CREATE TABLE u(y)", "DELETE FROM t"} {
		if _, err := ro.Exec(q); !errors.Is(err, sqlite3.READONLY) {
			t.Errorf("%s on a read-only database: %v, want SQLITE_READONLY", q, err)
		}
	}
	var n int
	if err := ro.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Errorf("read: %d rows, %v; want 2", n, err)
	}
	var ok string
	if err := ro.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q, %v", ok, err)
	}
}
