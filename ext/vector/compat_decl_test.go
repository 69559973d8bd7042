package vector_test

import (
	"strings"
	"testing"
)

// TestCompatConstructor is sqlite-vec's test_vec0_constructor,
// test_vec0_indexed_by_flat, the constructor limits of test-metadata.py and
// test-auxiliary.py, and test_vec0_drops: what CREATE VIRTUAL TABLE
// accepts and refuses.
func TestCompatConstructor(t *testing.T) {
	t.Parallel()
	cols := func(f string, n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.ReplaceAll(f, "#", string(rune('a'+i/10))+string(rune('0'+i%10))))
			b.WriteString(", ")
		}
		return b.String()
	}
	const ce = "vec0 constructor error: "
	runCompat(t, []compatStep{
		{sql: "create virtual table v using vec0(aaa float[0])", err: ce + "could not parse vector column 'aaa float[0]'"},
		{sql: "create virtual table v using vec0(aaa float[-1])", err: ce},
		{sql: "create virtual table v using vec0(aaa float[1], a int primary key, b int primary key)", err: ce + "more than one primary key"},
		{sql: "create virtual table v using vec0(" + cols("v# float[1]", 16) + "x float[1])", err: ce + "too many provided vector columns, maximum 16"},
		{sql: "create virtual table v using vec0(" + cols("m# integer", 17) + "v float[1])", err: ce + "more than 16 metadata columns"},
		{sql: "create virtual table v using vec0(" + cols("+a# integer", 17) + "v float[1])", err: ce + "more than 16 auxiliary columns"},
		{sql: "create virtual table v using vec0( )", err: ce + "at least one vector column is required"},
		{sql: "create virtual table v using vec0(a float[1], a float[1] )", err: ce + `duplicate column name "a"`},
		{sql: "create virtual table v using vec0(chunk_sizex=8)", err: ce + "unknown table option: chunk_sizex"},
		{sql: "create virtual table v using vec0(chunk_size=0)", err: ce + "chunk_size must be a non-zero positive integer"},
		{sql: "create virtual table v using vec0(chunk_size=7)", err: ce + "chunk_size must be divisible by 8"},
		{sql: "create virtual table v using vec0(chunk_size=)", err: ce + "could not parse table option 'chunk_size='"},
		{sql: "create virtual table v using vec0(chunk_size=8 x)", err: ce + "could not parse table option 'chunk_size=8 x'"},
		{sql: "create virtual table v using vec0(4)", err: ce + "could not parse '4'"},
		// indexed by flat() is the exact search vec0 does anyway.
		{sql: "create virtual table t_ibf using vec0(emb float[4] indexed by flat())"},
		{sql: "insert into t_ibf(rowid, emb) values (1, X'00000000000000000000000000000000')"},
		{sql: "select rowid from t_ibf where emb match X'00000000000000000000000000000000' and k = 1", rows: "1"},
		{sql: "create virtual table t_ibf2 using vec0(emb float[4] distance_metric=cosine indexed by flat())"},
		{sql: "create virtual table t_ibf3 using vec0(emb int8[4] indexed by flat())"},
		{sql: "create virtual table t_ibf4 using vec0(emb bit[8] indexed by flat())"},
		{sql: "create virtual table v using vec0(emb float[4] indexed by unknown())", err: ce + "could not parse vector column 'emb float[4] indexed by unknown()'"},
		{sql: "create virtual table v using vec0(emb float[4] indexed by)", err: ce + "could not parse vector column 'emb float[4] indexed by'"},
		{sql: "create virtual table v using vec0(emb float[4] indexed by rescore(quantizer=bit))", err: `index type "rescore" is not supported`},
		{sql: "create virtual table v using vec0(emb float[4] indexed by flat() indexed by flat())", err: "indexed by given twice"},
		// test-unit.c's test_vec0_parse_vector_column and
		// test_vec0_parse_partition_key_definition, through SQL.
		{sql: "create virtual table u1 using vec0(v f32[3], quantized int8[256], q i8[64], bvec bit[1024], col_name_2 float[10], emb float[128] distance_metric=L2)"},
		{sql: "create virtual table u2 using vec0(emb float, x float[2])"}, // emb is a float metadata column
		{sql: "insert into u2(emb, x) values (1.5, '[1, 2]')"},
		{sql: "select emb from u2 where x match '[1, 2]' and k = 1 and emb > 1", rows: "1.5"},
		{sql: "create virtual table u3 using vec0(USER_id int partition key, category text partition key, e float[2])"},
		{sql: "create virtual table v using vec0(v float[])", err: ce},
		{sql: "create virtual table v using vec0(emb double[128])", err: ce},
		{sql: "create virtual table v using vec0(v unknowntype[128])", err: ce},
		{sql: "create virtual table v using vec0(emb float[128] distance_metric=hamming)", err: ce},
		{sql: "create virtual table v using vec0(v float[128] distance_metric=foo)", err: ce},
		{sql: "create virtual table v using vec0(emb float[128] foobar=baz)", err: ce},
		{sql: "create virtual table v using vec0(emb bit[64] distance_metric=cosine)", err: ce},
		{sql: "create virtual table v using vec0(emb float[768] indexed by flat)", err: ce},
		{sql: "create virtual table v using vec0(emb float[768] indexed flat())", err: ce},
		{sql: "create virtual table v using vec0(document_id text partition keyy, e float[2])", err: ce},
		// DROP removes every shadow table.
		{sql: "create virtual table t1 using vec0(aaa float[4], bbb float[4], p int partition key, m text, +x text, chunk_size=8)"},
		{sql: "drop table t1"},
		{sql: "select name from sqlite_master where name like 't1%'", rows: ""},
	})
}
