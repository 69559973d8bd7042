package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
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

// TestLongPath: ncruces reads a file name from SQLite's memory with a
// limit of 1024 bytes and panics past it ("missing NUL terminator"),
// killing the process: a database path, or a Backup or VacuumInto
// destination, of 1025 bytes or more did. SQLite also adds "-journal" to
// the name, so a name of 1017 to 1024 bytes failed with "unable to open
// database file". Such names are refused, naming the limit (issue 16).
func TestLongPath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	// long returns a path of n bytes under dir, whose directory exists.
	long := func(n int) string {
		p := dir
		for n-len(p) > 250 {
			p = filepath.Join(p, strings.Repeat("d", 200))
		}
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p + "/" + strings.Repeat("f", n-len(p)-1)
	}
	open := func(path string) error {
		cfg := pragma.Default()
		cfg.Path = path
		db, err := driver.Open(cfg, nil)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
		return err
	}
	if err := open(long(1016)); err != nil {
		t.Errorf("a path of 1016 bytes: %v", err)
	}
	src := testdb.Open(t, filepath.Join(dir, "src.db"))
	if _, err := src.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1017, 1024, 1025, 1100, 4000} {
		p := long(n)
		if err := open(p); err == nil || !strings.Contains(err.Error(), "1016") {
			t.Errorf("open a path of %d bytes: %v, want an error naming the limit", n, err)
		}
		if err := driver.Backup(ctx, src, p, nil); err == nil || !strings.Contains(err.Error(), "1016") {
			t.Errorf("Backup to a path of %d bytes: %v, want an error naming the limit", n, err)
		}
		if err := driver.VacuumInto(ctx, src, p); err == nil || !strings.Contains(err.Error(), "1016") {
			t.Errorf("VacuumInto a path of %d bytes: %v, want an error naming the limit", n, err)
		}
	}
}

// TestLongPathInSQL: ATTACH and VACUUM INTO hand SQLite a file name the
// driver cannot check beforehand; past 1024 bytes ncruces panicked
// reading it back and the process died. The statement fails with an
// error matching sqlite3.CANTOPEN, the connection is discarded, and the
// pool goes on (issue 16).
func TestLongPathInSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db := testdb.Open(t, filepath.Join(dir, "main.db"))
	db.SetMaxOpenConns(2)
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	long := filepath.Join(dir, strings.Repeat("x", 1100))
	for i, run := range []func() error{
		func() error { _, err := db.ExecContext(ctx, "ATTACH ? AS other", long); return err },
		func() error { _, err := db.ExecContext(ctx, "ATTACH '"+long+"' AS other; SELECT 1"); return err },
		func() error { _, err := db.ExecContext(ctx, "VACUUM INTO ?", long); return err },
		func() error {
			rows, err := db.QueryContext(ctx, "SELECT * FROM pragma_table_list WHERE ? IS NULL", nil)
			if err == nil {
				rows.Close()
			}
			_, err = db.ExecContext(ctx, "ATTACH ? AS other", long+"y")
			return err
		},
		func() error {
			return driver.Transaction(ctx, db, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, "ATTACH ? AS other", long)
				return err
			})
		},
	} {
		err := run()
		if !errors.Is(err, sqlite3.CANTOPEN) || !strings.Contains(err.Error(), "1024") {
			t.Errorf("case %d: %v, want an error matching sqlite3.CANTOPEN that names the limit", i, err)
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
			t.Errorf("case %d: then the pool reads %d rows, %v", i, n, err)
		}
	}
}

