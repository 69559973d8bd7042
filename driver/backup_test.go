package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// consistent checks the copy at path: integrity_check ok, and the row
// count of t equal to the count meta recorded in the same transaction.
func consistent(t *testing.T, path string) (rows int) {
	t.Helper()
	db := openDB(t, path)
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check of the copy: %q, %v", ok, err)
	}
	var want int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM t), (SELECT n FROM meta)").Scan(&rows, &want); err != nil {
		t.Fatal(err)
	}
	if rows != want {
		t.Errorf("the copy has %d rows, but its commit recorded %d", rows, want)
	}
	return rows
}

// writers start 4 goroutines that each commit, until stop is called,
// transactions adding 10 rows to t and 10 to meta.n.
func writers(t *testing.T, db *sql.DB) (commits *atomic.Int64, stop func()) {
	t.Helper()
	if _, err := db.Exec("CREATE TABLE meta(n INTEGER); INSERT INTO meta SELECT count(*) FROM t"); err != nil {
		t.Fatal(err)
	}
	commits = new(atomic.Int64)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				err := driver.Transaction(ctx, db, func(tx *sql.Tx) error {
					_, err := tx.Exec(`INSERT INTO t(v) SELECT randomblob(200) FROM generate_series(1, 10);
						UPDATE meta SET n = n + 10`)
					return err
				})
				if err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
				commits.Add(1)
			}
		})
	}
	return commits, func() {
		cancel()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("writer: %v", err)
		}
	}
}

func TestBackup_whileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := openDB(t, path)
	fill(t, db, 3000) // ~170 pages: several backup steps
	commits, stop := writers(t, db)
	for commits.Load() < 5 {
		time.Sleep(time.Millisecond)
	}

	dest := filepath.Join(t.TempDir(), "copy.db")
	var calls [][2]int
	err := driver.Backup(ctx, db, dest, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 2 {
		t.Errorf("progress calls: %v, want several", calls)
	}
	for i, c := range calls {
		if c[0] <= 0 || c[0] > c[1] || (i > 0 && c[0] <= calls[i-1][0]) {
			t.Errorf("progress call %d: %v of %v", i, c, calls)
		}
	}
	if last := calls[len(calls)-1]; last[0] != last[1] {
		t.Errorf("last progress call %v, want done == total", last)
	}
	rows := consistent(t, dest)
	if rows < 3000 || (rows-3000)%10 != 0 {
		t.Errorf("the copy has %d rows", rows)
	}
}

func TestBackup_canceled(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	fill(t, db, 3000)
	ctx, cancel := context.WithCancel(context.Background())
	dest := filepath.Join(t.TempDir(), "copy.db")
	err := driver.Backup(ctx, db, dest, func(done, total int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the partial copy was left behind: %v", err)
	}
	// The connection is usable and its snapshot released.
	if _, err := driver.Checkpoint(context.Background(), db, driver.CheckpointTruncate); err != nil {
		t.Error(err)
	}
}

func TestVacuumInto(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, testdb.Path(t))
	fill(t, db, 2000)
	if _, err := db.Exec("DELETE FROM t WHERE id > 100; CREATE TABLE meta(n); INSERT INTO meta VALUES (100)"); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "compact.db")
	if err := driver.VacuumInto(ctx, db, dest); err != nil {
		t.Fatal(err)
	}
	if rows := consistent(t, dest); rows != 100 {
		t.Errorf("the copy has %d rows, want 100", rows)
	}
	var free int
	openDB(t, dest).QueryRow("PRAGMA freelist_count").Scan(&free)
	if free != 0 {
		t.Errorf("the copy has %d free pages, want 0", free)
	}
	if err := driver.VacuumInto(ctx, db, dest); err == nil {
		t.Error("VACUUM INTO an existing database succeeded")
	}
}
