package vector_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// query runs sql and returns all its rows as Go values.
func query(tb testing.TB, c *sqlite3.Conn, sql string, args ...any) [][]any {
	tb.Helper()
	rows, err := tryQuery(c, sql, args...)
	if err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return rows
}

func tryQuery(c *sqlite3.Conn, sql string, args ...any) ([][]any, error) {
	stmt, _, err := c.Prepare(sql)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	if err := bindArgs(stmt, args); err != nil {
		return nil, err
	}
	var out [][]any
	for stmt.Step() {
		row := make([]any, stmt.ColumnCount())
		for i := range row {
			row[i] = columnValue(stmt, i)
		}
		out = append(out, row)
	}
	return out, stmt.Err()
}

func execSQL(tb testing.TB, c *sqlite3.Conn, sql string) {
	tb.Helper()
	if err := c.Exec(sql); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// TestVec0KNNHeapFlat: a KNN query allocates the same in Go whatever the
// number of rows (the vectors are read in place from SQLite's memory, one
// chunk segment at a time), so the Go heap does not grow with the table.
func TestVec0KNNHeapFlat(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	c := openConn(t)
	r := rand.New(rand.NewPCG(5, 6))
	allocs := map[int]float64{}
	for _, rows := range []int{500, 8000} {
		table := fmt.Sprintf("t%d", rows)
		execSQL(t, c, "CREATE VIRTUAL TABLE "+table+" USING vec0(v float[64] distance_metric=cosine, m integer, chunk_size=64)")
		execSQL(t, c, "BEGIN")
		ins, _, err := c.Prepare("INSERT INTO " + table + "(rowid, v, m) VALUES (?, ?, ?)")
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			ins.BindInt(1, i+1)
			ins.BindBlob(2, vector.Encode(randVec(r, 64)))
			ins.BindInt(3, i%7)
			if err := ins.Exec(); err != nil {
				t.Fatal(err)
			}
		}
		ins.Close()
		execSQL(t, c, "COMMIT")
		q, _, err := c.Prepare("SELECT rowid, distance FROM " + table + " WHERE v MATCH ? AND k = 10")
		if err != nil {
			t.Fatal(err)
		}
		qv := vector.Encode(randVec(r, 64))
		allocs[rows] = testing.AllocsPerRun(20, func() {
			q.BindBlob(1, qv)
			n := 0
			for q.Step() {
				n++
			}
			if n != 10 || q.Err() != nil {
				t.Fatal(n, q.Err())
			}
			q.Reset()
		})
		q.Close()
	}
	t.Logf("allocations per KNN query: %v", allocs)
	if allocs[8000] > allocs[500]+2 {
		t.Errorf("a KNN query over 8000 rows allocates %v times, over 500 rows %v: allocations grow with rows", allocs[8000], allocs[500])
	}
}

// TestVec0RenameDrop: a renamed table keeps its rows and takes new ones;
// a dropped one leaves no shadow table behind.
func TestVec0RenameDrop(t *testing.T) {
	c := openConn(t)
	execSQL(t, c, `CREATE VIRTUAL TABLE t USING vec0(id text primary key, v float[2], m integer, +a text)`)
	execSQL(t, c, `INSERT INTO t VALUES ('x', '[1, 0]', 1, 'one')`)
	query(t, c, `SELECT id FROM t WHERE v MATCH '[1, 0]' AND k = 1`)
	execSQL(t, c, `ALTER TABLE t RENAME TO u`)
	execSQL(t, c, `INSERT INTO u VALUES ('y', '[0, 1]', 2, 'two')`)
	got := query(t, c, `SELECT id, a, distance FROM u WHERE v MATCH '[0, 1]' AND k = 2`)
	if render(got[0]) != "y|two|0" || render(got[1]) != "x|one|1.41421" {
		t.Fatalf("after RENAME: %v", got)
	}
	names := func() string {
		var s []string
		for _, r := range query(t, c, `SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name`) {
			s = append(s, r[0].(string))
		}
		return strings.Join(s, " ")
	}
	if got := names(); got != "u u_auxiliary u_chunks u_info u_rowids u_vectors00" {
		t.Fatalf("tables after RENAME: %s", got)
	}
	execSQL(t, c, `DROP TABLE u`)
	if got := names(); got != "" {
		t.Fatalf("tables after DROP: %s", got)
	}
}

