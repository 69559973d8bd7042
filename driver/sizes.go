package driver

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Sizes describes the storage of a database, as [SizesOf] reads it.
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
}

// SizesOf returns the sizes of db's main database. It runs SQL on a
// connection of the pool, so it waits while every connection is busy;
// [StatsOf] returns the pool's counters without one.
//
// https://sqlite.org/pragma.html#pragma_page_count
func SizesOf(ctx context.Context, db *sql.DB) (Sizes, error) {
	var s Sizes
	if err := cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil(dbArg, db)); err != nil {
		return Sizes{}, fmt.Errorf("sqlitekit: sizes: %w", err)
	}
	if err := withRaw(ctx, db, func(c *sqlite3.Conn) error { return sizes(c, &s) }); err != nil {
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
	if name := db.Filename("main"); name != nil && name.String() != "" {
		path := name.String()
		s.FileSize, err = fileSize(path)
		errs = append(errs, err)
		s.WALSize, err = fileSize(path + "-wal")
		errs = append(errs, err)
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
