package replica_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/replica"
)

// TestMain lets the test binary play the application of TestAppKilled:
// with SQLITEKIT_APP_DB set it replicates, writes, syncs, prints
// "synced PID ROWS" and waits to be killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("SQLITEKIT_APP_DB"); path != "" {
		if err := app(path, os.Getenv("SQLITEKIT_APP_URL"), os.Getenv("SQLITEKIT_LITESTREAM")); err != nil {
			fmt.Fprintln(os.Stderr, "app:", err)
			os.Exit(1)
		}
		select {} // until SIGKILL
	}
	os.Exit(m.Run())
}

func app(path, url, bin string) error {
	ctx := context.Background()
	db, err := sql.Open("sqlitekit", path)
	if err != nil {
		return err
	}
	if _, err := db.Exec("CREATE TABLE t(g, i)"); err != nil {
		return err
	}
	r, err := replica.Start(ctx, path, url, &replica.Options{Binary: bin, Logger: quiet})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				if _, err := db.Exec("INSERT INTO t VALUES (?, ?)", g, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if err := r.Sync(ctx); err != nil {
		return err
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		return err
	}
	if _, err := replica.Follow(ctx, url, path+"-follower.db", &replica.RestoreOptions{Binary: bin, Logger: quiet}); err != nil {
		return err
	}
	fmt.Printf("synced %d %d\n", r.Status().PID, n)
	return nil
}

// The application process writes with 4 goroutines while replicating,
// syncs, starts a follower of its replica (meanwhile this process may not
// replicate the database too), and is SIGKILLed: its
// Litestreams die with it (else, restarted, it would run a second one
// beside the first), and the restore holds every row and is intact.
func TestAppKilled(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	path := testdb.Path(t)
	url := "file://" + filepath.Join(t.TempDir(), "replica")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SQLITEKIT_APP_DB="+path, "SQLITEKIT_APP_URL="+url, "SQLITEKIT_LITESTREAM="+bin,
		"TMPDIR="+t.TempDir()) // the killed app cannot remove its Litestream configuration
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	var lsPID, rows int
	if _, err := fmt.Sscanf(line, "synced %d %d", &lsPID, &rows); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the app said %q: %v; stderr: %s", line, err, stderr.String())
	}
	// Another process replicates the database: Start refuses it here too.
	if r, err := replica.Start(t.Context(), path, "file://"+t.TempDir(), &replica.Options{Binary: bin, Logger: quiet}); !errors.Is(err, replica.ErrAlreadyReplicated) {
		if err == nil {
			r.Close()
		}
		t.Errorf("Start of a database another process replicates: %v, want ErrAlreadyReplicated", err)
	}
	follower := path + "-follower.db"
	if n := holders(t, follower); len(n) != 1 {
		t.Errorf("processes with the follower's database open: %v, want its litestream", n)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := append(holders(t, path), holders(t, follower)...)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			var names []string
			for _, pid := range left {
				cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
				names = append(names, fmt.Sprintf("%d %q", pid, strings.Split(string(cmdline), "\x00")))
				syscall.Kill(pid, syscall.SIGKILL)
			}
			t.Fatalf("5 s after the app was killed, processes still have its database or its follower's open: %v (its litestream replicate was pid %d)", names, lsPID)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The app's lock went with it and its litestream: the app, started
	// again, may replicate (here, this process plays it).
	// The kernel may release a dead process's lock a moment after its
	// files left /proc (the last close of a file can be deferred): a
	// refusal is retried, for up to 5 s.
	deadline = time.Now().Add(5 * time.Second)
	r, err := replica.Start(t.Context(), path, url, &replica.Options{Binary: bin, Logger: quiet})
	for errors.Is(err, replica.ErrAlreadyReplicated) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		r, err = replica.Start(t.Context(), path, url, &replica.Options{Binary: bin, Logger: quiet})
	}
	if err != nil {
		t.Fatalf("Start after the app and its litestream were killed: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Error(err)
	}

	out := filepath.Join(t.TempDir(), "restored.db")
	if err := replica.Restore(t.Context(), url, out, &replica.RestoreOptions{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	restored := testdb.Open(t, "file:"+out+"?mode=ro")
	integrity(t, restored)
	var n, distinct int
	if err := restored.QueryRow("SELECT count(*), count(DISTINCT g * 1000 + i) FROM t WHERE g BETWEEN 0 AND 3 AND i BETWEEN 0 AND 99").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != 400 || distinct != 400 || rows != 400 {
		t.Errorf("restored %d rows (%d distinct of the 400 written); the app had %d", n, distinct, rows)
	}
}
