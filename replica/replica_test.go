package replica_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/replica"
)

// binary returns the litestream command. CI builds it (.ci/run) and a
// test that needs it fails there without it; elsewhere it is skipped.
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("SQLITEKIT_LITESTREAM"); b != "" {
		return b
	}
	b, err := exec.LookPath("litestream")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("litestream is not installed; .ci/run builds it")
		}
		t.Skip("litestream is not installed")
	}
	return b
}

// quiet discards Litestream's log.
var quiet = slog.New(slog.DiscardHandler)

func rowsOf(t *testing.T, db *sql.DB) []string {
	t.Helper()
	r, err := db.Query("SELECT g, i FROM t ORDER BY g, i")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for r.Next() {
		var g, i int
		if err := r.Scan(&g, &i); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(g, ".", i))
	}
	return out
}

// replicated opens a sqlitekit database in the test's directory, runs
// schema on it, and starts Litestream on it to a file replica, stopped
// when the test ends. It returns the database and the replica's URL.
func replicated(t *testing.T, bin, schema string) (*sql.DB, string, *replica.Replica) {
	t.Helper()
	path := testdb.Path(t)
	url := "file://" + filepath.Join(t.TempDir(), "replica")
	db := testdb.Open(t, path)
	if _, err := db.Exec(schema); err != nil {
		t.Fatal(err)
	}
	r, err := replica.Start(t.Context(), path, url, &replica.Options{Binary: bin, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return db, url, r
}

func integrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q, %v", ok, err)
	}
}

