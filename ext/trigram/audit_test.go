package trigram_test

import (
	"errors"
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// TestSearch_numberedParameter: the search's own parameters (the MATCH
// text, the short words) come before the filter's, so a filter's ?1 was
// bound to the search text; it is refused (issue 16).
func TestSearch_numberedParameter(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, "CREATE TABLE m(id INTEGER PRIMARY KEY, sid, body)")
	exec(t, db, "INSERT INTO m(sid, body) VALUES (1, 'hello world'), (2, 'hello there')")
	idx := trigram.Index{Table: "m", Columns: []string{"body"}}
	if err := trigram.Create(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"hello", "he", ""} {
		for _, filter := range []string{"sid = ?1", "(sid = ? --"} {
			var err error
			for _, e := range trigram.Search(t.Context(), db, idx, text, &trigram.SearchOptions{Filter: filter, Args: []any{2}}) {
				if e != nil {
					err = e
					break
				}
			}
			if !errors.Is(err, trigram.ErrInvalidFilter) {
				t.Errorf("Search(%q, Filter %q): %v, want ErrInvalidFilter", text, filter, err)
			}
		}
	}
}
