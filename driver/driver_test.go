package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// settings are the PRAGMA values a connection reports.
type settings struct {
	JournalMode      string
	Synchronous      int
	ForeignKeys      int
	BusyTimeout      int
	CacheSize        int
	TempStore        int
	JournalSizeLimit int
	QueryOnly        int
}

func read(t *testing.T, ctx context.Context, conn *sql.Conn) settings {
	t.Helper()
	var s settings
	for _, p := range []struct {
		name string
		dest any
	}{
		{"journal_mode", &s.JournalMode},
		{"synchronous", &s.Synchronous},
		{"foreign_keys", &s.ForeignKeys},
		{"busy_timeout", &s.BusyTimeout},
		{"cache_size", &s.CacheSize},
		{"temp_store", &s.TempStore},
		{"journal_size_limit", &s.JournalSizeLimit},
		{"query_only", &s.QueryOnly},
	} {
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(p.dest); err != nil {
			t.Fatalf("PRAGMA %s: %v", p.name, err)
		}
	}
	return s
}

var tuned = settings{
	JournalMode:      "wal",
	Synchronous:      1,
	ForeignKeys:      1,
	BusyTimeout:      10000,
	CacheSize:        -20000,
	TempStore:        2,
	JournalSizeLimit: 64 << 20,
}

// conns holds n connections of db at once, so each is a distinct one.
func conns(t *testing.T, db *sql.DB, n int) []*sql.Conn {
	t.Helper()
	var cs []*sql.Conn
	for range n {
		c, err := db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		cs = append(cs, c)
	}
	return cs
}

func open(t *testing.T, dsn string) *sql.DB { return testdb.Open(t, dsn) }

func TestOpen_defaults(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	for i, c := range conns(t, db, 4) {
		if diff := cmp.Diff(tuned, read(t, t.Context(), c)); diff != "" {
			t.Errorf("connection %d (-want +got):\n%s", i, diff)
		}
	}
}

// A DSN changes what it names and nothing else, in every dialect.
func TestOpen_dsn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query  string
		change func(*settings)
	}{
		{"_pragma=synchronous(full)", func(s *settings) { s.Synchronous = 2 }},
		{"_pragma=synchronous=FULL", func(s *settings) { s.Synchronous = 2 }},
		{"_sync=FULL", func(s *settings) { s.Synchronous = 2 }},
		{"_pragma=busy_timeout(2500)", func(s *settings) { s.BusyTimeout = 2500 }},
		{"_busy_timeout=2500", func(s *settings) { s.BusyTimeout = 2500 }},
		{"_timeout=2500", func(s *settings) { s.BusyTimeout = 2500 }},
		{"_pragma=foreign_keys(0)", func(s *settings) { s.ForeignKeys = 0 }},
		{"_fk=false", func(s *settings) { s.ForeignKeys = 0 }},
		{"_foreign_keys=0", func(s *settings) { s.ForeignKeys = 0 }},
		{"_pragma=journal_mode(delete)", func(s *settings) { s.JournalMode = "delete" }},
		{"_journal=DELETE", func(s *settings) { s.JournalMode = "delete" }},
		{"_pragma=cache_size(-4000)", func(s *settings) { s.CacheSize = -4000 }},
		{"_cache_size=-4000", func(s *settings) { s.CacheSize = -4000 }},
		{"_pragma=temp_store(file)", func(s *settings) { s.TempStore = 1 }},
		{"_pragma=query_only(1)", func(s *settings) { s.QueryOnly = 1 }},
		{"_query_only=1", func(s *settings) { s.QueryOnly = 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			for _, prefix := range []string{"file:", ""} {
				db := open(t, prefix+testdb.Path(t)+"?"+tt.query)
				want := tuned
				tt.change(&want)
				for i, c := range conns(t, db, 2) {
					if diff := cmp.Diff(want, read(t, t.Context(), c)); diff != "" {
						t.Errorf("%s: connection %d (-want +got):\n%s", prefix, i, diff)
					}
				}
			}
		})
	}
}

