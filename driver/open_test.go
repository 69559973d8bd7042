package driver_test

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/vfs"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// ncruces' memdb DSN opens the in-memory database it names, shared by
// name as memdb shares it. (Issue 15 point 8: it failed "journal_mode:
// asked for wal, the database is in memory mode".)
func TestOpen_memdbDSN(t *testing.T) {
	t.Parallel()
	dsn := "file:/" + t.Name() + ".db?vfs=memdb"
	a := open(t, dsn)
	testdb.Exec(t, a, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	b := open(t, dsn)
	var n int
	if err := b.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Errorf("a second pool on %s: %d rows, %v; want 1", dsn, n, err)
	}
}

// openFDs counts the file descriptors of the process.
func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	return len(entries)
}

// Connections opened with Driver.Open, as driver wrappers open them,
// leave nothing behind once closed: no checkpointer goroutine, no file.
// (Issue 15 point 14: 5 opens left 5 goroutines and 15 descriptors.)
// Not parallel: it counts the process's goroutines and descriptors.
func TestDriverOpen_noLeak(t *testing.T) {
	path := testdb.Path(t)
	dsn := "file:" + path + "?_pragma=wal_autocheckpoint(10)"
	exec := func(c sqldriver.Conn, q string) {
		t.Helper()
		if _, err := c.(sqldriver.ExecerContext).ExecContext(context.Background(), q, nil); err != nil {
			t.Fatal(err)
		}
	}
	c, err := driver.Driver{}.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	exec(c, "CREATE TABLE t(x BLOB)")
	c.Close()
	goroutines, fds := runtime.NumGoroutine(), openFDs(t)
	for range 5 {
		c, err := driver.Driver{}.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		for range 5 { // past the checkpoint size: the checkpointer starts
			exec(c, "INSERT INTO t SELECT randomblob(4000) FROM generate_series(1, 10)")
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var g, f int
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if g, f = runtime.NumGoroutine(), openFDs(t); g <= goroutines && f <= fds {
			return
		}
	}
	t.Errorf("after 5 connections opened with Driver.Open and closed: %d more goroutines, %d more file descriptors", g-goroutines, f-fds)
}

// Two pools may share one connector of an in-memory database: closing
// one leaves the database to the other. (Issue 15 point 14: it was
// dropped.)
func TestNewConnector_memorySharedByPools(t *testing.T) {
	t.Parallel()
	cfg := pragma.Default()
	cfg.Path = ":memory:"
	c, err := driver.NewConnector(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := sql.OpenDB(c), sql.OpenDB(c)
	defer b.Close()
	b.SetMaxIdleConns(0) // b keeps no connection between queries
	testdb.Exec(t, a, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	a.Close()
	for range 2 {
		var n int
		if err := b.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
			t.Errorf("the other pool, once one closed: %d rows, %v; want 1", n, err)
		}
	}
}

// A file that is not a database fails to open with that cause, not with a
// PRAGMA's name. (Issue 16 point 8: "invalid _pragma: file is not a
// database".)
func TestOpen_notADatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	err := open(t, path).Ping()
	if !errors.Is(err, sqlite3.NOTADB) || strings.Contains(strings.ToLower(err.Error()), "pragma") {
		t.Errorf("open a text file: %v, want an error matching SQLITE_NOTADB that names no PRAGMA", err)
	}
}

// A PRAGMA that fails is named in the error.
func TestOpen_failingPragmaNamed(t *testing.T) {
	t.Parallel()
	err := open(t, "file:"+testdb.Path(t)+"?_pragma=temp_store_directory('/nonexistent/dir')").Ping()
	if err == nil || !strings.Contains(err.Error(), "PRAGMA temp_store_directory") || strings.Contains(err.Error(), "_pragma") {
		t.Errorf("open with a failing PRAGMA: %v, want an error naming PRAGMA temp_store_directory", err)
	}
}

// A connection whose opening is stopped by its context fails with an
// error that matches the context's, as every query stopped by one does.
// (The PRAGMAs of a new connection run under ctx: an interrupted one
// reported only "sqlitekit: open ...: PRAGMA journal_mode: interrupted".)
func TestConnect_cancelled(t *testing.T) {
	t.Parallel()
	cfg := pragma.Default()
	cfg.Path = testdb.Path(t)
	c, err := driver.NewConnector(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.(interface{ Close() error }).Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	conn, err := c.Connect(ctx)
	if err == nil {
		conn.Close()
		t.Fatal("Connect with a cancelled context: no error")
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, sqlite3.INTERRUPT) {
		t.Errorf("Connect with a cancelled context: %v; want it to match context.Canceled and sqlite3.INTERRUPT", err)
	}
}

// noSHM is the OS VFS without shared memory: it cannot run WAL.
type noSHM struct{ vfs.VFS }

func (v noSHM) OpenFilename(name *vfs.Filename, flags vfs.OpenFlag) (vfs.File, vfs.OpenFlag, error) {
	f, flags, err := v.VFS.(vfs.VFSFilename).OpenFilename(name, flags)
	if err != nil {
		return nil, flags, err
	}
	return struct{ vfs.File }{f}, flags, nil // hides every optional interface
}

func init() { vfs.Register("sqlitekit-test-noshm", noSHM{vfs.Find("os")}) }

// A database on a VFS other than the OS one opens in the journal mode
// that VFS supports, and its writers wait in SQLite's busy handler, not
// in the OS writer queue. (Issue 15 point 8: the WAL default failed the
// open.)
func TestOpen_otherVFS(t *testing.T) {
	t.Parallel()
	dsn := "file:" + testdb.Path(t) + "?vfs=sqlitekit-test-noshm&_pragma=busy_timeout(100)"
	db := open(t, dsn)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "delete" {
		t.Fatalf("journal mode on a VFS without shared memory: %q, %v; want delete", mode, err)
	}
	testdb.Exec(t, db, "CREATE TABLE t(x)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	testdb.Exec(t, tx, "INSERT INTO t VALUES (1)")
	_, err = db.Exec("INSERT INTO t VALUES (2)")
	if !errors.Is(err, sqlite3.BUSY) || strings.Contains(err.Error(), "writer queue") {
		t.Errorf("a second writer: %v, want SQLITE_BUSY from SQLite's lock, not the writer queue", err)
	}
}
