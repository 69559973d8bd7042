package driver_test

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/ext/trigram"
	"github.com/sqlitekit/sqlitekit/ext/vector"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
	"github.com/sqlitekit/sqlitekit/replica"
)

// otherDriver is a database/sql driver that is neither sqlitekit nor
// ncruces: its connections have no SQLite connection to lend.
type otherDriver struct{}

func (otherDriver) Open(string) (sqldriver.Conn, error) { return otherConn{}, nil }

type otherConn struct{}

func (otherConn) Prepare(string) (sqldriver.Stmt, error) { return nil, errors.New("no") }
func (otherConn) Close() error                           { return nil }
func (otherConn) Begin() (sqldriver.Tx, error)           { return nil, errors.New("no") }

func init() { sql.Register("sqlitekit-test-other", otherDriver{}) }

// The one convention for sentinel errors, in every package: a sentinel's
// text names the condition only, without a package prefix, and the
// exported function that returns it wraps it once with its package's
// prefix ("sqlitekit: ", "trigram: ", "vector: ", "replica: "). Wrapped
// again by another sqlitekit layer, the prefix is still said once.
func TestErrors_sentinelsHaveNoPrefix(t *testing.T) {
	t.Parallel()
	sentinels := map[string]error{
		"driver.ErrNewerDatabase":        driver.ErrNewerDatabase,
		"driver.ErrNotSqlitekit":         driver.ErrNotSqlitekit,
		"driver.ErrReplicated":           driver.ErrReplicated,
		"driver.ErrStreamUsed":           driver.ErrStreamUsed,
		"pragma.ErrInvalidValue":         pragma.ErrInvalidValue,
		"pragma.ErrUnknownPragma":        pragma.ErrUnknownPragma,
		"pragma.ErrUnknownParameter":     pragma.ErrUnknownParameter,
		"pragma.ErrUnsupportedParameter": pragma.ErrUnsupportedParameter,
		"vector.ErrNotFinite":            vector.ErrNotFinite,
		"vector.ErrMalformed":            vector.ErrMalformed,
		"vector.ErrDimensionMismatch":    vector.ErrDimensionMismatch,
		"vector.ErrZeroVector":           vector.ErrZeroVector,
		"vector.ErrInvalidFilter":        vector.ErrInvalidFilter,
		"trigram.ErrInvalidFilter":       trigram.ErrInvalidFilter,
		"trigram.ErrInvalidIndex":        trigram.ErrInvalidIndex,
		"replica.ErrAlreadyReplicated":   replica.ErrAlreadyReplicated,
		"replica.ErrClosed":              replica.ErrClosed,
		"replica.ErrExists":              replica.ErrExists,
		"replica.ErrNoBinary":            replica.ErrNoBinary,
	}
	for name, err := range sentinels {
		if _, _, ok := strings.Cut(strings.Fields(err.Error())[0], ":"); ok {
			t.Errorf("%s says %q: a sentinel's text has no package prefix", name, err)
		}
	}
}

