package driver_test

import (
	"context"
	"os"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func TestSizesOf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := openDB(t, path)
	db.SetMaxOpenConns(1) // the cache figures are this connection's
	fill(t, db, 1000)
	if _, err := db.Exec("DELETE FROM t WHERE id > 500"); err != nil {
		t.Fatal(err)
	}
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
	if s.CacheHits <= 0 || s.CacheUsed <= 0 {
		t.Errorf("cache: %+v", s)
	}
	if s.IO.WAL.Writes == 0 || s.IO.Main.Reads == 0 || s.IO.WALSize != s.WALSize {
		t.Errorf("I/O counts of the file: %+v", s.IO)
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