func TestOpen_badDSN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dsn      string
		sentinel error
		message  string
	}{
		{"file:x.db?_pragma=journal_mod(wal)", pragma.ErrUnknownPragma, "journal_mod: unknown pragma; did you mean journal_mode?"},
		{"file:x.db?_pragma=journal_mode(sideways)", pragma.ErrInvalidValue, `journal_mode: "sideways" is not one of`},
		{"x.db?_fkk=1", pragma.ErrUnknownParameter, "_fkk: unknown DSN parameter; did you mean _fk?"},
		{"x.db?_busy_timeout=soon", pragma.ErrInvalidValue, `busy_timeout: "soon" is not a number of milliseconds`},
	}
	for _, tt := range tests {
		_, err := sql.Open("sqlitekit", tt.dsn)
		if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.message) {
			t.Errorf("sql.Open(%q) = %v; want %v containing %q", tt.dsn, err, tt.sentinel, tt.message)
		}
	}
}

// ":memory:" and its spellings are one database for the whole pool.
func TestOpen_memory(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{":memory:", "file::memory:", "file::memory:?cache=shared", "file::memory:?_pragma=busy_timeout(1000)"} {
		db := open(t, dsn)
		db.SetMaxOpenConns(4)
		cs := conns(t, db, 4)
		ctx := t.Context()
		if _, err := cs[0].ExecContext(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)"); err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		for i, c := range cs {
			var n int
			if err := c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
				t.Errorf("%s: connection %d sees %d rows, %v", dsn, i, n, err)
			}
		}
	}

	// Two pools on ":memory:" do not share.
	a, b := open(t, ":memory:"), open(t, ":memory:")
	testdb.Exec(t, a, "CREATE TABLE only_in_a(x)")
	if _, err := b.Exec("SELECT * FROM only_in_a"); err == nil {
		t.Error("a second :memory: pool sees the first one's table")
	}
}

// A named in-memory database is shared by the pools that open it, and
// lives while one of them is open.
func TestOpen_namedMemory(t *testing.T) {
	t.Parallel()
	name := "file:" + strings.ReplaceAll(t.Name(), "/", "_") + "?mode=memory"
	a := open(t, name)
	testdb.Exec(t, a, "CREATE TABLE shared(x); INSERT INTO shared VALUES (42)")
	b := open(t, name)
	var x int
	if err := b.QueryRow("SELECT x FROM shared").Scan(&x); err != nil || x != 42 {
		t.Fatalf("second pool: %d, %v", x, err)
	}
	a.Close()
	b.Close()
	c := open(t, name)
	if _, err := c.Exec("SELECT * FROM shared"); err == nil {
		t.Error("the database outlived every pool that used it")
	}
}

