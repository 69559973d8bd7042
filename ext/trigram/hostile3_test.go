package trigram_test

import (
	"errors"
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// Create and Drop drop only an index Create made: an FTS5 table of the
// index's name that holds data of its own (contentful, or contentless,
// whose index is the only copy) is refused, however its options are
// written: an empty content option last, or a column whose name looks like Create's
// options, fooled the check and Create dropped the application's table.
func TestCreate_notOurFTSTable(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT)`)
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	for _, tc := range []struct{ ddl, col string }{
		{`CREATE VIRTUAL TABLE docs_trigram USING fts5(a, tokenize='trigram', content='')`, "a"},
		{`CREATE VIRTUAL TABLE docs_trigram USING fts5("a, content='docs', tokenize='trigram")`, `"a, content='docs', tokenize='trigram"`},
		{`CREATE VIRTUAL TABLE docs_trigram USING fts5(a, tokenize='trigram')`, "a"},
		{`CREATE VIRTUAL TABLE docs_trigram USING fts5(a, tokenize='trigram', content='', contentless_delete=1)`, "a"},
		{`CREATE VIRTUAL TABLE docs_trigram USING fts5("x, content='docs', content_rowid='id', tokenize='trigram')")`,
			`"x, content='docs', content_rowid='id', tokenize='trigram')"`},
	} {
		exec(t, db, `DROP TABLE IF EXISTS docs_trigram`)
		exec(t, db, tc.ddl)
		exec(t, db, `INSERT INTO docs_trigram(rowid, `+tc.col+`) VALUES (1, 'precious data')`)
		for _, name := range []string{"Create", "Drop"} {
			f := trigram.Create
			if name == "Drop" {
				f = trigram.Drop
			}
			if err := f(t.Context(), db, idx); !errors.Is(err, trigram.ErrInvalidIndex) {
				t.Errorf("%s over %s: %v, want ErrInvalidIndex", name, tc.ddl, err)
			}
			if n := queryInt(t, db, `SELECT count(*) FROM docs_trigram('precious')`); n != 1 {
				t.Errorf("%s over %s: the table's row is gone (%d found)", name, tc.ddl, n)
				break
			}
		}
	}
}

// Rebuild, Optimize and IntegrityCheck write their command into the
// index's table: one of the index's name that Create did not make (here
// a plain table with a column of its name) is refused, not written to.
func TestCommands_notOurTable(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT)`)
	exec(t, db, `CREATE TABLE docs_trigram(docs_trigram TEXT, rank INT)`)
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	for name, f := range map[string]func() error{
		"Rebuild":        func() error { return trigram.Rebuild(t.Context(), db, idx) },
		"Optimize":       func() error { return trigram.Optimize(t.Context(), db, idx) },
		"IntegrityCheck": func() error { return trigram.IntegrityCheck(t.Context(), db, idx) },
	} {
		if err := f(); !errors.Is(err, trigram.ErrInvalidIndex) {
			t.Errorf("%s: %v, want ErrInvalidIndex", name, err)
		}
	}
	if n := queryInt(t, db, `SELECT count(*) FROM docs_trigram`); n != 0 {
		t.Errorf("the application's table docs_trigram has %d rows written by the commands, want 0", n)
	}
}
