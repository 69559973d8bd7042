package trigram_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// openDB opens a new database file under t.TempDir with FTS5 and the
// trigram functions registered.
func openDB(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := openWith("file:" + filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func exec(tb testing.TB, db trigram.Querier, query string, args ...any) {
	tb.Helper()
	if _, err := db.ExecContext(tb.Context(), query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func openWith(dsn string) (*sql.DB, error) {
	return driver.Open(dsn, func(c *sqlite3.Conn) error {
		return errors.Join(fts5.Register(c), trigram.Register(c))
	})
}
