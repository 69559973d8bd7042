package vector_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestCompatMetadata is sqlite-vec's test-metadata.py, less what inspects
// its storage: KNN filters on metadata columns of every type, their
// operators and errors, updates and deletes.
func TestCompatMetadata(t *testing.T) {
	t.Parallel()
	const knn = "select rowid, name, distance from v where vector match "
	const ins = "insert into v(vector, b, n, f, t) values (?, ?, ?, ?, ?)"
	blob := []byte{0x11, 0x11, 0x11, 0x11}
	runCompat(t, []compatStep{
		// test_text_knn
		{sql: "create virtual table v using vec0(vector float[1], name text, chunk_size=8)"},
		{sql: "insert into v(vector, name) values ('[.11]', 'aaa'), ('[.22]', 'bbb'), ('[.33]', 'ccc'), ('[.44]', 'ddd'), ('[.55]', 'eee'), ('[.66]', 'fff'), ('[.77]', 'ggg'), ('[.88]', 'hhh'), ('[.99]', 'iii')"},
		{sql: "select rowid, vector, name from v where rowid in (1, 9)", rows: "1|x'ae47e13d'|aaa\n9|x'a4707d3f'|iii"},
		{sql: knn + "'[1]' and k = 5", rows: "9|iii|0.00999999\n8|hhh|0.12\n7|ggg|0.23\n6|fff|0.34\n5|eee|0.45"},
		{sql: knn + "'[1]' and k = 5 and name < 'ddd'", rows: "3|ccc|0.67\n2|bbb|0.78\n1|aaa|0.89"},
		{sql: knn + "'[1]' and k = 5 and name <= 'ddd'", rows: "4|ddd|0.56\n3|ccc|0.67\n2|bbb|0.78\n1|aaa|0.89"},
		{sql: knn + "'[1]' and k = 5 and name > 'fff'", rows: "9|iii|0.00999999\n8|hhh|0.12\n7|ggg|0.23"},
		{sql: knn + "'[1]' and k = 5 and name >= 'fff'", rows: "9|iii|0.00999999\n8|hhh|0.12\n7|ggg|0.23\n6|fff|0.34"},
		{sql: knn + "'[1]' and k = 5 and name = 'aaa'", rows: "1|aaa|0.89"},
		{sql: knn + "'[.01]' and k = 5 and name != 'aaa'", rows: "2|bbb|0.21\n3|ccc|0.32\n4|ddd|0.43\n5|eee|0.54\n6|fff|0.65"},
		// test_knn: other operators are refused, not applied to the k rows.
		{sql: "select *, distance from v where vector match '[5]' and k = 3 and name like 'illegal'", err: "An illegal WHERE constraint was provided on a vec0 metadata column in a KNN query"},
		{sql: "select *, distance from v where vector match '[5]' and k = 3 and name is null", err: "An illegal WHERE constraint"},
		{sql: "select *, distance from v where vector match '[5]' and k = 3 and name glob 'a*'", err: "An illegal WHERE constraint"},
		{sql: "drop table v"},

		// test_types
		{sql: "create virtual table v using vec0(vector float[1], b boolean, n int, f float, t text, chunk_size=8)"},
		{sql: ins, args: []any{blob, 1, 1, 1.1, "test"}},
		{sql: ins, args: []any{blob, "illegal", 1, 1.1, "test"}, err: "Expected 0 or 1 for BOOLEAN metadata column b"},
		{sql: ins, args: []any{blob, 1, "illegal", 1.1, "test"}, err: "Expected integer for INTEGER metadata column n, received TEXT"},
		{sql: ins, args: []any{blob, 1, 1, "illegal", "test"}, err: "Expected float for FLOAT metadata column f, received TEXT"},
		{sql: ins, args: []any{blob, 1, 1, 1.1, 420}, err: "Expected text for TEXT metadata column t, received INTEGER"},
		{sql: ins, args: []any{blob, 44, 1, 1.1, "test"}, err: "Expected 0 or 1 for BOOLEAN metadata column b"},
		{sql: ins, args: []any{blob, 1, 1, 1.1, nil}, err: "TEXT metadata column t"},
		{sql: "select count(*) from v", rows: "1"},
		{sql: "drop table v"},

		// test_updates and test_deletes: short and long text (sqlite-vec
		// stores text over 12 bytes apart) in both directions.
		{sql: "create virtual table v using vec0(vector float[1], b boolean, n int, f float, t text, chunk_size=8)"},
		{sql: "insert into v(rowid, vector, b, n, f, t) values (?, ?, ?, ?, ?, ?)", args: []any{1, blob, 1, 1, 1.1, "test1"}},
		{sql: "insert into v(rowid, vector, b, n, f, t) values (?, ?, ?, ?, ?, ?)", args: []any{2, []byte{0x22, 0x22, 0x22, 0x22}, 1, 2, 2.2, "test2"}},
		{sql: "insert into v(rowid, vector, b, n, f, t) values (?, ?, ?, ?, ?, ?)", args: []any{3, []byte{0x33, 0x33, 0x33, 0x33}, 1, 3, 3.3, "1234567890123"}},
		{sql: "select * from v", rows: "1|x'11111111'|1|1|1.1|test1\n2|x'22222222'|1|2|2.2|test2\n3|x'33333333'|1|3|3.3|1234567890123"},
		{sql: "update v set b = 0, n = 11, f = 11.11, t = 'newtest1' where rowid = 1"},
		{sql: "update v set t = '1234567890123-updated' where rowid = 3"},
		{sql: "update v set t = 'test2-short' where rowid = 2"},
		{sql: "select * from v", rows: "1|x'11111111'|0|11|11.11|newtest1\n2|x'22222222'|1|2|2.2|test2-short\n3|x'33333333'|1|3|3.3|1234567890123-updated"},
		{sql: "update v set t = 'test2-long-long-long' where rowid = 2"},
		{sql: "select t from v where rowid = 2", rows: "test2-long-long-long"},
		{sql: "update v set t = 'test2-shortx' where rowid = 2"},
		{sql: "select t from v where rowid = 2", rows: "test2-shortx"},
		{sql: "update v set n = 'x' where rowid = 2", err: "Expected integer for INTEGER metadata column n, received TEXT"},
		{sql: "select rowid, t, distance from v where vector match X'11111111' and k = 3 and t > 'test'", rows: "2|test2-shortx|2.19732e-18"},
		{sql: "delete from v where rowid = 1"},
		{sql: "select * from v", rows: "2|x'22222222'|1|2|2.2|test2-shortx\n3|x'33333333'|1|3|3.3|1234567890123-updated"},
		{sql: "delete from v where rowid = 3"},
		{sql: "select * from v", rows: "2|x'22222222'|1|2|2.2|test2-shortx"},
		{sql: "drop table v"},

		// test_delete_by_metadata_with_long_text (sqlite-vec issue 274).
		{sql: "create virtual table v using vec0(tag text, embedding float[4], chunk_size=8)"},
		{sql: "insert into v(tag, embedding) select 'long_text_value_' || value, zeroblob(16) from generate_series(0, 5)"},
		{sql: "insert into v(tag, embedding) select 'long_text_value_0', zeroblob(16) from generate_series(1, 4)"},
		{sql: "delete from v where tag = 'long_text_value_0'"},
		{sql: "select count(*) from v where tag = 'long_text_value_0'", rows: "0"},
		{sql: "select count(*) from v", rows: "5"},
		{sql: "drop table v"},

		// test_vtab_in
		{sql: "create virtual table v using vec0(vector float[1], n int, t text, b boolean, f float, chunk_size=8)"},
		{sql: "insert into v(rowid, vector, n, t, b, f) select value, json_array(value), iif(value % 2, 999, 555), iif(value <= 4, 'aaaa', 'zzzz'), 0, 1.1 from generate_series(1, 8)"},
		{sql: "select * from v where vector match '[0]' and k = 8 and b in (1, 0)", err: "is only available on INTEGER or TEXT metadata columns"},
		{sql: "select * from v where vector match '[0]' and k = 8 and f in (1.1, 0.0)", err: "is only available on INTEGER or TEXT metadata columns"},
		{sql: "select rowid, n, distance from v where vector match '[0]' and k = 8 and n in (555, 999)", rows: "1|999|1\n2|555|2\n3|999|3\n4|555|4\n5|999|5\n6|555|6\n7|999|7\n8|555|8"},
		{sql: "select rowid, n, distance from v where vector match '[0]' and k = 8 and n in (555, -1, -2)", rows: "2|555|2\n4|555|4\n6|555|6\n8|555|8"},
		{sql: "select rowid, t, distance from v where vector match '[0]' and k = 8 and t in ('aaaa', 'zzzz')", rows: "1|aaaa|1\n2|aaaa|2\n3|aaaa|3\n4|aaaa|4\n5|zzzz|5\n6|zzzz|6\n7|zzzz|7\n8|zzzz|8"},
		{sql: "select rowid, t, distance from v where vector match '[0]' and k = 8 and t in ('aaaa', 'foo', 'bar')", rows: "1|aaaa|1\n2|aaaa|2\n3|aaaa|3\n4|aaaa|4"},
		{sql: "select rowid, b from v where vector match '[0]' and k = 3 and b >= 999", err: "ONLY EQUALS (=) or NOT_EQUALS (!=) operators are allowed on boolean metadata columns"},
		{sql: "drop table v"},

		// test_vtab_in_long_text
		{sql: "create virtual table v using vec0(vector float[1], t text, chunk_size=8)"},
		{sql: "insert into v(rowid, vector, t) values (1, '[1]', 'aaaa'), (2, '[2]', 'aaaaaaaaaaaa_aaa'), (3, '[3]', 'bbbb'), (4, '[4]', 'bbbbbbbbbbbb_bbb'), (5, '[5]', 'cccc'), (6, '[6]', 'cccccccccccc_ccc')"},
		{sql: "select rowid, t from v where vector match '[0]' and k = 10 and t in (?, 'nonsense')", args: []any{"bbbbbbbbbbbb_bbb"}, rows: "4|bbbbbbbbbbbb_bbb"},
		{sql: "select rowid, t from v where vector match '[0]' and k = 10 and t in (?, 'nonsense')", args: []any{"aaaa"}, rows: "1|aaaa"},
		{sql: "select rowid from v where vector match '[0]' and k = 10 and t in (select value from json_each(?))",
			args: []any{`["aaaa","aaaaaaaaaaaa_aaa","bbbb","bbbbbbbbbbbb_bbb","cccc","cccccccccccc_ccc"]`}, rows: "1\n2\n3\n4\n5\n6"},
	})
}

