package conformance_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
	ncruces "github.com/ncruces/go-sqlite3/driver"

	"github.com/google/go-cmp/cmp"
)

// On one sql.Conn: ATTACH with the path as an argument, a table of the
// attached database, temp tables, a function registered through
// Conn.Raw, then DETACH; and what other connections of the pool see.
func TestDiffConnState(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		aux := filepath.Join(t.TempDir(), "aux.db")
		_, err = c.ExecContext(ctx, "ATTACH DATABASE ? AS aux", aux)
		log("attach: %s", class(err))
		_, err = c.ExecContext(ctx, "CREATE TABLE aux.t(x); INSERT INTO aux.t VALUES (1), (2)")
		log("create in aux: %s", class(err))
		out = append(out, scanAll(c.QueryContext(ctx, "SELECT name FROM pragma_database_list ORDER BY seq"))...)
		out = append(out, scanAll(c.QueryContext(ctx, "SELECT sum(x) FROM aux.t"))...)
		_, err = c.ExecContext(ctx, "CREATE TEMP TABLE scratch(y); INSERT INTO scratch VALUES ('t')")
		log("temp: %s", class(err))
		err = c.Raw(func(dc any) error {
			return dc.(ncruces.Conn).Raw().CreateFunction("twice", 1, sqlite3.DETERMINISTIC, func(ctx sqlite3.Context, arg ...sqlite3.Value) {
				ctx.ResultInt64(2 * arg[0].Int64())
			})
		})
		log("raw: %s", class(err))
		out = append(out, scanAll(c.QueryContext(ctx, "SELECT twice(x), (SELECT y FROM scratch) FROM aux.t ORDER BY x"))...)

		// A transaction across main and aux.
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "CREATE TABLE main.m(x)")
		mustExec(t, tx, "INSERT INTO main.m SELECT x FROM aux.t")
		mustExec(t, tx, "DELETE FROM aux.t")
		log("commit: %s", class(tx.Commit()))
		out = append(out, scanAll(c.QueryContext(ctx, "SELECT (SELECT count(*) FROM main.m), (SELECT count(*) FROM aux.t)"))...)

		// Another connection of the pool has neither the attachment,
		// the temp table nor the function.
		c2, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, scanAll(c2.QueryContext(ctx, "SELECT count(*) FROM pragma_database_list"))...)
		out = append(out, scanAll(c2.QueryContext(ctx, "SELECT * FROM scratch"))...)
		out = append(out, scanAll(c2.QueryContext(ctx, "SELECT twice(1)"))...)
		c2.Close()

		_, err = c.ExecContext(ctx, "DETACH DATABASE aux")
		log("detach: %s", class(err))
		_, err = c.ExecContext(ctx, "DETACH aux")
		log("detach again: %s", class(err))
		return out
	})
}

// Statements at SQLite's limits: 32766 parameters, one past, SQL of
// hundreds of kilobytes, deep expression nesting, a megabyte of text.
func TestDiffLimits(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		var out []string
		for _, n := range []int{32766, 32767} {
			args := make([]any, n)
			for i := range args {
				args[i] = i
			}
			var v any
			err := db.QueryRow("SELECT ?"+strings.Repeat(" + ?", n-1), args...).Scan(&v)
			out = append(out, fmt.Sprintf("%d parameters: %s %s", n, typed(v), class(err)))
		}
		args := make([]any, 32766)
		args[0], args[32765] = "first", "last"
		out = append(out, scanAll(db.Query("SELECT ?32766, ?1", args...))...)
		_, err := db.Query("SELECT ?32767", 1)
		out = append(out, "?32767: "+class(err))

		var sb strings.Builder
		sb.WriteString("SELECT count(*) FROM (SELECT 1 AS x) WHERE x IN (")
		values := 40000
		if raceEnabled {
			values = 2000
		}
		for i := range values {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprint(&sb, i)
		}
		sb.WriteString(")")
		out = append(out, fmt.Sprintf("%d bytes of SQL: %q", sb.Len(), scanAll(db.Query(sb.String()))))
		deep := strings.Repeat("(", 1100) + "1" + strings.Repeat(")", 1100)
		out = append(out, fmt.Sprintf("deep: %q", scanAll(db.Query("SELECT "+deep))))
		long := strings.Repeat("x", 1<<20)
		var got string
		err = db.QueryRow("SELECT ?", long).Scan(&got)
		out = append(out, fmt.Sprintf("1 MiB text: %d %s", len(got), class(err)))
		return out
	})
}

