package vector_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestCompatJoins runs the queries of sqlite-vec's leak fixtures
// (tests/leak-fixtures): a KNN query per row of another table (the MATCH
// value comes from the outer loop), vec_each over json_each, and rowid IN
// without MATCH. Each query of the join must give what it gives alone.
func TestCompatJoins(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	execSQL(t, c, `create virtual table v using vec0(a float[1], chunk_size=8);
		insert into v select value, format('[%f]', value / 100.0) from generate_series(1, 100)`)

	joined := query(t, c, `with queries as (
			select rowid as query_id, json_array(value / 100.0) as value from generate_series(24, 39))
		select query_id, rowid, distance from queries, v where a match queries.value and k = 5`)
	if len(joined) != 16*5 {
		t.Fatalf("join: %d rows, want %d", len(joined), 16*5)
	}
	for i := range 16 {
		alone := query(t, c, "select rowid, distance from v where a match json_array(? / 100.0) and k = 5", int64(24+i))
		for j, r := range alone {
			got := joined[5*i+j]
			if render(got[1:]) != render(r) {
				t.Errorf("query %d row %d: join gives %s, alone %s", 24+i, j, render(got[1:]), render(r))
			}
		}
	}

	runCompat(t, []compatStep{
		{sql: "create virtual table v using vec0(a float[1], chunk_size=8)"},
		{sql: "insert into v select value, format('[%f]', value / 100.0) from generate_series(1, 100)"},
		{sql: "select rowid, vec_to_json(a) from v where a match '[.3]' and k = 2", rows: "30|[0.3]\n31|[0.31]"}, // 0.31f is nearer to 0.3f than 0.29f is
		{sql: "select rowid from v where a match '[.3]' and k = 0", rows: ""},
		{sql: "select rowid, vec_to_json(a) from v where a match '[2.0]' and k = 2 and rowid in (1, 2, 3, 4, 5)", rows: "5|[0.05]\n4|[0.04]"},
		{sql: "select rowid from v where rowid in (1, 2, 3, 4)", rows: "1\n2\n3\n4"},
		{sql: "select json_each.key, vec_each.rowid, vec_each.value from json_each('[[1,2,3,4],[1,2,3,4]]') join vec_each(json_each.value)",
			rows: rowsOf("0|%d|%d", 4) + "\n" + rowsOf("1|%d|%d", 4)},
		{sql: "create virtual table bad using vec0(y)", err: "vec0 constructor error"},
	})
}

// rowsOf renders n rows of format with i and i+1, i from 0.
func rowsOf(format string, n int) string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf(format, i, i+1)
	}
	return strings.Join(rows, "\n")
}
