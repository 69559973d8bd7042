package vector_test

import "testing"

// TestCompatRename is sqlite-vec's test-rename.py: ALTER TABLE RENAME
// renames the table and its shadow tables, and the renamed table works.
// The partition index kept its old name, so a new table of the old name
// with a partition key could not be created ("index already exists").
func TestCompatRename(t *testing.T) {
	t.Parallel()
	const tables = "select name from sqlite_master where name like ? escape '\\' order by 1"
	runCompat(t, []compatStep{
		{sql: "create virtual table v using vec0(a float[2], p int partition key, tag text, +name text, chunk_size=8)"},
		{sql: "insert into v(rowid, a, p, tag, name) values (1, '[0.1, 0.2]', 1, 'a', 'hello'), (2, '[0.3, 0.4]', 1, 'b', 'x')"},
		{sql: "alter table v rename to v2"},
		{sql: "select * from v", err: "no such table: v"},
		{sql: "select name, tbl_name from sqlite_master where type = 'index' and tbl_name like 'v%chunks'", rows: "sqlite_autoindex_v2_chunks_1|v2_chunks"},
		{sql: tables, args: []any{`v\_%`}, rows: ""},
		{sql: tables, args: []any{`v2\_%`}, rows: "v2_auxiliary\nv2_chunks\nv2_info\nv2_rowids\nv2_vectors00"},
		{sql: "select rowid, name, tag from v2 where a match '[0.1, 0.2]' and k = 10 and p = 1", rows: "1|hello|a\n2|x|b"},
		{sql: "insert into v2(rowid, a, p, tag, name) values (3, '[0.3, 0.4]', 2, 'c', 'y')"},
		{sql: "delete from v2 where rowid = 1"},
		{sql: "select rowid from v2 where a match '[0.3, 0.4]' and k = 10", rows: "2\n3"},
		{sql: "create virtual table v using vec0(a float[2], p int partition key)"},
		{sql: "insert into v(rowid, a, p) values (1, '[1, 1]', 1)"},
		{sql: "pragma integrity_check", rows: "ok"},
		{sql: "drop table v2"},
		{sql: tables, args: []any{`v2%`}, rows: ""},
		{sql: "select rowid from v where a match '[1, 1]' and k = 1 and p = 1", rows: "1"},
	})
}
