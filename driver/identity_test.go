package driver_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/iostat"
	"github.com/sqlitekit/sqlitekit/internal/replicated"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/internal/writeq"
	"github.com/sqlitekit/sqlitekit/pragma"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// linkedDir returns a directory and a symbolic link to it (as macOS has
// every temporary directory behind one).
func linkedDir(t *testing.T) (real, link string) {
	t.Helper()
	base := t.TempDir()
	real = filepath.Join(base, "real")
	link = filepath.Join(base, "link")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	return real, link
}

// A database opened through a symlinked directory is the same database
// as under its real path, for the I/O counters: whichever path the pool
// was opened with, either path reads the same counts.
func TestIdentity_statsThroughSymlink(t *testing.T) {
	t.Parallel()
	real, link := linkedDir(t)
	for _, tc := range []struct{ name, open, other string }{
		{"open via link", filepath.Join(link, "a.db"), filepath.Join(real, "a.db")},
		{"open via real path", filepath.Join(real, "b.db"), filepath.Join(link, "b.db")},
	} {
		db := open(t, tc.open)
		testdb.Exec(t, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)")
		a, b := vfs.StatsOf(tc.open), vfs.StatsOf(tc.other)
		if a.WAL.Writes == 0 || a != b {
			t.Errorf("%s: StatsOf(%s) WAL writes %d, StatsOf(%s) %d; want the same, not 0", tc.name, tc.open, a.WAL.Writes, tc.other, b.WAL.Writes)
		}
	}
}

// The ErrReplicated check of Checkpoint recognizes the database whichever
// path the replica and the pool name it by, and a file made again at the
// replicated path since.
func TestIdentity_replicatedThroughSymlink(t *testing.T) {
	t.Parallel()
	real, link := linkedDir(t)
	for _, tc := range []struct {
		name, open, replica string
		remake              bool
	}{
		{"pool via link", filepath.Join(link, "a.db"), filepath.Join(real, "a.db"), false},
		{"replica via link", filepath.Join(real, "b.db"), filepath.Join(link, "b.db"), false},
		{"made again", filepath.Join(real, "c.db"), filepath.Join(link, "c.db"), true},
	} {
		testdb.Exec(t, open(t, tc.open), "CREATE TABLE t(x)")
		id, other, err := replicated.Add(tc.replica)
		if err != nil || other != "" {
			t.Fatalf("%s: Add: %q, %v", tc.name, other, err)
		}
		if tc.remake {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(tc.open + suffix)
			}
		}
		db := open(t, tc.open)
		testdb.Exec(t, db, "CREATE TABLE IF NOT EXISTS t(x)")
		_, err = driver.Checkpoint(t.Context(), db, driver.CheckpointTruncate)
		replicated.Remove(id)
		if !errors.Is(err, driver.ErrReplicated) {
			t.Errorf("%s: TRUNCATE checkpoint of a replicated database: %v, want ErrReplicated", tc.name, err)
		}
		if _, err := driver.Checkpoint(t.Context(), db, driver.CheckpointTruncate); err != nil {
			t.Errorf("%s: TRUNCATE checkpoint after Remove: %v", tc.name, err)
		}
	}
}

// What the process keeps per database lives while a pool of it is open:
// 200 closed in-memory pools and 50 closed, deleted database files leave
// no entry behind. (Not parallel: it counts the whole process's entries.)
func TestIdentity_registriesShrink(t *testing.T) {
	count := func() int { return iostat.DBs.Len() + writeq.Len() }
	before := count()
	for range 200 {
		db, err := sql.Open("sqlitekit", ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		testdb.Exec(t, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
		db.Close()
	}
	dir := t.TempDir()
	for i := range 50 {
		path := filepath.Join(dir, fmt.Sprintf("%d.db", i))
		db, err := sql.Open("sqlitekit", path)
		if err != nil {
			t.Fatal(err)
		}
		testdb.Exec(t, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
		if vfs.StatsOf(path).WAL.Writes == 0 {
			t.Fatal("no WAL writes counted while the pool is open")
		}
		db.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}
	if n := count() - before; n != 0 {
		t.Errorf("%d entries left behind by closed pools (I/O counters %d, writer queues %d)", n, iostat.DBs.Len(), writeq.Len())
	}

	// An in-memory connector of NewConnector, which several pools may
	// share, holds its database until it is garbage.
	for range 20 {
		cfg := pragma.Default()
		cfg.Path = ":memory:"
		c, err := driver.NewConnector(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(c)
		testdb.Exec(t, db, "CREATE TABLE t(x)")
		db.Close()
	}
	for deadline := time.Now().Add(5 * time.Second); count() != before && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := count() - before; n != 0 {
		t.Errorf("%d entries left behind by unreachable in-memory connectors", n)
	}
}

// Importing the driver registers nothing on http.DefaultServeMux and
// links neither expvar nor net/http into the program.
func TestImports_noHiddenGlobals(t *testing.T) {
	t.Parallel()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-deps", "github.com/sqlitekit/sqlitekit/driver").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for pkg := range strings.FieldsSeq(string(out)) {
		if pkg == "expvar" || pkg == "net/http" {
			t.Errorf("package driver imports %s", pkg)
		}
	}
}

// A registry entry may carry the name of a file that is gone: a pool
// holds its database's entries while it is open, even with no
// connection (so no file descriptor) open; the file deleted then, its
// inode, and so its identity, may go to a new file, whose pools share the
// entry. StatsOf of such a pool reads its counts through its own file.
// (It read them through the name the entry was first opened under, the
// deleted file's, and got all zeros: TestSizesOf and ExampleStatsOf
// failed now and then under -count.) The test makes the entry as inode
// reuse leaves it.
func TestIdentity_statsOfStaleEntry(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	id, err := dbid.Of(path)
	if err != nil {
		t.Fatal(err)
	}
	iostat.Hold(id, filepath.Join(filepath.Dir(path), "deleted.db"))
	defer iostat.DBs.Release(id)

	db := open(t, path)
	testdb.Exec(t, db, "CREATE TABLE u(x); INSERT INTO u VALUES (1), (2), (3)")
	s, err := driver.StatsOf(db)
	if err != nil {
		t.Fatal(err)
	}
	if s.IO.WAL.Writes == 0 {
		t.Errorf("StatsOf of a pool whose counters' entry was first opened under another name: %+v, want its WAL writes counted", s.IO)
	}
}