// Errors say "sqlitekit: " (and their own package's prefix) once, however
// many sqlitekit layers wrap them.
func TestErrors_prefixOnce(t *testing.T) {
	t.Parallel()
	prefixOnce := func(what, prefix string, err error, target error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("%s: %q does not begin with %q", what, err, prefix)
		}
		for _, p := range []string{"sqlitekit:", "trigram:", "vector:", "replica:"} {
			// A prefix begins the text or follows another's ": ".
			n := strings.Count(": "+err.Error(), ": "+p)
			if n > 1 || n == 0 && p == prefix {
				t.Errorf("%s: %q says %s %d times", what, err, p, n)
			}
		}
		if !errors.Is(err, target) {
			t.Errorf("%s: %v does not match %v", what, err, target)
		}
	}
	once := func(what string, err error, target error) {
		t.Helper()
		prefixOnce(what, "sqlitekit:", err, target)
	}
	ctx := context.Background()

	// Sentinels, as their functions return them.
	dbPath := testdb.Path(t)
	db := testdb.Open(t, dbPath)
	two := []driver.Migration{{SQL: "CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT, e BLOB)"}, {SQL: "CREATE TABLE b(x)"}}
	if err := driver.Migrate(ctx, db, two); err != nil {
		t.Fatal(err)
	}
	once("Migrate of a newer database", driver.Migrate(ctx, db, two[:1]), driver.ErrNewerDatabase)
	stream := driver.Stream(ctx, db, func(r *sql.Rows) (int, error) { var n int; return n, r.Scan(&n) }, "SELECT 1")
	for range stream {
	}
	for _, err := range stream {
		once("Stream ranged over twice", err, driver.ErrStreamUsed)
	}
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	prefixOnce("trigram.Create of an invalid index", "trigram:", trigram.Create(ctx, db, trigram.Index{Table: "docs"}), trigram.ErrInvalidIndex)
	prefixOnce("trigram.Create over a missing table", "trigram:", trigram.Create(ctx, db, trigram.Index{Table: "nope", Columns: []string{"body"}}), trigram.ErrInvalidIndex)
	prefixOnce("trigram.Drop of an invalid index", "trigram:", trigram.Drop(ctx, db, trigram.Index{Table: "docs"}), trigram.ErrInvalidIndex)
	prefixOnce("trigram.Rebuild of an invalid index", "trigram:", trigram.Rebuild(ctx, db, trigram.Index{Table: "docs"}), trigram.ErrInvalidIndex)
	prefixOnce("trigram.Optimize of an invalid index", "trigram:", trigram.Optimize(ctx, db, trigram.Index{Table: "docs"}), trigram.ErrInvalidIndex)
	prefixOnce("trigram.IntegrityCheck of an invalid index", "trigram:", trigram.IntegrityCheck(ctx, db, trigram.Index{Table: "docs"}), trigram.ErrInvalidIndex)
	if err := trigram.Create(ctx, db, idx); err != nil {
		t.Fatal(err)
	}
	for _, err := range trigram.Search(ctx, db, idx, "abc", &trigram.SearchOptions{Filter: "1; DROP TABLE docs"}) {
		prefixOnce("trigram.Search with a bad filter", "trigram:", err, trigram.ErrInvalidFilter)
	}
	for _, err := range trigram.Search(ctx, db, idx, "abc", &trigram.SearchOptions{Filter: "nope = 1"}) {
		prefixOnce("trigram.Search with an unknown column", "trigram:", err, sqlite3.ERROR)
	}
	for _, err := range vector.TopK(ctx, db, "docs", "e", []float32{1}, 1, &vector.TopKOptions{Filter: "1; DROP TABLE docs"}) {
		prefixOnce("vector.TopK with a bad filter", "vector:", err, vector.ErrInvalidFilter)
	}
	for _, err := range vector.TopK(ctx, db, "docs", "e", nil, 1, nil) {
		prefixOnce("vector.TopK with an empty query", "vector:", err, vector.ErrMalformed)
	}
	prefixOnce("replica.Restore without litestream", "replica:",
		replica.Restore(ctx, "file:///nowhere", t.TempDir()+"/r.db", &replica.RestoreOptions{Binary: "/nonexistent/litestream"}), replica.ErrNoBinary)
	prefixOnce("replica.Restore over a file", "replica:",
		replica.Restore(ctx, "file:///nowhere", dbPath, &replica.RestoreOptions{Binary: "/bin/true"}), replica.ErrExists)

	other, err := sql.Open("sqlitekit-test-other", "")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = driver.SizesOf(ctx, other)
	once("SizesOf another driver's pool", err, driver.ErrNotSqlitekit)
	_, err = driver.StatsOf(other)
	once("StatsOf another driver's pool", err, driver.ErrNotSqlitekit)
	once("Backup another driver's pool", driver.Backup(ctx, other, t.TempDir()+"/b.db", nil), driver.ErrNotSqlitekit)

	// A write transaction that waits out the busy timeout in the writer
	// queue behind another pool's.
	path := testdb.Path(t)
	holder := testdb.Open(t, path)
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	waiter := testdb.Open(t, path+"?_busy_timeout=50")
	start := time.Now()
	err = driver.Transaction(ctx, waiter, func(*sql.Tx) error { return nil })
	once("Transaction behind another writer", err, sqlite3.BUSY)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Transaction waited %v", d)
	}
}
