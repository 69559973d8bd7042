package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func walSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// fill creates table t with n rows of about 200 bytes each.
func fill(t testing.TB, db *sql.DB, n int) {
	t.Helper()
	_, err := db.Exec(`CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v BLOB);
		INSERT INTO t(v) SELECT randomblob(200) FROM generate_series(1, ?)`, n)
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckpoint_truncate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := openDB(t, path)
	fill(t, db, 500)
	if walSize(t, path) == 0 {
		t.Fatal("the WAL is empty before the checkpoint")
	}
	res, err := driver.Checkpoint(ctx, db, driver.CheckpointTruncate)
	if err != nil {
		t.Fatal(err)
	}
	if res != (driver.CheckpointResult{}) {
		t.Errorf("result = %+v, want zero frames left", res)
	}
	if n := walSize(t, path); n != 0 {
		t.Errorf("WAL is %d bytes after TRUNCATE, want 0", n)
	}
}

func TestCheckpoint_passive(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db := openDB(t, path)
	fill(t, db, 100)
	res, err := driver.Checkpoint(context.Background(), db, driver.CheckpointPassive)
	if err != nil {
		t.Fatal(err)
	}
	if res.WALFrames <= 0 || res.Checkpointed != res.WALFrames {
		t.Errorf("result = %+v, want every frame of a non-empty WAL checkpointed", res)
	}
}

func TestCheckpoint_busy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := openDB(t, "file:"+path+"?_pragma=busy_timeout(50)")
	fill(t, db, 100)

	// A reader holds a snapshot that needs the WAL.
	reader := openDB(t, path)
	tx, err := reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	fill(t, db, 10) // frames the reader does not see

	for _, mode := range []driver.CheckpointMode{driver.CheckpointRestart, driver.CheckpointTruncate} {
		_, err = driver.Checkpoint(ctx, db, mode)
		if !errors.Is(err, sqlite3.BUSY) || !strings.Contains(err.Error(), "checkpoint "+mode.String()) {
			t.Errorf("%v: error = %v, want a busy error naming the mode", mode, err)
		}
	}
	if _, err := driver.Checkpoint(ctx, db, driver.CheckpointPassive); err != nil {
		t.Errorf("PASSIVE with a reader: %v", err)
	}
}

func TestCheckpoint_canceled(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	fill(t, db, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := driver.Checkpoint(ctx, db, driver.CheckpointFull); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if _, err := driver.Checkpoint(context.Background(), db, driver.CheckpointMode(9)); err == nil {
		t.Error("an unknown mode was accepted")
	}
}

func TestCheckpointMode_String(t *testing.T) {
	t.Parallel()
	for m, want := range map[driver.CheckpointMode]string{
		driver.CheckpointPassive: "PASSIVE", driver.CheckpointFull: "FULL",
		driver.CheckpointRestart: "RESTART", driver.CheckpointTruncate: "TRUNCATE",
		7: "CheckpointMode(7)",
	} {
		if got := m.String(); got != want {
			t.Errorf("%d: %q, want %q", int(m), got, want)
		}
	}
}

// A Checkpoint other than PASSIVE waits for a checkpoint that runs
// meanwhile (here the pool's own, in the background, which each commit
// of 400 rows wakes) instead of failing at once with "database is
// locked": SQLite's checkpoint lock has no busy handler.
func TestCheckpoint_whileBackgroundCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := openDB(t, "file:"+path+"?_pragma=wal_autocheckpoint(16)")
	for i := range 150 {
		fill(t, db, 400)
		if _, err := driver.Checkpoint(ctx, db, driver.CheckpointTruncate); err != nil {
			t.Fatalf("checkpoint %d: %v", i, err)
		}
	}
}
