package conformance_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// LastInsertId and RowsAffected of each statement, one connection, as a
// storage layer runs them: inserts, upserts that update, batches,
// RETURNING, triggers, statements that change nothing.
func TestDiffResults(t *testing.T) {
	t.Parallel()
	stmts := []struct {
		q    string
		args []any
	}{
		{"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER DEFAULT 0)", nil},
		{"CREATE TABLE log(id INTEGER PRIMARY KEY, msg)", nil},
		{"CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO log(msg) VALUES ('u'); END", nil},
		{"INSERT INTO t(name) VALUES ('a')", nil},
		{"INSERT INTO t(name) VALUES (?), (?), (?)", []any{"b", "c", "d"}},
		{"INSERT INTO t(name) VALUES ('a') ON CONFLICT(name) DO UPDATE SET n = n + 1", nil},
		{"INSERT INTO t(name) VALUES (?) ON CONFLICT(name) DO UPDATE SET n = excluded.n", []any{"b"}},
		{"INSERT INTO t(name) VALUES ('e') ON CONFLICT(name) DO UPDATE SET n = n + 1", nil},
		{"INSERT OR REPLACE INTO t(id, name) VALUES (1, 'a2')", nil},
		{"INSERT OR IGNORE INTO t(name) VALUES ('c')", nil},
		{"UPDATE t SET n = 5 WHERE name = 'c'", nil},
		{"UPDATE t SET n = 5 WHERE 0", nil},
		{"DELETE FROM t WHERE name = ?", []any{"d"}},
		{"DELETE FROM log", nil},
		{"SELECT * FROM t", nil},
		{"INSERT INTO t(name) SELECT name || 'x' FROM t", nil},
		{"INSERT INTO t(id, name) VALUES (0, 'zero')", nil},
		{"INSERT INTO t(id, name) VALUES (-5, 'neg')", nil},
		{"UPDATE t SET n = 1 RETURNING id", nil},
		{"CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID", nil},
		{"INSERT INTO w VALUES ('k', 1)", nil},
		{"PRAGMA user_version = 3", nil},
		{"BEGIN", nil},
		{"INSERT INTO t(name) VALUES ('intx')", nil},
		{"SAVEPOINT s", nil},
		{"RELEASE s", nil},
		{"COMMIT", nil},
		{"DROP TABLE w", nil},
	}
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var out []string
		for _, s := range stmts {
			r, err := c.ExecContext(ctx, s.q, s.args...)
			out = append(out, s.q+": "+execResult(r, err))
		}
		// Prepared, on the same connection.
		st, err := c.PrepareContext(ctx, "INSERT INTO t(name) VALUES (?) ON CONFLICT(name) DO UPDATE SET n = n + 1")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for _, name := range []string{"new1", "a2", "new2", "new2"} {
			r, err := st.ExecContext(ctx, name)
			out = append(out, "prepared upsert "+name+": "+execResult(r, err))
		}
		var lid int64
		if err := c.QueryRowContext(ctx, "SELECT last_insert_rowid()").Scan(&lid); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint("last_insert_rowid() ", lid))
		return out
	})
	// Where they differ, sqlitekit reports a statement that changed no
	// row as (0, 0), where ncruces repeats the count of the connection's
	// last INSERT, UPDATE or DELETE (TestResults); and SQL's
	// last_insert_rowid() is the rowid of the connection's last insert,
	// as SQLite has it, where ncruces sets it to 0 before every Exec.
	for i := range ncr {
		if ncr[i] == kit[i] {
			continue
		}
		if strings.HasSuffix(kit[i], "id=0 n=0 ok ok") || i == len(ncr)-1 && kit[i] == "last_insert_rowid() 12" {
			continue
		}
		t.Errorf("sqlitekit differs from ncruces:\n ncruces:   %s\n sqlitekit: %s", ncr[i], kit[i])
	}
}

