//go:build unix

package replica_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/replica"
)

// Restore and Follow with Overwrite refuse a database that a replica
// runs for, of this process (under another spelling too) or of another
// (its lock, held here on a file of its own): Litestream's -force would
// delete the live database's -wal, with the commits not yet in the file,
// from under the program and its replica.
func TestRestore_overLiveDatabase(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	db, url, r := replicated(t, bin, "CREATE TABLE t(g, i); PRAGMA wal_autocheckpoint=0")
	for i := range 20 {
		if _, err := db.Exec("INSERT INTO t VALUES (1, ?)", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	var path string
	if err := db.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	opts := &replica.RestoreOptions{Binary: bin, Overwrite: true, Logger: quiet}
	for _, target := range []string{path, link} {
		if err := replica.Restore(t.Context(), url, target, opts); !errors.Is(err, replica.ErrAlreadyReplicated) {
			t.Errorf("Restore over the replicated %s: %v, want ErrAlreadyReplicated", target, err)
		}
		f, err := replica.Follow(t.Context(), url, target, opts)
		if err == nil {
			f.Close()
		}
		if !errors.Is(err, replica.ErrAlreadyReplicated) {
			t.Errorf("Follow over the replicated %s: %v, want ErrAlreadyReplicated", target, err)
		}
	}
	if got := rowsOf(t, db); len(got) != 20 {
		t.Fatalf("the live database has %d rows, want 20", len(got))
	}
	integrity(t, db)

	// Another process's replica: its lock, beside the database.
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"-litestream", "sqlitekit.lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if err := replica.Restore(t.Context(), url, path, opts); !errors.Is(err, replica.ErrAlreadyReplicated) {
		t.Errorf("Restore over a database another process replicates: %v, want ErrAlreadyReplicated", err)
	}
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if got := rowsOf(t, db); len(got) != 20 {
		t.Fatalf("the live database has %d rows, want 20", len(got))
	}
}

// Restore and Follow write the file they are given: a DSN given by
// mistake (the Follower's doc opens its file as "file:PATH?mode=ro") made
// a directory "file:" and a file of the DSN's text under it; the -wal of
// an existing database was overwritten with a whole database; an empty
// name reached Litestream. Each is refused, naming the path, and nothing
// is written.
func TestRestore_targetIsAFileName(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	_, url, r := replicated(t, bin, "CREATE TABLE t(g, i); INSERT INTO t VALUES (1, 2)")
	if err := r.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{
		"",
		"file:" + filepath.Join(dir, "x.db") + "?mode=ro",
		"FILE:x.db",
		other + "-wal",
		other + "-shm",
		other + "-journal",
		filepath.Join(dir, "nul\x00.db"),
	} {
		opts := &replica.RestoreOptions{Binary: bin, Logger: quiet}
		err := replica.Restore(t.Context(), url, target, opts)
		if err == nil || !strings.HasPrefix(err.Error(), "replica: ") || strings.Contains(err.Error(), "litestream restore") {
			t.Errorf("Restore to %q: %v, want an error of its own naming the path", target, err)
		}
		f, err := replica.Follow(t.Context(), url, target, opts)
		if err == nil {
			f.Close()
		}
		if err == nil || strings.Contains(err.Error(), "litestream restore") {
			t.Errorf("Follow to %q: %v, want an error of its own naming the path", target, err)
		}
	}
	for _, d := range []string{dir, wd} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if e.Name() != "other.db" && (d == dir || strings.HasPrefix(strings.ToLower(e.Name()), "file:")) {
				t.Errorf("%s: a restore wrote %q", d, e.Name())
			}
		}
	}
}

// A temporary directory (TMPDIR) too long for a Unix socket's path: Start
// waited 30 s and said Litestream "has not opened its control socket"
// (Litestream cannot listen there, and keeps running). It fails at once,
// saying why and what to change.
//
// Not parallel: it sets TMPDIR.
func TestStart_longTempDir(t *testing.T) {
	bin := binary(t)
	long := filepath.Join(t.TempDir(), strings.Repeat("t", 100))
	if err := os.MkdirAll(long, 0o755); err != nil {
		t.Fatal(err)
	}
	path := testdb.Path(t)
	sqlite3(t, path, "PRAGMA journal_mode=WAL; CREATE TABLE t(x)")
	t.Setenv("TMPDIR", long)
	start := time.Now()
	r, err := replica.Start(t.Context(), path, "file://"+filepath.Join(t.TempDir(), "rep"), &replica.Options{Binary: bin, Logger: quiet})
	if err == nil {
		r.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "TMPDIR") || time.Since(start) > 5*time.Second {
		t.Errorf("Start with a %d-byte TMPDIR: %v after %v, want an error at once naming TMPDIR", len(long), err, time.Since(start).Round(time.Millisecond))
	}
	ents, _ := os.ReadDir(long)
	for _, e := range ents {
		t.Errorf("Start left %s in TMPDIR", e.Name())
	}
}

// The replica lock that another process holds is seen whatever the
// spelling of the database's path: Start through a symbolic link to a
// database whose lock (beside the real file) is held started a second
// Litestream for it.
func TestStart_lockedThroughSymlink(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	path := testdb.Path(t)
	sqlite3(t, path, "PRAGMA journal_mode=WAL; CREATE TABLE t(x)")
	// Another process's replica: its lock, beside the real file.
	dir := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"-litestream")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "sqlitekit.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	r, err := replica.Start(t.Context(), link, "file://"+filepath.Join(t.TempDir(), "rep"), &replica.Options{Binary: bin, Logger: quiet})
	if err == nil {
		r.Close()
	}
	if !errors.Is(err, replica.ErrAlreadyReplicated) {
		t.Errorf("Start through a link to a database another process replicates: %v, want ErrAlreadyReplicated", err)
	}
}

// A relative Options.Binary names the command it named at Start: Sync
// (which runs `litestream sync`) and restarts ran it relative to the
// working directory of the moment, and failed after a chdir.
//
// Not parallel: it changes the working directory.
func TestStart_relativeBinaryAfterChdir(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(dir, "ls-bin")); err != nil {
		t.Fatal(err)
	}
	path := testdb.Path(t)
	sqlite3(t, path, "PRAGMA journal_mode=WAL; CREATE TABLE t(x)")
	t.Chdir(dir)
	r, err := replica.Start(t.Context(), path, "file://"+filepath.Join(t.TempDir(), "rep"), &replica.Options{Binary: "./ls-bin", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	t.Chdir(t.TempDir())
	if err := r.Sync(t.Context()); err != nil {
		t.Errorf("Sync after chdir: %v", err)
	}
}
