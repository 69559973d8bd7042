//go:build unix

package replica_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

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