// TestCompatMetadataLongText is test-metadata.py's test_long_text_knn:
// every comparison operator against short and long text values, the
// expected rows computed here (they agree with sqlite-vec's snapshot).
func TestCompatMetadataLongText(t *testing.T) {
	t.Parallel()
	names := []string{"aaaa", "aaaaaaaaaaaa_aaa", "bbbb", "bbbbbbbbbbbb_bbb", "cccc", "cccccccccccc_ccc"}
	steps := []compatStep{
		{sql: "create virtual table v using vec0(vector float[1], name text, chunk_size=8)"},
	}
	for i, n := range names {
		steps = append(steps, compatStep{sql: "insert into v(vector, name) values (?, ?)", args: []any{fmt.Sprintf("[%d]", i+1), n}})
	}
	ops := map[string]func(a, b string) bool{
		"=": func(a, b string) bool { return a == b }, "!=": func(a, b string) bool { return a != b },
		"<": func(a, b string) bool { return a < b }, "<=": func(a, b string) bool { return a <= b },
		">": func(a, b string) bool { return a > b }, ">=": func(a, b string) bool { return a >= b },
	}
	for _, x := range []string{"bbbb", "bb", "bbbbbb", "bbbbbbbbbbbb_bbb", "bbbbbbbbbbbb_aaa", "bbbbbbbbbbbb_ccc", "longlonglonglonglonglonglong"} {
		for op, f := range ops {
			var want []string
			for i := len(names) - 1; i >= 0 && len(want) < 5; i-- { // nearest to [100] first
				if f(names[i], x) {
					want = append(want, fmt.Sprintf("%d|%s|%d", i+1, names[i], 100-(i+1)))
				}
			}
			steps = append(steps, compatStep{
				sql:  "select rowid, name, distance from v where vector match '[100]' and k = 5 and name " + op + " ?",
				args: []any{x}, rows: strings.Join(want, "\n"),
			})
		}
	}
	runCompat(t, steps)
}

