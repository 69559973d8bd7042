package replica_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/replica"
)

// holders returns the processes other than this one that have the file at
// path open, under any name, or name it in their command line, from the
// process table in /proc: a litestream replicating a database keeps it
// open; one following a replica names it (and opens it now and then).
func holders(t *testing.T, path string) []int {
	t.Helper()
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc process table on this system")
	}
	want, _ := os.Stat(path) // nil if there is none
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")) // gone meanwhile, or not ours
		if slices.Contains(strings.Split(string(cmdline), "\x00"), path) {
			out = append(out, pid)
			continue
		}
		fds, _ := os.ReadDir(filepath.Join("/proc", e.Name(), "fd"))
		for _, fd := range fds {
			if fi, err := os.Stat(filepath.Join("/proc", e.Name(), "fd", fd.Name())); err == nil && want != nil && os.SameFile(fi, want) {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// One database has one Litestream: a second Start of it, under any
// spelling of its path (the same, relative, through a symlinked
// directory, a hard link), and of many at once, is refused with
// ErrAlreadyReplicated while the first runs, and only one litestream has
// the database open. After Close, Start works again.
func TestStart_once(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.db")
	db := testdb.Open(t, path)
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.Join(t.TempDir(), "replica")
	opts := &replica.Options{Binary: bin, Logger: quiet}

	spellings := []string{path, filepath.Join(dir, ".", "app.db")}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil {
			spellings = append(spellings, rel)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err == nil {
		spellings = append(spellings, filepath.Join(link, "app.db"))
	}
	if err := os.Link(path, filepath.Join(dir, "hard.db")); err == nil {
		spellings = append(spellings, filepath.Join(dir, "hard.db"))
	}

	for round := range 2 { // the second after Close
		// Many Starts at once, under every spelling: one wins.
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			started []*replica.Replica
			refused int
		)
		for i := range 3 * len(spellings) {
			wg.Go(func() {
				r, err := replica.Start(t.Context(), spellings[i%len(spellings)], url, opts)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					started = append(started, r)
				case errors.Is(err, replica.ErrAlreadyReplicated):
					refused++
				default:
					t.Errorf("round %d: Start(%s): %v, want ErrAlreadyReplicated or success", round, spellings[i%len(spellings)], err)
				}
			})
		}
		wg.Wait()
		for _, r := range started {
			t.Cleanup(func() { r.Close() })
		}
		if len(started) != 1 || refused != 3*len(spellings)-1 {
			t.Fatalf("round %d: %d Starts of one database at once: %d started, %d refused; want 1 started", round, 3*len(spellings), len(started), refused)
		}
		// While it runs, every spelling is refused, saying which replica runs.
		for _, p := range spellings {
			_, err := replica.Start(t.Context(), p, url, opts)
			if !errors.Is(err, replica.ErrAlreadyReplicated) {
				t.Errorf("round %d: a second Start(%s): %v, want ErrAlreadyReplicated", round, p, err)
			}
		}
		// One litestream has the database open (it keeps it open once
		// it has synced).
		if err := started[0].Sync(t.Context()); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Second)
		for n := holders(t, path); len(n) != 1; n = holders(t, path) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: processes with the database open: %v, want the one litestream (pid %d)", round, n, started[0].Status().PID)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := started[0].Close(); err != nil {
			t.Fatalf("round %d: Close: %v", round, err)
		}
	}
}