func TestForeignKeys(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	_, err := db.Exec(`
		CREATE TABLE parent(id INTEGER PRIMARY KEY);
		CREATE TABLE child(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id));
		INSERT INTO parent VALUES (1);
		INSERT INTO child VALUES (1, 1);`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("INSERT INTO child VALUES (2, 99)")
	if !errors.Is(err, sqlite3.CONSTRAINT_FOREIGNKEY) {
		t.Errorf("insert of an orphan: %v, want a FOREIGN KEY constraint error", err)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	conn := conns(t, db, 1)[0]
	const forever = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT max(x) FROM c`

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := conn.QueryRowContext(ctx, forever).Scan(new(int))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled query: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled query returned after %v", d)
	}

	ctx, cancel = context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = conn.ExecContext(ctx, "CREATE TABLE t AS "+forever)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, sqlite3.INTERRUPT) {
		t.Errorf("timed-out exec: %v, want context.DeadlineExceeded and sqlite3.INTERRUPT", err)
	}

	// The connection still works.
	var x int
	if err := conn.QueryRowContext(t.Context(), "SELECT 7").Scan(&x); err != nil || x != 7 {
		t.Errorf("after cancel: %d, %v", x, err)
	}
}

func TestTransactions(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	testdb.Exec(t, db, "CREATE TABLE t(x)")

	// A read-only transaction refuses writes, and leaves no trace.
	tx, err := db.BeginTx(t.Context(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t VALUES (1)"); !errors.Is(err, sqlite3.READONLY) {
		t.Errorf("write in a read-only transaction: %v, want SQLITE_READONLY", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // the same connection again
	if _, err := db.Exec("INSERT INTO t VALUES (1)"); err != nil {
		t.Errorf("write after a read-only transaction: %v", err)
	}

	// Rollback undoes, commit keeps.
	for _, commit := range []bool{false, true} {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		testdb.Exec(t, tx, "INSERT INTO t VALUES (2)")
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t WHERE x = 2").Scan(&n); err != nil || n != 1 {
		t.Errorf("rows of x=2: %d, %v; want 1", n, err)
	}

	if _, err := db.BeginTx(t.Context(), &sql.TxOptions{Isolation: sql.LevelReadCommitted}); err == nil {
		t.Error("LevelReadCommitted accepted")
	}
}

// Concurrent writers through one pool all commit: they queue for the
// write lock at BEGIN IMMEDIATE instead of failing.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	cfg := pragma.Default()
	cfg.Path = testdb.Path(t)
	db, err := driver.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	testdb.Exec(t, db, "CREATE TABLE t(g, i)")
	const goroutines, each = 8, 25
	errs := make(chan error, goroutines)
	for g := range goroutines {
		go func() {
			for i := range each {
				tx, err := db.Begin()
				if err != nil {
					errs <- err
					return
				}
				if _, err := tx.Exec("INSERT INTO t VALUES (?, ?)", g, i); err != nil {
					tx.Rollback()
					errs <- err
					return
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range goroutines {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != goroutines*each {
		t.Errorf("rows: %d, %v; want %d", n, err, goroutines*each)
	}
}

// A connection that cannot write uses the journal mode the file has:
// mode=ro, immutable=1 and a read-only file open a rollback-journal
// database and read it, with the default Config (which asks for WAL).
// (Issue 15 point 5: they failed with "attempt to write a readonly
// database".)
func TestOpen_readOnlyKeepsJournalMode(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	rw := open(t, "file:"+path+"?_pragma=journal_mode(delete)")
	testdb.Exec(t, rw, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	rw.Close()
	roFile := filepath.Join(t.TempDir(), "ro.db")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(roFile, data, 0o444); err != nil {
		t.Fatal(err)
	}
	dsns := []string{"file:" + path + "?mode=ro", "file:" + path + "?immutable=1"}
	if readOnlyFile(t, roFile) {
		dsns = append(dsns, roFile)
	}
	for _, dsn := range dsns {
		db := open(t, dsn)
		var n int
		var mode string
		if err := db.QueryRow("SELECT (SELECT count(*) FROM t), (SELECT journal_mode FROM pragma_journal_mode)").Scan(&n, &mode); err != nil || n != 1 || mode != "delete" {
			t.Errorf("%s: %d rows, journal mode %q, %v; want 1, delete", dsn, n, mode, err)
		}
		// A write fails as read-only, in or out of a transaction.
		if _, err := db.Exec("INSERT INTO t VALUES (2)"); !errors.Is(err, sqlite3.READONLY) {
			t.Errorf("%s: write: %v, want SQLITE_READONLY", dsn, err)
		}
	}
}

// readOnlyFile makes the file at path read-only even to root (mode 0444
// does not stop root; the immutable attribute does), and reports whether
// it could.
func readOnlyFile(t *testing.T, path string) bool {
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err != nil {
		return true
	} else {
		f.Close()
	}
	if exec.Command("chattr", "+i", path).Run() != nil {
		t.Logf("cannot make %s read-only for this user: the read-only file case is not run", path)
		return false
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	return true
}

func TestExtensions(t *testing.T) {
	t.Parallel()
	db := open(t, ":memory:")
	_, err := db.Exec(`
		CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='trigram');
		INSERT INTO docs VALUES ('the quick brown fox');`)
	if err != nil {
		t.Fatalf("fts5: %v", err)
	}
	var body string
	if err := db.QueryRow("SELECT body FROM docs WHERE docs MATCH 'ick'").Scan(&body); err != nil {
		t.Errorf("fts5 trigram match: %v", err)
	}
	var modules []string
	rows, err := db.Query("SELECT name FROM pragma_module_list")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m string
		rows.Scan(&m)
		modules = append(modules, m)
	}
	if !slices.Contains(modules, "vec1") {
		t.Errorf("vec1 not registered; modules: %v", modules)
	}
	var sim float64
	if err := db.QueryRow("SELECT cosine_similarity('[1, 0]', '[1, 0]')").Scan(&sim); err != nil || sim != 1 {
		t.Errorf("cosine_similarity: %v, %v", sim, err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM docs WHERE docs MATCH trigram_query('QUICK \"')").Scan(&n); err != nil || n != 0 {
		t.Errorf("trigram_query of text with a quote: %d rows, %v", n, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM docs WHERE docs MATCH trigram_query('QUICK')").Scan(&n); err != nil || n != 1 {
		t.Errorf("trigram_query: %d rows, %v", n, err)
	}
}

// This build of SQLite has no worker threads: PRAGMA threads reads back
// 0 whatever it is given, which is why package pragma refuses threads
// above 0 (TestParse_threadsRefused).
func TestThreadsNone(t *testing.T) {
	t.Parallel()
	c, err := sqlite3.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, _, err := c.Prepare("PRAGMA threads = 4")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Step() {
		t.Fatalf("PRAGMA threads = 4 returned no row: %v", s.Err())
	}
	if n := s.ColumnInt(0); n != 0 {
		t.Errorf("PRAGMA threads = 4 reads back %d: this build has worker threads, and pragma may accept threads", n)
	}
}

// pragma's list of known PRAGMAs is the engine's.
func TestPragmaList(t *testing.T) {
	t.Parallel()
	db := open(t, ":memory:")
	rows, err := db.Query("SELECT name FROM pragma_pragma_list ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var engine []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		engine = append(engine, name)
	}
	var known []string
	for _, name := range pragma.Names() {
		switch name {
		case "hexkey", "key", "textkey": // handled by encrypting VFSes, not listed
		default:
			known = append(known, name)
		}
	}
	if diff := cmp.Diff(engine, known); diff != "" {
		t.Errorf("pragma.Names() differs from PRAGMA pragma_list (-engine +pragma):\n%s", diff)
	}
}

// The sqlite3 CLI reads, and writes, a database sqlitekit has open.
func TestCLI(t *testing.T) {
	t.Parallel()
	cli := testdb.CLI(t)
	path := testdb.Path(t)
	db := open(t, path)
	testdb.Exec(t, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")
	out, err := exec.Command(cli, path, "PRAGMA journal_mode; INSERT INTO t VALUES (3); SELECT count(*) FROM t; PRAGMA integrity_check;").CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
	if got, want := string(out), "wal\n3\nok\n"; got != want {
		t.Errorf("sqlite3 printed %q, want %q", got, want)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Errorf("sqlitekit sees %d rows after the CLI's insert, %v", n, err)
	}
}

// Pools that open a new database at the same moment all succeed: the
// first switch to WAL, which SQLite does not retry in the busy handler,
// is retried within the busy timeout.
func TestOpen_concurrentFirstWAL(t *testing.T) {
	t.Parallel()
	for range 5 {
		path := testdb.Path(t)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if err := testdb.Open(t, path).Ping(); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
}

// Commits checkpoint the WAL when it reaches wal_autocheckpoint pages; a
// negative wal_autocheckpoint turns that off.
func TestAutocheckpoint(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pages      int
		checkpoint bool
	}{{100, true}, {-1, false}} {
		path := testdb.Path(t)
		db := open(t, fmt.Sprintf("file:%s?_pragma=wal_autocheckpoint(%d)", path, tt.pages))
		testdb.Exec(t, db, "CREATE TABLE t(x BLOB)")
		before := vfs.StatsOf(path)
		for range 50 { // 50 commits of about 10 pages
			testdb.Exec(t, db, "INSERT INTO t SELECT randomblob(3000) FROM generate_series(1, 10)")
		}
		// The checkpoint runs in the background: give it a moment.
		d := vfs.StatsOf(path).Sub(before)
		for deadline := time.Now().Add(5 * time.Second); tt.checkpoint && d.Main.Writes == 0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
			d = vfs.StatsOf(path).Sub(before)
		}
		if got := d.Main.Writes > 0; got != tt.checkpoint {
			t.Errorf("wal_autocheckpoint(%d): %d writes to the main file; want a checkpoint: %v", tt.pages, d.Main.Writes, tt.checkpoint)
		}
	}
}

// One connector may serve several pools; closing each closes it again.
func TestNewConnector_sharedByPools(t *testing.T) {
	t.Parallel()
	cfg := pragma.Default()
	cfg.Path = testdb.Path(t)
	c, err := driver.NewConnector(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := sql.OpenDB(c), sql.OpenDB(c)
	for _, db := range []*sql.DB{a, b} {
		testdb.Exec(t, db, "CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)")
	}
	if err := a.Close(); err != nil {
		t.Error(err)
	}
	if err := b.Close(); err != nil {
		t.Error(err)
	}
}
