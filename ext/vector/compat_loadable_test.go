package vector_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestCompatFunctions is the scalar function part of sqlite-vec's
// test-loadable.py. Where sqlite-vec returns NULL-argument errors we
// return NULL, and vec_to_json prints shortest forms (see doc.go).
func TestCompatFunctions(t *testing.T) {
	t.Parallel()
	runCompat(t, []compatStep{
		{sql: "select vec_bit(X'ff')", rows: "x'ff'"},
		{sql: "select subtype(vec_bit(X'FF')), subtype(vec_f32(X'00000000')), subtype(vec_int8(X'00'))", rows: "224|223|225"},
		{sql: "select vec_bit(X'')", err: "empty"},
		{sql: "select vec_bit('text')", err: "vec_bit"},
		{sql: "select vec_bit(1)", err: "vec_bit"},
		{sql: "select vec_bit(1.999)", err: "vec_bit"},
		{sql: "select vec_f32(X'00000000'), vec_f32('[0.0000]')", rows: "x'00000000'|x'00000000'"},
		{sql: "select vec_f32('[0]'), vec_f32('[1, -1, 10, -10]'), vec_f32('[-0, 0, .0001, -.0001]')",
			rows: "x'00000000'|x'0000803f000080bf00002041000020c1'|x'000000800000000017b7d13817b7d1b8'"},
		{sql: "select vec_f32(X'')", err: "empty"},
		{sql: "select vec_f32(1)", err: "got INTEGER"},
		{sql: "select vec_f32(1.2)", err: "got FLOAT"},
		{sql: "select vec_f32(X'6161616161')", err: "BLOB length 5 is not a multiple of 4"},
		{sql: "select vec_f32('1]')", err: "expected '['"},
		{sql: "select vec_f32('[')", err: "vec_f32"},
		{sql: "select vec_f32('[]')", err: "empty"},
		{sql: "select vec_f32('[1.2')", err: "vec_f32"},
		{sql: "select vec_int8(X'00'), vec_int8(X'000f'), vec_int8('[0]'), vec_int8('[1, 2, 3]')", rows: "x'00'|x'000f'|x'00'|x'010203'"},
		{sql: "select vec_distance_hamming(vec_bit(X'ff'), vec_bit(X'00')), vec_distance_hamming(vec_bit(X'ff'), vec_bit(X'01')), vec_distance_hamming(vec_bit(X'ab'), vec_bit(X'ab'))", rows: "8|7|0"},
		{sql: "select vec_distance_hamming(vec_f32('[1.0]'), vec_f32('[1.0]'))", err: "float32"},
		{sql: "select vec_distance_hamming(vec_int8(X'FF'), vec_int8(X'FF'))", err: "int8"},
		{sql: "select vec_distance_l1(vec_int8('[1, 2, 3]'), vec_int8('[-9, -8, -7]')), vec_distance_l1(vec_int8(X'7f80'), vec_int8(X'807f'))", rows: "30|510"},
		{sql: "select vec_distance_l1('[1.2, 0.1, 0.5, 0.9, 1.4, 4.5]', '[0.4, -0.4, 0.1, 0.1, 0.5, 0.9]')", rows: "7"},
		{sql: "select vec_distance_l2(vec_int8(X'8080808080808080'), vec_int8(X'7f7f7f7f7f7f7f7f'))", rows: "721.249"},
		{sql: "select vec_distance_l2('[1.2, 0.1]', '[0.4, -0.4]'), vec_distance_cosine('[1.2, 0.1]', '[0.4, -0.4]')", rows: "0.943398|0.354058"},
		{sql: "select vec_distance_cosine(vec_int8('[1, 2, 3]'), vec_int8('[-9, -8, -7]'))", rows: "1.88266"},
		{sql: "select vec_length(X'AABBCCDD'), vec_length(X'AABBCCDD01020304'), vec_length(zeroblob(4096))", rows: "1|2|1024"},
		{sql: "select vec_length(vec_int8(X'AABBCCDD')), vec_length(vec_bit(X'AABBCCDD01020304'))", rows: "4|64"},
		{sql: "select vec_length(X'')", err: "empty"},
		{sql: "select vec_length('[]')", err: "empty"},
		{sql: "select vec_length(?)", args: []any{f32Blob(1, float32NaN(), 3, 4)}, err: "NaN"},
		{sql: "select vec_length(?)", args: []any{f32Blob(1, float32Inf(1), 3, 4)}, err: "vec_length"},
		{sql: "select vec_normalize(?)", args: []any{f32Blob(1, 2, -1, -2)}, rows: "x'9be8a13e9be8213f9be8a1be9be821bf'"},
		{sql: "select vec_slice(?, 0, 3), vec_slice(?, 0, 1)", args: []any{f32Blob(1.1, 2.2, 3.3), f32Blob(1.1, 2.2, 3.3)}, rows: "x'cdcc8c3fcdcc0c4033335340'|x'cdcc8c3f'"},
		{sql: "select vec_slice(vec_int8(X'010203'), 0, 2), vec_slice(vec_bit(X'AABBCCDD'), 8, 24), vec_slice(vec_bit(X'AABBCCDD'), 0, 32)", rows: "x'0102'|x'bbcc'|x'aabbccdd'"},
		{sql: "select vec_slice(vec_bit(X'AABBCCDD'), 2, 32)", err: "multiples of 8"},
		{sql: "select vec_slice(vec_bit(X'AABBCCDD'), 0, 31)", err: "multiples of 8"},
		{sql: "select vec_slice(X'abababab', -1, 1)", err: "negative"},
		{sql: "select vec_slice(X'abababab', 0, -3)", err: "vec_slice"},
		{sql: "select vec_slice(X'abababab', 2, 3)", err: "vec_slice"},
		{sql: "select vec_slice(X'abababab', 0, 2)", err: "beyond"},
		{sql: "select vec_slice(X'abababab', 1, 0)", err: "vec_slice"},
		{sql: "select vec_slice(X'abababab', 0, 0)", err: "at least one element"},
		{sql: "select vec_type('[1]'), vec_type(X'aabbccdd'), vec_type(vec_f32('[1]')), vec_type(vec_int8('[1]')), vec_type(vec_bit(X'aa'))", rows: "float32|float32|float32|int8|bit"},
		{sql: "select vec_type(X'aa')", err: "malformed vector"},
		{sql: "select vec_add('[1]', '[2]'), vec_add('[.1]', '[.2]'), vec_add(vec_int8(X'01'), vec_int8(X'02'))", rows: "x'00004040'|x'9a99993e'|x'03'"},
		{sql: "select vec_add(vec_bit(X'ff'), vec_bit(X'ff'))", err: "bit vectors"},
		{sql: "select vec_add('[1]', vec_int8(X'02'))", err: "first vector is float32, second is int8"},
		{sql: "select vec_add(vec_int8(X'02'), '[1]')", err: "first vector is int8, second is float32"},
		{sql: "select vec_sub('[1]', '[2]'), vec_sub('[.1]', '[.2]'), vec_sub(vec_int8(X'0b'), vec_int8(X'02'))", rows: "x'000080bf'|x'cdccccbd'|x'09'"},
		{sql: "select vec_sub(vec_bit(X'ff'), vec_bit(X'ff'))", err: "bit vectors"},
		{sql: "select vec_to_json(X'00000000000080bf'), vec_to_json(vec_int8(X'04')), vec_to_json(vec_int8(X'04ff'))", rows: "[0,-1]|[4]|[4,-1]"},
		{sql: "select vec_to_json(vec_bit(X'ff')), vec_to_json(vec_bit(X'0f'))", rows: "[1,1,1,1,1,1,1,1]|[1,1,1,1,0,0,0,0]"},
		{sql: "select vec_quantize_binary('[-1, -1, -1, -1, 1, 1, 1, 1]')", rows: "x'f0'"},
		{sql: "select vec_quantize_binary(vec_bit(X'ff'))", err: "vec_quantize_binary"},
		// test_vec_each: rowids from 0.
		{sql: "select rowid, * from vec_each(vec_f32(?))", args: []any{f32Blob(1, 2, 3)}, rows: "0|1\n1|2\n2|3"},
		{sql: "select rowid, * from vec_each(vec_int8(X'01ff'))", rows: "0|1\n1|-1"},
	})
}