// TestMigrate_carelessSteps: a step with no SQL and no Func (an empty
// file, a file saved empty by mistake) was applied and counted; a step
// file named "2_b.SQL" was left out without a word, and the database
// stayed a step behind until a third file made a gap (issue 16).
func TestMigrate_carelessSteps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, sqlText := range []string{"", " \n\t"} {
		db := testdb.Open(t, testdb.Path(t))
		err := driver.Migrate(ctx, db, []driver.Migration{{Name: "1_a.sql", SQL: "CREATE TABLE a(x)"}, {Name: "2_b.sql", SQL: sqlText}})
		if err == nil || !strings.Contains(err.Error(), `"2_b.sql"`) || !strings.Contains(err.Error(), "no SQL") {
			t.Errorf("a step of SQL %q: %v, want an error naming it", sqlText, err)
		}
		if v := version(t, db); v != 1 {
			t.Errorf("a step of SQL %q: the database is at version %d, want 1", sqlText, v)
		}
	}
	steps, err := driver.LoadMigrations(fstest.MapFS{
		"m/1_a.sql": {Data: []byte("CREATE TABLE a(x)")},
		"m/2_b.SQL": {Data: []byte("CREATE TABLE b(x)")},
	}, "m")
	if err != nil || len(steps) != 2 || steps[1].Name != "2_b.SQL" {
		t.Errorf("LoadMigrations of 1_a.sql and 2_b.SQL: %d steps (%+v), %v; want both", len(steps), steps, err)
	}
}

// TestArgs_uintOverflow: database/sql's default conversion turns a uint
// above math.MaxInt64 into a negative int64 (it refuses such a uint64,
// not a uint): uint(math.MaxUint64) was stored as -1 (issue 16).
func TestArgs_uintOverflow(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t, testdb.Path(t))
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO t VALUES (?)", uint(math.MaxUint64)); err == nil || !strings.Contains(err.Error(), "18446744073709551615") {
		t.Errorf("uint(math.MaxUint64): %v, want an error naming it", err)
	}
	if _, err := db.Exec("INSERT INTO t VALUES (?)", uint(math.MaxInt64)); err != nil {
		t.Errorf("uint(math.MaxInt64): %v", err)
	}
	var got []int64
	rows, err := db.Query("SELECT x FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var x int64
		rows.Scan(&x)
		got = append(got, x)
	}
	if len(got) != 1 || got[0] != math.MaxInt64 {
		t.Errorf("stored %v, want [%d]", got, int64(math.MaxInt64))
	}
}

// TestBackup_ontoItself: a destination that is the source database, by
// another spelling or a symbolic link, or one of its -wal, -shm and
// -journal files, is refused: Backup onto the database itself returned
// nil with no copy made, and Backup into an empty -wal file returned nil
// with the copy written where SQLite then resets its log (issue 16).
func TestBackup_ontoItself(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	db := testdb.Open(t, src)
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t SELECT value FROM generate_series(1, 1000)"); err != nil {
		t.Fatal(err)
	}
	if _, err := driver.Checkpoint(ctx, db, driver.CheckpointTruncate); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(src, filepath.Join(dir, "link.db")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{
		src, filepath.Join(dir, ".", "sub", "..", "src.db"), filepath.Join(dir, "link.db"), filepath.Join(dir, "linkdir", "src.db"),
		src + "-wal", src + "-shm", src + "-journal", filepath.Join(dir, "linkdir", "src.db-wal"),
	} {
		for op, copy := range map[string]func() error{
			"Backup":     func() error { return driver.Backup(ctx, db, dest, nil) },
			"VacuumInto": func() error { return driver.VacuumInto(ctx, db, dest) },
		} {
			if err := copy(); err == nil || !strings.Contains(err.Error(), "the database itself") {
				t.Errorf("%s to %s: %v, want an error saying it is the database itself", op, dest, err)
			}
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1000 {
		t.Errorf("the source has %d rows (%v), want 1000", n, err)
	}
	if _, err := os.Stat(src + "-journal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a -journal file was made: %v", err)
	}
}

// TestMigrate_connectionState: what a step sets on its connection
// (PRAGMA query_only, busy_timeout, cache_size, an ATTACH, a TEMP table)
// stayed with that connection when it went back to the pool: after a
// step "PRAGMA query_only=1" failed, every write on it failed; after
// "PRAGMA busy_timeout=0", writers on it failed at once with
// SQLITE_BUSY. Migrate now closes the connection it migrated on
// (issue 16).
func TestMigrate_connectionState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, step := range []string{
		"CREATE TABLE a(x); PRAGMA query_only=1",
		"CREATE TABLE a(x); PRAGMA busy_timeout=0",
		"CREATE TABLE a(x); PRAGMA cache_size=1",
		"CREATE TABLE a(x); ATTACH ':memory:' AS other",
		"CREATE TABLE a(x); CREATE TEMP TABLE scratch(x)",
	} {
		db := testdb.Open(t, testdb.Path(t))
		db.SetMaxOpenConns(1)
		_ = driver.Migrate(ctx, db, []driver.Migration{{Name: "s", SQL: step}})
		var queryOnly, busy, cache, schemas, temps int
		err := db.QueryRow(`SELECT (SELECT query_only FROM pragma_query_only), (SELECT timeout FROM pragma_busy_timeout),
			(SELECT cache_size FROM pragma_cache_size), (SELECT count(*) FROM pragma_database_list WHERE name = 'other'),
			(SELECT count(*) FROM temp.sqlite_schema)`).Scan(&queryOnly, &busy, &cache, &schemas, &temps)
		if err != nil {
			t.Fatal(err)
		}
		if queryOnly != 0 || busy != 10000 || cache != -20000 || schemas != 0 || temps != 0 {
			t.Errorf("after a step %q, the pool's connection has query_only %d, busy_timeout %d, cache_size %d, %d attached, %d temp objects; want 0, 10000, -20000, 0, 0",
				step, queryOnly, busy, cache, schemas, temps)
		}
		if _, err := db.Exec("CREATE TABLE b(x)"); err != nil {
			t.Errorf("after a step %q: a write fails: %v", step, err)
		}
	}
}

