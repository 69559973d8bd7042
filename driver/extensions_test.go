package driver_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// extSchema is a database whose schema holds an FTS5 table (filled by a
// trigger on an ordinary table), a view over it and a vec1 table: a new
// connection meets them without naming FTS5 or vec1.
const extSchema = `
	CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);
	CREATE VIRTUAL TABLE docs USING fts5(body);
	CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
		INSERT INTO docs(rowid, body) VALUES (new.id, new.body);
	END;
	CREATE VIEW doc_bodies AS SELECT body FROM docs;
	CREATE VIRTUAL TABLE vecs USING vec1;
	INSERT INTO vecs(cmd, vector) VALUES ('rebuild', '{index:"flat"}');
	INSERT INTO notes(body) VALUES ('the quick brown fox'), ('a lazy dog');
	CREATE TABLE items(
		id INTEGER PRIMARY KEY,
		emb BLOB CHECK (vec_length(emb) = 2),
		dims INTEGER AS (vec_length(emb)));
	CREATE INDEX items_norm ON items(vec_distance_l2(emb, vec_f32('[0, 0]')));
	CREATE VIEW item_json AS SELECT vec_to_json(emb) AS j FROM items;
	CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
		INSERT INTO notes(body) VALUES (vec_to_json(new.emb));
	END;
	INSERT INTO items(emb) VALUES (vec_f32('[3, 4]'));
	CREATE VIRTUAL TABLE v0 USING vec0(e float[2]);
	INSERT INTO v0(rowid, e) VALUES (1, '[1, 0]');`

// extDB makes a database with extSchema and returns its DSN; every call
// of the returned open gives a new pool (a new connection) on it.
func extDB(t *testing.T) (open func() *sql.DB) {
	t.Helper()
	dsn := "file:" + testdb.Path(t)
	if _, err := testdb.Open(t, dsn).Exec(extSchema); err != nil {
		t.Fatal(err)
	}
	return func() *sql.DB {
		db := testdb.Open(t, dsn)
		db.SetMaxOpenConns(1)
		return db
	}
}