// TestCompatVec0 is the vec0 part of sqlite-vec's test-loadable.py
// (inserts, updates, point queries, text primary keys, KNN, distance
// metrics, small chunks) and test-auxiliary.py, less what inspects its
// storage or breaks it on purpose.
func TestCompatVec0(t *testing.T) {
	t.Parallel()
	q8 := "'[0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]'"
	var fill []string
	for i := range 24 {
		x := fmt.Sprintf("'[%[1]g, %[1]g, %[1]g, %[1]g, %[1]g, %[1]g, %[1]g, %[1]g]'", float64(i)*0.01)
		fill = append(fill, fmt.Sprintf("(%d, %s, vec_quantize_int8(%s, 'unit'), vec_quantize_binary(%s))", i, x, x, x))
	}
	runCompat(t, []compatStep{
		// test_vec0_inserts
		{sql: "create virtual table t using vec0(aaa float[128], bbb int8[128], ccc bit[128])"},
		{sql: "insert into t values (1, ?, vec_int8(?), vec_bit(?))", args: []any{
			f32Blob(repeatF32(0.0001, 128)...), []byte(strings.Repeat("\x04", 128)), []byte(strings.Repeat("\xff", 16))}},
		{sql: "select rowid, aaa = ?, bbb = ?, hex(ccc) from t", args: []any{f32Blob(repeatF32(0.0001, 128)...), []byte(strings.Repeat("\x04", 128))},
			rows: "1|1|1|" + strings.Repeat("FF", 16)},
		{sql: "create virtual table t1 using vec0(aaa float[4], chunk_size=8)"},
		{sql: "insert into t1 values (1, ?)", args: []any{nil}, err: `Inserted vector for the "aaa" column is invalid`},
		{sql: "insert into t1 values (1, vec_bit(?))", args: []any{[]byte{0xff, 0xff, 0xff, 0xff}}, err: `Inserted vector for the "aaa" column is expected to be of type float32, but a bit vector was provided`},
		{sql: "insert into t1 values (1, ?)", args: []any{"[1,2,3]"}, err: `Dimension mismatch for inserted vector for the "aaa" column. Expected 4 dimensions but received 3.`},
		{sql: "insert into t1(rowid, aaa, distance) values (1, '[1,2,3,4]', 1)", err: `value was provided for the hidden "distance" column`},
		{sql: "insert into t1(rowid, aaa, k) values (1, '[1,2,3,4]', 1)", err: `value was provided for the hidden "k" column`},
		{sql: "insert into t1 values (1, '[1,1,1,1]')"},
		{sql: "insert into t1 values (1, '[2,2,2,2]')", err: "UNIQUE constraint failed on t1 primary key"},
		{sql: "insert into t1 values (2, '[2,2,2,2]')"},
		{sql: "insert into t1(aaa) values ('[3,3,3,3]')"},
		{sql: "insert into t1 values (1.2, '[4,4,4,4]')", err: "only integers are allowed"},
		{sql: "select rowid, vec_to_json(aaa) from t1", rows: "1|[1,1,1,1]\n2|[2,2,2,2]\n3|[3,3,3,3]"},
		{sql: "create virtual table txt_pk using vec0(txt_id text primary key, aaa float[4])"},
		{sql: "insert into txt_pk(txt_id, aaa) values (1, '[1,2,3,4]')", err: "must be TEXT, got INTEGER"},
		{sql: "insert into txt_pk(txt_id, aaa) values ('a', '[1,2,3,4]')"},
		{sql: "insert into txt_pk(txt_id, aaa) values ('a', '[5,6,7,8]')", err: "UNIQUE constraint failed on txt_pk primary key"},
		{sql: "insert into txt_pk(txt_id, aaa) values ('b', '[2,2,2,2]')"},
		{sql: "select txt_id from txt_pk", rows: "a\nb"},

		// test_vec0_updates
		{sql: "create virtual table t3 using vec0(aaa float[8], bbb int8[8], ccc bit[8])"},
		{sql: `insert into t3 values
			(1, :x, vec_quantize_int8(:x, 'unit'), vec_quantize_binary(:x)),
			(2, :y, vec_quantize_int8(:y, 'unit'), vec_quantize_binary(:y)),
			(3, :z, vec_quantize_int8(:z, 'unit'), vec_quantize_binary(:z))`,
			args: []any{"[.1, .1, .1, .1, -.1, -.1, -.1, -.1]", "[-.2, .2, .2, .2, .2, .2, -.2, .2]", "[.3, .3, .3, .3, .3, .3, .3, .3]"}},
		{sql: "select rowid, vec_to_json(vec_int8(bbb)), hex(ccc) from t3", rows: "1|[12,12,12,12,-13,-13,-13,-13]|0F\n2|[-26,24,24,24,24,24,-26,24]|BE\n3|[37,37,37,37,37,37,37,37]|FF"},
		{sql: "update t3 set aaa = ? where rowid = 1", args: []any{"[.9,.9,.9,.9,.9,.9,.9,.9]"}},
		{sql: "select rowid, vec_to_json(aaa), vec_to_json(vec_int8(bbb)) from t3 where rowid = 1", rows: "1|[0.9,0.9,0.9,0.9,0.9,0.9,0.9,0.9]|[12,12,12,12,-13,-13,-13,-13]"},
		{sql: "update t3 set aaa = X'AB' where rowid = 1", err: `Updated vector for the "aaa" column is invalid: malformed vector: BLOB length 1 is not a multiple of 4`},
		{sql: "update t3 set aaa = vec_bit(X'AABBCCDD') where rowid = 1", err: `Updated vector for the "aaa" column is expected to be of type float32, but a bit vector was provided`},
		{sql: "update t3 set bbb = X'ABABABAB' where rowid = 1", err: `Updated vector for the "bbb" column is expected to be of type int8, but a float32 vector was provided`},
		{sql: "update t3 set aaa = NULL where rowid = 1", err: `Updated vector for the "aaa" column is invalid: NULL`},
		{sql: "update t3 set ccc = vec_bit(X'55') where rowid = 3"},
		{sql: "select hex(ccc) from t3 where rowid = 3", rows: "55"},
		{sql: "create virtual table t2 using vec0(a float[2], b float[2])"},
		{sql: "insert into t2(rowid, a, b) values (1, '[.1, .1]', '[.2, .2]')"},
		// The UPDATE fails as a whole: a is unchanged.
		{sql: "update t2 set a = '[.11, .11]', b = '[.22, .22, .22]' where rowid = 1", err: `Dimension mismatch for updated vector for the "b" column. Expected 2 dimensions but received 3.`},
		{sql: "select rowid, vec_to_json(a), vec_to_json(b) from t2", rows: "1|[0.1,0.1]|[0.2,0.2]"},

		// test_vec0_point
		{sql: "create virtual table tp using vec0(a float[1], b float[1])"},
		{sql: "insert into tp values (1, X'AABBCCDD', X'00112233'), (2, X'AABBCCDD', X'99887766')"},
		{sql: "select * from tp where rowid = 1", rows: "1|x'aabbccdd'|x'00112233'"},
		{sql: "select * from tp where rowid = 999", rows: ""},
		{sql: "create virtual table tp2 using vec0(id text primary key, a float[1], b float[1])"},
		{sql: "insert into tp2 values ('A', X'AABBCCDD', X'00112233'), ('B', X'AABBCCDD', X'99887766')"},
		{sql: "select * from tp2 where id = 'A'", rows: "A|x'aabbccdd'|x'00112233'"},
		{sql: "select * from tp2 where id = 'xxx'", rows: ""},

		// test_vec0_text_pk (sqlite-vec's test declares bbb float8[1]; see
		// doc.go on loose type names)
		{sql: "create virtual table tt using vec0(t_id text primary key, aaa float[1], bbb float[1], chunk_size=8)"},
		{sql: "select * from tt", rows: ""},
		{sql: "insert into tt values (1, X'AABBCCDD', X'AABBCCDD')", err: "must be TEXT"},
		{sql: "insert into tt values ('t_1', '[.1]', '[-.1]'), ('t_2', '[.2]', '[-.2]'), ('t_3', '[.3]', '[-.3]')"},
		{sql: "select t_id from tt", rows: "t_1\nt_2\nt_3"},
		{sql: "select t_id, printf('%.16g', distance) from tt where aaa match ? and k = 3", args: []any{"[.01]"},
			rows: "t_1|0.09000000357627869\nt_2|0.1899999976158142\nt_3|0.2900000214576721"},
		{sql: "select t_id, printf('%.16g', distance) from tt where aaa match ? and k = 3 and t_id in ('t_2', 't_3')", args: []any{"[.01]"},
			rows: "t_2|0.1899999976158142\nt_3|0.2900000214576721"},
		{sql: "delete from tt where t_id = 't_1'"},
		{sql: "update tt set aaa = '[999]' where t_id = 't_2'"},
		{sql: "select t_id, vec_to_json(aaa), vec_to_json(bbb) from tt", rows: "t_2|[999]|[-0.2]\nt_3|[0.3]|[-0.3]"},
		{sql: "update tt set t_id = 'xxx' where t_id = 't_2'", err: "not supported"},

		// test_vec0_best_index
		{sql: "create virtual table bi using vec0(aaa float[1], bbb float[1])"},
		{sql: "select * from bi where aaa match NULL and bbb match NULL", err: "only 1 MATCH operator is allowed in a single vec0 query"},
		{sql: "select * from bi where aaa match '[1]'", err: "A LIMIT or 'k = ?' constraint is required on vec0 knn queries."},

		// test_vec0_knn
		{sql: "create virtual table v using vec0(aaa float[8], bbb int8[8], ccc bit[8], chunk_size=8)"},
		{sql: "select * from v where aaa match NULL and k = 10", err: `Query vector for the "aaa" column is invalid`},
		{sql: "select * from v where aaa match vec_bit(X'AA') and k = 10", err: `Query vector for the "aaa" column is expected to be of type float32, but a bit vector was provided`},
		{sql: "select * from v where aaa match vec_f32('[.1]') and k = 10", err: `Dimension mismatch for query vector for the "aaa" column. Expected 8 dimensions but received 1.`},
		{sql: "select * from v where aaa match " + q8 + " and k = -1", err: "k value in knn queries must be greater than or equal to 0."},
		{sql: "select * from v where aaa match " + q8 + " and k = 0", rows: ""},
		{sql: "select * from v where aaa match " + q8 + " and k = 5", rows: ""},
		{sql: "insert into v values " + strings.Join(fill, ", ")},
		// Rows 0 and 2 tie exactly; sqlite-vec gives 2 first (its own
		// test says the order depends on its selection), we give rowid
		// order.
		{sql: "select rowid from v where aaa match " + q8 + " and k = 9", rows: "1\n0\n2\n3\n4\n5\n6\n7\n8"},
		{sql: "delete from v where rowid in (1, 0, 8, 9)"},
		{sql: "select rowid from v where aaa match " + q8 + " and k = 9", rows: "2\n3\n4\n5\n6\n7\n10\n11\n12"},

		// test_vec0_distance_metric
		{sql: "create virtual table v1 using vec0(a float[2])"},
		{sql: "create virtual table v2 using vec0(a float[2] distance_metric=l2)"},
		{sql: "create virtual table v3 using vec0(a float[2] distance_metric=l1)"},
		{sql: "create virtual table v4 using vec0(a float[2] distance_metric=cosine)"},
		{sql: "insert into v1(a) values ('[1, 2]'), ('[3, 4]'), ('[5, 6]')"},
		{sql: "insert into v2(a) select a from v1"},
		{sql: "insert into v3(a) select a from v1"},
		{sql: "insert into v4(a) select a from v1"},
		{sql: "select rowid, printf('%.16g', distance) from v1 where a match '[-1, -2]' and k = 3", rows: "1|4.4721360206604\n2|7.211102485656738\n3|10"},
		{sql: "select rowid, printf('%.16g', distance) from v2 where a match '[-1, -2]' and k = 3", rows: "1|4.4721360206604\n2|7.211102485656738\n3|10"},
		{sql: "select rowid, distance from v3 where a match '[-1, -2]' and k = 3", rows: "1|6\n2|10\n3|14"},
		{sql: "select rowid, printf('%.16g', distance) from v4 where a match '[-1, -2]' and k = 3", rows: "3|1.973417162895203\n2|1.983869910240173\n1|2"},

		// test-auxiliary.py
		{sql: "create virtual table ax using vec0(vector float[1], +aux_int integer, +aux_float float, +aux_text text, +aux_blob blob)"},
		{sql: "insert into ax(vector, aux_int, aux_float, aux_text, aux_blob) values (?, ?, ?, ?, ?)", args: []any{[]byte{0x11, 0x11, 0x11, 0x11}, 1, 1.22, "text", []byte("blob")}},
		{sql: "insert into ax(vector, aux_int, aux_float, aux_text, aux_blob) values (X'11111111', 'not int', 1.2, 'text', X'00')", err: "auxiliary column aux_int"},
		{sql: "insert into ax(vector, aux_int, aux_float, aux_text, aux_blob) values (X'11111111', 1, 'not float', 'text', X'00')", err: "auxiliary column aux_float"},
		{sql: "insert into ax(vector, aux_int, aux_float, aux_text, aux_blob) values (X'11111111', 1, 1.2, 1, X'00')", err: "auxiliary column aux_text"},
		{sql: "insert into ax(vector, aux_int, aux_float, aux_text, aux_blob) values (X'11111111', 1, 1.2, 'text', 1)", err: "auxiliary column aux_blob"},
		{sql: "insert into ax(vector, aux_int, aux_float, aux_text, aux_blob) values (X'11111111', NULL, NULL, NULL, NULL)"},
		{sql: "select * from ax", rows: "1|x'11111111'|1|1.22|text|x'626c6f62'\n2|x'11111111'|NULL|NULL|NULL|NULL"},
		{sql: "create virtual table an using vec0(vector float[1], +name text, chunk_size=8)"},
		{sql: "insert into an(vector, name) values ('[1]', 'alex'), ('[2]', 'brian'), ('[3]', 'craig')"},
		{sql: "update an set name = 'ALEX' where rowid = 1"},
		{sql: "delete from an where rowid = 2"},
		{sql: "select rowid, * from an", rows: "1|1|x'0000803f'|ALEX\n3|3|x'00004040'|craig"},
		{sql: "select *, distance from an where vector match '[5]' and k = 10", rows: "3|x'00004040'|craig|2\n1|x'0000803f'|ALEX|4"},
		{sql: "select *, distance from an where vector match '[5]' and k = 10 and name = 'alex'", err: "An illegal WHERE constraint was provided on a vec0 auxiliary column in a KNN query."},
	})
}