// Rows: several result sets (none), NextResultSet, RawBytes, Close
// twice, a query with rows left open while the same connection writes.
func TestDiffRows(t *testing.T) {
	t.Parallel()
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		mustExec(t, db, "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')")
		rows, err := db.Query("SELECT a FROM t ORDER BY a")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		log("next result set: %v %s", rows.NextResultSet(), class(rows.Err()))
		log("close: %s %s", class(rows.Close()), class(rows.Close()))

		mustExec(t, db, "DROP TABLE t; CREATE TABLE t(a INTEGER, b TEXT, d DATETIME); INSERT INTO t(a, b) VALUES (6, 'u')")

		// RawBytes from a query.
		rows, err = db.Query("SELECT b, x'0001' FROM t")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var b, blob sql.RawBytes
			err := rows.Scan(&b, &blob)
			log("raw: %q %q %s", b, blob, class(err))
		}
		rows.Close()

		// Rows open on a connection while it writes, and reads the
		// write.
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		mustExec(t, db, "INSERT INTO t(a) VALUES (7), (8)")
		rows, err = c.QueryContext(ctx, "SELECT a FROM t ORDER BY a")
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		_, err = c.ExecContext(ctx, "UPDATE t SET b = 'seen' WHERE a = 8")
		log("write with rows open: %s", class(err))
		_, err = c.ExecContext(ctx, "DROP TABLE t")
		log("drop with rows open: %s", class(err))
		for rows.Next() {
			var a int
			rows.Scan(&a)
			log("row %d", a)
		}
		log("rows: %s", class(rows.Err()))
		rows.Close()
		out = append(out, scanAll(c.QueryContext(ctx, "SELECT a, b FROM t ORDER BY a"))...)
		return out
	})
	if d := cmp.Diff(ncr, kit); d != "" {
		t.Errorf("sqlitekit differs from ncruces (-ncruces +sqlitekit):\n%s", d)
	}
}

// Statements prepared before the schema changed (ALTER TABLE ADD
// COLUMN, DROP COLUMN, a table dropped and created again). The inserts
// behave the same with both drivers; the query, by design, has the
// columns of the schema it runs on (mattn, modernc), where ncruces keeps
// the columns it was prepared with, and its rows fail.
func TestDiffPreparedAcrossSchemaChanges(t *testing.T) {
	t.Parallel()
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		mustExec(t, db, "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')")
		// Prepared before ALTER TABLE ADD COLUMN, DROP COLUMN and a
		// recreated table.
		st, err := db.Prepare("SELECT * FROM t ORDER BY a")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ins, err := db.Prepare("INSERT INTO t(a, b) VALUES (?, ?)")
		if err != nil {
			t.Fatal(err)
		}
		defer ins.Close()
		out = append(out, scanAll(st.Query())...)
		mustExec(t, db, "ALTER TABLE t ADD COLUMN c DEFAULT 'c'")
		log("insert after add column: %s", execResult(ins.Exec(4, "w")))
		out = append(out, scanAll(st.Query())...)
		mustExec(t, db, "ALTER TABLE t DROP COLUMN c")
		out = append(out, scanAll(st.Query())...)
		mustExec(t, db, "DROP TABLE t")
		out = append(out, scanAll(st.Query())...)
		log("insert into a dropped table: %s", execResult(ins.Exec(5, "v")))
		mustExec(t, db, "CREATE TABLE t(a INTEGER, b TEXT, d DATETIME)")
		log("insert into the new table: %s", execResult(ins.Exec(6, "u")))
		out = append(out, scanAll(st.Query())...)

		return out
	})
	want := []string{
		"a,b", "int64(1) | string(x)", "int64(2) | string(y)", "int64(3) | string(z)",
		"insert after add column: id=4 n=1 ok ok",
		"a,b,c", "int64(1) | string(x) | string(c)", "int64(2) | string(y) | string(c)", "int64(3) | string(z) | string(c)", "int64(4) | string(w) | string(c)",
		"a,b", "int64(1) | string(x)", "int64(2) | string(y)", "int64(3) | string(z)", "int64(4) | string(w)",
		"a,b", "err: sqlite3: SQL logic error",
		"insert into a dropped table: sqlite3: SQL logic error",
		"insert into the new table: id=1 n=1 ok ok",
		"a,b,d", "int64(6) | string(u) | <nil>(<nil>)",
	}
	if d := cmp.Diff(want, kit); d != "" {
		t.Errorf("sqlitekit (-want +got):\n%s", d)
	}
	var ncrInserts, kitInserts []string
	for _, l := range ncr {
		if strings.HasPrefix(l, "insert") {
			ncrInserts = append(ncrInserts, l)
		}
	}
	for _, l := range kit {
		if strings.HasPrefix(l, "insert") {
			kitInserts = append(kitInserts, l)
		}
	}
	if d := cmp.Diff(ncrInserts, kitInserts); d != "" {
		t.Errorf("prepared inserts differ (-ncruces +sqlitekit):\n%s", d)
	}
}

