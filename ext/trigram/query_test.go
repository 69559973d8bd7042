package trigram_test

import (
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

func TestQuery(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want, all string }{
		{"", `""`, `""`},
		{"abc", `"abc"`, `"abc"`},
		{`say "hi"`, `"say ""hi"""`, `"say" AND """hi"""`},
		{"a\x00bc", `"abc"`, `"abc"`},
		{"NEAR(a b) AND c*", `"NEAR(a b) AND c*"`, `"NEAR(a" AND "AND"`},
		{"go routines", `"go routines"`, `"routines"`},
		{" \t", `" 	"`, `""`},
	}
	for _, tt := range tests {
		if got := trigram.Query(tt.text); got != tt.want {
			t.Errorf("Query(%q) = %q, want %q", tt.text, got, tt.want)
		}
		if got := trigram.QueryAll(tt.text, false); got != tt.all {
			t.Errorf("QueryAll(%q) = %q, want %q", tt.text, got, tt.all)
		}
	}
	// A word of three code points, one a combining mark.
	if got := trigram.QueryAll("ab\u0301 xyz", true); got != `"xyz"` {
		t.Errorf("QueryAll with remove_diacritics = %q", got)
	}
}

// TestSQL checks the SQL functions against their Go counterparts, and the
// pure-SQL exact search the package documentation shows.
func TestSQL(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(body TEXT);
		INSERT INTO docs VALUES ('Straße'), ('STRASSE'), ('naïve café'), ('a  b'), (NULL), ('x');`)
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	if err := trigram.Create(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	var fold, query, queryAll string
	var length, cont int
	err := db.QueryRow(`SELECT trigram_fold('ÉCOLE Σ'), trigram_query('a"b'), trigram_query_all('x yz abc'),
		trigram_length('e'||char(769)||'x', 1), trigram_contains('Hello', 'LL')`).Scan(&fold, &query, &queryAll, &length, &cont)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"école σ", `"a""b"`, `"abc"`, 2, 1}, []any{fold, query, queryAll, length, cont}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	for _, q := range []string{"", "a", "ß", "é", "aï", "ve ca", "NAÏVE", " ", "  ", "strasse", "x"} {
		rows, err := db.Query(`
			SELECT rowid FROM docs_trigram WHERE docs_trigram MATCH trigram_query(:q)
			UNION ALL
			SELECT rowid FROM docs WHERE trigram_length(:q) < 3 AND trigram_contains(body, :q)`, sql.Named("q", q))
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			got = append(got, id)
		}
		rows.Close()
		slices.Sort(got)
		want := searchIDs(t, db, idx, q, nil)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: Search (-) and SQL (+) differ:\n%s", q, diff)
		}
	}
}

func TestSearch_options(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT, sid INT)`)
	for i := range 20 {
		exec(t, db, `INSERT INTO docs(body, sid) VALUES (?, ?)`, strings.Repeat("needle ", 1+i%4)+"hay", i%3)
	}
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}, RowID: "id"}
	if err := trigram.Create(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	ids := func(text string, opts *trigram.SearchOptions) []int64 {
		var ids []int64
		for h, err := range trigram.Search(t.Context(), db, idx, text, opts) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, h.RowID)
		}
		return ids
	}
	for _, text := range []string{"needle", "ne"} {
		if got := ids(text, &trigram.SearchOptions{Order: trigram.ByRowID, Limit: 3, Offset: 2}); !slices.Equal(got, []int64{3, 4, 5}) {
			t.Errorf("%q: limit and offset: %v", text, got)
		}
		if got := ids(text, &trigram.SearchOptions{Order: trigram.ByRowIDDesc, Limit: 2}); !slices.Equal(got, []int64{20, 19}) {
			t.Errorf("%q: descending: %v", text, got)
		}
		if got := ids(text, &trigram.SearchOptions{Filter: "sid = ? AND body LIKE ?", Args: []any{1, "%)%"}}); got != nil {
			t.Errorf("%q: filter: %v", text, got)
		}
		if got := ids(text, &trigram.SearchOptions{Order: trigram.ByRowID, Filter: "sid = ? -- a comment", Args: []any{2}}); !slices.Equal(got, []int64{3, 6, 9, 12, 15, 18}) {
			t.Errorf("%q: filter: %v", text, got)
		}
	}
	// Ranked: rows with more needles first.
	var ranks []float64
	for h, err := range trigram.Search(t.Context(), db, idx, "needle", nil) {
		if err != nil {
			t.Fatal(err)
		}
		ranks = append(ranks, h.Rank)
	}
	if len(ranks) != 20 || !slices.IsSorted(ranks) || ranks[0] >= ranks[19] {
		t.Errorf("ranks %v", ranks)
	}
	// Other orders leave the rank out.
	for h, err := range trigram.Search(t.Context(), db, idx, "needle", &trigram.SearchOptions{Order: trigram.ByRowID}) {
		if err != nil || h.Rank != 0 {
			t.Fatalf("ByRowID: rank %v, err %v", h.Rank, err)
		}
	}
	// Stopping early closes the rows: the connection is free for more.
	for range 10 {
		for range trigram.Search(t.Context(), db, idx, "needle", nil) {
			break
		}
	}
	if db.Stats().InUse != 0 {
		t.Errorf("connections left in use: %d", db.Stats().InUse)
	}

	for _, tt := range []struct {
		opts trigram.SearchOptions
		want error
	}{
		{trigram.SearchOptions{Filter: "1) UNION SELECT sql FROM sqlite_schema WHERE (1"}, trigram.ErrInvalidFilter},
		{trigram.SearchOptions{Filter: "1; DROP TABLE docs"}, trigram.ErrInvalidFilter},
		{trigram.SearchOptions{Filter: "body = 'x"}, trigram.ErrInvalidFilter},
		{trigram.SearchOptions{Filter: "body = 1 /* x"}, trigram.ErrInvalidFilter},
		{trigram.SearchOptions{Filter: "(body = 1"}, trigram.ErrInvalidFilter},
		{trigram.SearchOptions{Filter: `")" = 1`}, nil}, // a quoted identifier is fine
		{trigram.SearchOptions{Filter: "body IN (SELECT body FROM docs WHERE sid = ?)", Args: []any{1}}, nil},
		{trigram.SearchOptions{Snippet: 65}, nil},
		{trigram.SearchOptions{Limit: -1}, nil},
	} {
		var err error
		for _, e := range trigram.Search(t.Context(), db, idx, "needle", &tt.opts) {
			if e != nil {
				err = e
			}
		}
		switch {
		case tt.want != nil && !errors.Is(err, tt.want):
			t.Errorf("%+v: %v, want %v", tt.opts, err, tt.want)
		case tt.want == nil && tt.opts.Filter != "" && err != nil && !strings.Contains(err.Error(), "no such column"):
			t.Errorf("%+v: %v", tt.opts, err)
		case tt.want == nil && tt.opts.Filter == "" && err == nil:
			t.Errorf("%+v: no error", tt.opts)
		}
	}
	if got := queryInt(t, db, `SELECT count(*) FROM docs`); got != 20 {
		t.Fatal("unreachable")
	}
}

