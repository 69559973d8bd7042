package vector_test

import "testing"

// TestCompatPartitionKeys is sqlite-vec's test-partition-keys.py: at most 4
// partition keys, values of the declared type or NULL, no UPDATE of a
// partition key; and KNN queries within partitions.
func TestCompatPartitionKeys(t *testing.T) {
	t.Parallel()
	runCompat(t, []compatStep{
		{sql: "create virtual table x using vec0(p1 int partition key, p2 int partition key, p3 int partition key, p4 int partition key, p5 int partition key, v float[1])",
			err: "more than 4 partition key columns"},
		{sql: "create virtual table v using vec0(p1 int partition key, a float[1], chunk_size=8)"},
		{sql: "insert into v(p1, a) values (?, ?)", args: []any{"not int", []byte{0x11, 0x22, 0x33, 0x44}},
			err: "INTEGER partition key column p1, received TEXT"},
		{sql: "select count(*) from v", rows: "0"},
		// "but allow NULLs"
		{sql: "insert into v(rowid, p1, a) values (?, ?, ?)", args: []any{1, nil, []byte{0, 0, 0x80, 0x3f}}},
		{sql: "insert into v(rowid, p1, a) values (2, 100, '[2]'), (3, 200, '[3]'), (4, 100, '[4]'), (5, NULL, '[5]')"},
		{sql: "select rowid, p1, vec_to_json(a) from v", rows: "1|NULL|[1]\n2|100|[2]\n3|200|[3]\n4|100|[4]\n5|NULL|[5]"},
		{sql: "select rowid from v where p1 is null", rows: "1\n5"},
		// Rows of the NULL partition share chunks like any other.
		{sql: "select count(*) from v_chunks", rows: "3"},
		{sql: "select rowid, p1, distance from v where a match '[0]' and k = 3", rows: "1|NULL|1\n2|100|2\n3|200|3"},
		{sql: "select rowid from v where a match '[0]' and k = 5 and p1 = 100", rows: "2\n4"},
		{sql: "select rowid from v where a match '[0]' and k = 5 and p1 = NULL", rows: ""},
		{sql: "select rowid from v where a match '[0]' and k = 5 and p1 != 100", rows: "3"},
		{sql: "select rowid from v where a match '[0]' and k = 5 and p1 > 100", rows: "3"},
		{sql: "select rowid from v where a match '[0]' and k = 5 and p1 in (100, 200)", rows: "2\n3\n4"},
		// IS NULL and IS NOT NULL select partitions before the k nearest
		// are chosen; they were left to SQLite, which filtered the k
		// rows afterwards.
		{sql: "select rowid from v where a match '[0]' and k = 1 and p1 is null", rows: "1"},
		{sql: "select rowid from v where a match '[5]' and k = 1 and p1 is null", rows: "5"},
		{sql: "select rowid from v where a match '[0]' and k = 2 and p1 is not null", rows: "2\n3"},
		{sql: "select rowid from v where a match '[0]' and k = 2 and p1 is 100", rows: "2\n4"},
		{sql: "select rowid from v where a match '[0]' and k = 2 and p1 is not 100", rows: "1\n3"},
		// Other operators are refused rather than applied to the k rows.
		{sql: "select rowid from v where a match '[0]' and k = 2 and p1 like '1%'", err: "partition key"},
		{sql: "delete from v where rowid = 1"},
		{sql: "update v set a = '[9]' where rowid = 5"},
		{sql: "select rowid, p1, distance from v where a match '[0]' and k = 5 and p1 is null", rows: "5|NULL|9"},
		{sql: "update v set p1 = 300 where rowid = 2", err: "partition key"},
		{sql: "update v set p1 = 100 where rowid = 2"},
		{sql: "update v set p1 = NULL where rowid = 5"},
		{sql: "update v set p1 = 1 where rowid = 5", err: "partition key"},

		{sql: "create virtual table pt using vec0(p text partition key, a float[1], chunk_size=8)"},
		{sql: "insert into pt(rowid, p, a) values (1, 'a', X'11111111'), (2, 'a', X'22222222'), (3, 'a', X'33333333')"},
		{sql: "select rowid, p, a from pt", rows: "1|a|x'11111111'\n2|a|x'22222222'\n3|a|x'33333333'"},
		{sql: "update pt set p = ? where rowid = ?", args: []any{"new", 1}, err: "UPDATE on the partition key column p is not supported"},
		{sql: "insert into pt(rowid, p, a) values (4, 1, X'11111111')", err: "TEXT partition key column p, received INTEGER"},
	})
}
