package driver_test

import (
	"database/sql"
	"errors"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/sqlitekit/sqlitekit/driver"
	_ "github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// An in-memory database's name is a name, whatever bytes it holds: a
// '?', '#' or '%' in it neither writes a file to disk (the engine would
// read the rest of the name as parameters, without vfs=memdb) nor makes
// two names one database.
func TestOpen_memoryNameIsLiteral(t *testing.T) {
	t.Parallel()
	var dir string
	dsn := func(name string, memdb bool) string {
		if memdb {
			return "file:" + url.PathEscape(filepath.Join(dir, name)) + "?vfs=memdb"
		}
		return "file:" + url.PathEscape(filepath.Join(dir, name)) + "?mode=memory"
	}
	for _, memdb := range []bool{false, true} {
		dir = t.TempDir() // mode=memory and vfs=memdb share a name
		for _, name := range []string{"x?y", "x#y", "x%41", "xA", "x&vfs=os", "x y"} {
			db, err := sql.Open("sqlitekit", dsn(name, memdb))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
				t.Errorf("%s: CREATE TABLE: %v (another name's database?)", dsn(name, memdb), err)
			}
			// The same name is the same database.
			again, err := sql.Open("sqlitekit", dsn(name, memdb))
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := again.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
				t.Errorf("%s: a second pool does not see the table: %v", dsn(name, memdb), err)
			}
			again.Close()
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			t.Errorf("memdb=%v: an in-memory database wrote the file %q", memdb, e.Name())
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// What Parse accepts, the engine takes as it is: a number at the edge of
// what Parse accepts reads back the same from the engine, and one past
// it is refused (SQLite reads cache_size as a 32-bit int and silently
// sets 0 for a larger value).
func TestOpen_pragmaNumbersReachTheEngine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, tc := range []struct {
		pragma, value, want string // want "": Parse refuses the value
	}{
		{"cache_size", "2147483647", "2147483647"},
		{"cache_size", "-2147483648", "-2147483648"},
		{"cache_size", "2147483648", ""},
		{"cache_size", "-2147483649", ""},
		{"cache_size", "3000000000", ""},
		{"cache_size", "-9223372036854775807", ""},
		{"busy_timeout", "2147483647", "2147483647"},
		{"busy_timeout", "2147483648", ""},
		{"busy_timeout", "-1", ""},
		{"mmap_size", "-1", ""},
		{"page_size", "65536", "65536"},
		{"page_size", "131072", ""},
	} {
		dsn := "file:" + filepath.Join(dir, strconv.Itoa(i)+".db") + "?_pragma=" + tc.pragma + "(" + tc.value + ")"
		db, err := sql.Open("sqlitekit", dsn)
		if tc.want == "" {
			if err == nil {
				db.Close()
				t.Errorf("%s(%s): sql.Open accepted it", tc.pragma, tc.value)
			} else if !errors.Is(err, pragma.ErrInvalidValue) || !strings.Contains(err.Error(), tc.pragma) {
				t.Errorf("%s(%s): sql.Open: %v, want ErrInvalidValue naming the pragma", tc.pragma, tc.value, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s(%s): sql.Open: %v", tc.pragma, tc.value, err)
			continue
		}
		var got string
		if err := db.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil {
			t.Errorf("PRAGMA %s: %v", tc.pragma, err)
		} else if got != tc.want {
			t.Errorf("%s(%s): the engine reads %s, want %s", tc.pragma, tc.value, got, tc.want)
		}
		db.Close()
	}
}

// Check verifies the main database only: a database that the pool's
// connections ATTACH (in ConnInit) is not reported as main's problems.
func TestCheck_onlyMain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	aux := filepath.Join(dir, "aux.db")
	seed, err := sql.Open("sqlitekit", aux+"?_fk=0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Exec(`CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p REFERENCES p(id)); INSERT INTO c VALUES (7);
		PRAGMA ignore_check_constraints=ON; CREATE TABLE k(x CHECK (x > 0)); INSERT INTO k VALUES (-1)`); err != nil {
		t.Fatal(err)
	}
	seed.Close()

	cfg := pragma.Default()
	cfg.Path = filepath.Join(dir, "main.db")
	db, err := driver.Open(cfg, &driver.Options{ConnInit: func(c *sqlite3.Conn) error {
		return c.Exec("ATTACH " + sqlite3.Quote(aux) + " AS aux")
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t(x)`); err != nil {
		t.Fatal(err)
	}
	if n := len(checkProblems(t, aux)); n != 2 {
		t.Fatalf("aux itself has %d problems, want 2 (the test's premise)", n)
	}
	for _, quick := range []bool{false, true} {
		problems, err := driver.Check(t.Context(), db, quick)
		if err != nil || len(problems) != 0 {
			t.Errorf("Check(quick=%v) of a sound main database = %v, %v; want none (the problems are aux's)", quick, problems, err)
		}
	}
}

func checkProblems(t *testing.T, path string) []driver.Problem {
	t.Helper()
	db, err := sql.Open("sqlitekit", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	problems, err := driver.Check(t.Context(), db, false)
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

// A copy to a new file whose name is long works as long as SQLite can
// use the copy (its -journal beside it fits the file system's 255 bytes):
// the temporary file beside it, and SQLite's journal of that, had names
// 15 and 23 bytes longer, and the copy failed with "file name too long"
// or "disk I/O error". A longer name is refused, at once and saying why,
// by the copies and by Open, which said "disk I/O error" at its first
// PRAGMA.
func TestBackup_longFileName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{232, 240, 247, 248, 255} {
		for _, vacuum := range []bool{false, true} {
			sub := t.TempDir()
			dest := filepath.Join(sub, strings.Repeat("é", (n-3)/2)+strings.Repeat("b", (n-3)%2)+".db")
			if vacuum {
				err = driver.VacuumInto(t.Context(), db, dest)
			} else {
				err = driver.Backup(t.Context(), db, dest, nil)
			}
			if n > 247 {
				if err == nil || !strings.Contains(err.Error(), "255 bytes") {
					t.Errorf("%d-byte name, vacuum=%v: %.200v, want an error saying the name is too long", n, vacuum, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%d-byte name, vacuum=%v: %.200v", n, vacuum, err)
				continue
			}
			ents, _ := os.ReadDir(sub)
			if len(ents) != 1 || ents[0].Name() != filepath.Base(dest) {
				t.Errorf("%d-byte name, vacuum=%v: the directory holds %v, want the copy alone", n, vacuum, ents)
			}
			copied, err := sql.Open("sqlitekit", dest+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			var x int
			if err := copied.QueryRow("SELECT x FROM t").Scan(&x); err != nil || x != 42 {
				t.Errorf("%d-byte name, vacuum=%v: the copy reads %d, %v", n, vacuum, x, err)
			}
			copied.Close()
		}
	}
}

func TestOpen_longFileName(t *testing.T) {
	t.Parallel()
	for _, n := range []int{247, 248, 252, 255} {
		path := filepath.Join(t.TempDir(), strings.Repeat("x", n-3)+".db")
		db, err := sql.Open("sqlitekit", path)
		if err == nil {
			_, err = db.Exec("CREATE TABLE t(x)")
			db.Close()
		}
		if n <= 247 && err != nil {
			t.Errorf("%d-byte name: %.200v", n, err)
		}
		if n > 247 && (err == nil || !strings.Contains(err.Error(), "255 bytes")) {
			t.Errorf("%d-byte name: %.200v, want an error saying the name is too long", n, err)
		}
	}
}

// A nil database or callback is an error, as a nil context is: every
// helper panicked on it (a nil pointer dereference in database/sql, or
// a call of a nil func).
func TestHelpers_nilArguments(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := openDB(t, testdb.Path(t))
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	var nilDB *sql.DB
	scan := func(r *sql.Rows) (int, error) { var n int; return n, r.Scan(&n) }
	first := func(seq iter.Seq2[int, error]) error {
		for _, err := range seq {
			return err
		}
		return nil
	}
	dir := t.TempDir()
	calls := map[string]func() error{
		"Backup":                 func() error { return driver.Backup(ctx, nilDB, filepath.Join(dir, "b.db"), nil) },
		"VacuumInto":             func() error { return driver.VacuumInto(ctx, nilDB, filepath.Join(dir, "v.db")) },
		"Check":                  func() error { _, err := driver.Check(ctx, nilDB, false); return err },
		"Checkpoint":             func() error { _, err := driver.Checkpoint(ctx, nilDB, driver.CheckpointPassive); return err },
		"Migrate":                func() error { return driver.Migrate(ctx, nilDB, []driver.Migration{{SQL: "CREATE TABLE m(x)"}}) },
		"SizesOf":                func() error { _, err := driver.SizesOf(ctx, nilDB); return err },
		"StatsOf":                func() error { _, err := driver.StatsOf(nilDB); return err },
		"Transaction":            func() error { return driver.Transaction(ctx, nilDB, func(*sql.Tx) error { return nil }) },
		"ReadTransaction":        func() error { return driver.ReadTransaction(ctx, nilDB, func(*sql.Tx) error { return nil }) },
		"Transaction nil fn":     func() error { return driver.Transaction(ctx, db, nil) },
		"ReadTransaction nil fn": func() error { return driver.ReadTransaction(ctx, db, nil) },
		"Stream nil Querier":     func() error { return first(driver.Stream(ctx, nil, scan, "SELECT 1")) },
		"Stream nil *sql.DB":     func() error { return first(driver.Stream(ctx, nilDB, scan, "SELECT 1")) },
		"Stream nil scan":        func() error { return first(driver.Stream[int](ctx, db, nil, "SELECT 1")) },
	}
	for name, call := range calls {
		if err := noPanic(call); err == nil || strings.HasPrefix(err.Error(), "panic") || !strings.Contains(err.Error(), "nil") {
			t.Errorf("%s: %v, want an error saying what is nil", name, err)
		}
		usable(t, db, name)
	}
}

// A migration file saved with a byte order mark (as Windows editors do)
// keeps its foreign_keys=off directive: the BOM before it on the first
// line hid it, the step ran with foreign keys on, and the 12-step
// rebuild of a parent table (its DROP TABLE) deleted every child row
// through ON DELETE CASCADE.
func TestLoadMigrations_byteOrderMark(t *testing.T) {
	t.Parallel()
	const bom = "\ufeff"
	fsys := fstest.MapFS{
		"m/1_tables.sql": {Data: []byte(bom + "CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT);\r\n" +
			"CREATE TABLE child(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id) ON DELETE CASCADE);\r\n" +
			"INSERT INTO parent VALUES (1, 'p');\r\nINSERT INTO child VALUES (10, 1), (11, 1);\r\n")},
		"m/2_rebuild.sql": {Data: []byte(bom + driver.ForeignKeysOffDirective + "\r\n" +
			"CREATE TABLE new_parent(id INTEGER PRIMARY KEY, name TEXT NOT NULL);\r\n" +
			"INSERT INTO new_parent SELECT * FROM parent;\r\nDROP TABLE parent;\r\n" +
			"ALTER TABLE new_parent RENAME TO parent;\r\n")},
	}
	steps, err := driver.LoadMigrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if !steps[1].ForeignKeysOff {
		t.Errorf("2_rebuild.sql: ForeignKeysOff is false; its first line is the directive, after a BOM")
	}
	for _, s := range steps {
		if strings.HasPrefix(s.SQL, bom) {
			t.Errorf("%s: the SQL begins with the BOM", s.Name)
		}
	}
	db := openDB(t, testdb.Path(t))
	if err := driver.Migrate(t.Context(), db, steps); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM child").Scan(&n); err != nil || n != 2 {
		t.Errorf("child has %d rows after the rebuild (%v), want 2", n, err)
	}
}

// A line comment that tries to be the directive but is misspelled is an
// error naming the file, not a step silently run with foreign keys on;
// spacing and case do not matter.
func TestLoadMigrations_directiveSpelling(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		off  bool // the step runs with foreign keys off
		bad  bool // LoadMigrations fails
	}{
		{"-- sqlitekit:foreign_keys=off", true, false},
		{"--sqlitekit:foreign_keys=off", true, false},
		{"  -- SQLITEKIT: foreign_keys = OFF  ", true, false},
		{"-- sqlitekit:foreign-keys=off", false, true},
		{"-- sqlitekit:foreign_keys=of", false, true},
		{"-- sqlitekit:foreign_keys=on", false, true},
		{"-- sqlitekit foreign_keys=off", false, true},
		{"-- sqlitekit is great", false, false},
		{"-- sqlitekit: this step adds the users table", false, false},
		{"-- sqlitekit:fk=off", false, true},
		{"-- sqlitekit: foreign keys off", false, true},
		{"-- see the sqlitekit:foreign_keys=off directive", false, false},
	} {
		fsys := fstest.MapFS{"m/1_x.sql": {Data: []byte(tc.line + "\nCREATE TABLE t(x);\n")}}
		steps, err := driver.LoadMigrations(fsys, "m")
		switch {
		case tc.bad && (err == nil || !strings.Contains(err.Error(), "1_x.sql")):
			t.Errorf("%q: %v, want an error naming the file", tc.line, err)
		case !tc.bad && err != nil:
			t.Errorf("%q: %v", tc.line, err)
		case !tc.bad && steps[0].ForeignKeysOff != tc.off:
			t.Errorf("%q: ForeignKeysOff = %v, want %v", tc.line, steps[0].ForeignKeysOff, tc.off)
		}
	}
}

// A relative path names the file it named at Open: every connection of
// the pool opens that file, even after the program changes its working
// directory (connections opened after a chdir created and used another
// database, silently).
//
// Not parallel: it changes the working directory.
func TestOpen_relativePathAfterChdir(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	t.Chdir(first)
	db, err := sql.Open("sqlitekit", "rel.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxIdleConns(0) // every use opens a new connection
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(second)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Errorf("after chdir: count = %d, %v; want the table of %s", n, err, filepath.Join(first, "rel.db"))
	}
	if _, err := os.Stat(filepath.Join(second, "rel.db")); err == nil {
		t.Errorf("a connection created %s", filepath.Join(second, "rel.db"))
	}
}

// The same through a symbolic link to the directory.
func TestOpen_relativePathThroughSymlink(t *testing.T) {
	real := t.TempDir()
	base := t.TempDir()
	if err := os.Symlink(real, filepath.Join(base, "link")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(base)
	db, err := sql.Open("sqlitekit", "link/rel.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxIdleConns(0)
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Errorf("after chdir: count = %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(real, "rel.db")); err != nil {
		t.Errorf("the database is not in the link's target: %v", err)
	}
	// A file in a directory that does not exist yet fails at first use,
	// as before, not at Open.
	missing, err := sql.Open("sqlitekit", "no/such/dir/x.db")
	if err != nil {
		t.Fatalf("Open of a path in a missing directory: %v", err)
	}
	if err := missing.Ping(); err == nil {
		t.Error("Ping of a path in a missing directory succeeded")
	}
	missing.Close()
}

// Open sizes the pool for EXCLUSIVE locking mode at one connection: the
// first connection keeps the database's locks, so every other one failed
// to open ("PRAGMA journal_mode: database is locked", after the busy
// timeout) and callers got those errors.
func TestOpen_exclusiveLockingOneConnection(t *testing.T) {
	t.Parallel()
	cfg := pragma.Default()
	cfg.Path = testdb.Path(t)
	cfg.LockingMode = pragma.LockingExclusive
	cfg.BusyTimeout = 200 * time.Millisecond
	db, err := driver.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var failures atomic.Int64
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				var err error
				if g%2 == 0 {
					_, err = db.Exec("INSERT INTO t VALUES (?)", i)
				} else {
					var n int
					err = db.QueryRow("SELECT count(*) FROM t").Scan(&n)
				}
				if err != nil && failures.Add(1) == 1 {
					t.Errorf("goroutine %d: %v", g, err)
				}
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Errorf("%d of 80 statements failed", n)
	}
	if n := db.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("MaxOpenConnections = %d, want 1", n)
	}
}

// A step of only comments (a placeholder file, "-- TODO") is refused as
// an empty one is: applied, it counted as done, and the SQL written into
// it later never ran on the databases that had applied it.
func TestMigrate_onlyComments(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	for _, sql := range []string{"-- TODO: write this step", "/* later */", " ; ; -- nothing\n;", "-- sqlitekit:foreign_keys=off\n"} {
		err := driver.Migrate(t.Context(), db, []driver.Migration{{Name: "001_todo.sql", SQL: sql}})
		if err == nil || !strings.Contains(err.Error(), "001_todo.sql") {
			t.Errorf("Migrate with the step %q: %v, want an error naming it", sql, err)
		}
		var v int
		if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != 0 {
			t.Fatalf("user_version = %d (%v), want 0", v, err)
		}
	}
}

// The length checks apply to the file SQLite opens: a short name that is
// a symbolic link to a file of a long name failed with "disk I/O error"
// at the first PRAGMA (SQLite resolves the link, and its journal's name
// is then too long).
func TestOpen_longNameThroughSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := filepath.Join(dir, strings.Repeat("y", 250)+".db")
	if err := os.WriteFile(long, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "short.db")
	if err := os.Symlink(long, link); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlitekit", link)
	if err == nil {
		_, err = db.Exec("CREATE TABLE t(x)")
		db.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "255 bytes") {
		t.Errorf("Open of a link to a 253-byte file name: %.300v, want an error saying the name is too long", err)
	}
	// A copy over such a link.
	src := openDB(t, testdb.Path(t))
	if _, err := src.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	for name, copy := range map[string]func() error{
		"Backup":     func() error { return driver.Backup(t.Context(), src, link, nil) },
		"VacuumInto": func() error { return driver.VacuumInto(t.Context(), src, link) },
	} {
		if err := copy(); err == nil || !strings.Contains(err.Error(), "255 bytes") {
			t.Errorf("%s to a link to a 253-byte file name: %.300v, want an error saying the name is too long", name, err)
		}
	}
}
