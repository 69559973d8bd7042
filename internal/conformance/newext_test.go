package conformance_test

import (
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	"github.com/ncruces/go-sqlite3/ext/regexp"
	"github.com/ncruces/go-sqlite3/ext/unicode"
	"github.com/ncruces/go-sqlite3/ext/vec1"
)

var autoExtensions sync.Once

// Code written for ncruces registers the extensions it needs with
// sqlite3.AutoExtension, for every connection the process opens: FTS5
// and vec1 (which plain ncruces lacks and sqlitekit registers itself),
// REGEXP, unicode. sqlitekit's connections run them too, and registering
// FTS5 and vec1 twice breaks nothing.
func TestDiffAutoExtension(t *testing.T) {
	t.Parallel()
	autoExtensions.Do(func() {
		for _, f := range []func(*sqlite3.Conn) error{fts5.Register, vec1.Register, regexp.Register, unicode.Register} {
			sqlite3.AutoExtension(f)
		}
	})
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
		return out
	})
}
