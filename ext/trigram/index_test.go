package trigram_test

import (
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

func queryInt(t *testing.T, db trigram.Querier, query string, args ...any) int64 {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int64
	if !rows.Next() {
		t.Fatalf("%s: no row", query)
	}
	if err := rows.Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreate_idempotent(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec(t, conn, `CREATE TABLE docs(body TEXT); INSERT INTO docs VALUES ('hello world'), ('other text')`)
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	if err := trigram.Create(t.Context(), conn, idx); err != nil {
		t.Fatal(err)
	}
	// Existing rows are indexed.
	if got := searchIDs(t, conn, idx, "LO WOR", nil); !slices.Equal(got, []int64{1}) {
		t.Fatalf("after Create: %v", got)
	}
	schema := queryInt(t, conn, `PRAGMA schema_version`)
	changes := queryInt(t, conn, `SELECT total_changes()`)
	for range 3 {
		if err := trigram.Create(t.Context(), conn, idx); err != nil {
			t.Fatal(err)
		}
	}
	if got := queryInt(t, conn, `PRAGMA schema_version`); got != schema {
		t.Errorf("a second Create changed the schema: version %d, then %d", schema, got)
	}
	if got := queryInt(t, conn, `SELECT total_changes()`); got != changes {
		t.Errorf("a second Create wrote %d rows", got-changes)
	}

	// Another definition under the same name replaces the index.
	idx.CaseSensitive = true
	if err := trigram.Create(t.Context(), conn, idx); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, conn, `SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%case_sensitive 1%'`); got != 1 {
		t.Errorf("the index was not replaced")
	}
	if got := searchIDs(t, conn, idx, "LO WOR", nil); got != nil {
		t.Errorf("case-sensitive search found %v", got)
	}
	if got := searchIDs(t, conn, idx, "lo wor", nil); !slices.Equal(got, []int64{1}) {
		t.Errorf("case-sensitive search found %v", got)
	}
	if err := trigram.IntegrityCheck(t.Context(), conn, idx); err != nil {
		t.Error(err)
	}

	if err := trigram.Drop(t.Context(), conn, idx); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, conn, `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'docs_trigram%'`); got != 0 {
		t.Errorf("Drop left %d objects", got)
	}
	if err := trigram.Drop(t.Context(), conn, idx); err != nil {
		t.Errorf("second Drop: %v", err)
	}
}

// TestCreate_names checks that names are quoted wherever they go, including
// names made to break out of quotes.
func TestCreate_names(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	names := []string{`we"ird tab'le`, `x"); DROP TABLE safe; --`, `ünï [cøde] 日本`, "`back`"}
	exec(t, db, `CREATE TABLE safe(x)`)
	for i, n := range names {
		col := n + " col"
		rid := n + " id"
		exec(t, db, `CREATE TABLE `+sqlite3.QuoteIdentifier(n)+`(`+sqlite3.QuoteIdentifier(rid)+` INTEGER PRIMARY KEY, `+
			sqlite3.QuoteIdentifier(col)+` TEXT)`)
		exec(t, db, `INSERT INTO `+sqlite3.QuoteIdentifier(n)+` VALUES (7, 'needle in a haystack')`)
		idx := trigram.Index{Name: n + " fts", Table: n, Columns: []string{col}, RowID: rid}
		if i%2 == 1 {
			idx.Name = ""
		}
		for range 2 {
			if err := trigram.Create(t.Context(), db, idx); err != nil {
				t.Fatalf("%q: %v", n, err)
			}
		}
		exec(t, db, `INSERT INTO `+sqlite3.QuoteIdentifier(n)+` VALUES (8, 'another needle')`)
		exec(t, db, `UPDATE `+sqlite3.QuoteIdentifier(n)+` SET `+sqlite3.QuoteIdentifier(col)+` = 'no more' WHERE `+sqlite3.QuoteIdentifier(rid)+` = 7`)
		for _, text := range []string{"needle", "ne"} {
			hits := collect(t, db, idx, text, &trigram.SearchOptions{Highlight: true, Open: "<", Close: ">",
				Filter: sqlite3.QuoteIdentifier(rid) + " > ?", Args: []any{0}})
			want := []trigram.Hit{{RowID: 8, Highlight: []string{"another <ne>edle"}}}
			if text == "needle" {
				want[0].Highlight = []string{"another <needle>"}
			}
			for i := range hits {
				hits[i].Rank = 0
			}
			if diff := cmp.Diff(want, hits); diff != "" {
				t.Errorf("%q: Search(%q) (-want +got):\n%s", n, text, diff)
			}
		}
		for _, f := range []func() error{
			func() error { return trigram.IntegrityCheck(t.Context(), db, idx) },
			func() error { return trigram.Optimize(t.Context(), db, idx) },
			func() error { return trigram.Rebuild(t.Context(), db, idx) },
			func() error { return trigram.IntegrityCheck(t.Context(), db, idx) },
			func() error { return trigram.Drop(t.Context(), db, idx) },
		} {
			if err := f(); err != nil {
				t.Errorf("%q: %v", n, err)
			}
		}
	}
	if got := queryInt(t, db, `SELECT count(*) FROM safe`); got != 0 {
		t.Fatal("unreachable")
	}
}