// Four goroutines write while Litestream replicates; after Sync, even
// with Litestream SIGKILLed, a restore holds every row.
func TestStart_syncRestore(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	db, url, r := replicated(t, bin, "CREATE TABLE t(g, i)")

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				if _, err := db.Exec("INSERT INTO t VALUES (?, ?)", g, i); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(r.Status().PID, syscall.SIGKILL)
	want := rowsOf(t, db)

	out := filepath.Join(t.TempDir(), "restored.db")
	if err := replica.Restore(ctx, url, out, &replica.RestoreOptions{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	restored := testdb.Open(t, "file:"+out+"?mode=ro")
	integrity(t, restored)
	if got := rowsOf(t, restored); fmt.Sprint(got) != fmt.Sprint(want) || len(got) != 200 {
		t.Errorf("restored %d rows, want the %d written", len(got), len(want))
	}

	// Restore refuses to overwrite, unless asked.
	err := replica.Restore(ctx, url, out, &replica.RestoreOptions{Binary: bin})
	if !errors.Is(err, replica.ErrExists) {
		t.Errorf("restore over an existing database: %v, want ErrExists", err)
	}
}

// Litestream dying is noticed and it is started again; Close stops it.
func TestStart_restart(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	path := testdb.Path(t)
	db := testdb.Open(t, path)
	if _, err := db.Exec("CREATE TABLE t(g, i)"); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	r, err := replica.Start(t.Context(), path, "file://"+t.TempDir(), &replica.Options{Binary: bin,
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	first := r.Status().PID
	syscall.Kill(first, syscall.SIGKILL)
	deadline := time.Now().Add(10 * time.Second)
	for s := r.Status(); s.Restarts == 0 || s.PID == 0 || s.PID == first; s = r.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("litestream not restarted: %+v", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
	second := r.Status().PID
	if err := r.Sync(t.Context()); err != nil {
		t.Errorf("Sync after the restart: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Error(err)
	}
	if err := syscall.Kill(second, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("litestream (pid %d) still runs after Close: %v", second, err)
	}
	if err := r.Sync(t.Context()); !errors.Is(err, replica.ErrClosed) {
		t.Errorf("Sync after Close: %v, want ErrClosed", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	// Litestream's log reached the logger, from both runs.
	if n := strings.Count(log.String(), "control socket listening"); n != 2 {
		t.Errorf("log lines from %d runs, want 2:\n%s", n, log.String())
	}
}

// While a replica runs, the checkpoint helper does PASSIVE checkpoints and
// refuses the others with a clear error instead of waiting.
func TestCheckpoint_replicated(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	db, _, r := replicated(t, bin, "CREATE TABLE t(g, i); INSERT INTO t VALUES (1, 1)")
	if err := r.Sync(ctx); err != nil { // Litestream holds its read lock
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO t VALUES (2, 2)"); err != nil {
		t.Fatal(err)
	}
	if _, err := driver.Checkpoint(ctx, db, driver.CheckpointPassive); err != nil {
		t.Errorf("PASSIVE: %v", err)
	}
	for _, mode := range []driver.CheckpointMode{driver.CheckpointFull, driver.CheckpointRestart, driver.CheckpointTruncate} {
		start := time.Now()
		_, err := driver.Checkpoint(ctx, db, mode)
		if !errors.Is(err, driver.ErrReplicated) {
			t.Errorf("%s with a replica running: %v, want ErrReplicated", mode, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %v to fail", mode, d)
		}
	}
}

// A follower catches up with new commits, and refuses writes.
func TestFollow(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	db, url, r := replicated(t, bin, "CREATE TABLE t(g, i); INSERT INTO t VALUES (0, 0)")
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "follower.db")
	var log lockedBuffer
	f, err := replica.Follow(ctx, url, out, &replica.RestoreOptions{Binary: bin,
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	follower := testdb.Open(t, "file:"+out+"?mode=ro")
	follower.SetMaxIdleConns(0) // see Follower: a fresh connection per use

	for i := 1; i <= 10; i++ {
		if _, err := db.Exec("INSERT INTO t VALUES (1, ?)", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := follower.QueryRow("SELECT count(*) FROM t").Scan(&n)
		if err == nil && n == 11 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("follower has %d rows after 10 s, want 11 (%v)", n, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := follower.Exec("INSERT INTO t VALUES (2, 2)"); err == nil {
		t.Error("the follower took a write")
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	// Litestream's log went to the logger, line by line, naming the database.
	if got := log.String(); !strings.Contains(got, "entering follow mode") || !strings.Contains(got, "db="+out) {
		t.Errorf("the follower's log:\n%s", got)
	}
}

// lockedBuffer is a bytes.Buffer for a logger written to while it is read.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestStart_noBinary(t *testing.T) {
	t.Parallel()
	_, err := replica.Start(t.Context(), testdb.Path(t), "file:///nowhere", &replica.Options{Binary: "/nonexistent/litestream"})
	if !errors.Is(err, replica.ErrNoBinary) {
		t.Errorf("Start without litestream: %v, want ErrNoBinary", err)
	}
}

// Litestream SIGKILLed without a Sync: the restore is an exact prefix of
// the committed transactions, none torn.
func TestRestore_prefixAfterKill(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	db, url, r := replicated(t, bin, "CREATE TABLE t(g, i)")
	if err := r.Sync(ctx); err != nil { // the first snapshot
		t.Fatal(err)
	}
	// Transactions of 10 rows for 2.5 s (Litestream ships every second),
	// then kill it in the middle of the stream.
	committed := 0
	for start := time.Now(); time.Since(start) < 2500*time.Millisecond; committed++ {
		if _, err := db.Exec("INSERT INTO t SELECT ?, value FROM generate_series(1, 10)", committed); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	syscall.Kill(r.Status().PID, syscall.SIGKILL)

	out := filepath.Join(t.TempDir(), "restored.db")
	if err := replica.Restore(ctx, url, out, &replica.RestoreOptions{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	restored := testdb.Open(t, "file:"+out+"?mode=ro")
	integrity(t, restored)
	var txs, rows, maxTx int
	err := restored.QueryRow("SELECT count(DISTINCT g), count(*), coalesce(max(g), -1) FROM t").Scan(&txs, &rows, &maxTx)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 10*txs || txs != maxTx+1 || txs > committed {
		t.Errorf("restored %d rows of %d transactions, the last %d, of %d committed: not a prefix of whole transactions", rows, txs, maxTx, committed)
	}
	if txs == 0 {
		t.Errorf("nothing restored of %d transactions in 2.5 s", committed)
	}
	t.Logf("restored %d of %d committed transactions", txs, committed)
}

// A restore to a point in time gives the database as it was then.
func TestRestore_pointInTime(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	db, url, r := replicated(t, bin, "CREATE TABLE t(g, i); INSERT INTO t VALUES (1, 1)")
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	then := time.Now()
	time.Sleep(1100 * time.Millisecond)
	if _, err := db.Exec("INSERT INTO t VALUES (2, 2)"); err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		at   time.Time
		want int
	}{{then, 1}, {time.Time{}, 2}} {
		out := filepath.Join(t.TempDir(), "restored.db")
		if err := replica.Restore(ctx, url, out, &replica.RestoreOptions{Binary: bin, Time: tt.at}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := testdb.Open(t, "file:"+out+"?mode=ro").QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != tt.want {
			t.Errorf("restore at %v: %d rows, %v; want %d", tt.at, n, err, tt.want)
		}
	}
}
