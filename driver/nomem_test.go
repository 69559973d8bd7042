package driver_test

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// nomemConn returns a connection of a new pool of one connection, whose
// SQLite may use at most 16 MB, so that a test reaches SQLITE_NOMEM
// cheaply: hard_heap_limit is process-wide in C SQLite, but each
// connection of ncruces has an SQLite of its own. (ncruces' own limit is
// the size its memory may grow to, 256 MB; an allocation past either
// fails the same way, with SQLITE_NOMEM.)
func nomemConn(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	db := openDB(t, testdb.Path(t))
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(context.Background(), `PRAGMA hard_heap_limit = 16000000;
		CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)`); err != nil {
		t.Fatal(err)
	}
	return db, conn
}

// TestNOMEM: SQLite running out of memory is an error matching
// sqlite3.NOMEM, never a panic; the connection is then discarded
// (driver.ErrBadConn on its next use) and the pool goes on with a new
// one (issue 16).
func TestNOMEM(t *testing.T) {
	t.Parallel()
	const big = "randomblob(100000000)" // 100 MB
	for _, tc := range []struct {
		name string
		run  func(ctx context.Context, conn *sql.Conn) error
	}{
		{"Exec", func(ctx context.Context, conn *sql.Conn) error {
			_, err := conn.ExecContext(ctx, "SELECT "+big)
			return err
		}},
		{"Exec script", func(ctx context.Context, conn *sql.Conn) error {
			_, err := conn.ExecContext(ctx, "SELECT 1; SELECT "+big)
			return err
		}},
		{"Exec with args", func(ctx context.Context, conn *sql.Conn) error {
			_, err := conn.ExecContext(ctx, "SELECT randomblob(?)", 100_000_000)
			return err
		}},
		{"Query", func(ctx context.Context, conn *sql.Conn) error {
			rows, err := conn.QueryContext(ctx, "SELECT "+big)
			if err != nil {
				return err
			}
			defer rows.Close()
			rows.Columns() // the first step
			rows.Next()
			return rows.Err()
		}},
		{"Next", func(ctx context.Context, conn *sql.Conn) error {
			rows, err := conn.QueryContext(ctx, "SELECT x, randomblob(CASE x WHEN 3 THEN 100000000 ELSE 1 END) FROM t ORDER BY x")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}},
		{"Prepare", func(ctx context.Context, conn *sql.Conn) error {
			s, err := conn.PrepareContext(ctx, "SELECT "+big)
			if err != nil {
				return err
			}
			defer s.Close()
			_, err = s.ExecContext(ctx)
			return err
		}},
		{"Tx", func(ctx context.Context, conn *sql.Conn) error {
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			_, err = tx.ExecContext(ctx, "INSERT INTO t VALUES ("+big+")")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, conn := nomemConn(t)
			ctx := context.Background()
			if err := tc.run(ctx, conn); !errors.Is(err, sqlite3.NOMEM) {
				t.Fatalf("error = %v, want sqlite3.NOMEM", err)
			}
			if err := conn.PingContext(ctx); !errors.Is(err, sqldriver.ErrBadConn) && !errors.Is(err, sql.ErrConnDone) {
				t.Errorf("the connection after NOMEM: %v, want driver.ErrBadConn", err)
			}
			conn.Close()
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			var n int
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
				t.Errorf("the pool after NOMEM: %d rows, %v", n, err)
			}
		})
	}
}

// TestNOMEM_raw: the helpers that run on the raw connection recover too.
func TestNOMEM_raw(t *testing.T) {
	t.Parallel()
	db, conn := nomemConn(t)
	conn.Close() // back to the pool, for Migrate
	ctx := context.Background()
	err := driver.Migrate(ctx, db, []driver.Migration{{SQL: "CREATE TABLE u(x); SELECT randomblob(100000000)"}})
	if !errors.Is(err, sqlite3.NOMEM) || strings.Count(err.Error(), "sqlitekit:") != 1 {
		t.Fatalf("error = %v, want sqlite3.NOMEM", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'u'").Scan(&n); err != nil || n != 0 {
		t.Errorf("after NOMEM in a migration step: %d, %v", n, err)
	}
}

// inList returns a query counting the rows of t whose x is one of n
// values, the first being first.
func inList(first, n int) string {
	var b strings.Builder
	b.WriteString("SELECT count(*) FROM t WHERE x IN (")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(first + i))
	}
	b.WriteString(")")
	return b.String()
}

// TestStmtCache_boundedByMemory: the statement cache keeps what its
// statements hold within a budget, not only their count: 40 distinct
// queries with long IN lists, which the cache of 64 kept until SQLite
// ran out of memory (issue 16: with ncruces' 256 MB, the 24th query of
// 100,000 values), run on a connection limited to 24 MB.
func TestStmtCache_boundedByMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct{ values, queries int }{
		{30000, 12}, // 3.5 MB compiled: not cached
		{7000, 40},  // 0.85 MB: cached, 9 at a time
	} {
		n := tc.values
		_, conn := nomemConn(t)
		if _, err := conn.ExecContext(ctx, "PRAGMA hard_heap_limit = 24000000"); err != nil {
			t.Fatal(err)
		}
		for i := range tc.queries {
			var got int
			if err := conn.QueryRowContext(ctx, inList(i, n)).Scan(&got); err != nil {
				t.Fatalf("%d values, query %d: %v", n, i, err)
			}
			want := 0
			for x := 1; x <= 3; x++ { // the rows of t
				if x >= i && x < i+n {
					want++
				}
			}
			if got != want {
				t.Fatalf("%d values, query %d: count %d, want %d", n, i, got, want)
			}
		}
	}
}

// TestNOMEM_trigramQuery: the first case, at ncruces' own limit
// of 256 MB: a MATCH of trigram_query over 500 KB of text runs SQLite
// out of memory. The caller gets the error; the pool's only connection is
// replaced, so the next query does not wait for it.
func TestNOMEM_trigramQuery(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE docs(body TEXT);
		CREATE VIRTUAL TABLE docs_fts USING fts5(body, content=docs, tokenize='trigram');
		INSERT INTO docs VALUES ('hello world'); INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')`); err != nil {
		t.Fatal(err)
	}
	text := make([]byte, 500<<10)
	for i := range text {
		text[i] = 'a' + byte(i*7919%26)
	}
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM docs_fts WHERE docs_fts MATCH trigram_query(?)", string(text)).Scan(&n)
	if !errors.Is(err, sqlite3.NOMEM) {
		t.Fatalf("error = %v, want sqlite3.NOMEM", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM docs_fts WHERE docs_fts MATCH trigram_query('world')").Scan(&n); err != nil || n != 1 {
		t.Errorf("the next query: %d, %v", n, err)
	}
}
