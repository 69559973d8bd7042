package trigram_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

func collect(t *testing.T, db trigram.Querier, idx trigram.Index, text string, opts *trigram.SearchOptions) []trigram.Hit {
	t.Helper()
	var hits []trigram.Hit
	for h, err := range trigram.Search(t.Context(), db, idx, text, opts) {
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		hits = append(hits, h)
	}
	return hits
}

func TestSearch_basic(t *testing.T) {
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, body TEXT, session INT);
		INSERT INTO docs VALUES (1, 'Hello', 'hello world', 1), (2, 'Ünïcode', 'café ÉCOLE', 1), (3, NULL, 'ab "x" AND y', 2)`)
	idx := trigram.Index{Table: "docs", Columns: []string{"title", "body"}, RowID: "id"}
	if err := trigram.Create(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		opts *trigram.SearchOptions
		want []trigram.Hit
	}{
		{"lo wo", &trigram.SearchOptions{Order: trigram.ByRowID, Snippet: 8, Highlight: true, Open: "[", Close: "]", Ellipsis: "…"},
			[]trigram.Hit{{RowID: 1, Snippet: "…l[lo wo]rl…", Highlight: []string{"Hello", "hel[lo wo]rld"}}}},
		{"école", &trigram.SearchOptions{Highlight: true, Open: "[", Close: "]"},
			[]trigram.Hit{{RowID: 2, Highlight: []string{"Ünïcode", "café [ÉCOLE]"}}}},
		{"é", &trigram.SearchOptions{Highlight: true, Open: "[", Close: "]"},
			[]trigram.Hit{{RowID: 2, Highlight: []string{"Ünïcode", "caf[é] [É]COLE"}}}},
		{`"x" AND`, nil, []trigram.Hit{{RowID: 3}}},
		{"", &trigram.SearchOptions{Filter: "session = ?", Args: []any{1}}, []trigram.Hit{{RowID: 1}, {RowID: 2}}},
		{"o", &trigram.SearchOptions{Order: trigram.ByRowIDDesc}, []trigram.Hit{{RowID: 2}, {RowID: 1}}},
		{"world hel", &trigram.SearchOptions{AllWords: true}, []trigram.Hit{{RowID: 1}}},
		{"world y", &trigram.SearchOptions{AllWords: true}, nil},
		{"and y", &trigram.SearchOptions{AllWords: true}, []trigram.Hit{{RowID: 3}}},
	}
	for _, tt := range tests {
		got := collect(t, db, idx, tt.text, tt.opts)
		for i := range got {
			got[i].Rank = 0
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Search(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
	if err := trigram.IntegrityCheck(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
}