// TestVec0MigrateFromBlobs runs the migration the package documentation
// shows, from a plain table of float32 BLOBs (some NULL), and checks that
// vec0's KNN finds what the plain table's ORDER BY finds.
func TestVec0MigrateFromBlobs(t *testing.T) {
	c := openConn(t)
	execSQL(t, c, `CREATE TABLE docs (id INTEGER PRIMARY KEY, embedding BLOB, lang TEXT)`)
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 300 {
		var emb any
		if i%10 != 3 {
			emb = vector.Encode(randVec(r, 24))
		}
		query(t, c, `INSERT INTO docs VALUES (?, ?, ?)`, i+1, emb, []string{"en", "fr"}[i%2])
	}
	execSQL(t, c, `CREATE VIRTUAL TABLE docs_vec USING vec0(
		embedding float[24] distance_metric=cosine, lang text);
		INSERT INTO docs_vec(rowid, embedding, lang)
		SELECT id, embedding, lang FROM docs WHERE embedding IS NOT NULL`)
	for range 5 {
		q := vector.Encode(randVec(r, 24))
		want := query(t, c, `SELECT id, vec_distance_cosine(embedding, ?1) AS d FROM docs
			WHERE embedding IS NOT NULL AND lang = 'en' ORDER BY d LIMIT 10`, q)
		got := query(t, c, `SELECT rowid, distance FROM docs_vec WHERE embedding MATCH ?1 AND k = 10 AND lang = 'en'`, q)
		if len(got) != len(want) {
			t.Fatalf("%d rows, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i][0] != want[i][0] || math.Abs(got[i][1].(float64)-want[i][1].(float64)) > 1e-6 {
				t.Fatalf("rank %d: %v, want %v", i, got[i], want[i])
			}
		}
	}
}

// TestVec0ForeignFormat: a table whose shadow tables are not sqlitekit's
// (as sqlite-vec's own would be) is refused with an error that says so.
func TestVec0ForeignFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "foreign.db")
	c := openFile(t, path)
	execSQL(t, c, `DELETE FROM items_info WHERE key = 'sqlitekit_vec0_format'`)
	c2 := openConnPath(t, path)
	_, err := tryQuery(c2, `SELECT count(*) FROM items`)
	if err == nil || !strings.Contains(err.Error(), "written by sqlite-vec (C)") {
		t.Fatalf("got %v, want an error naming sqlite-vec's format", err)
	}
}

// TestVec0KNNInAndOffset: IN on a partition key gives k rows in all (not
// k per value, as SQLite's one-value-at-a-time IN would), and OFFSET works
// with k = ?.
func TestVec0KNNInAndOffset(t *testing.T) {
	c := openConn(t)
	execSQL(t, c, `CREATE VIRTUAL TABLE t USING vec0(p integer partition key, v float[1], chunk_size=8)`)
	for i := range 30 {
		query(t, c, `INSERT INTO t(rowid, p, v) VALUES (?, ?, ?)`, i+1, i%3, fmt.Sprintf("[%d]", i))
	}
	ids := func(sql string) string {
		var s []string
		for _, r := range query(t, c, sql) {
			s = append(s, fmt.Sprint(r[0]))
		}
		return strings.Join(s, " ")
	}
	if got := ids(`SELECT rowid FROM t WHERE v MATCH '[0]' AND k = 4 AND p IN (1, 2)`); got != "2 3 5 6" {
		t.Errorf("k = 4 AND p IN (1, 2): %s, want 2 3 5 6", got)
	}
	if got := ids(`SELECT rowid FROM t WHERE v MATCH '[0]' AND p IN (0, 2) ORDER BY distance LIMIT 3`); got != "1 3 4" {
		t.Errorf("p IN (0, 2) LIMIT 3: %s, want 1 3 4", got)
	}
	// SQLite does not give the LIMIT to a virtual table when there is an
	// OFFSET: as in sqlite-vec, that is an error, and k = ? is the way.
	if _, err := tryQuery(c, `SELECT rowid FROM t WHERE v MATCH '[0]' ORDER BY distance LIMIT 3 OFFSET 2`); err == nil {
		t.Error("LIMIT 3 OFFSET 2 succeeded")
	}
	if got := ids(`SELECT rowid FROM t WHERE v MATCH '[0]' AND k = 5 LIMIT 3 OFFSET 2`); got != "3 4 5" {
		t.Errorf("k = 5 LIMIT 3 OFFSET 2: %s, want 3 4 5", got)
	}
	if got := ids(`SELECT rowid FROM t WHERE v MATCH '[0]' AND k = 3 AND p IN (SELECT 7)`); got != "" {
		t.Errorf("p IN an empty set: %s, want no rows", got)
	}
}

