package trigram_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// A nil Querier (or a nil *sql.DB in one) is an error, not a panic.
func TestHelpers_nilQuerier(t *testing.T) {
	t.Parallel()
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	var nilDB *sql.DB
	for _, db := range []trigram.Querier{nil, nilDB} {
		calls := map[string]func() error{
			"Create":         func() error { return trigram.Create(t.Context(), db, idx) },
			"Drop":           func() error { return trigram.Drop(t.Context(), db, idx) },
			"Rebuild":        func() error { return trigram.Rebuild(t.Context(), db, idx) },
			"Optimize":       func() error { return trigram.Optimize(t.Context(), db, idx) },
			"IntegrityCheck": func() error { return trigram.IntegrityCheck(t.Context(), db, idx) },
			"Search": func() error {
				for _, err := range trigram.Search(t.Context(), db, idx, "abc", nil) {
					return err
				}
				return nil
			},
		}
		for name, call := range calls {
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				return call()
			}()
			if err == nil || strings.HasPrefix(err.Error(), "panic") || !strings.Contains(err.Error(), "nil") {
				t.Errorf("%s(%T nil): %v, want an error saying it is nil", name, db, err)
			}
		}
	}
}

// Create refuses a content table that is a view before it changes
// anything: its triggers cannot be made on a view, and Create failed
// only after it had dropped the index it replaces. With the caller's
// *sql.Tx that half-done change was committed with the caller's other
// work, and Search then missed every row.
func TestCreate_viewRefusedFirst(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO docs VALUES (1, 'hello world');
		CREATE VIEW docs_view AS SELECT id, body FROM docs; CREATE VIRTUAL TABLE notes USING fts5(body)`)
	good := trigram.Index{Name: "idx", Table: "docs", Columns: []string{"body"}}
	if err := trigram.Create(t.Context(), db, good); err != nil {
		t.Fatal(err)
	}
	before := schemaSQL(t, db)
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for table, kind := range map[string]string{"docs_view": "view", "notes": "virtual"} {
		err := trigram.Create(t.Context(), tx, trigram.Index{Name: "idx", Table: table, Columns: []string{"body"}})
		if !errors.Is(err, trigram.ErrInvalidIndex) || !strings.Contains(err.Error(), kind) {
			t.Errorf("Create over the %s %s: %v, want ErrInvalidIndex saying it is a %s", kind, table, err, kind)
		}
	}
	if _, err := tx.ExecContext(t.Context(), `INSERT INTO docs VALUES (2, 'hello again')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if after := schemaSQL(t, db); after != before {
		t.Errorf("the refused Create changed the schema in the caller's transaction:\nbefore: %s\nafter:  %s", before, after)
	}
	var ids []int64
	for h, err := range trigram.Search(t.Context(), db, good, "hello", nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.RowID)
	}
	if len(ids) != 2 {
		t.Errorf("Search found %v, want rows 1 and 2", ids)
	}
}

func schemaSQL(t *testing.T, db *sql.DB) string {
	t.Helper()
	var s string
	if err := db.QueryRow(`SELECT group_concat(type || ' ' || name || ': ' || ifnull(sql, ''), char(10)) FROM (SELECT type, name, sql FROM sqlite_schema ORDER BY name)`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Column names compare as SQLite compares them: ASCII letters without
// case, other letters exactly ("É" and "é" are two columns). Go's
// Unicode case folding refused an index over both as "named twice", and
// took "É" for an existing "é", which failed only while the index was
// filled, after the index it replaced was dropped.
func TestCreate_columnNamesFoldAsSQLite(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, "é" TEXT, "É" TEXT, k TEXT); INSERT INTO docs VALUES (1, 'hello', 'world', 'x')`)
	both := trigram.Index{Table: "docs", Columns: []string{"é", "É"}}
	if err := trigram.Create(t.Context(), db, both); err != nil {
		t.Fatalf("Create over the columns é and É: %v", err)
	}
	for _, text := range []string{"hello", "world"} {
		n := 0
		for _, err := range trigram.Search(t.Context(), db, both, text, nil) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("Search(%q) found %d rows, want 1", text, n)
		}
	}
	for _, col := range []string{"\u212a", "K"} { // the Kelvin sign folds to k in Go, not in SQLite
		idx := trigram.Index{Name: "other", Table: "docs", Columns: []string{col}}
		err := trigram.Create(t.Context(), db, idx)
		if col == "K" && err != nil {
			t.Errorf("Create over K (the column k): %v", err)
		}
		if col != "K" && !errors.Is(err, trigram.ErrInvalidIndex) {
			t.Errorf("Create over %q: %v, want ErrInvalidIndex (no such column)", col, err)
		}
	}
}

// FuzzSearchDocument: a document of any bytes (invalid UTF-8, NUL,
// combining marks, FTS5 syntax) is found by exactly the texts it
// contains under the index's folding: any text, and pieces cut from the
// document at any byte, as typed and with AllWords.
func FuzzSearchDocument(f *testing.F) {
	for _, s := range []string{"hello world", "\xff\xfe abc", "e\u0301t\u00e9", "a\x00bc", "\"NEAR\" (x) * ^:", "İstanbul ıi", "ß ẞ ss", "\xc3(\xa9", "%_[a]"} {
		f.Add(s, "abc", uint16(0), uint16(5), uint8(0))
	}
	type index struct {
		db  trigram.Querier
		idx trigram.Index
	}
	var kinds []index
	for _, kind := range []trigram.Index{{}, {CaseSensitive: true}, {RemoveDiacritics: true}} {
		db := openDB(f)
		exec(f, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, body TEXT);
			INSERT INTO docs VALUES (1, 'abc', 'hello world'), (2, NULL, 'ÉTÉ été'), (3, 'x', '日本語 ab')`)
		idx := kind
		idx.Table, idx.Columns, idx.RowID = "docs", []string{"title", "body"}, "id"
		if err := trigram.Create(f.Context(), db, idx); err != nil {
			f.Fatal(err)
		}
		kinds = append(kinds, index{db, idx})
	}
	f.Fuzz(func(t *testing.T, doc, text string, from, n uint16, kind uint8) {
		k := kinds[int(kind)%len(kinds)]
		ctx := t.Context()
		if _, err := k.db.ExecContext(ctx, `INSERT INTO docs(id, title, body) VALUES (999, '', ?)`, doc); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if _, err := k.db.ExecContext(ctx, `DELETE FROM docs WHERE id = 999`); err != nil {
				t.Fatal(err)
			}
		}()
		texts := []string{text}
		if len(doc) > 0 {
			i := int(from) % len(doc)
			texts = append(texts, doc[i:min(len(doc), i+1+int(n)%40)])
		}
		for _, text := range texts {
			for _, all := range []bool{false, true} {
				want := k.idx.Contains(doc, text)
				if all {
					want = true
					for _, w := range strings.Fields(text) {
						want = want && k.idx.Contains(doc, w)
					}
				}
				found := false
				for h, err := range trigram.Search(ctx, k.db, k.idx, text, &trigram.SearchOptions{AllWords: all, Highlight: true, Snippet: 16}) {
					if err != nil {
						t.Fatalf("Search(%q, AllWords=%v): %v", text, all, err)
					}
					found = found || h.RowID == 999
				}
				if found != want {
					t.Fatalf("document %q, Search(%q, AllWords=%v): found %v, want %v", doc, text, all, found, want)
				}
			}
		}
	})
}
