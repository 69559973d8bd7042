package driver_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// TestBackup_destinationIsAFileName: a destination that is a URI would
// reach the engine's open, which runs every _pragma in it (issue 16).
func TestBackup_destinationIsAFileName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := testdb.Path(t)
	db := openDB(t, src)
	if _, err := db.Exec("CREATE TABLE users(name); INSERT INTO users VALUES ('ann'), ('bob')"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	planted := filepath.Join(dir, "planted.db")
	// The destination, its query escaped as a URI's must be.
	inject := "file:" + filepath.Join(dir, "b.db") + "?_pragma=" + url.QueryEscape("user_version=1;ATTACH '"+planted+
		"' AS p;CREATE TABLE p.owned(x);ATTACH '"+src+"' AS s;DELETE FROM s.users")
	for _, dest := range []string{
		inject,
		"",
		":memory:",
		"file:" + filepath.Join(dir, "c.db"),
		"FILE:" + filepath.Join(dir, "d.db") + "?mode=memory",
		filepath.Join(dir, "e.db") + "\x00x",
	} {
		if err := driver.Backup(ctx, db, dest, nil); err == nil {
			t.Errorf("Backup to %q succeeded", dest)
		} else if !strings.HasPrefix(err.Error(), "sqlitekit: backup") {
			t.Errorf("Backup to %q: %v", dest, err)
		}
		if err := driver.VacuumInto(ctx, db, dest); err == nil {
			t.Errorf("VacuumInto %q succeeded", dest)
		}
	}
	if _, err := os.Stat(planted); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the injected ATTACH planted %s: %v", planted, err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil || n != 2 {
		t.Errorf("the source has %d users (%v), want 2", n, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("%s was created", e.Name())
	}

	// A file name with characters a URI would give a meaning to is a file name.
	dest := filepath.Join(dir, "a?b=1#c.db")
	if err := driver.Backup(ctx, db, dest, nil); err != nil {
		t.Fatal(err)
	}
	var v int
	plain := filepath.Join(dir, "copy.db")
	if err := os.Rename(dest, plain); err != nil {
		t.Fatal(err)
	}
	if err := openDB(t, plain).QueryRow("SELECT count(*) FROM users").Scan(&v); err != nil || v != 2 {
		t.Errorf("the copy at %s has %d users (%v), want 2", dest, v, err)
	}
}

// TestVacuumInto_canceled: an interrupted VACUUM INTO leaves the file it
// created behind, empty; VacuumInto removes it, as Backup does.
func TestVacuumInto_canceled(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	fill(t, db, 50000) // 10 MB: a copy takes tens of milliseconds
	dir := t.TempDir()
	// The deadline is a tenth of what a whole copy takes here and now, so
	// that it lands inside the copy on a quiet machine and a loaded one;
	// a copy that still beats it (a scheduler's whim) is tried again.
	var took time.Duration
	for i := range 2 { // the first copy warms the caches
		start := time.Now()
		if err := driver.VacuumInto(context.Background(), db, filepath.Join(dir, fmt.Sprintf("whole%d.db", i))); err != nil {
			t.Fatal(err)
		}
		took = time.Since(start)
	}
	timeout := max(took/10, 100*time.Microsecond)
	for try := range 5 {
		dest := filepath.Join(dir, fmt.Sprintf("copy%d.db", try))
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := driver.VacuumInto(ctx, db, dest)
		cancel()
		if err == nil {
			continue // the copy finished before the deadline
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error = %v, want context.DeadlineExceeded", err)
		}
		if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the partial copy was left behind: %v", err)
		}
		return
	}
	t.Fatalf("5 copies all finished within %v, a tenth of a whole copy's time", timeout)
}

