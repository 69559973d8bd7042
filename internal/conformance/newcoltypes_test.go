package conformance_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ColumnType's scan types before the first Next, on each row, and after
// the last, for columns whose values do and do not fit their declared
// types: what a scanner that makes its destinations from ScanType sees.
// Before the first Next, a column of a declared type has the type it
// declares, whatever the first row holds (a NULL DATETIME is still a
// time.Time). Deliberate differences, asserted in TestColumnTypes: before
// the first Next, a column of no declared type (or of one
// not listed in the driver's docs, such as VARCHAR) has the type of the first
// row's value (ncruces: any), and Nullable says what the table says
// (ncruces reports every column of a known declared type not nullable).
// knownDecl are the declared types that give a column its scan type.
var knownDecl = map[string]bool{"INT": true, "INTEGER": true, "REAL": true, "TEXT": true, "BLOB": true,
	"BOOLEAN": true, "DATE": true, "TIME": true, "DATETIME": true, "TIMESTAMP": true}

func TestDiffScanTypes(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, `CREATE TABLE t(i INTEGER, d DATETIME, b BOOLEAN, r REAL, x, v VARCHAR(9), bl BLOB, n INTEGER NOT NULL)`)
		mustExec(t, db, `INSERT INTO t VALUES ('text', NULL, 2, 1, 2.5, 'v', NULL, 1), (1, CURRENT_TIMESTAMP, 1, NULL, 'x', 3, x'00', 2)`)
		rows, err := db.Query("SELECT *, 1 + 1, NULL FROM t ORDER BY rowid")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		read := func(when string) {
			cts, err := rows.ColumnTypes()
			if err != nil {
				out = append(out, when+": "+class(err))
				return
			}
			line := when + ":"
			for _, c := range cts {
				scan := c.ScanType().String()
				if !knownDecl[c.DatabaseTypeName()] && when == "before Next" {
					scan = "(deliberate)"
				}
				line += fmt.Sprintf(" %s=%s/%q", c.Name(), scan, c.DatabaseTypeName())
			}
			out = append(out, line)
		}
		read("before Next")
		for i := 0; rows.Next(); i++ {
			read(fmt.Sprint("row ", i))
		}
		read("after the last row")
		return out
	})
}

// Declared types as schemas spell them (sizes, two words, MySQL's
// UNSIGNED, STRICT's ANY), and columns of views, CTEs, subqueries,
// rowid and generated columns: DatabaseTypeName and ScanType.
func TestDiffDeclaredTypes(t *testing.T) {
	t.Parallel()
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		mustExec(t, db, `CREATE TABLE t(a VARCHAR(255), b "DECIMAL(10, 2)", c DOUBLE PRECISION, d UNSIGNED BIG INT, e UNSIGNED INT(11),
			f NUMERIC (3), g datetime, h Boolean, i integer, j CHARACTER VARYING(8), k TEXT GENERATED ALWAYS AS (a || 'k'), l "")`)
		mustExec(t, db, `CREATE TABLE s(x ANY, y INTEGER, z TEXT) STRICT`)
		mustExec(t, db, `CREATE VIEW v AS SELECT a, g AS when_at, i + 1 AS n FROM t`)
		mustExec(t, db, `INSERT INTO t(a, g, h, i) VALUES ('x', '2024-01-01 00:00:00', 1, 2); INSERT INTO s VALUES (1, 2, 'z')`)
		var out []string
		for _, q := range []string{
			"SELECT * FROM t", "SELECT * FROM s", "SELECT * FROM v", "SELECT rowid, _rowid_, oid FROM t",
			"WITH c AS (SELECT g, i FROM t) SELECT * FROM c", "SELECT * FROM (SELECT g AS gg, h FROM t)",
			"SELECT CAST(i AS TEXT), i AS alias, t.g FROM t", "SELECT a FROM t UNION ALL SELECT z FROM s",
		} {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cts, err := rows.ColumnTypes()
			if err != nil {
				t.Fatal(err)
			}
			line := q + ":"
			for _, c := range cts {
				scan := c.ScanType().String()
				if !knownDecl[c.DatabaseTypeName()] {
					scan = "(deliberate)"
				}
				line += fmt.Sprintf(" %s=%q/%s", c.Name(), c.DatabaseTypeName(), scan)
			}
			rows.Close()
			out = append(out, line)
		}
		return out
	})
	if d := cmp.Diff(ncr, kit); d != "" {
		t.Errorf("(-ncruces +sqlitekit):\n%s", d)
	}
}