// A new connection uses the FTS5 and vec1 tables of its schema through
// every path a statement takes (issue 17: they are linked into a
// connection on demand, and no statement sees them missing).
func TestExtensionsOnDemand(t *testing.T) {
	t.Parallel()
	open := extDB(t)
	ctx := context.Background()
	count := func(t *testing.T, db *sql.DB, q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	exec := func(t *testing.T, db *sql.DB, q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	t.Run("query", func(t *testing.T) {
		if n := count(t, open(), "SELECT count(*) FROM docs WHERE docs MATCH 'fox'"); n != 1 {
			t.Errorf("%d rows match fox, want 1", n)
		}
	})
	t.Run("view", func(t *testing.T) {
		if n := count(t, open(), "SELECT count(*) FROM doc_bodies"); n != 3 {
			t.Errorf("%d rows, want 3", n)
		}
	})
	t.Run("prepared", func(t *testing.T) {
		st, err := open().PrepareContext(ctx, "SELECT rowid FROM docs WHERE docs MATCH ?")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var id int
		if err := st.QueryRowContext(ctx, "dog").Scan(&id); err != nil || id != 2 {
			t.Errorf("dog: rowid %d, %v; want 2", id, err)
		}
	})
	t.Run("trigger", func(t *testing.T) {
		db := open()
		exec(t, db, "INSERT INTO notes(body) VALUES (?)", "a red fox")
		if n := count(t, db, "SELECT count(*) FROM docs WHERE docs MATCH 'red'"); n != 1 {
			t.Errorf("%d rows match red, want 1", n)
		}
	})
	t.Run("script", func(t *testing.T) {
		db := open()
		// Its first statement runs before the second meets docs.
		exec(t, db, "CREATE TABLE log(x); INSERT INTO notes(body) VALUES ('a grey cat'); INSERT INTO docs(rowid, body) VALUES (100, 'a grey owl')")
		if n := count(t, db, "SELECT count(*) FROM docs WHERE docs MATCH 'grey'"); n != 2 {
			t.Errorf("%d rows match grey, want 2", n)
		}
	})
	t.Run("vec1", func(t *testing.T) {
		db := open()
		exec(t, db, "INSERT INTO vecs(rowid, vector) VALUES (1, ?)", []byte{0, 0, 128, 63, 0, 0, 0, 0})
		if n := count(t, db, "SELECT count(*) FROM vecs"); n != 1 {
			t.Errorf("%d rows, want 1", n)
		}
	})
	// sqlitekit's own functions and vec0, used where the SQL does not name
	// them: a CHECK constraint, a generated column, an index on an
	// expression, a view, a trigger, a vec0 table.
	t.Run("functions", func(t *testing.T) {
		db := open()
		exec(t, db, "INSERT INTO items(emb) VALUES (?)", []byte{0, 0, 128, 63, 0, 0, 0, 64})
		if n := count(t, db, "SELECT sum(dims) FROM items"); n != 4 {
			t.Errorf("sum(dims) = %d, want 4", n)
		}
		_, err := open().ExecContext(ctx, "INSERT INTO items(emb) VALUES (?)", []byte{0, 0, 128, 63})
		if err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
			t.Errorf("a 1-dimension vector: %v, want CHECK constraint failed", err)
		}
		if n := count(t, open(), "SELECT count(*) FROM items WHERE vec_distance_l2(emb, vec_f32('[0, 0]')) = 5"); n != 1 {
			t.Errorf("%d rows through the index, want 1", n)
		}
		var j string
		if err := open().QueryRowContext(ctx, "SELECT j FROM item_json LIMIT 1").Scan(&j); err != nil || j != "[3.0,4.0]" && j != "[3,4]" {
			t.Errorf("view: %q, %v", j, err)
		}
		if n := count(t, open(), "SELECT count(*) FROM v0"); n != 1 {
			t.Errorf("vec0: %d rows, want 1", n)
		}
		if n := count(t, open(), "SELECT count(*) FROM vec_each(?)", []byte{0, 0, 128, 63, 0, 0, 0, 64}); n != 2 {
			t.Errorf("vec_each: %d rows, want 2", n)
		}
		exec(t, open(), "INSERT INTO v0(rowid, e) VALUES (2, ?)", "[0, 1]")
		exec(t, open(), "CREATE VIRTUAL TABLE v1 USING vec0(e float[2])")
	})
	t.Run("pragma_table_info", func(t *testing.T) {
		if n := count(t, open(), "SELECT count(*) FROM pragma_table_info('docs')"); n != 1 {
			t.Errorf("docs has %d columns, want 1", n)
		}
	})
	t.Run("module_list", func(t *testing.T) {
		rows, err := open().QueryContext(ctx, "SELECT name FROM pragma_module_list")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			names = append(names, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"fts5", "fts5vocab", "vec1", "vec0"} {
			if !slices.Contains(names, m) {
				t.Errorf("module %s is not listed: %v", m, names)
			}
		}
	})
	t.Run("alter", func(t *testing.T) {
		// ALTER TABLE parses every view and trigger of the schema as it
		// runs: doc_bodies reads docs.
		exec(t, open(), "ALTER TABLE notes RENAME TO notes2")
		exec(t, open(), "ALTER TABLE notes2 RENAME TO notes")
	})
	t.Run("raw", func(t *testing.T) {
		sc, err := open().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer sc.Close()
		err = sc.Raw(func(dc any) error {
			s, _, err := dc.(driver.Conn).Raw().Prepare("SELECT count(*) FROM docs WHERE docs MATCH 'fox'")
			if err != nil {
				return err
			}
			return s.Close()
		})
		if err != nil {
			t.Errorf("through Raw: %v", err)
		}
	})
	t.Run("missing module", func(t *testing.T) {
		_, err := open().ExecContext(ctx, "CREATE VIRTUAL TABLE x USING nosuchmodule(a)")
		if err == nil || !strings.Contains(err.Error(), "no such module: nosuchmodule") {
			t.Errorf("err = %v, want no such module: nosuchmodule", err)
		}
		var n int
		err = open().QueryRowContext(ctx, "SELECT count(*) FROM nosuchtable").Scan(&n)
		if err == nil || !strings.Contains(err.Error(), "no such table: nosuchtable") {
			t.Errorf("err = %v, want no such table: nosuchtable", err)
		}
	})
}

// The integrity check of a new connection checks the FTS5 tables too:
// SQLite skips, silently, a virtual table whose module the connection
// does not have.
func TestExtensionsCheckedByIntegrityCheck(t *testing.T) {
	t.Parallel()
	open := extDB(t)
	ctx := context.Background()
	// Damage the index: its rows go, the table's content stays.
	if _, err := open().ExecContext(ctx, "DELETE FROM docs_data WHERE id > 10"); err != nil {
		t.Fatal(err)
	}
	problems, err := driver.Check(ctx, open(), false)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range problems {
		found = found || strings.Contains(p.Message, "docs")
	}
	if !found {
		t.Errorf("Check on a new connection reports %v, want the damaged FTS5 index of docs", problems)
	}
}

// A statement of the cache whose table another connection replaced by an
// FTS5 table is prepared again by SQLite at its first step: that works on
// a connection that never needed FTS5 before.
func TestExtensionsCachedStatementRePrepared(t *testing.T) {
	t.Parallel()
	dsn := "file:" + testdb.Path(t)
	a, b := testdb.Open(t, dsn), testdb.Open(t, dsn)
	a.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := b.ExecContext(ctx, "CREATE TABLE t(body TEXT); INSERT INTO t VALUES ('x')"); err != nil {
		t.Fatal(err)
	}
	const q = "SELECT count(*) FROM t"
	var n int
	if err := a.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%s: %d, %v", q, n, err)
	}
	if _, err := b.ExecContext(ctx, "DROP TABLE t; CREATE VIRTUAL TABLE t USING fts5(body); INSERT INTO t VALUES ('y'), ('z')"); err != nil {
		t.Fatal(err)
	}
	if err := a.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 2 {
		t.Errorf("%s after t became an FTS5 table: %d, %v; want 2", q, n, err)
	}
	if _, err := b.ExecContext(ctx, "DROP TABLE t; CREATE VIRTUAL TABLE t USING fts5(body)"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ExecContext(ctx, "INSERT INTO t VALUES ('w')"); err != nil {
		t.Errorf("insert after t was made again: %v", err)
	}
}

// ConnInit gets a connection with every extension registered.
func TestExtensionsInConnInit(t *testing.T) {
	t.Parallel()
	cfg, err := pragma.Parse("file:" + testdb.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	db, err := driver.Open(cfg, &driver.Options{ConnInit: func(c *sqlite3.Conn) error {
		return c.Exec("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(body); SELECT fts5_source_id()")
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		t.Errorf("ConnInit using FTS5: %v", err)
	}
}