// TestCheckpoint_readOnly: a checkpoint of a pool opened read-only
// failed with "disk I/O error"; it says why instead (issue 16).
func TestCheckpoint_readOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	w := testdb.Open(t, path)
	if _, err := w.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	ro := testdb.Open(t, "file:"+path+"?mode=ro")
	for _, mode := range []driver.CheckpointMode{driver.CheckpointPassive, driver.CheckpointTruncate} {
		if _, err := driver.Checkpoint(ctx, ro, mode); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("Checkpoint %s of a read-only pool: %v, want an error saying it is read-only", mode, err)
		}
	}
}

// TestTx_sqlEndsIt: a COMMIT or END run as SQL inside a database/sql
// transaction committed the work done so far, and the statements after
// it ran outside any transaction and committed one by one; a ROLLBACK
// left those later statements committed too. fn then failed and
// Transaction reported a rollback that had nothing to roll back: the
// database was left half-changed. The driver now turns such a commit
// into a rollback, and refuses to commit anything else until the Tx
// ends (issue 16).
func TestTx_sqlEndsIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, mid := range []string{"COMMIT", "END", "ROLLBACK", "INSERT INTO t VALUES (9); COMMIT; INSERT INTO t VALUES (10)"} {
		for _, fnFails := range []bool{true, false} {
			db := testdb.Open(t, testdb.Path(t))
			db.SetMaxOpenConns(1)
			if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
				t.Fatal(err)
			}
			err := driver.Transaction(ctx, db, func(tx *sql.Tx) error {
				tx.Exec("INSERT INTO t VALUES (1)")
				if _, err := tx.Exec(mid); mid == "COMMIT" && (err == nil || !strings.Contains(err.Error(), "Commit or Rollback")) {
					t.Errorf("COMMIT inside a Tx: %v, want an error saying to use Commit or Rollback", err)
				}
				tx.Exec("INSERT INTO t VALUES (2)")
				if fnFails {
					return errors.New("fn fails")
				}
				return nil
			})
			if err == nil {
				t.Errorf("%q inside Transaction (fn fails: %v): Transaction returned nil", mid, fnFails)
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 {
				t.Errorf("%q inside Transaction (fn fails: %v): %d rows stayed (%v), want none", mid, fnFails, n, err)
			}
			// The pool goes on: writes outside a Tx commit, SQL's own
			// transactions work.
			if _, err := db.Exec("INSERT INTO t VALUES (3); BEGIN; INSERT INTO t VALUES (4); COMMIT"); err != nil {
				t.Errorf("after %q: %v", mid, err)
			}
			if err := driver.Transaction(ctx, db, func(tx *sql.Tx) error {
				_, err := tx.Exec("INSERT INTO t VALUES (5)")
				return err
			}); err != nil {
				t.Errorf("after %q: Transaction: %v", mid, err)
			}
			if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
				t.Errorf("after %q: %d rows (%v), want 3", mid, n, err)
			}
		}
	}
}