// FuzzDestination: Backup and VacuumInto to any name never panic, never
// write outside the file they name, and leave the source as it was. The
// names run in a directory of their own, with path separators turned into
// '_' so that a fuzzed name cannot reach outside it.
func FuzzDestination(f *testing.F) {
	for _, s := range []string{"", "a.db", ":memory:", "file:a.db", "file:a.db?_pragma=user_version(7)",
		"file:a.db?_pragma=user_version%3D1%3BATTACH%20%27p.db%27%20AS%20p%3BCREATE%20TABLE%20p.x(y)",
		"File:a.db", "a?b.db", "a.db?mode=memory", "a\x00b", "file::memory:", "-journal", "."} {
		f.Add(s)
	}
	ctx := context.Background()
	db := openDB(f, testdb.Path(f))
	if _, err := db.Exec("CREATE TABLE users(name); INSERT INTO users VALUES ('ann'), ('bob')"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		name = strings.NewReplacer("/", "_", `\`, "_").Replace(name)
		dir := t.TempDir()
		t.Chdir(dir)
		for _, op := range []string{"Backup", "VacuumInto"} {
			var err error
			if op == "Backup" {
				err = driver.Backup(ctx, db, name, nil)
			} else {
				err = driver.VacuumInto(ctx, db, name)
			}
			entries, _ := os.ReadDir(dir)
			if err != nil {
				for _, e := range entries {
					t.Errorf("%s(%q) failed (%v) and left %q", op, name, err, e.Name())
				}
			} else {
				if len(entries) != 1 || entries[0].Name() != name {
					t.Errorf("%s(%q) wrote %v", op, name, entries)
				}
				copy := openDB(t, "file:"+url.PathEscape(name))
				var n int
				if err := copy.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil || n != 2 {
					t.Errorf("the copy %q has %d users (%v), want 2", name, n, err)
				}
				copy.Close()
				entries, _ = os.ReadDir(dir)
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil || n != 2 {
				t.Fatalf("after %s(%q) the source has %d users (%v), want 2", op, name, n, err)
			}
			for _, e := range entries {
				os.Remove(e.Name())
			}
		}
	})
}

// TestCheck_damagedPage: on a damaged page integrity_check reports what
// it found, then fails; Check returns both (issue 16).
func TestCheck_damagedPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := openDB(t, path)
	if _, err := db.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);
		INSERT INTO t(v) SELECT randomblob(300) FROM generate_series(1, 200);
		CREATE INDEX tv ON t(v)`); err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil { // the last close checkpoints the WAL into the file
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copy(b[5*pageSize:], bytes.Repeat([]byte{0xff}, 8)) // page 6's b-tree header
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, path)
	for _, quick := range []bool{false, true} {
		got, err := driver.Check(ctx, db, quick)
		if !errors.Is(err, sqlite3.CORRUPT) {
			t.Errorf("Check(quick=%v): error %v, want sqlite3.CORRUPT", quick, err)
		}
		found := false
		for _, p := range got {
			found = found || strings.Contains(strings.ToLower(p.Message), "page 6: btreeinitpage() returns error code 11")
		}
		if !found {
			t.Errorf("Check(quick=%v) = %q, want the problem with page 6", quick, got)
		}
	}
}

// TestMigrate_stepEndsTheTransaction: a step that would end, begin or
// release Migrate's transaction is refused before anything of it commits,
// naming the step and the statement; the database stays at the previous
// version, and the fixed step then applies (issue 16).
func TestMigrate_stepEndsTheTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	first := driver.Migration{Name: "001.sql", SQL: "CREATE TABLE z(x)"}
	for _, tc := range []struct{ sql, statement string }{
		{"CREATE TABLE a(x); COMMIT; CREATE TABLE b(", "COMMIT"},
		{"CREATE TABLE a(x); END TRANSACTION; CREATE TABLE b(x)", "END TRANSACTION"},
		{"CREATE TABLE a(x);\n  commit  ;\nCREATE TABLE b(x)", "commit"},
		{"CREATE TABLE a(x); ROLLBACK; CREATE TABLE b(x)", "ROLLBACK"},
		{"CREATE TABLE a(x); BEGIN; CREATE TABLE b(x)", "BEGIN"},
		{"CREATE TABLE a(x); /* c */ COMMIT -- c\n; CREATE TABLE b(x)", "COMMIT"},
		{"CREATE TABLE a(x); VACUUM; CREATE TABLE b(x)", "VACUUM"},
		{"SAVEPOINT s; CREATE TABLE a(x); RELEASE s; COMMIT; CREATE TABLE b(x)", "COMMIT"},
	} {
		db := openDB(t, testdb.Path(t))
		steps := []driver.Migration{first, {Name: "002_bad.sql", SQL: tc.sql}}
		err := driver.Migrate(ctx, db, steps)
		if err == nil || !strings.Contains(err.Error(), `"002_bad.sql"`) || !strings.Contains(err.Error(), tc.statement) {
			t.Errorf("Migrate with step %q: %v, want an error naming the step and %q", tc.sql, err, tc.statement)
		}
		if v := version(t, db); v != 1 {
			t.Errorf("step %q: user_version = %d, want 1", tc.sql, v)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b')").Scan(&n); err != nil || n != 0 {
			t.Errorf("step %q left %d of its tables (%v)", tc.sql, n, err)
		}
		steps[1].SQL = "CREATE TABLE a(x); CREATE TABLE b(x)"
		if err := driver.Migrate(ctx, db, steps); err != nil {
			t.Errorf("the fixed step after %q: %v", tc.sql, err)
		}
	}

	// A Go step is held to the same.
	db := openDB(t, testdb.Path(t))
	err := driver.Migrate(ctx, db, []driver.Migration{{Name: "go step", Func: func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "CREATE TABLE a(x)"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "COMMIT")
		return err
	}}})
	if err == nil || !strings.Contains(err.Error(), `"go step"`) || !strings.Contains(err.Error(), "COMMIT") {
		t.Errorf("Migrate with a Go step that commits: %v", err)
	}
	if v := version(t, db); v != 0 {
		t.Errorf("user_version = %d, want 0", v)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'a'").Scan(&n); err != nil || n != 0 {
		t.Errorf("the Go step left its table (%d, %v)", n, err)
	}
}

