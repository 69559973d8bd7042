package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func statsOf(t *testing.T, db *sql.DB) driver.StmtCacheStats {
	t.Helper()
	s, err := driver.StatsOf(db)
	if err != nil {
		t.Fatal(err)
	}
	return s.StmtCache
}

func TestStmtCache_hitsMissesEvictions(t *testing.T) {
	t.Parallel()
	db := open(t, "file:"+testdb.Path(t)+"?_stmt_cache=2")
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil { // a script: not cached
		t.Fatal(err)
	}
	start := statsOf(t, db)
	q := func(sql string) {
		t.Helper()
		var x int
		if err := db.QueryRow(sql).Scan(&x); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	q("SELECT x FROM t")     // miss
	q("SELECT x FROM t")     // hit
	q("SELECT x + 1 FROM t") // miss
	q("SELECT x FROM t")     // hit
	q("SELECT x + 2 FROM t") // miss, evicts x + 1
	q("SELECT x FROM t")     // hit
	q("SELECT x + 1 FROM t") // miss, evicts x + 2
	s, _ := driver.StatsOf(db)
	want := driver.StmtCacheStats{Hits: 3, Misses: 4, Evictions: 2}
	if diff := cmp.Diff(want, s.Sub(driver.Stats{StmtCache: start}).StmtCache); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestStmtCache_disabled(t *testing.T) {
	t.Parallel()
	db := open(t, "file:"+testdb.Path(t)+"?_stmt_cache=0")
	for i := range 5 {
		var x int
		if err := db.QueryRow("SELECT ?", i).Scan(&x); err != nil || x != i {
			t.Fatalf("%d: %v", x, err)
		}
	}
	if s := statsOf(t, db); s.Hits != 0 || s.Misses < 5 {
		t.Errorf("cache of size 0: %+v", s)
	}
}

// A cached statement follows the schema: columns added, a table dropped
// and made again.
func TestStmtCache_schemaChange(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	db.SetMaxOpenConns(1)
	exec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	all := func() ([]string, []any) {
		t.Helper()
		return testdb.Row(t, db, "SELECT * FROM t")
	}

	exec("CREATE TABLE t(a); INSERT INTO t VALUES (1)")
	cols, vals := all()
	if diff := cmp.Diff([]string{"a"}, cols); diff != "" {
		t.Error(diff)
	}
	exec("ALTER TABLE t ADD COLUMN b DEFAULT 'two'")
	cols, vals = all()
	if diff := cmp.Diff([]string{"a", "b"}, cols); diff != "" {
		t.Errorf("columns after ALTER TABLE (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{int64(1), "two"}, vals); diff != "" {
		t.Errorf("values after ALTER TABLE (-want +got):\n%s", diff)
	}

	exec("DROP TABLE t")
	// The cached statement fails when it runs: the rows run the first
	// step when first read.
	if err := db.QueryRow("SELECT * FROM t").Scan(new(any)); !errors.Is(err, sqlite3.ERROR) {
		t.Errorf("query of a dropped table: %v", err)
	}
	exec("CREATE TABLE t(c, d, e); INSERT INTO t VALUES (7, 8, 9)")
	cols, vals = all()
	if diff := cmp.Diff([]string{"c", "d", "e"}, cols); diff != "" {
		t.Errorf("columns of the new table (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{int64(7), int64(8), int64(9)}, vals); diff != "" {
		t.Errorf("values of the new table (-want +got):\n%s", diff)
	}
}

// While rows of a statement are open, the same SQL on the same connection
// gets a statement of its own.
func TestStmtCache_openRows(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	conn := conns(t, db, 1)[0]
	ctx := t.Context()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)"); err != nil {
		t.Fatal(err)
	}
	const q = "SELECT x FROM t ORDER BY x"
	outer, err := conn.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var x int
		outer.Scan(&x)
		inner, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var y int
			inner.Scan(&y)
			got = append(got, fmt.Sprint(x, y))
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	want := []string{"1 1", "1 2", "1 3", "2 1", "2 2", "2 3", "3 1", "3 2", "3 3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Many goroutines run the same SQL through one pool.
func TestStmtCache_concurrent(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	db.SetMaxOpenConns(4)
	if _, err := db.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v)"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range 20 {
				id := g*100 + i
				if _, err := db.ExecContext(context.Background(), "INSERT INTO t VALUES (?, ?)", id, id*2); err != nil {
					errs <- err
					return
				}
				var v int
				if err := db.QueryRow("SELECT v FROM t WHERE id = ?", id).Scan(&v); err != nil || v != id*2 {
					errs <- fmt.Errorf("id %d: v %d, %v", id, v, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := statsOf(t, db); s.Hits < 500 {
		t.Errorf("cache hits: %+v; expected most of the 640 calls to hit", s)
	}
}

// Closing the pool finalizes every cached statement: SQLite refuses to
// close a connection with statements left.
func TestStmtCache_close(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlitekit", testdb.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := db.Exec(fmt.Sprintf("CREATE TABLE t%d(x)", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(fmt.Sprintf("INSERT INTO t%d VALUES (?)", i), i); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestStatsOf_otherDriver(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite3", ":memory:") // ncruces, linked by bench_test.go
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := driver.StatsOf(db); !errors.Is(err, driver.ErrNotSqlitekit) {
		t.Errorf("StatsOf a non-sqlitekit pool: %v", err)
	}
}
