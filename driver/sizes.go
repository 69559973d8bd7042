package driver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/vfs"
)

// Sizes describes the storage of a database and the page cache of one
// connection, as [SizesOf] reads them.
type Sizes struct {
	// PageSize is the size of a page in bytes.
	PageSize int64
	// PageCount is the number of pages in the database, counting the
	// frames of the WAL that are not checkpointed yet.
	PageCount int64
	// FreePages is the number of unused pages (PRAGMA freelist_count):
	// VACUUM or VacuumInto would drop them.
	FreePages int64
	// FileSize is the size of the database file in bytes, and WALSize
	// that of its write-ahead log (0 when there is none). Both are 0 for
	// an in-memory database.
	FileSize int64
	WALSize  int64

	// CacheHits and CacheMisses count the page cache lookups of the
	// connection SizesOf ran on since it opened, CacheUsed the bytes its
	// cache holds: SQLite keeps these per connection
	// (sqlite3_db_status), and a pool has several. Use [ConnSizesOf] on
	// a *sql.Conn to read those of a chosen connection.
	CacheHits   int64
	CacheMisses int64
	CacheUsed   int64

	// IO counts what the process did on the database's files through
	// sqlitekit's VFS (the driver's default) since it first opened it:
	// reads, writes, syncs and locks per kind of file, and the waits of
	// the writer queue. Zero for another VFS or an in-memory database.
	IO vfs.Stats
}

// SizesOf returns the sizes of db's main database, with the cache
// figures of the connection of the pool it ran on.
//
// https://sqlite.org/c3ref/db_status.html
func SizesOf(ctx context.Context, db *sql.DB) (Sizes, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return Sizes{}, fmt.Errorf("sqlitekit: sizes: %w", err)
	}
	defer c.Close()
	return ConnSizesOf(ctx, c)
}

// ConnSizesOf is [SizesOf] on the connection c.
func ConnSizesOf(ctx context.Context, c *sql.Conn) (Sizes, error) {
	var s Sizes
	err := withRawConn(ctx, c, func(db *sqlite3.Conn) error { return sizes(db, &s) })
	if err != nil {
		return Sizes{}, fmt.Errorf("sqlitekit: sizes: %w", err)
	}
	return s, nil
}

func sizes(db *sqlite3.Conn, s *Sizes) error {
	st, _, err := db.Prepare("SELECT page_size, page_count, freelist_count FROM pragma_page_size, pragma_page_count, pragma_freelist_count")
	if err != nil {
		return err
	}
	defer st.Close()
	if st.Step() {
		s.PageSize, s.PageCount, s.FreePages = st.ColumnInt64(0), st.ColumnInt64(1), st.ColumnInt64(2)
	}
	if err := st.Err(); err != nil {
		return err
	}
	var errs []error
	for _, x := range []struct {
		op  sqlite3.DBStatus
		dst *int64
	}{
		{sqlite3.DBSTATUS_CACHE_HIT, &s.CacheHits},
		{sqlite3.DBSTATUS_CACHE_MISS, &s.CacheMisses},
		{sqlite3.DBSTATUS_CACHE_USED, &s.CacheUsed},
	} {
		cur, _, err := db.Status(x.op, false)
		*x.dst = cur
		errs = append(errs, err)
	}
	if name := db.Filename("main"); name != nil && name.String() != "" {
		path := name.String()
		s.FileSize, err = fileSize(path)
		errs = append(errs, err)
		s.WALSize, err = fileSize(path + "-wal")
		errs = append(errs, err)
		s.IO = vfs.StatsOf(path)
	}
	return errors.Join(errs...)
}

// fileSize returns the size of a file, 0 if there is none.
func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
