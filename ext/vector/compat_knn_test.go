package vector_test

import "testing"

// TestCompatKNNDistanceConstraints is sqlite-vec's
// test-knn-distance-constraints.py: constraints on the distance column of
// a KNN query filter the candidates before the k nearest are chosen, so
// "distance > 5 AND k = 5" gives the 5 nearest rows beyond 5, not the
// rows beyond 5 among the 5 nearest (which were none).
func TestCompatKNNDistanceConstraints(t *testing.T) {
	t.Parallel()
	const knn = "select rowid, distance from v where embedding match ? and k = ? "
	runCompat(t, []compatStep{
		{sql: "create virtual table v using vec0(embedding float[1], is_odd boolean, chunk_size=8)"},
		{sql: "insert into v(rowid, is_odd, embedding) select value, value % 2, '[' || value || ']' from generate_series(1, 17)"},
		{sql: knn, args: []any{"[1]", 5}, rows: "1|0\n2|1\n3|2\n4|3\n5|4"},
		{sql: knn + "AND distance > 5", args: []any{"[1]", 5}, rows: "7|6\n8|7\n9|8\n10|9\n11|10"},
		{sql: knn + "AND distance >= 5", args: []any{"[1]", 5}, rows: "6|5\n7|6\n8|7\n9|8\n10|9"},
		{sql: knn + "AND distance < 3", args: []any{"[1]", 5}, rows: "1|0\n2|1\n3|2"},
		{sql: knn + "AND distance <= 3", args: []any{"[1]", 5}, rows: "1|0\n2|1\n3|2\n4|3"},
		{sql: knn + "AND distance > 7 AND distance <= 10", args: []any{"[1]", 5}, rows: "9|8\n10|9\n11|10"},
		{sql: knn + "AND distance BETWEEN 7 AND 10", args: []any{"[1]", 5}, rows: "8|7\n9|8\n10|9\n11|10"},
		{sql: knn + "AND is_odd == TRUE AND distance BETWEEN 7 AND 10", args: []any{"[1]", 5}, rows: "9|8\n11|10"},
		// Not in sqlite-vec's tests: LIMIT instead of k, a float bound,
		// a bound as a parameter, and rows read one by one (rowid IN).
		{sql: "select rowid, distance from v where embedding match '[1]' and distance > 5.5 order by distance limit 2", rows: "7|6\n8|7"},
		{sql: "select rowid from v where embedding match '[1]' and k = 3 and distance >= ?", args: []any{15}, rows: "16\n17"},
		{sql: "select rowid from v where embedding match '[1]' and k = 3 and distance > 2 and rowid in (1, 2, 3, 4, 5)", rows: "4\n5"},
		// SQL's NULL compares false; a text bound is an error, not
		// sqlite-vec's reading of it as a number.
		{sql: "select rowid from v where embedding match '[1]' and k = 3 and distance > ?", args: []any{nil}, rows: ""},
		{sql: "select rowid from v where embedding match '[1]' and k = 3 and distance > '5'", err: "distance"},
		// Equality is refused, as in sqlite-vec.
		{sql: "select rowid from v where embedding match '[1]' and k = 3 and distance = 5", err: "distance"},
	})
}

