package conformance_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"
)

// LastInsertId and RowsAffected, statement by statement on one
// connection. Where a row was inserted, every peer reports the same.
// Where rows changed but none was inserted (UPDATE, DELETE, an upsert
// that updated), LastInsertId is 0, as with ncruces; mattn and modernc
// report the rowid of the connection's last insert, a row of another
// statement. A statement that changed no row reports (0, 0) with
// sqlitekit; ncruces, mattn and modernc report the count of the last
// INSERT, UPDATE or DELETE of the connection again (sqlite3_changes is
// not reset by CREATE, SELECT, COMMIT...): a figure about another
// statement.
func TestResults(t *testing.T) {
	t.Parallel()
	db := open(t)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	path := filepath.Join(t.TempDir(), "copy.db")
	for _, tt := range []struct {
		query string
		args  []any
		want  result
	}{
		{"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER)", nil, result{0, 0}},
		{"INSERT INTO t(name, n) VALUES ('a', 1), ('b', 1)", nil, result{2, 2}},
		{"INSERT INTO t(id, name, n) VALUES (?, ?, ?)", []any{10, "c", 1}, result{10, 1}},
		{"CREATE TABLE u(x)", nil, result{0, 0}},
		{"SELECT * FROM t", nil, result{0, 0}},
		{"UPDATE t SET n = 2 WHERE id = 99", nil, result{0, 0}},
		{"UPDATE t SET n = n + 1", nil, result{0, 3}},
		{"INSERT INTO t(name, n) VALUES ('a', 1) ON CONFLICT(name) DO UPDATE SET n = n + 1", nil, result{0, 1}},
		{"INSERT INTO t(name, n) VALUES ('a', 1) ON CONFLICT DO NOTHING", nil, result{0, 0}},
		{"INSERT OR IGNORE INTO t(name, n) VALUES ('a', 1)", nil, result{0, 0}},
		{"INSERT INTO t(name, n) VALUES ('d', 1), ('e', 1) RETURNING id", nil, result{12, 2}},
		{"UPDATE t SET n = 0 WHERE name IN ('d', 'e') RETURNING id", nil, result{0, 2}},
		{"DELETE FROM t WHERE name = ?", []any{"e"}, result{0, 1}},
		{"SELECT 1; INSERT INTO u VALUES (1), (2) RETURNING x", nil, result{2, 2}},
		{"BEGIN", nil, result{0, 0}},
		{"INSERT INTO u VALUES (3)", nil, result{3, 1}},
		{"COMMIT", nil, result{0, 0}},
		{"PRAGMA user_version = 7", nil, result{0, 0}},
		{"VACUUM INTO ?", []any{path}, result{0, 0}},
	} {
		r, err := c.ExecContext(ctx, tt.query, tt.args...)
		if err != nil {
			t.Errorf("%s: %v", tt.query, err)
			continue
		}
		if got := resultOf(t, r); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.query, got, tt.want)
		}
	}
	if got := value(t, db, "SELECT count(*) FROM t"); got != int64(4) {
		t.Errorf("%v rows in t", got)
	}
}

// INSERT ... RETURNING through QueryRow gives the first row and commits
// every row (all peers); the rowid of each row through Query; a
// constraint violation arrives at Scan as an error of SQLite.
func TestReturning(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
	var id int64
	if err := db.QueryRow("INSERT INTO t(v) VALUES ('a'), ('b'), ('c') RETURNING id").Scan(&id); err != nil || id != 1 {
		t.Fatalf("QueryRow RETURNING: %d, %v", id, err)
	}
	if n := count(t, db, "t"); n != 3 {
		t.Errorf("%d rows after QueryRow of a RETURNING insert of 3", n)
	}

	rows, err := db.Query("INSERT INTO t(v) VALUES (?), (?) RETURNING id, v", "d", "e")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if want := []string{"d", "e"}; !cmp.Equal(got, want) {
		t.Errorf("RETURNING rows: %v", got)
	}

	err = db.QueryRow("INSERT INTO t(v) VALUES ('a') RETURNING id").Scan(&id)
	var serr *sqlite3.Error
	if !errors.As(err, &serr) || serr.ExtendedCode() != sqlite3.CONSTRAINT_UNIQUE {
		t.Errorf("RETURNING insert of a duplicate: %v", err)
	}
	if n := count(t, db, "t"); n != 5 {
		t.Errorf("%d rows, want 5", n)
	}
	// The failed statement left no transaction open: the pool writes on.
	mustExec(t, db, "INSERT INTO t(v) VALUES ('f')")
}

// Exec of a statement that returns rows runs it to the end, as with
// every peer: RETURNING, SELECT, PRAGMA.
func TestExecRunsToTheEnd(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
	mustExec(t, db, "INSERT INTO t(v) VALUES (1), (2), (3) RETURNING id")
	if got := resultOf(t, mustExec(t, db, "DELETE FROM t WHERE id > 1 RETURNING id")); got.N != 2 {
		t.Errorf("DELETE RETURNING: %+v", got)
	}
	if n := count(t, db, "t"); n != 1 {
		t.Errorf("%d rows", n)
	}
	mustExec(t, db, "PRAGMA user_version = 7")
	if v := value(t, db, "PRAGMA user_version"); v != int64(7) {
		t.Errorf("user_version %v", v)
	}
}