// TestCompatMetadataStress is test-metadata.py's test_stress: 25 movies,
// filters on every metadata type, ties kept in rowid order.
func TestCompatMetadataStress(t *testing.T) {
	t.Parallel()
	const q = "select movie_id, %s, distance from vec_movies where synopsis_embedding match '[100]' and k = 5 and "
	runCompat(t, []compatStep{
		{sql: `create virtual table vec_movies using vec0(movie_id integer primary key, synopsis_embedding float[1],
			+title text, is_favorited boolean, genre text, num_reviews int, mean_rating float, chunk_size=8)`},
		{sql: `insert into vec_movies(movie_id, synopsis_embedding, is_favorited, genre, title, num_reviews, mean_rating) values
			(1, '[1]', 0, 'horror', 'The Conjuring', 153, 4.6), (2, '[2]', 0, 'comedy', 'Dumb and Dumber', 382, 2.6),
			(3, '[3]', 0, 'scifi', 'Interstellar', 53, 5.0), (4, '[4]', 0, 'fantasy', 'The Lord of the Rings', 210, 4.2),
			(5, '[5]', 1, 'documentary', 'An Inconvenient Truth', 93, 3.4), (6, '[6]', 1, 'horror', 'Hereditary', 167, 4.7),
			(7, '[7]', 1, 'comedy', 'Anchorman', 482, 2.9), (8, '[8]', 0, 'scifi', 'Blade Runner 2049', 301, 5.0),
			(9, '[9]', 1, 'fantasy', 'Harry Potter', 134, 4.1), (10, '[10]', 0, 'documentary', 'Free Solo', 66, 3.2),
			(11, '[11]', 1, 'horror', 'Get Out', 88, 4.9), (12, '[12]', 0, 'comedy', 'The Hangover', 59, 2.8),
			(13, '[13]', 1, 'scifi', 'The Matrix', 423, 4.5), (14, '[14]', 0, 'fantasy', 'Pan''s Labyrinth', 275, 3.6),
			(15, '[15]', 1, 'documentary', '13th', 191, 4.4), (16, '[16]', 0, 'horror', 'It Follows', 314, 4.3),
			(17, '[17]', 1, 'comedy', 'Step Brothers', 74, 3.0), (18, '[18]', 1, 'scifi', 'Inception', 201, 5.0),
			(19, '[19]', 1, 'fantasy', 'The Shape of Water', 399, 2.7), (20, '[20]', 1, 'documentary', 'Won''t You Be My Neighbor?', 186, 4.8),
			(21, '[21]', 1, 'scifi', 'Gravity', 342, 4.0), (22, '[22]', 1, 'scifi', 'Dune', 451, 4.4),
			(23, '[23]', 1, 'scifi', 'The Martian', 522, 4.6), (24, '[24]', 1, 'horror', 'A Quiet Place', 271, 4.3),
			(25, '[25]', 1, 'fantasy', 'The Chronicles of Narnia', 310, 3.9)`},
		{sql: `select movie_id, title, genre, num_reviews, mean_rating, is_favorited, distance from vec_movies
			where synopsis_embedding match '[15.5]' and genre = 'scifi' and num_reviews between 100 and 500 and mean_rating > 3.5 and k = 5`,
			rows: "13|The Matrix|scifi|423|4.5|1|2.5\n18|Inception|scifi|201|5|1|2.5\n21|Gravity|scifi|342|4|1|5.5\n22|Dune|scifi|451|4.4|1|6.5\n8|Blade Runner 2049|scifi|301|5|0|7.5"},
		{sql: fmt.Sprintf(q, "genre") + "genre = 'horror'", rows: "24|horror|76\n16|horror|84\n11|horror|89\n6|horror|94\n1|horror|99"},
		{sql: fmt.Sprintf(q, "genre") + "genre = 'comedy'", rows: "17|comedy|83\n12|comedy|88\n7|comedy|93\n2|comedy|98"},
		{sql: fmt.Sprintf(q, "num_reviews") + "num_reviews between 100 and 500", rows: "25|310|75\n24|271|76\n22|451|78\n21|342|79\n20|186|80"},
		{sql: fmt.Sprintf(q, "num_reviews") + "num_reviews >= 500", rows: "23|522|77"},
		{sql: fmt.Sprintf(q, "mean_rating") + "mean_rating < 3.0", rows: "19|2.7|81\n12|2.8|88\n7|2.9|93\n2|2.6|98"},
		{sql: fmt.Sprintf(q, "mean_rating") + "mean_rating between 4.0 and 5.0", rows: "24|4.3|76\n23|4.6|77\n22|4.4|78\n21|4|79\n20|4.8|80"},
		{sql: fmt.Sprintf(q, "is_favorited") + "is_favorited = TRUE", rows: "25|1|75\n24|1|76\n23|1|77\n22|1|78\n21|1|79"},
		{sql: fmt.Sprintf(q, "is_favorited") + "is_favorited != TRUE", rows: "16|0|84\n14|0|86\n12|0|88\n10|0|90\n8|0|92"},
		{sql: fmt.Sprintf(q, "is_favorited") + "is_favorited = FALSE", rows: "16|0|84\n14|0|86\n12|0|88\n10|0|90\n8|0|92"},
		{sql: fmt.Sprintf(q, "is_favorited") + "is_favorited != FALSE", rows: "25|1|75\n24|1|76\n23|1|77\n22|1|78\n21|1|79"},
		{sql: fmt.Sprintf(q, "is_favorited") + "is_favorited >= 999", err: "ONLY EQUALS (=) or NOT_EQUALS (!=) operators are allowed on boolean metadata columns"},
		{sql: fmt.Sprintf(q, "title") + "title = 'Dune'", err: "An illegal WHERE constraint was provided on a vec0 auxiliary column in a KNN query."},
	})
}
