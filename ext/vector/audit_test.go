package vector_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// TestTopK_hostile: what a caller passes to TopK is refused with an error
// naming it, before any SQL runs (issue 16).
func TestTopK_hostile(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE d(id INTEGER PRIMARY KEY, lang, e);
		INSERT INTO d VALUES (1, 'en', '[1, 0]'), (2, 'fr', '[0, 1]'), (3, 'en', '[1, 1]')`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table, column string
		opts          *vector.TopKOptions
		want          string // in the error
		is            error
	}{
		// ?1 is TopK's query vector, not the first of Args.
		{"d", "e", &vector.TopKOptions{Filter: "lang = ?1", Args: []any{"en"}}, "numbered parameter ?1", vector.ErrInvalidFilter},
		// A trailing comment hid the open parenthesis: a syntax error
		// "near ORDER" instead of naming the filter.
		{"d", "e", &vector.TopKOptions{Filter: "(lang = 'en' --"}, "unbalanced (", vector.ErrInvalidFilter},
		// SQLite stops reading SQL at a NUL: "unrecognized token".
		{"d\x00x", "e", nil, `table name "d\x00x" has a NUL byte`, nil},
		{"d", "e\x00", nil, `column name "e\x00" has a NUL byte`, nil},
	} {
		var err error
		for _, e := range vector.TopK(ctx, db, c.table, c.column, []float32{1, 0}, 10, c.opts) {
			if e != nil {
				err = e
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("TopK(%q, %q, %+v): %v, want an error with %q", c.table, c.column, c.opts, err, c.want)
		}
	}
}
