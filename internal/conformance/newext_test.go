package conformance_test

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/array"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	"github.com/ncruces/go-sqlite3/ext/regexp"
	"github.com/ncruces/go-sqlite3/ext/unicode"
	"github.com/ncruces/go-sqlite3/ext/vec1"
)

var autoExtensions sync.Once

// registerAutoExtensions registers, once, the extensions code written for
// ncruces registers with sqlite3.AutoExtension.
func registerAutoExtensions() {
	autoExtensions.Do(func() {
		// Process-wide: they act only on the files of tests named
		// *AutoExtension*, so that other tests see the drivers as they are.
		sqlite3.AutoExtension(func(c *sqlite3.Conn) error {
			if !strings.Contains(c.Filename("main").String(), "AutoExtension") {
				return nil
			}
			return errors.Join(fts5.Register(c), vec1.Register(c), regexp.Register(c), unicode.Register(c), array.Register(c))
		})
	})
}

// Code written for ncruces registers the extensions it needs with
// sqlite3.AutoExtension, for every connection the process opens: FTS5
// and vec1 (which plain ncruces lacks and sqlitekit registers itself),
// REGEXP, unicode. sqlitekit's connections run them too, and registering
// FTS5 and vec1 twice breaks nothing.
func TestDiffAutoExtension(t *testing.T) {
	t.Parallel()
	registerAutoExtensions()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		var out []string
		for _, q := range []string{
			"CREATE VIRTUAL TABLE f USING fts5(body)",
			"INSERT INTO f VALUES ('hello world'), ('other')",
			"SELECT rowid FROM f WHERE f MATCH 'hello'",
			"SELECT 'abc' REGEXP '^a.c$', regexp_replace('abc', 'b', 'x')",
			"SELECT upper('straße'), 'É' LIKE 'é'",
			"SELECT count(*) FROM pragma_module_list WHERE name IN ('fts5', 'vec1')",
			"PRAGMA integrity_check",
		} {
			out = append(out, fmt.Sprintf("%s: %q", q, scanAll(db.Query(q))))
		}
		// A Go slice passed as a pointer to the array table function.
		out = append(out, scanAll(db.Query("SELECT value FROM array(?) ORDER BY value DESC", sqlite3.Pointer([]int{3, 1, 2})))...)
		out = append(out, scanAll(db.Query("SELECT rowid FROM f WHERE rowid IN array(?)", sqlite3.Pointer([]int64{1, 5})))...)
		return out
	})
}

// By design, the DSN's PRAGMAs run after sqlite3.AutoExtension's
// functions (sqlitekit runs them itself, once SQLite has opened the
// connection), where ncruces runs its _pragma list first: a PRAGMA and
// an extension that set the same thing end the other way round. Here
// case_sensitive_like, which restores SQLite's own LIKE, against the
// unicode extension's LIKE.
func TestAutoExtensionBeforePragmas(t *testing.T) {
	t.Parallel()
	registerAutoExtensions()
	ncr, kit := both(t, "_pragma=case_sensitive_like(1)", func(t *testing.T, db *sql.DB) []string {
		return scanAll(db.Query("SELECT 'a' LIKE 'A', 'é' LIKE 'É'"))
	})
	if want := []string{"'a' LIKE 'A','é' LIKE 'É'", "int64(1) | int64(1)"}; !slices.Equal(ncr, want) {
		t.Errorf("ncruces: %q, want %q (the extension's LIKE, registered after the PRAGMA)", ncr, want)
	}
	if want := []string{"'a' LIKE 'A','é' LIKE 'É'", "int64(0) | int64(0)"}; !slices.Equal(kit, want) {
		t.Errorf("sqlitekit: %q, want %q (SQLite's case-sensitive LIKE, set by the PRAGMA after the extension)", kit, want)
	}
}
