package sqlexpr

import (
	"testing"

	"github.com/ncruces/go-sqlite3"
)

// FuzzCheck: a filter that Check accepts stays inside the parentheses a
// helper writes around it. The helper's SQL here ends "AND 0" outside
// them: if SQLite compiles it, it is one statement, and it returns no
// row, whatever the filter (issue 16).
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "x = 1", "1) OR (1", "x = 1 -- c", "(x = 1 -- c", "x = ')'", "[a)b] = 1",
		"x = 1 /* ) */", "1\n) OR (1", "x IN (SELECT 1)", "x = ?", "x = :a", "'a''b' = x", "\"x\" = 1", "`x` = 1",
		"x = 1; DROP TABLE t", "1 --\n) OR (1", "x = 1 /* a */ ) UNION ( 1", "CASE WHEN 1 THEN 1 END", "x'00' = x"} {
		f.Add(s)
	}
	c, err := sqlite3.Open(":memory:")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { c.Close() })
	if err := c.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (NULL)"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if Check(expr) != nil {
			return
		}
		query := "SELECT x FROM t WHERE (" + expr + "\n) AND 0"
		s, tail, err := c.Prepare(query)
		if err != nil || s == nil {
			return // not an expression: SQLite says so
		}
		defer s.Close()
		if tail != "" {
			t.Fatalf("Check accepted %q, and the query holds more than one statement: %q follows", expr, tail)
		}
		if s.ReadOnly() && s.BindCount() == 0 {
			for s.Step() {
				t.Fatalf("Check accepted %q, which escaped its parentheses: a row came through AND 0", expr)
			}
		}
	})
}