// A statement that reads last_insert_rowid() reads the rowid of the
// row the Exec before it inserted (ncruces reads 0: it sets it to 0
// before every Exec), and its own LastInsertId is that of the row it
// inserted.
func TestLastInsertRowidReadByNextExec(t *testing.T) {
	t.Parallel()
	db := open(t)
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT UNIQUE); CREATE TABLE c(id INTEGER PRIMARY KEY, p)")
	mustExec(t, db, "INSERT INTO c(id) VALUES (100)")
	mustExec(t, db, "INSERT INTO p(id, name) VALUES (7, 'a')")
	if got := resultOf(t, mustExec(t, db, "INSERT INTO c(p) VALUES (last_insert_rowid())")); got != (result{101, 1}) {
		t.Errorf("child insert: %+v", got)
	}
	// An upsert that updates inserts no row: its LastInsertId is 0, and
	// last_insert_rowid() is still that of the child.
	if got := resultOf(t, mustExec(t, db, "INSERT INTO p(name) VALUES ('a') ON CONFLICT(name) DO UPDATE SET name = 'a'")); got != (result{0, 1}) {
		t.Errorf("upsert that updated: %+v", got)
	}
	if got := value(t, db, "SELECT group_concat(p) FROM c"); got != "7" {
		t.Errorf("children: %v", got)
	}
	if got := value(t, db, "SELECT last_insert_rowid()"); got != int64(101) {
		t.Errorf("last_insert_rowid() after the upsert: %v", got)
	}
}

// PRAGMAs run through Query and QueryRow, as tools and health checks run
// them: the rows and values they give are the same.
func TestDiffPragmaQueries(t *testing.T) {
	t.Parallel()
	same(t, "_pragma=journal_mode(wal)&_pragma=busy_timeout(5000)", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x', b AS (a || 'y'), UNIQUE(a)); CREATE INDEX tb ON t(b); INSERT INTO t(a) VALUES ('1'), ('2')")
		var out []string
		for _, q := range []string{
			"PRAGMA journal_mode", "PRAGMA journal_mode = WAL", "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA wal_checkpoint",
			"PRAGMA integrity_check", "PRAGMA quick_check(t)", "PRAGMA foreign_key_check", "PRAGMA table_xinfo(t)",
			"PRAGMA index_xinfo(tb)", "SELECT name, type, ncol, wr, strict FROM pragma_table_list WHERE schema = 'main' ORDER BY name",
			"PRAGMA main.page_count", "PRAGMA freelist_count", "PRAGMA encoding", "PRAGMA busy_timeout", "PRAGMA optimize",
			"PRAGMA analysis_limit = 100", "PRAGMA collation_list", "PRAGMA user_version = 5", "PRAGMA user_version",
			"PRAGMA nonsense", "PRAGMA table_info(nope)", "SELECT count(*) > 100 FROM pragma_compile_options",
		} {
			out = append(out, q)
			out = append(out, scanAll(db.Query(q))...)
		}
		var mode string
		var busy, log, ckpt int
		err := db.QueryRow("PRAGMA journal_mode").Scan(&mode)
		out = append(out, fmt.Sprint(mode, " ", class(err)))
		err = db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &ckpt)
		out = append(out, fmt.Sprint(busy, log, ckpt, " ", class(err)))
		return out
	})
}

// An autocommit INSERT ... RETURNING whose commit fails as the statement
// ends (a DEFERRABLE INITIALLY DEFERRED foreign key, checked at commit):
// the insert is rolled back, and the caller hears of it from QueryRow's
// Scan, from Rows.Close of rows closed early, from Exec and from Next,
// as with ncruces. Nothing reports an id for a row that is not there.
func TestDiffReturningCommitFails(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(id INTEGER PRIMARY KEY, p REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)")
		var out []string
		var id int64
		err := db.QueryRow("INSERT INTO c(p) VALUES (99) RETURNING id").Scan(&id)
		out = append(out, fmt.Sprintf("QueryRow: %s, rows %d", class(err), count(t, db, "c")))
		rows, err := db.Query("INSERT INTO c(p) VALUES (98), (97) RETURNING id")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("first row: %v", rows.Next()))
		out = append(out, fmt.Sprintf("Close after one row: %s, rows %d", class(rows.Close()), count(t, db, "c")))
		rows, err = db.Query("INSERT INTO c(p) VALUES (96) RETURNING id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		out = append(out, fmt.Sprintf("read to the end: %s, Close %s, rows %d", class(rows.Err()), class(rows.Close()), count(t, db, "c")))
		_, err = db.Exec("INSERT INTO c(p) VALUES (95) RETURNING id")
		out = append(out, fmt.Sprintf("Exec: %s, rows %d", class(err), count(t, db, "c")))
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		err = tx.QueryRow("INSERT INTO c(p) VALUES (94) RETURNING id").Scan(&id)
		out = append(out, fmt.Sprintf("in a Tx: %s", class(err)))
		out = append(out, fmt.Sprintf("Commit: %s, Rollback: %s, rows %d", class(tx.Commit()), class(tx.Rollback()), count(t, db, "c")))
		// The pool writes on.
		_, err = db.Exec("INSERT INTO p VALUES (1); INSERT INTO c(p) VALUES (1)")
		out = append(out, fmt.Sprintf("after: %s, rows %d", class(err), count(t, db, "c")))
		return out
	})
}