// TestMigrate_stepEndsItsTx: a Go step that commits or rolls back the
// tx it was given fails and leaves the connection usable.
func TestMigrate_stepEndsItsTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, end := range []string{"Commit", "Rollback"} {
		db := openDB(t, testdb.Path(t))
		db.SetMaxOpenConns(1)
		err := driver.Migrate(ctx, db, []driver.Migration{{Name: "ends", Func: func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "CREATE TABLE a(x)"); err != nil {
				return err
			}
			if end == "Commit" {
				return tx.Commit()
			}
			return tx.Rollback()
		}}})
		if err == nil || !strings.Contains(err.Error(), `"ends"`) {
			t.Errorf("a step that calls tx.%s: %v", end, err)
		}
		if v := version(t, db); v != 0 {
			t.Errorf("tx.%s: user_version = %d, want 0", end, v)
		}
		if _, err := db.Exec("CREATE TABLE b(x)"); err != nil {
			t.Errorf("tx.%s: the pool's connection after Migrate: %v", end, err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'a'").Scan(&n); err != nil || n != 0 {
			t.Errorf("tx.%s: the step left its table (%d, %v)", end, n, err)
		}
	}
}

// TestMigrate_keepsConnInitAuthorizer: Migrate's guard replaces the
// connection's authorizer; no connection of the pool runs without the
// one ConnInit set afterwards.
func TestMigrate_keepsConnInitAuthorizer(t *testing.T) {
	t.Parallel()
	cfg := pragma.Default()
	cfg.Path = testdb.Path(t)
	db, err := driver.Open(cfg, &driver.Options{MaxOpenConns: 1, ConnInit: func(c *sqlite3.Conn) error {
		return c.SetAuthorizer(func(action sqlite3.AuthorizerActionCode, _, _, _, _ string) sqlite3.AuthorizerReturnCode {
			if action == sqlite3.AUTH_DROP_TABLE {
				return sqlite3.AUTH_DENY
			}
			return sqlite3.AUTH_OK
		})
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := driver.Migrate(t.Context(), db, []driver.Migration{{SQL: "CREATE TABLE a(x)"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE a"); !errors.Is(err, sqlite3.AUTH) {
		t.Errorf("DROP TABLE after Migrate: %v, want ConnInit's authorizer to refuse it", err)
	}
}