// FuzzQuery: trigram_query and trigram_query_all of any text never make
// MATCH fail, and a MATCH of text of three or more characters finds exactly
// the rows that contain it.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"", "a", "ab", "abc", `"`, `""`, `"abc`, "a\x00b\x00c", "NEAR(a b, 2)", "a OR b NOT c", "*", "^abc",
		"col:abc", "{a b}:c", "-abc", "(((", ")", "\xff\xfe\xfd", "日本語", "😀😀", "e\u0301e\u0301", "  ", "\n\t\n", "AND", "a AND", `abc"*`} {
		f.Add(s)
	}
	db := openDB(f)
	exec(f, db, `CREATE TABLE docs(body TEXT)`)
	docs := []string{"abc def", `say "abc" NOT (x) OR y*`, "NEAR(a b, 2) col:abc {a b}:c -abc ^abc", "日本語 😀😀 e\u0301e\u0301", "a\x00b\x00c AND ((( ))) \xff\xfe\xfd"}
	for _, d := range docs {
		exec(f, db, `INSERT INTO docs VALUES (?)`, d)
	}
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	if err := trigram.Create(f.Context(), db, idx); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fn := range []string{"trigram_query", "trigram_query_all"} {
			rows, err := db.Query(`SELECT rowid FROM docs_trigram WHERE docs_trigram MATCH `+fn+`(?) ORDER BY rowid`, text)
			if err != nil {
				t.Fatalf("%s(%q): %v", fn, text, err)
			}
			var got []int64
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				got = append(got, id)
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("%s(%q): %v", fn, text, err)
			}
			rows.Close()
			if fn != "trigram_query" || idx.Len(text) < 3 {
				continue
			}
			var want []int64
			for i, d := range docs {
				if idx.Contains(d, text) {
					want = append(want, int64(i+1))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("MATCH trigram_query(%q) (-contains +match):\n%s", text, diff)
			}
		}
	})
}
