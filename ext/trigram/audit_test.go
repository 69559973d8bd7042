package trigram_test

import (
	"errors"
	"strings"
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

// TestCreate_othersObjects: Create and Drop drop and recreate the objects
// named like an index's (Name, Name_ai, Name_ad, Name_au) when their
// definition differs; one that is not a trigram index's is refused, not
// dropped: a contentful FTS5 table holding the only copy of its text,
// or a trigger of the application's that happens to bear the name
// (issue 16).
func TestCreate_othersObjects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, setup, check string }{
		{"contentful FTS5 table", "CREATE VIRTUAL TABLE notes_trigram USING fts5(body); INSERT INTO notes_trigram VALUES ('only copy')",
			"SELECT count(*) FROM notes_trigram WHERE body = 'only copy'"},
		{"FTS5 trigram table of other content", "CREATE TABLE other(body); CREATE VIRTUAL TABLE notes_trigram USING fts5(body, tokenize='trigram'); INSERT INTO notes_trigram VALUES ('only copy')",
			"SELECT count(*) FROM notes_trigram WHERE body = 'only copy'"},
		{"application trigger", "CREATE TABLE log(x); CREATE TRIGGER notes_trigram_ai AFTER INSERT ON notes BEGIN INSERT INTO log VALUES (new.body); END",
			"SELECT count(*) FROM sqlite_schema WHERE name = 'notes_trigram_ai' AND sql LIKE '%INSERT INTO log%'"},
	} {
		db := openDB(t)
		exec(t, db, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body)")
		exec(t, db, tc.setup)
		idx := trigram.Index{Table: "notes", Columns: []string{"body"}}
		for op, f := range map[string]func() error{
			"Create": func() error { return trigram.Create(t.Context(), db, idx) },
			"Drop":   func() error { return trigram.Drop(t.Context(), db, idx) },
		} {
			err := f()
			if !errors.Is(err, trigram.ErrInvalidIndex) {
				t.Errorf("%s: %s over it: %v, want ErrInvalidIndex", tc.name, op, err)
			}
			var n int
			if err := db.QueryRow(tc.check).Scan(&n); err != nil || n != 1 {
				t.Errorf("%s: after %s, %s = %d, %v; want 1", tc.name, op, tc.check, n, err)
			}
		}
	}
}

// TestCreate_textRowID: an Index's RowID must name an INTEGER column;
// one declared TEXT (an e-mail primary key of a WITHOUT ROWID table) was
// accepted, and every search then found nothing, without an error
// (issue 16).
func TestCreate_textRowID(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, "CREATE TABLE m(email TEXT PRIMARY KEY, body) WITHOUT ROWID")
	exec(t, db, "INSERT INTO m VALUES ('a@x', 'hello world')")
	idx := trigram.Index{Table: "m", Columns: []string{"body"}, RowID: "email"}
	if err := trigram.Create(t.Context(), db, idx); !errors.Is(err, trigram.ErrInvalidIndex) || !strings.Contains(err.Error(), "INTEGER") {
		t.Errorf("Create with a TEXT RowID: %v, want ErrInvalidIndex saying it must be INTEGER", err)
	}
}

// TestCreate_tempShadow: a TEMP table named like the content table
// shadows it in unqualified SQL, and the index's triggers were created on
// the TEMP table: writes to the real table then never reached the index,
// and searches silently missed them. Create refuses instead (issue 16).
func TestCreate_tempShadow(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	db.SetMaxOpenConns(1) // the TEMP table lives on one connection
	exec(t, db, "CREATE TABLE m(body)")
	exec(t, db, "CREATE TEMP TABLE m(body)")
	idx := trigram.Index{Table: "m", Columns: []string{"body"}}
	if err := trigram.Create(t.Context(), db, idx); !errors.Is(err, trigram.ErrInvalidIndex) || !strings.Contains(err.Error(), "TEMP") {
		t.Errorf("Create under a TEMP table of the same name: %v, want ErrInvalidIndex naming it", err)
	}
}
