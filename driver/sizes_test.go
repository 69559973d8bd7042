package driver_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func TestSizesOf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := openDB(t, path)
	fill(t, db, 1000)
	testdb.Exec(t, db, "DELETE FROM t WHERE id > 500")
	s, err := driver.SizesOf(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	wal, _ := os.Stat(path + "-wal")
	if s.PageSize != 4096 || s.PageCount < 50 || s.FreePages <= 0 || s.FreePages >= s.PageCount {
		t.Errorf("pages: %+v", s)
	}
	if s.FileSize != fi.Size() || s.WALSize != wal.Size() || s.WALSize == 0 {
		t.Errorf("file %d, WAL %d bytes; want %d and %d", s.FileSize, s.WALSize, fi.Size(), wal.Size())
	}
	st, err := driver.StatsOf(db)
	if err != nil || st.IO.WAL.Writes == 0 || st.IO.Main.Reads == 0 || st.IO.WALSize != s.WALSize {
		t.Errorf("I/O counts of the file: %+v, %v", st.IO, err)
	}

	if _, err := driver.Checkpoint(ctx, db, driver.CheckpointTruncate); err != nil {
		t.Fatal(err)
	}
	if s, err = driver.SizesOf(ctx, db); err != nil || s.WALSize != 0 {
		t.Errorf("WAL after TRUNCATE: %d bytes, %v", s.WALSize, err)
	}

	mem := openDB(t, ":memory:")
	if s, err = driver.SizesOf(ctx, mem); err != nil || s.FileSize != 0 || s.PageCount != 0 {
		t.Errorf("in memory: %+v, %v", s, err)
	}
}

// StatsOf takes no connection: inside a transaction on a pool of one, it
// returns at once, with the pool's figures. (It used to wait for a
// connection until its context expired.)
func TestStatsOf_noConnection(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db := openDB(t, path)
	db.SetMaxOpenConns(1)
	fill(t, db, 10)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	testdb.Exec(t, tx, "INSERT INTO t(v) VALUES (1)")
	done := make(chan error, 1)
	var s driver.Stats
	go func() {
		var err error
		s, err = driver.StatsOf(db)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil || s.IO.WAL.Writes == 0 || s.StmtCache.Misses == 0 {
			t.Errorf("StatsOf: %+v, %v; want WAL writes and statement cache misses", s, err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("StatsOf waits for a connection")
	}
}
