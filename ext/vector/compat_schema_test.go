package vector_test

import "testing"

// TestVec0InSchema: triggers and views may use vec0 and vec_each, as they
// may with sqlite-vec on a stock SQLite. This SQLite is built with
// SQLITE_TRUSTED_SCHEMA=0, where a virtual table the schema uses must be
// declared innocuous: a trigger that kept a vec0 table in sync (what
// doc.go recommends) failed with "unsafe use of virtual table".
func TestVec0InSchema(t *testing.T) {
	t.Parallel()
	runCompat(t, []compatStep{
		{sql: "create table docs(id integer primary key, e)"},
		{sql: "create virtual table docs_vec using vec0(e float[2])"},
		{sql: `create trigger docs_ins after insert on docs begin
			insert into docs_vec(rowid, e) values (new.id, new.e); end`},
		{sql: `create trigger docs_del after delete on docs begin
			delete from docs_vec where rowid = old.id; end`},
		{sql: "create view nearest as select rowid, distance from docs_vec where e match '[1, 0]' and k = 2"},
		{sql: "create view elements as select value from vec_each('[1, 2]')"},
		{sql: "insert into docs values (1, '[1, 0]'), (2, '[0, 1]'), (3, '[1, 1]')"},
		{sql: "delete from docs where id = 2"},
		{sql: "select rowid, distance from nearest", rows: "1|0\n3|1"},
		{sql: "select value from elements", rows: "1\n2"},
	})
}