// TestVec0CorruptShadow: the shadow tables are ordinary tables a program
// can write to; whatever it writes, vec0 reports errors (SQLITE_CORRUPT_VTAB
// where it can tell) and never panics or reads out of bounds.
func TestVec0CorruptShadow(t *testing.T) {
	corruptions := []string{
		`UPDATE t_chunks SET slots = x'00'`,
		`UPDATE t_chunks SET slots = zeroblob(length(slots))`,
		`UPDATE t_chunks SET slots = randomblob(length(slots))`,
		`UPDATE t_rowids SET chunk_offset = 99999`,
		`UPDATE t_rowids SET chunk_offset = -1`,
		`UPDATE t_rowids SET chunk_id = 9223372036854775807`,
		`UPDATE t_rowids SET chunk_id = -5`,
		`UPDATE t_chunks SET chunk_id = 9223372036854775807 WHERE chunk_id = 1`,
		`UPDATE t_vectors00 SET vectors = x'0102'`,
		`UPDATE t_vectors00 SET rowid = rowid + 100000`,
		`DELETE FROM t_vectors00`,
		`DELETE FROM t_chunks`,
		`DELETE FROM t_rowids`,
		`DELETE FROM t_auxiliary`,
		`UPDATE t_rowids SET m00 = 'text'`,
	}
	ops := []string{
		`SELECT * FROM t`,
		`SELECT * FROM t WHERE rowid = 5`,
		`SELECT rowid, distance, m, a, v FROM t WHERE v MATCH '[1, 2]' AND k = 10`,
		`SELECT rowid, distance FROM t WHERE v MATCH '[1, 2]' AND k = 10 AND m = 1`,
		`SELECT rowid, distance FROM t WHERE v MATCH '[1, 2]' AND k = 10 AND rowid IN (1, 2, 3)`,
		`SELECT rowid, distance FROM t WHERE v MATCH '[1, 2]' AND k = 10 AND p = 1`,
		`SELECT rowid, distance FROM t WHERE v MATCH '[1, 2]' AND k = 10 AND p IS NULL`,
		`SELECT rowid, distance FROM t WHERE v MATCH '[1, 2]' AND k = 10 AND distance > 1`,
		`SELECT rowid, distance FROM t WHERE v MATCH '[1, 2]' AND k = 10 AND distance > 1 AND rowid IN (1, 2, 3)`,
		`SELECT rowid, distance FROM t WHERE v MATCH '[1, 2]' AND k = 10 AND rowid > 3`,
		`INSERT OR REPLACE INTO t(rowid, p, v, m, a) VALUES (5, 1, '[3, 4]', 1, 'x')`,
		`INSERT INTO t(rowid, p, v, m, a) VALUES (101, NULL, '[3, 4]', 1, 'x')`,
		`INSERT INTO t(rowid, p, v, m, a) VALUES (100, 1, '[3, 4]', 1, 'x')`,
		`INSERT INTO t(p, v, m, a) VALUES (2, '[3, 4]', 1, 'x')`,
		`UPDATE t SET v = '[5, 6]', m = 2, a = 'y' WHERE rowid = 3`,
		`DELETE FROM t WHERE rowid = 4`,
		`DELETE FROM t`,
	}
	for _, bad := range corruptions {
		c := openConn(t)
		execSQL(t, c, `CREATE VIRTUAL TABLE t USING vec0(p integer partition key, v float[2], m integer, +a text, chunk_size=8)`)
		for i := range 20 {
			query(t, c, `INSERT INTO t(rowid, p, v, m, a) VALUES (?, ?, ?, ?, 'aux')`, i+1, i%2, fmt.Sprintf("[%d, %d]", i, -i), i%3)
		}
		if got := query(t, c, "PRAGMA integrity_check"); len(got) != 1 || got[0][0] != "ok" {
			t.Fatalf("integrity_check before the damage: %v", got)
		}
		execSQL(t, c, bad)
		if got := query(t, c, "PRAGMA integrity_check"); len(got) != 1 || got[0][0] == "ok" {
			t.Errorf("%s: integrity_check: %v", bad, got)
		} else {
			t.Logf("%s: integrity_check: %v", bad, got[0][0])
		}
		corrupt := 0
		for _, op := range ops {
			_, err := tryQuery(c, op)
			if err != nil && errors.Is(err, sqlite3.CORRUPT_VTAB) {
				corrupt++
			}
			if err != nil && testing.Verbose() {
				t.Logf("  %s: %v", op, err)
			}
		}
		t.Logf("%s: %d operations reported corruption", bad, corrupt)
	}
}
