package replica_test

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/replica"
)

// Start and Follow do not tie their Litestream to the caller's thread: a
// caller that locks its goroutine to its thread and ends, which ends the
// thread, leaves both running.
func TestStart_callerThreadEnds(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	path := testdb.Path(t)
	db := testdb.Open(t, path)
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.Join(t.TempDir(), "replica")
	follower := filepath.Join(t.TempDir(), "follower.db")
	var (
		r    *replica.Replica
		f    *replica.Follower
		err  error
		done = make(chan struct{})
	)
	start := func() {
		if r, err = replica.Start(t.Context(), path, url, &replica.Options{Binary: bin, Logger: quiet}); err != nil {
			return
		}
		if err = r.Sync(t.Context()); err != nil {
			return
		}
		f, err = replica.Follow(t.Context(), url, follower, &replica.RestoreOptions{Binary: bin, Logger: quiet})
	}
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: Go ends the thread with the goroutine
		if syscall.Gettid() != os.Getpid() {
			start()
			return
		}
		// The main thread, which Go never ends: hold it, for another
		// goroutine to start them from another thread, which ends.
		defer runtime.UnlockOSThread()
		inner := make(chan struct{})
		go func() {
			defer close(inner)
			runtime.LockOSThread()
			start()
		}()
		<-inner
	}()
	<-done
	if r != nil {
		t.Cleanup(func() { r.Close() })
	}
	if f != nil {
		t.Cleanup(func() { f.Close() })
	}
	if err != nil {
		t.Fatal(err)
	}
	pid := r.Status().PID
	time.Sleep(time.Second)
	if s := r.Status(); s.PID != pid || s.Restarts != 0 {
		t.Errorf("1 s after the thread that started it ended, litestream was restarted: pid %d, then %+v", pid, s)
	}
	if err := f.Close(); err != nil {
		t.Errorf("the follower: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("the replica: %v", err)
	}
}
