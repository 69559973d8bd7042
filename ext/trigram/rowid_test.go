package trigram_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// TestCreate_rowIDKey: an index's RowID must be a key of its table: the
// table's rowid, its INTEGER PRIMARY KEY, or an integer column with a
// UNIQUE constraint (or unique index) of its own and NOT NULL. A
// non-unique column returned a hit once per row sharing the value, and
// rows where it was NULL were never found (issue 16).
func TestCreate_rowIDKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, schema, rowid string
		ok                  bool
	}{
		{"rowid", "CREATE TABLE m(body)", "", true},
		{"rowid named", "CREATE TABLE m(body)", "rowid", true},
		{"INTEGER PRIMARY KEY", "CREATE TABLE m(id INTEGER PRIMARY KEY, body)", "id", true},
		{"UNIQUE NOT NULL", "CREATE TABLE m(n INTEGER NOT NULL UNIQUE, body)", "n", true},
		{"unique index, NOT NULL", "CREATE TABLE m(n INT NOT NULL, body); CREATE UNIQUE INDEX m_n ON m(n)", "n", true},
		{"WITHOUT ROWID primary key", "CREATE TABLE m(id INTEGER PRIMARY KEY, body) WITHOUT ROWID", "id", true},
		{"not unique", "CREATE TABLE m(n INTEGER NOT NULL, body)", "n", false},
		{"not unique, plain index", "CREATE TABLE m(n INTEGER NOT NULL, body); CREATE INDEX m_n ON m(n)", "n", false},
		{"unique but nullable", "CREATE TABLE m(n INTEGER UNIQUE, body)", "n", false},
		{"INT PRIMARY KEY, nullable", "CREATE TABLE m(n INT PRIMARY KEY, body)", "n", false},
		{"unique with another column", "CREATE TABLE m(n INTEGER NOT NULL, k INTEGER NOT NULL, body, UNIQUE(n, k))", "n", false},
		{"partial unique index", "CREATE TABLE m(n INTEGER NOT NULL, body); CREATE UNIQUE INDEX m_n ON m(n) WHERE n > 0", "n", false},
		{"WITHOUT ROWID, no rowid", "CREATE TABLE m(id INTEGER PRIMARY KEY, body) WITHOUT ROWID", "", false},
	} {
		db := openDB(t)
		exec(t, db, tc.schema)
		idx := trigram.Index{Table: "m", Columns: []string{"body"}, RowID: tc.rowid}
		err := trigram.Create(t.Context(), db, idx)
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s: Create: %v", tc.name, err)
		case !tc.ok && (!errors.Is(err, trigram.ErrInvalidIndex) || !strings.Contains(err.Error(), "rowid")):
			t.Errorf("%s: Create: %v, want ErrInvalidIndex about the rowid", tc.name, err)
		}
	}
}