// Contexts: canceled before a call, during a query, during Next, on a
// transaction; the errors matched with errors.Is, and the pool usable
// after.
func TestDiffContexts(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		// What both drivers' errors match: sqlitekit's match the
		// context's error as well (TestContextStopsStatements).
		is := func(err error) string {
			return fmt.Sprintf("nil=%v canceled=%v deadline=%v interrupt=%v", err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, sqlite3.INTERRUPT))
		}
		mustExec(t, db, "CREATE TABLE t(x)")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := db.ExecContext(ctx, "INSERT INTO t VALUES (1)")
		log("exec, canceled before: %s", is(err))
		_, err = db.QueryContext(ctx, "SELECT 1")
		log("query, canceled before: %s", is(err))
		_, err = db.BeginTx(ctx, nil)
		log("begin, canceled before: %s", is(err))

		ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		var n int
		err = db.QueryRowContext(ctx, endless).Scan(&n)
		log("endless query past its deadline: interrupt=%v", errors.Is(err, sqlite3.INTERRUPT))

		tx, err := db.BeginTx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "INSERT INTO t VALUES (1)")
		ctx, cancel = context.WithCancel(context.Background())
		rows, err := tx.QueryContext(ctx, "SELECT x FROM t")
		log("query in tx: %s", class(err))
		cancel()
		for rows.Next() {
		}
		log("rows canceled in tx: nil=%v", rows.Err() == nil)
		rows.Close()
		log("commit after: %s", class(tx.Commit()))
		out = append(out, scanAll(db.Query("SELECT count(*) FROM t"))...)
		return out
	})
}

// Closing in every order: rows and statements after db.Close, a Tx
// committed after it, a Conn used after it.
func TestDiffCloseOrder(t *testing.T) {
	t.Parallel()
	// In WAL mode for both: in ncruces' default rollback journal, the
	// open rows keep the Tx from committing (a minute's busy timeout).
	same(t, "_pragma=journal_mode(wal)", func(t *testing.T, db *sql.DB) []string {
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		mustExec(t, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")
		st, err := db.Prepare("SELECT x FROM t")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query("SELECT x FROM t")
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		c, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "INSERT INTO t VALUES (3)")
		closed := make(chan error)
		go func() { closed <- db.Close() }()
		time.Sleep(10 * time.Millisecond)
		log("commit during close: %s", class(tx.Commit()))
		var x int
		log("scan during close: %s", class(rows.Scan(&x)))
		log("next during close: %v", rows.Next())
		log("rows close: %s", class(rows.Close()))
		_, err = c.ExecContext(context.Background(), "SELECT 1")
		log("conn during close: %s", class(err))
		log("conn close: %s", class(c.Close()))
		log("db close: %s", class(<-closed))
		_, err = st.Query()
		log("stmt after close: %v", err != nil)
		log("stmt close: %s", class(st.Close()))
		log("ping after close: %v", db.Ping() != nil)
		return out
	})
}

// wrapped is a driver as tracing and hook wrappers make them (otelsql,
// sqlhooks): it embeds the driver.Driver only, so database/sql calls
// Open for every connection instead of a connector.
type wrapped struct{ driver.Driver }

var registerWrapped sync.Once

// Both drivers behind a wrapper that hides their connectors: a pool of
// several connections, transactions, prepared statements, concurrency.
func TestDiffWrappedDriver(t *testing.T) {
	t.Parallel()
	registerWrapped.Do(func() {
		for _, name := range drivers {
			db, err := sql.Open(name, ":memory:")
			if err != nil {
				t.Fatal(err)
			}
			sql.Register("wrapped-"+name, wrapped{db.Driver()})
			db.Close()
		}
	})
	var got [2][]string
	for i, name := range drivers {
		db, err := sql.Open("wrapped-"+name, "file:"+filepath.Join(t.TempDir(), "w.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
		st, err := db.Prepare("INSERT INTO t(v) VALUES (?)")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for j := range 10 {
					tx, err := db.Begin()
					if err != nil {
						t.Error(err)
						return
					}
					if _, err := tx.Stmt(st).Exec(g*100 + j); err != nil {
						t.Error(err)
					}
					if err := tx.Commit(); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		st.Close()
		var out []string
		out = append(out, scanAll(db.Query("SELECT count(*), sum(v) FROM t"))...)
		out = append(out, "close: "+class(db.Close()))
		got[i] = out
	}
	if d := diffStrings(got[0], got[1]); d != "" {
		t.Error(d)
	}
}