func TestCreate_errors(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(body TEXT, rank TEXT); CREATE TABLE docs_trigram(x); CREATE TABLE t2(a)`)
	tests := []struct {
		name string
		idx  trigram.Index
		want string
	}{
		{"no table", trigram.Index{Columns: []string{"body"}}, "table is empty"},
		{"no columns", trigram.Index{Table: "docs"}, "no columns"},
		{"NUL", trigram.Index{Table: "docs", Columns: []string{"bo\x00dy"}}, "NUL"},
		{"bad UTF-8", trigram.Index{Table: "docs\xff", Columns: []string{"body"}}, "UTF-8"},
		{"twice", trigram.Index{Table: "docs", Columns: []string{"body", "BODY"}}, "named twice"},
		{"rank", trigram.Index{Name: "f", Table: "docs", Columns: []string{"rank"}}, "reserves"},
		{"options", trigram.Index{Name: "f", Table: "docs", Columns: []string{"body"}, CaseSensitive: true, RemoveDiacritics: true}, "RemoveDiacritics"},
		{"missing table", trigram.Index{Table: "nope", Columns: []string{"body"}}, `table "nope" does not exist`},
		{"missing column", trigram.Index{Name: "f", Table: "docs", Columns: []string{"title"}}, `no column "title"`},
		{"missing rowid", trigram.Index{Name: "f", Table: "docs", Columns: []string{"body"}, RowID: "id"}, `no column "id"`},
		{"taken name", trigram.Index{Table: "docs", Columns: []string{"body"}}, `table "docs_trigram" exists`},
		{"taken by a table", trigram.Index{Name: "t2", Table: "docs", Columns: []string{"body"}}, `table "t2" exists`},
	}
	for _, tt := range tests {
		err := trigram.Create(t.Context(), db, tt.idx)
		if err == nil || !errors.Is(err, trigram.ErrInvalidIndex) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Create: %v, want ErrInvalidIndex with %q", tt.name, err, tt.want)
		}
	}
	// Drop refuses to drop what Create did not make.
	if err := trigram.Drop(t.Context(), db, trigram.Index{Table: "docs", Columns: []string{"body"}}); !errors.Is(err, trigram.ErrInvalidIndex) {
		t.Errorf("Drop of a plain table: %v", err)
	}
	if got := queryInt(t, db, `SELECT count(*) FROM docs_trigram`); got != 0 {
		t.Fatal("unreachable")
	}
}

// TestCreate_replace shows the one write triggers miss, and its fix.
func TestCreate_replace(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec(t, conn, `CREATE TABLE docs(id INTEGER PRIMARY KEY, key TEXT UNIQUE, body TEXT)`)
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}, RowID: "id"}
	if err := trigram.Create(t.Context(), conn, idx); err != nil {
		t.Fatal(err)
	}
	exec(t, conn, `INSERT INTO docs VALUES (1, 'k', 'first text')`)

	exec(t, conn, `PRAGMA recursive_triggers = on`)
	exec(t, conn, `INSERT OR REPLACE INTO docs VALUES (2, 'k', 'second text')`)
	exec(t, conn, `INSERT OR REPLACE INTO docs VALUES (2, 'j', 'third text')`)
	if err := trigram.IntegrityCheck(t.Context(), conn, idx); err != nil {
		t.Fatalf("with recursive_triggers: %v", err)
	}
	if got := searchIDs(t, conn, idx, "text", nil); !slices.Equal(got, []int64{2}) {
		t.Errorf("with recursive_triggers: %v", got)
	}

	exec(t, conn, `PRAGMA recursive_triggers = off`)
	exec(t, conn, `INSERT OR REPLACE INTO docs VALUES (3, 'j', 'fourth text')`)
	err = trigram.IntegrityCheck(t.Context(), conn, idx)
	if !errors.Is(err, sqlite3.CORRUPT_VTAB) {
		t.Fatalf("without recursive_triggers: %v, want CORRUPT_VTAB", err)
	}
	if err := trigram.Rebuild(t.Context(), conn, idx); err != nil {
		t.Fatal(err)
	}
	if err := trigram.IntegrityCheck(t.Context(), conn, idx); err != nil {
		t.Fatalf("after Rebuild: %v", err)
	}
}

var _ trigram.Querier = (*sql.Tx)(nil)
