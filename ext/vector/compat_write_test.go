package vector_test

import "testing"

// TestCompatInsertDelete is sqlite-vec's test-insert-delete.py, less what
// inspects its storage format (ours differs; see doc.go).
func TestCompatInsertDelete(t *testing.T) {
	t.Parallel()
	runCompat(t, []compatStep{
		{sql: "create virtual table v using vec0(emb float[4], chunk_size=8)"},
		{sql: "insert into v(emb) values ('[1, 0, 0, 0]'), ('[0, 1, 0, 0]'), ('[0, 0, 1, 0]')"},
		{sql: "select rowid, vec_to_json(emb) from v order by rowid", rows: "1|[1,0,0,0]\n2|[0,1,0,0]\n3|[0,0,1,0]"},
		{sql: "delete from v where rowid = 2"},
		{sql: "select rowid from v order by rowid", rows: "1\n3"},
		{sql: "insert into v(rowid, emb) values (4, '[0, 0, 0, 1]')"},
		{sql: "select vec_to_json(emb) from v where rowid = 4", rows: "[0,0,0,1]"},
		{sql: "insert into v(rowid, emb) values (1, ?)", args: []any{f32Blob(1, 2, 3)}, err: "Expected 4 dimensions but received 3"},
		{sql: "insert into v(rowid, emb) values (1, ?)", args: []any{f32Blob(1, 2, 3, 4, 5)}, err: "Expected 4 dimensions but received 5"},
		{sql: "insert into v(rowid, emb) values (9, vec_int8(?))", args: []any{[]byte{1, 2, 3, 4}}, err: "expected to be of type float32, but a int8 vector was provided"},
		// Delete every row: the chunk goes, and inserts still work.
		{sql: "delete from v"},
		{sql: "select count(*) from v", rows: "0"},
		{sql: "insert into v(rowid, emb) select value, json_array(value, value, value, value) from generate_series(1, 16)"},
		{sql: "delete from v where rowid <= 8"},
		{sql: "select rowid, vec_to_json(emb) from v where rowid in (9, 16)", rows: "9|[9,9,9,9]\n16|[16,16,16,16]"},
		{sql: "select rowid, distance from v where emb match '[1, 1, 1, 1]' and k = 2", rows: "9|16\n10|18"},
		{sql: "insert into v(rowid, emb) values (1, '[1, 1, 1, 1]')"},
		{sql: "delete from v where rowid = 1"},
		{sql: "insert into v(rowid, emb) values (2, '[2, 2, 2, 2]')"},
		{sql: "select rowid from v where emb match '[2, 2, 2, 2]' and k = 1", rows: "2"},

		// INSERT OR REPLACE (sqlite-vec's test_insert_or_replace_*).
		{sql: "create virtual table r using vec0(emb float[4], +label text, chunk_size=8)"},
		{sql: "insert or replace into r(rowid, emb, label) values (1, '[1, 2, 3, 4]', 'new row')"},
		{sql: "select rowid, vec_to_json(emb), label from r", rows: "1|[1,2,3,4]|new row"},
		{sql: "insert or replace into r(rowid, emb, label) values (1, '[10, 20, 30, 40]', 'replaced')"},
		{sql: "select rowid, vec_to_json(emb), label from r", rows: "1|[10,20,30,40]|replaced"},
		{sql: "insert into r(rowid, emb) values (1, '[5, 5, 5, 5]')", err: "UNIQUE constraint failed on r primary key"},
		{sql: "insert into r(rowid, emb, label) values (2, '[0, 1, 0, 0]', 'two')"},
		{sql: "insert or replace into r(rowid, emb) values (1, '[0, 0.9, 0, 0]')"},
		{sql: "select rowid, label, distance from r where emb match '[0, 1, 0, 0]' and k = 2", rows: "2|two|0\n1|NULL|0.1"},
		// A bad replacement leaves the old row.
		{sql: "insert or replace into r(rowid, emb) values (1, '[1, 2]')", err: "Expected 4 dimensions but received 2"},
		{sql: "select rowid, vec_to_json(emb) from r order by rowid", rows: "1|[0,0.9,0,0]\n2|[0,1,0,0]"},
		{sql: "create virtual table tp using vec0(id text primary key, emb float[4], chunk_size=8)"},
		{sql: "insert into tp(id, emb) values ('doc_a', '[1, 2, 3, 4]')"},
		{sql: "insert or replace into tp(id, emb) values ('doc_a', '[10, 20, 30, 40]')"},
		{sql: "select id, vec_to_json(emb) from tp", rows: "doc_a|[10,20,30,40]"},
		{sql: "insert into tp(id, emb) values ('doc_a', '[1, 2, 3, 4]')", err: "UNIQUE constraint failed on tp primary key"},

		// Deletes with metadata, auxiliary, partition, int8 and bit columns.
		{sql: "create virtual table m using vec0(emb float[4], m_bool boolean, m_int integer, m_float float, m_text text, +aux text, chunk_size=8)"},
		{sql: "insert into m(rowid, emb, m_bool, m_int, m_float, m_text, aux) select value, json_array(value, value, value, value), value % 2, value * 10, value / 2.0, 'text_' || value, 'aux_' || value from generate_series(1, 9)"},
		{sql: "delete from m where m_text = 'text_3'"},
		{sql: "select rowid, m_int, aux from m where emb match '[3, 3, 3, 3]' and k = 2", rows: "2|20|aux_2\n4|40|aux_4"},
		{sql: "delete from m where rowid <= 8"},
		{sql: "select rowid, m_bool, m_int, m_float, m_text, aux from m", rows: "9|1|90|4.5|text_9|aux_9"},
		{sql: "create virtual table p using vec0(part text partition key, emb float[4], chunk_size=8)"},
		{sql: "insert into p(rowid, part, emb) select value, iif(value <= 8, 'A', 'B'), json_array(value, value, value, value) from generate_series(1, 16)"},
		{sql: "delete from p where part = 'A'"},
		{sql: "insert into p(rowid, part, emb) values (100, 'A', '[99, 99, 99, 99]')"},
		{sql: "select rowid, part from p where emb match '[0, 0, 0, 0]' and k = 2 and part = 'A'", rows: "100|A"},
		{sql: "select count(*) from p where part = 'B'", rows: "8"},
		{sql: "create virtual table i8 using vec0(emb int8[4], chunk_size=8)"},
		{sql: "insert into i8(rowid, emb) values (1, vec_int8(X'01020304')), (2, vec_int8(X'05060708'))"},
		{sql: "delete from i8 where rowid = 1"},
		{sql: "select rowid, emb from i8", rows: "2|x'05060708'"},
		{sql: "create virtual table b using vec0(emb bit[8], chunk_size=8)"},
		{sql: "insert into b(rowid, emb) values (1, vec_bit(X'FF')), (2, vec_bit(X'AA'))"},
		{sql: "delete from b where rowid = 1"},
		{sql: "select rowid, emb, distance from b where emb match vec_bit(X'00') and k = 2", rows: "2|x'aa'|4"},
	})
}