// TestKNNKeyRange: a range on the rowid or primary key of a KNN query
// chooses the rows the k nearest are taken from, like the constraints on
// metadata, partition keys and the distance. It was left to SQLite, which
// filtered the k rows after the search: "rowid > 5 AND k = 3" gave fewer
// than 3 rows, or none. (sqlite-vec does the same as we did; see doc.go.)
func TestKNNKeyRange(t *testing.T) {
	t.Parallel()
	runCompat(t, []compatStep{
		{sql: "create virtual table v using vec0(e float[1], chunk_size=8)"},
		{sql: "insert into v(rowid, e) select value, json_array(value) from generate_series(1, 20)"},
		{sql: "select rowid from v where e match '[0]' and k = 3 and rowid > 5", rows: "6\n7\n8"},
		{sql: "select rowid from v where e match '[0]' and k = 3 and rowid >= 5", rows: "5\n6\n7"},
		{sql: "select rowid from v where e match '[20]' and k = 3 and rowid < 15", rows: "14\n13\n12"},
		{sql: "select rowid from v where e match '[20]' and k = 3 and rowid <= 15", rows: "15\n14\n13"},
		{sql: "select rowid from v where e match '[1]' and k = 3 and rowid != 1", rows: "2\n3\n4"},
		{sql: "select rowid from v where e match '[1]' and k = 3 and rowid between 10 and 11", rows: "10\n11"},
		{sql: "select rowid from v where e match '[1]' and k = 3 and rowid > 5 and rowid in (1, 2, 7, 9)", rows: "7\n9"},
		{sql: "select rowid from v where e match '[1]' and k = 3 and rowid > ?", args: []any{nil}, rows: ""},
		{sql: "create virtual table p using vec0(id text primary key, e float[1], chunk_size=8)"},
		{sql: "insert into p(id, e) select 'doc' || value, json_array(value) from generate_series(1, 9)"},
		{sql: "select id from p where e match '[0]' and k = 2 and id > 'doc5'", rows: "doc6\ndoc7"},
		{sql: "select id from p where e match '[0]' and k = 2 and id != 'doc1'", rows: "doc2\ndoc3"},
	})
}

// TestKNNConstraintValues: a KNN query compares constraint values as SQL
// (and a full scan of the same table) does, without converting them to
// the column's type as sqlite-vec's KNN does ('abc' as 0, 999.5 as 999):
// a kept difference, see doc.go.
func TestKNNConstraintValues(t *testing.T) {
	t.Parallel()
	runCompat(t, []compatStep{
		{sql: "create virtual table m using vec0(v float[1], n int, b boolean)"},
		{sql: "insert into m(rowid, v, n, b) values (1, '[1]', 999, 1), (2, '[2]', 0, 0)"},
		{sql: "select rowid from m where v match '[0]' and k = 5 and n = 'abc'", rows: ""},
		{sql: "select rowid from m where n = 'abc'", rows: ""},
		{sql: "select rowid from m where v match '[0]' and k = 5 and n = '999'", rows: ""},
		{sql: "select rowid from m where n = '999'", rows: ""},
		{sql: "select rowid from m where v match '[0]' and k = 5 and n < 999.5", rows: "1\n2"},
		{sql: "select rowid from m where n < 999.5", rows: "1\n2"},
		{sql: "select rowid from m where v match '[0]' and k = 5 and b = 0.5", rows: ""},
		{sql: "select rowid from m where v match '[0]' and k = 5 and b = 1.0", rows: "1"},
	})
}

// TestKNNKValues: k is read as sqlite-vec reads it when the value is an
// integer in another type (5.0, '5': a driver binding numbers as REAL or
// TEXT), and refused, not read as 0 or truncated, when it is not.
func TestKNNKValues(t *testing.T) {
	t.Parallel()
	const q = "select count(*) from v where e match '[0]' and k = ?"
	runCompat(t, []compatStep{
		{sql: "create virtual table v using vec0(e float[1])"},
		{sql: "insert into v(rowid, e) select value, json_array(value) from generate_series(1, 10)"},
		{sql: q, args: []any{int64(5)}, rows: "5"},
		{sql: q, args: []any{5.0}, rows: "5"},
		{sql: q, args: []any{"5"}, rows: "5"},
		{sql: q, args: []any{" 7 "}, rows: "7"},
		{sql: q, args: []any{"5.0"}, rows: "5"},
		{sql: q, args: []any{2.5}, err: "k value in knn queries must be an integer, got FLOAT"},
		{sql: q, args: []any{"abc"}, err: "k value in knn queries must be an integer, got TEXT"},
		{sql: q, args: []any{nil}, err: "k value in knn queries must be an integer, got NULL"},
		{sql: q, args: []any{[]byte{5}}, err: "k value in knn queries must be an integer, got BLOB"},
		{sql: q, args: []any{-1.0}, err: "greater than or equal to 0"},
		{sql: q, args: []any{1e300}, err: "too large"},
	})
}
