package vector_test

import (
	"strings"
	"testing"
)

// FuzzVec0 feeds arbitrary declarations to vec0's parser, arbitrary WHERE
// clauses (with the fuzzed values as parameters) to a table with every kind
// of column, and the values to INSERT and UPDATE: anything may fail,
// nothing may panic, and the table stays consistent.
func FuzzVec0(f *testing.F) {
	f.Add("v float[4]", "v MATCH ?1 AND k = ?2", []byte("[1,2,3,4]"), int64(3))
	f.Add("id text primary key, v int8[8] distance_metric=l1, +x blob, chunk_size=16", "rowid IN (1, ?2) AND v MATCH ?1 AND k = 2", []byte{1, 2, 3, 4, 5, 6, 7, 8}, int64(1))
	f.Add("p integer partition key, v bit[16], m boolean", "v MATCH vec_bit(?1) AND k = ?2 AND p = 1 AND m != 0", []byte{0xff, 0}, int64(4096))
	f.Add("\"q\"\"x\" float[2], `y` text, z float", "v MATCH ?1 ORDER BY distance LIMIT ?2", []byte("[0.5, -1]"), int64(-1))
	f.Add("v float[3] distance_metric=cosine distance_metric=l2", "m IN (1, 2, ?2) AND v MATCH ?1 AND k = 5 AND s > 'a'", []byte("[0,0,0]"), int64(0))
	f.Add("+", "k = ?2 AND v MATCH ?1 AND a = 'x'", []byte{}, int64(7))
	f.Add("v float[99999999999999999999]", "v MATCH ?1 AND k = ?2 AND p IN (1) AND m LIKE 'x'", []byte("[1]"), int64(1))
	f.Add("v float[4] indexed by flat(), p text partition key", "v MATCH ?1 AND k = 3 AND distance > ?2 AND p IS NULL AND rowid > 1", []byte("[1,0,0,1]"), int64(0))
	f.Add("v float[4] indexed by ivf(nlist=2)", "v MATCH ?1 AND k = 3 AND distance BETWEEN ?2 AND 1 AND rowid IN (2, 3) AND p IS NOT 2", []byte("[1,2,3,4]"), int64(0))

	c := openConn(f)
	if err := c.Exec(`CREATE VIRTUAL TABLE t USING vec0(
		p integer partition key, v float[4] distance_metric=cosine, m integer, s text, b boolean, +a text, chunk_size=8);
		INSERT INTO t(rowid, p, v, m, s, b, a) VALUES
			(1, 1, '[1,2,3,4]', 1, 'a', 0, 'x'), (2, 2, '[4,3,2,1]', 2, 'b', 1, 'y'), (3, 1, '[1,0,0,1]', 3, 'c', 1, NULL)`); err != nil {
		f.Fatal(err)
	}
	run := func(sql string, args ...any) {
		stmt, _, err := c.Prepare(sql)
		if err != nil {
			return
		}
		defer stmt.Close()
		// A query may use fewer parameters than args: the binds that fail
		// are of the trailing args, and the query runs without them.
		bindArgs(stmt, args)
		for stmt.Step() {
			for i := range stmt.ColumnCount() {
				stmt.ColumnRawBlob(i)
			}
		}
	}
	f.Fuzz(func(t *testing.T, decl, where string, a []byte, b int64) {
		if strings.ContainsRune(decl, ';') || strings.ContainsRune(where, ';') {
			return // one statement each
		}

		if err := c.Exec("CREATE VIRTUAL TABLE f USING vec0(" + decl + ")"); err == nil {
			run("INSERT INTO f VALUES (?2, ?1, ?1, ?2)", a, b)
			run("SELECT * FROM f WHERE "+where, a, b)
			if err := c.Exec("DROP TABLE f"); err != nil {
				t.Fatal(err)
			}
		}
		run("SELECT * FROM t WHERE "+where, a, b)
		run("SELECT * FROM t WHERE "+where, string(a), b)
		run("INSERT INTO t(rowid, p, v, m, s, b, a) VALUES (?2, ?2, ?1, ?2, ?1, ?2, ?1)", a, b)
		run("INSERT INTO t(rowid, p, v, m, s, b, a) VALUES (?2, ?2, ?1, ?2, ?1, ?2, ?1)", string(a), b)
		run("INSERT OR REPLACE INTO t(rowid, p, v, m, s, b, a) VALUES (?2, NULL, ?1, ?2, 'r', 1, ?1)", string(a), b)
		run("UPDATE t SET v = ?1, m = ?2 WHERE rowid = ?2", a, b)
		run("DELETE FROM t WHERE rowid = ?2 AND ?2 > 3", a, b)
		// Consistent: every row reads back, and each is its own nearest
		// neighbour.
		stmt, _, err := c.Prepare("SELECT rowid, v FROM t")
		if err != nil {
			t.Fatal(err)
		}
		defer stmt.Close()
		for stmt.Step() {
			id, v := stmt.ColumnInt64(0), stmt.ColumnBlob(1, nil)
			q, _, err := c.Prepare("SELECT rowid FROM t WHERE v MATCH ? AND k = 1 AND rowid = ?")
			if err != nil {
				t.Fatal(err)
			}
			q.BindBlob(1, v)
			q.BindInt64(2, id)
			if !q.Step() || q.ColumnInt64(0) != id {
				t.Fatalf("row %d is not found by its own vector: %v", id, q.Err())
			}
			q.Close()
		}
		if err := stmt.Err(); err != nil {
			t.Fatal(err)
		}
	})
}