// SQL text with a NUL byte: SQLite reads it up to the NUL, so ncruces
// runs what comes before as the whole statement ("DELETE FROM t\x00
// WHERE id = 1" deletes every row); sqlitekit refuses it, and nothing
// runs.
func TestDiffNULInSQL(t *testing.T) {
	t.Parallel()
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2)")
		_, err := db.Exec("DELETE FROM t\x00 WHERE id = 1")
		_, err2 := db.Query("SELECT 1\x00 FROM nope")
		return []string{fmt.Sprintf("exec: %v, rows left %d; query: %v", err != nil, count(t, db, "t"), err2 != nil)}
	})
	if ncr[0] != "exec: false, rows left 0; query: false" || kit[0] != "exec: true, rows left 2; query: true" {
		t.Errorf("ncruces %q, sqlitekit %q", ncr, kit)
	}
}

// Asking the rows of a query for its columns does not run a statement
// that writes: a SQL console that runs what it is given with Query,
// looks at the columns, and runs a statement of no columns again with
// Exec, writes once (ncruces; sqlitekit ran the statement's first step,
// all of an INSERT, in Columns). A query that only reads may run its
// first step there (sqlitekit does, so that its columns are those of the
// schema it runs on).
func TestDiffColumnsDoNotWrite(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
		var out []string
		for _, q := range []string{
			"INSERT INTO t(v) VALUES (1)",
			"INSERT INTO t(v) VALUES (2) RETURNING id",
			"UPDATE t SET v = v + 10 RETURNING v",
			"DELETE FROM t WHERE v = 11 RETURNING *",
			"CREATE TABLE u(x)",
		} {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := rows.Columns()
			cts, err2 := rows.ColumnTypes()
			var types []string
			for _, ct := range cts {
				types = append(types, ct.DatabaseTypeName()+"/"+ct.ScanType().String())
			}
			rows.Close()
			out = append(out, fmt.Sprintf("%s: columns %v %s, types %v %s; rows %d", q, cols, class(err), types, class(err2), count(t, db, "t")))
			if len(cols) == 0 { // what a console does with a statement of no columns
				_, err := db.Exec(q)
				out = append(out, fmt.Sprintf("  then Exec: %s, rows %d", class(err), count(t, db, "t")))
			}
		}
		// Read to the end, a RETURNING query runs as it always did.
		out = append(out, scanAll(db.Query("INSERT INTO t(v) VALUES (3), (4) RETURNING id, v"))...)
		out = append(out, scanAll(db.Query("SELECT id, v FROM t ORDER BY id"))...)
		return out
	})
}

// A transaction begun with SQL through the pool, on a pool of one
// connection: ncruces hands the connection, still inside the
// transaction, to the next Exec, so BEGIN ... ROLLBACK by db.Exec works
// there; sqlitekit closes a connection given back inside a transaction
// (rolling it back), the INSERT fails with ErrTxLeftOpen without running,
// and the ROLLBACK finds no transaction. Documented in the driver's
// package docs, with what to use instead (db.BeginTx, or a sql.Conn).
func TestDiffSQLBeginThroughThePool(t *testing.T) {
	t.Parallel()
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		db.SetMaxOpenConns(1)
		mustExec(t, db, "CREATE TABLE t(x)")
		var out []string
		for _, q := range []string{"BEGIN", "INSERT INTO t VALUES (1)", "ROLLBACK"} {
			_, err := db.Exec(q)
			out = append(out, q+": "+leftOpen(err))
		}
		return append(out, fmt.Sprint("rows: ", count(t, db, "t")))
	})
	if want := []string{"BEGIN: ok", "INSERT INTO t VALUES (1): ok", "ROLLBACK: ok", "rows: 0"}; !cmp.Equal(ncr, want) {
		t.Errorf("ncruces: %q", ncr)
	}
	if want := []string{"BEGIN: ok", "INSERT INTO t VALUES (1): left open", "ROLLBACK: sqlite3: SQL logic error", "rows: 0"}; !cmp.Equal(kit, want) {
		t.Errorf("sqlitekit: %q", kit)
	}
}
