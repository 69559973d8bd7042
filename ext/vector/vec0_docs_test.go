package vector_test

import (
	"fmt"
	"strings"
	"testing"
)

// vec0Golden are statements in the style of sqlite-vec's documentation
// and tests (its vec0, KNN, metadata, partition key and auxiliary column
// examples, text metadata short and long, the metadata types, several
// vector columns, and errors), with the rows sqlite-vec v0.1.6 (C, through
// mattn) returned for them, or whether it failed. Floats are rendered with 6 significant
// digits, BLOBs as x'hex'.
var vec0Golden = []struct {
	sql   string
	fails bool
	rows  []string
}{
	{"create virtual table vec_examples using vec0(sample_embedding float[8])", false, nil},
	{"insert into vec_examples(rowid, sample_embedding) values\n    (1, '[-0.200, 0.250, 0.341, -0.211, 0.645, 0.935, -0.316, -0.924]'),\n    (2, '[0.443, -0.501, 0.355, -0.771, 0.707, -0.708, -0.185, 0.362]'),\n    (3, '[0.716, -0.927, 0.134, 0.052, -0.669, 0.793, -0.634, -0.162]'),\n    (4, '[-0.710, 0.330, 0.656, 0.041, -0.990, 0.726, 0.385, -0.958]')", false, nil},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825, 0.961, 0.358, 0.0196, 0.521, 0.175]' order by distance limit 2", false, []string{"2|2.38687", "1|2.38979"}},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825, 0.961, 0.358, 0.0196, 0.521, 0.175]' and k = 3", false, []string{"2|2.38687", "1|2.38979", "3|2.56873"}},
	{"select * from vec_examples", false, []string{"1|x'cdcc4cbe0000803e8d97ae3e621058beb81e253f295c6f3fc1caa1be448b6cbf'", "2|x'e5d0e23e894100bf8fc2b53e426045bff4fd343f7d3f35bfa4703dbe1058b93e'", "3|x'c74b373fdf4f6dbf4c37093ef4fd543d96432bbf0c024b3fd34d22bf54e325be'", "4|x'8fc235bfc3f5a83e9eef273f9eef273da4707dbf23db393fb81ec53e7d3f75bf'"}},
	{"select rowid, hex(sample_embedding) from vec_examples where rowid = 3", false, []string{"3|C74B373FDF4F6DBF4C37093EF4FD543D96432BBF0C024B3FD34D22BF54E325BE"}},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825, 0.961, 0.358, 0.0196, 0.521, 0.175]' and k = 3 and rowid in (1, 4)", false, []string{"1|2.38979", "4|2.6644"}},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825]' and k = 3", true, nil},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825, 0.961, 0.358, 0.0196, 0.521, 0.175]'", true, nil},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825, 0.961, 0.358, 0.0196, 0.521, 0.175]' and k = -1", true, nil},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825, 0.961, 0.358, 0.0196, 0.521, 0.175]' and k = 5000", true, nil},
	{"select rowid, distance from vec_examples where sample_embedding match '[0.890, 0.544, 0.825, 0.961, 0.358, 0.0196, 0.521, 0.175]' and k = 0", false, nil},
	{"insert into vec_examples(rowid, sample_embedding) values (5, '[1,2,3]')", true, nil},
	{"insert into vec_examples(rowid, sample_embedding) values (1, '[1,2,3,4,5,6,7,8]')", true, nil},
	{"insert into vec_examples(sample_embedding) values ('[1,2,3,4,5,6,7,8]')", false, nil},
	{"select rowid from vec_examples", false, []string{"1", "2", "3", "4", "5"}},
	{"delete from vec_examples where rowid = 2", false, nil},
	{"update vec_examples set sample_embedding = '[1,1,1,1,1,1,1,1]' where rowid = 3", false, nil},
	{"select rowid, hex(sample_embedding) from vec_examples", false, []string{"1|CDCC4CBE0000803E8D97AE3E621058BEB81E253F295C6F3FC1CAA1BE448B6CBF", "3|0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F", "4|8FC235BFC3F5A83E9EEF273F9EEF273DA4707DBF23DB393FB81EC53E7D3F75BF", "5|0000803F0000004000004040000080400000A0400000C0400000E04000000041"}},
	{"select rowid, distance from vec_examples where sample_embedding match vec_int8('[1,2,3,4,5,6,7,8]') and k = 2", true, nil},
	{"create virtual table bad1 using vec0(a float[0])", true, nil},
	{"create virtual table bad2 using vec0(a float[4], chunk_size=7)", true, nil},
	{"create virtual table bad3 using vec0(a int)", true, nil},
	{"create virtual table bad4 using vec0(a float[4] distance_metric=hamming)", true, nil},
	{"create virtual table vec_movies using vec0(\n  movie_id integer primary key,\n  synopsis_embedding float[4],\n  genre text,\n  num_reviews int,\n  mean_rating float,\n  contains_violence boolean\n)", false, nil},
	{"insert into vec_movies(movie_id, synopsis_embedding, genre, num_reviews, mean_rating, contains_violence) values\n (1, '[0.1, 0.2, 0.3, 0.4]', 'scifi', 120, 4.1, 0),\n (2, '[0.2, 0.1, 0.3, 0.4]', 'scifi', 400, 3.6, 1),\n (3, '[0.9, 0.2, 0.3, 0.4]', 'drama', 200, 4.5, 0),\n (4, '[0.1, 0.9, 0.3, 0.4]', 'scifi', 300, 3.9, 0),\n (5, '[0.1, 0.2, 0.9, 0.4]', 'horror', 50, 2.1, 1),\n (6, '[0.1, 0.2, 0.3, 0.9]', 'scifi', 600, 4.8, 0)", false, nil},
	{"select * from vec_movies where synopsis_embedding match '[0.1, 0.2, 0.3, 0.4]' and k = 5 and genre = 'scifi' and num_reviews between 100 and 500 and mean_rating > 3.5 and contains_violence = false", false, []string{"1|x'cdcccc3dcdcc4c3e9a99993ecdcccc3e'|scifi|120|4.1|0", "4|x'cdcccc3d6666663f9a99993ecdcccc3e'|scifi|300|3.9|0"}},
	{"select movie_id, distance from vec_movies where synopsis_embedding match '[0.1, 0.2, 0.3, 0.4]' and k = 3 and genre in ('drama', 'horror')", false, []string{"5|0.6", "3|0.8"}},
	{"select movie_id, distance from vec_movies where synopsis_embedding match '[0.1, 0.2, 0.3, 0.4]' and k = 3 and genre != 'scifi'", false, []string{"5|0.6", "3|0.8"}},
	{"select movie_id, distance from vec_movies where synopsis_embedding match '[0.1, 0.2, 0.3, 0.4]' and k = 3 and contains_violence > 0", true, nil},
	{"select movie_id, distance from vec_movies where synopsis_embedding match '[0.1, 0.2, 0.3, 0.4]' and k = 3 and genre like 's%'", true, nil},
	{"select movie_id, distance from vec_movies where synopsis_embedding match '[0.1, 0.2, 0.3, 0.4]' and k = 3 and mean_rating in (4.1, 3.6)", true, nil},
	{"insert into vec_movies(movie_id, synopsis_embedding, genre, num_reviews, mean_rating, contains_violence) values (7, '[0.1, 0.2, 0.3, 0.4]', 'scifi', 'many', 4.1, 0)", true, nil},
	{"insert into vec_movies(movie_id, synopsis_embedding, genre, num_reviews, mean_rating, contains_violence) values (7, '[0.1, 0.2, 0.3, 0.4]', 'scifi', 1, 4, 0)", true, nil},
	{"insert into vec_movies(movie_id, synopsis_embedding, genre, num_reviews, mean_rating, contains_violence) values (7, '[0.1, 0.2, 0.3, 0.4]', 'scifi', 1, 4.0, 2)", true, nil},
	{"insert into vec_movies(movie_id, synopsis_embedding, genre, num_reviews, mean_rating, contains_violence) values (7, '[0.1, 0.2, 0.3, 0.4]', NULL, 1, 4.0, 1)", true, nil},
	{"update vec_movies set genre = 'comedy', mean_rating = 1.5 where movie_id = 1", false, nil},
	{"select * from vec_movies where movie_id = 1", false, []string{"1|x'cdcccc3dcdcc4c3e9a99993ecdcccc3e'|comedy|120|1.5|0"}},
	{"create virtual table vec_documents using vec0(\n  document_id integer primary key,\n  user_id integer partition key,\n  contents_embedding float[4] distance_metric=cosine\n)", false, nil},
	{"insert into vec_documents values (1, 123, '[1,0,0,0]'), (2, 123, '[0,1,0,0]'), (3, 456, '[1,0.1,0,0]'), (4, 123, '[1,1,0,0]')", false, nil},
	{"select document_id, user_id, distance from vec_documents where contents_embedding match '[1,0,0,0]' and k = 20 and user_id = 123", false, []string{"1|123|0", "4|123|0.292893", "2|123|1"}},
	{"select document_id, user_id, distance from vec_documents where contents_embedding match '[1,0,0,0]' and k = 20 and user_id > 200", false, []string{"3|456|0.00496281"}},
	{"select * from vec_documents order by document_id", false, []string{"1|123|x'0000803f000000000000000000000000'", "2|123|x'000000000000803f0000000000000000'", "3|456|x'0000803fcdcccc3d0000000000000000'", "4|123|x'0000803f0000803f0000000000000000'"}},
	{"update vec_documents set user_id = 456 where document_id = 1", true, nil},
	{"create virtual table vec_chunks using vec0(\n  contents_embedding float[4],\n  +contents text\n)", false, nil},
	{"insert into vec_chunks(rowid, contents_embedding, contents) values (1, '[1,2,3,4]', 'alpha'), (2, '[4,3,2,1]', 'beta')", false, nil},
	{"select rowid, contents, distance from vec_chunks where contents_embedding match '[1,2,3,4]' and k = 10", false, []string{"1|alpha|0", "2|beta|4.47214"}},
	{"select rowid, contents, distance from vec_chunks where contents_embedding match '[1,2,3,4]' and k = 10 and contents = 'alpha'", true, nil},
	{"select * from vec_chunks", false, []string{"1|x'0000803f000000400000404000008040'|alpha", "2|x'0000804000004040000000400000803f'|beta"}},
	{"update vec_chunks set contents = 'gamma' where rowid = 2", false, nil},
	{"select * from vec_chunks where rowid = 2", false, []string{"2|x'0000804000004040000000400000803f'|gamma"}},
	{"create virtual table t_text using vec0(user_id text primary key, e float[2])", false, nil},
	{"insert into t_text values ('a', '[1,1]'), ('b', '[2,2]')", false, nil},
	{"insert into t_text values ('a', '[1,1]')", true, nil},
	{"select * from t_text where e match '[0,0]' and k = 5", false, []string{"a|x'0000803f0000803f'", "b|x'0000004000000040'"}},
	{"select * from t_text where user_id = 'b'", false, []string{"b|x'0000004000000040'"}},
	{"select user_id, distance from t_text where e match '[0,0]' and k = 5 and user_id in ('b')", false, []string{"b|2.82843"}},
	{"delete from t_text where user_id = 'a'", false, nil},
	{"select * from t_text", false, []string{"b|x'0000004000000040'"}},
	{"create virtual table t_i8 using vec0(e int8[4] distance_metric=cosine)", false, nil},
	{"insert into t_i8(rowid, e) values (1, vec_int8('[1,2,3,4]')), (2, vec_int8('[-1,2,-3,4]'))", false, nil},
	{"select rowid, distance, vec_to_json(vec_int8(e)) from t_i8 where e match vec_int8('[1,1,1,1]') and k = 2", false, []string{"1|0.0871291|[1,2,3,4]", "2|0.817426|[-1,2,-3,4]"}},
	{"create virtual table t_i8l2 using vec0(e int8[4])", false, nil},
	{"insert into t_i8l2(rowid, e) values (1, vec_int8('[1,2,3,4]')), (2, vec_int8('[-1,2,-3,4]'))", false, nil},
	{"select rowid, distance from t_i8l2 where e match vec_int8('[1,1,1,1]') and k = 2", false, []string{"1|3.74166", "2|5.47723"}},
	{"create virtual table t_bit using vec0(e bit[16])", false, nil},
	{"insert into t_bit(rowid, e) values (1, vec_bit(x'ff00')), (2, vec_bit(x'0f07'))", false, nil},
	{"select rowid, distance from t_bit where e match vec_bit(x'0000') and k = 2", false, []string{"2|7", "1|8"}},
	{"create virtual table t_l1 using vec0(e float[2] distance_metric=l1)", false, nil},
	{"insert into t_l1(rowid, e) values (1, '[1,1]'), (2, '[3,-1]')", false, nil},
	{"select rowid, distance from t_l1 where e match '[0,0]' and k = 2", false, []string{"1|2", "2|4"}},
	{"select rowid, value from vec_each('[1,2,3,4]')", false, []string{"0|1", "1|2", "2|3", "3|4"}},
	{"select rowid, value from vec_each(X'AABBCCDD00112233')", false, []string{"0|-1.84407e+18", "1|3.7734e-08"}},
	{"select rowid, value from vec_each(vec_int8(X'AABBCCDD'))", false, []string{"0|-86", "1|-69", "2|-52", "3|-35"}},
	{"select rowid, value from vec_each(vec_bit(X'F0'))", false, []string{"0|1", "1|1", "2|1", "3|1", "4|0", "5|0", "6|0", "7|0"}},
	{"create virtual table m1 using vec0(vector float[1], name text, chunk_size=8)", false, nil},
	{"insert into m1(vector, name) values ('[.1]', 'ant'), ('[.2]', 'bee'), ('[.3]', 'cat'), ('[.4]', 'dog'), ('[.5]', 'eel'), ('[.6]', 'fox'), ('[.7]', 'gnu'), ('[.8]', 'hen'), ('[.9]', 'ibis'), ('[1.0]', 'jay')", false, nil},
	{"select * from m1", false, []string{"1|x'cdcccc3d'|ant", "2|x'cdcc4c3e'|bee", "3|x'9a99993e'|cat", "4|x'cdcccc3e'|dog", "5|x'0000003f'|eel", "6|x'9a99193f'|fox", "7|x'3333333f'|gnu", "8|x'cdcc4c3f'|hen", "9|x'6666663f'|ibis", "10|x'0000803f'|jay"}},
	{"select rowid, name, distance from m1 where vector match '[1]' and k = 4 and name < 'dog'", false, []string{"3|cat|0.7", "2|bee|0.8", "1|ant|0.9"}},
	{"select rowid, name, distance from m1 where vector match '[1]' and k = 4 and name <= 'dog'", false, []string{"4|dog|0.6", "3|cat|0.7", "2|bee|0.8", "1|ant|0.9"}},
	{"select rowid, name, distance from m1 where vector match '[1]' and k = 4 and name > 'fox'", false, []string{"10|jay|0", "9|ibis|0.1", "8|hen|0.2", "7|gnu|0.3"}},
	{"select rowid, name, distance from m1 where vector match '[1]' and k = 4 and name >= 'fox'", false, []string{"10|jay|0", "9|ibis|0.1", "8|hen|0.2", "7|gnu|0.3"}},
	{"select rowid, name, distance from m1 where vector match '[0]' and k = 3 and name != 'ant'", false, []string{"2|bee|0.2", "3|cat|0.3", "4|dog|0.4"}},
	{"select rowid, name, distance from m1 where vector match '[0]' and k = 3 and name in ('cat', 'jay', 'zzz')", false, []string{"3|cat|0.3", "10|jay|1"}},
	{"create virtual table m2 using vec0(vector float[1], label text, chunk_size=8)", false, nil},
	{"insert into m2(vector, label) values ('[1]', 'short'), ('[2]', 'a label longer than twelve'), ('[3]', 'short2'), ('[4]', 'a label longer than twelve, too'), ('[5]', 'zz')", false, nil},
	{"select rowid, label, distance from m2 where vector match '[10]' and k = 5 and label = 'a label longer than twelve'", false, []string{"2|a label longer than twelve|8"}},
	{"select rowid, label, distance from m2 where vector match '[10]' and k = 5 and label > 'a label longer than twelve'", false, []string{"5|zz|5", "4|a label longer than twelve, too|6", "3|short2|7", "1|short|9"}},
	{"select rowid, label, distance from m2 where vector match '[10]' and k = 5 and label < 'short2'", false, []string{"4|a label longer than twelve, too|6", "2|a label longer than twelve|8", "1|short|9"}},
	{"select rowid, label, distance from m2 where vector match '[10]' and k = 5 and label != 'zz'", false, []string{"4|a label longer than twelve, too|6", "3|short2|7", "2|a label longer than twelve|8", "1|short|9"}},
	{"update m2 set label = 'now it is a very long label indeed' where rowid = 1", false, nil},
	{"update m2 set label = 'tiny' where rowid = 2", false, nil},
	{"select * from m2", false, []string{"1|x'0000803f'|now it is a very long label indeed", "2|x'00000040'|tiny", "3|x'00004040'|short2", "4|x'00008040'|a label longer than twelve, too", "5|x'0000a040'|zz"}},
	{"select rowid, label, distance from m2 where vector match '[10]' and k = 5 and label >= 'now'", false, []string{"5|zz|5", "3|short2|7", "2|tiny|8", "1|now it is a very long label indeed|9"}},
	{"create virtual table m3 using vec0(id integer primary key, v float[2] distance_metric=l1, n integer, r float, b boolean, s text)", false, nil},
	{"insert into m3 values (1, '[1, 1]', -5, -1.5, 1, 'x'), (2, '[2, 2]', 0, 0.0, 0, 'y'), (3, '[3, 3]', 5, 1.5, 1, 'z'), (4, '[-1.5, -1]', 10, 2.5, 0, 'x')", false, nil},
	{"select id, distance from m3 where v match '[0, 0]' and k = 4 and n < 0", false, []string{"1|2"}},
	{"select id, distance from m3 where v match '[0, 0]' and k = 4 and n >= 0 and r < 2.0", false, []string{"2|4", "3|6"}},
	{"select id, distance from m3 where v match '[0, 0]' and k = 4 and b = 1", false, []string{"1|2", "3|6"}},
	{"select id, distance from m3 where v match '[0, 0]' and k = 4 and b != 1 and s = 'x'", false, []string{"4|2.5"}},
	{"select id, distance from m3 where v match '[0, 0]' and k = 4 and n in (-5, 10)", false, []string{"1|2", "4|2.5"}},
	{"select id, n, r, b, s from m3 where id = 3", false, []string{"3|5|1.5|1|z"}},
	{"delete from m3 where id = 1", false, nil},
	{"select id, distance from m3 where v match '[0, 0]' and k = 4", false, []string{"4|2.5", "2|4", "3|6"}},
	{"insert into m3 values (1, '[0.5, 0.5]', 7, 7.5, 1, 'w')", false, nil},
	{"select id, distance from m3 where v match '[0, 0]' and k = 2", false, []string{"1|1", "4|2.5"}},
	{"insert into m3 values (9, '[0, 0]', 1.5, 1.0, 1, 'w')", true, nil},
	{"insert into m3 values (9, '[0, 0]', 1, 1, 1, 'w')", true, nil},
	{"insert into m3 values (9, '[0, 0]', 1, 1.0, 1, x'00')", true, nil},
	{"create virtual table m4 using vec0(user text partition key, emb float[2], +note blob, +n integer)", false, nil},
	{"insert into m4(rowid, user, emb, note, n) values (1, 'alice', '[0, 1]', x'0102', 1), (2, 'bob', '[1, 0]', NULL, 2), (3, 'alice', '[1, 1]', x'03', NULL), (4, 'carol', '[2, 2]', x'', 4)", false, nil},
	{"select rowid, user, note, n, distance from m4 where emb match '[1, 0]' and k = 3 and user = 'alice'", false, []string{"3|alice|x'03'|NULL|1", "1|alice|x'0102'|1|1.41421"}},
	{"select rowid, user, distance from m4 where emb match '[1, 0]' and k = 3 and user >= 'bob'", false, []string{"2|bob|0", "4|carol|2.23607"}},
	{"select * from m4 where rowid = 3", false, []string{"3|alice|x'0000803f0000803f'|x'03'|NULL"}},
	{"select rowid, distance from m4 where emb match '[1, 0]' and k = 3 and n = 1", true, nil},
	{"insert into m4(rowid, user, emb) values (5, 7, '[0, 0]')", true, nil},
	{"create virtual table m5 using vec0(a float[2], b int8[2], c bit[8])", false, nil},
	{"insert into m5(rowid, a, b, c) values (1, '[1, 0]', vec_int8('[1, 0]'), vec_bit(x'01')), (2, '[0, 1]', vec_int8('[0, 1]'), vec_bit(x'03')), (3, '[1, 1]', vec_int8('[5, 5]'), vec_bit(x'ff'))", false, nil},
	{"select rowid, distance from m5 where a match '[1, 0]' and k = 3", false, []string{"1|0", "3|1", "2|1.41421"}},
	{"select rowid, distance from m5 where b match vec_int8('[1, 0]') and k = 3", false, []string{"1|0", "2|1.41421", "3|6.40312"}},
	{"select rowid, distance from m5 where c match vec_bit(x'00') and k = 3", false, []string{"1|1", "2|2", "3|8"}},
	{"select rowid, distance from m5 where a match '[1, 0]' and b match vec_int8('[1, 0]') and k = 3", true, nil},
	{"select rowid, hex(a), hex(b), hex(c) from m5", false, []string{"1|0000803F00000000|0100|01", "2|000000000000803F|0001|03", "3|0000803F0000803F|0505|FF"}},
	{"delete from m5", false, nil},
	{"select count(*) from m5", false, []string{"0"}},
	{"select rowid, distance from m5 where a match '[1, 0]' and k = 3", false, nil},
}

func render(row []any) string {
	parts := make([]string, len(row))
	for i, v := range row {
		switch v := v.(type) {
		case nil:
			parts[i] = "NULL"
		case float64:
			parts[i] = fmt.Sprintf("%.6g", v)
		case []byte:
			parts[i] = fmt.Sprintf("x'%x'", v)
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(parts, "|")
}

// TestVec0SqliteVecExamples runs the statements unchanged and compares
// the rows with sqlite-vec's.
func TestVec0SqliteVecExamples(t *testing.T) {
	c := openConn(t)
	for _, g := range vec0Golden {
		rows, err := tryQuery(c, g.sql)
		if g.fails {
			if err == nil {
				t.Errorf("%s: succeeded with %v, sqlite-vec fails", g.sql, rows)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", g.sql, err)
			continue
		}
		var got []string
		for _, r := range rows {
			got = append(got, render(r))
		}
		if strings.Join(got, "\n") != strings.Join(g.rows, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", g.sql, got, g.rows)
		}
	}
}