// TestCompatSmallChunks is test_vec0_stress_small_chunks: 1000 rows in
// chunks of 8, read in rowid order both ways and searched.
func TestCompatSmallChunks(t *testing.T) {
	t.Parallel()
	v := func(i int) string { return fmt.Sprintf("x'%x'", f32Blob(repeatF32(float32(float64(i)*0.1), 8)...)) }
	runCompat(t, []compatStep{
		{sql: "create virtual table vec_small using vec0(chunk_size=8, a float[8])"},
		{sql: "select rowid, * from vec_small", rows: ""},
		{sql: "insert into vec_small(a) select json_array(x, x, x, x, x, x, x, x) from (select value * 0.1 as x from generate_series(1, 1000))"},
		{sql: "select count(*) from vec_small", rows: "1000"},
		{sql: "select rowid, a from vec_small limit 2", rows: "1|" + v(1) + "\n2|" + v(2)},
		{sql: "select rowid, a from vec_small order by rowid desc limit 2", rows: "1000|" + v(1000) + "\n999|" + v(999)},
		// sqlite-vec's distances, its ties in rowid order (it lists 501
		// before 499, and 496 before 504).
		{sql: "select rowid, printf('%.16g', distance) from vec_small where a match ? and k = 9 order by distance", args: []any{f32Blob(repeatF32(50, 8)...)},
			rows: "500|0\n499|0.2828384041786194\n501|0.2828384041786194\n498|0.5656875967979431\n502|0.5656875967979431\n497|0.8485260009765625\n503|0.8485260009765625\n496|1.131375193595886\n504|1.131375193595886"},
	})
}

func repeatF32(x float32, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = x
	}
	return v
}
