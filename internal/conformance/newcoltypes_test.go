package conformance_test

import (
	"database/sql"
	"fmt"
	"testing"
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
