package conformance_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Parameters: ?, ?NNN, :name, @name and $name as SQLite numbers them.
func TestParameters(t *testing.T) {
	t.Parallel()
	db := open(t)
	for _, tt := range []struct {
		name  string
		query string
		args  []any
		want  []any
	}{
		{"positional", "SELECT ?, ?", []any{1, "a"}, []any{int64(1), "a"}},
		{"numbered", "SELECT ?2, ?1, ?2", []any{"a", "b"}, []any{"b", "a", "b"}},
		{"prefixes", "SELECT :a, @b, $c", []any{sql.Named("a", 1), sql.Named("b", 2), sql.Named("c", 3)}, []any{int64(1), int64(2), int64(3)}},
		{"one name, two prefixes", "SELECT @x, $x, :x", []any{sql.Named("x", 5)}, []any{int64(5), int64(5), int64(5)}},
		{"named in any order", "SELECT :a, :b", []any{sql.Named("b", 2), sql.Named("a", 1)}, []any{int64(1), int64(2)}},
		// A named argument no parameter uses is ignored (all peers).
		{"unused named", "SELECT :a", []any{sql.Named("a", 1), sql.Named("z", 2)}, []any{int64(1)}},
		{"positional and named", "SELECT ?, :a", []any{1, sql.Named("a", 2)}, []any{int64(1), int64(2)}},
		{"unicode name", "SELECT :名前", []any{sql.Named("名前", 5)}, []any{int64(5)}},
		// $1 is a name to SQLite: the first argument goes to the first
		// parameter, whatever its name (ncruces, mattn; modernc binds
		// $N to the Nth argument and gives "b", "a").
		{"$N", "SELECT $2, $1", []any{"a", "b"}, []any{"a", "b"}},
		{"$N repeated", "SELECT $1, $2, $1", []any{"a", "b"}, []any{"a", "b", "a"}},
		{"? in a literal or comment is no parameter", "SELECT '?', ? -- ?", []any{1}, []any{"?", int64(1)}},
	} {
		if got := row(t, db, tt.query, tt.args...); !cmp.Equal(got, tt.want) {
			t.Errorf("%s: %s", tt.name, cmp.Diff(tt.want, got))
		}
	}

	st, err := db.Prepare("SELECT :a, :b")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var a, b int
	if err := st.QueryRow(sql.Named("b", 2), sql.Named("a", 1)).Scan(&a, &b); err != nil || a != 1 || b != 2 {
		t.Errorf("prepared, named: %d %d %v", a, b, err)
	}
	// A prepared statement's bindings do not outlive a call.
	if err := st.QueryRow(sql.Named("a", 3)).Scan(&a, &b); err == nil || !strings.Contains(err.Error(), ":b") {
		t.Errorf("prepared, second call without :b: %d %d %v", a, b, err)
	}
}

// Many parameters, of every kind, bind in one statement (modernc's test
// of 2000).
func TestManyParameters(t *testing.T) {
	t.Parallel()
	db := open(t)
	const n = 2000
	for _, kind := range []string{"?", "?N", ":name", "@name"} {
		args := make([]any, n)
		values := make([]string, n)
		for i := range args {
			v := int64(3*i + 1)
			switch kind {
			case "?":
				values[i] = fmt.Sprintf("(%d, ?)", i)
				args[i] = v
			case "?N":
				values[n-1-i] = fmt.Sprintf("(%d, ?%d)", i, i+1) // listed backwards
				args[i] = v
			default:
				values[n-1-i] = fmt.Sprintf("(%d, %cp%d)", i, kind[0], i)
				args[i] = sql.Named(fmt.Sprintf("p%d", i), v)
			}
		}
		rows, err := db.Query("SELECT column1, column2 FROM (VALUES "+strings.Join(values, ", ")+")", args...)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		seen := 0
		for rows.Next() {
			var i, v int64
			if err := rows.Scan(&i, &v); err != nil {
				t.Fatal(err)
			}
			if v != 3*i+1 {
				t.Fatalf("%s: parameter %d bound to %d", kind, i, v)
			}
			seen++
		}
		if err := rows.Err(); err != nil || seen != n {
			t.Fatalf("%s: %d rows, %v", kind, seen, err)
		}
		rows.Close()
	}
}

// An argument no parameter takes is refused, and nothing runs. ncruces
// refuses too ("sql: expected 1 arguments, got 2"); mattn and modernc
// ignore the extra argument.
func TestArgumentsTooMany(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE TABLE t(x)")
	if _, err := db.Exec("INSERT INTO t VALUES (?)", 1, 2); err == nil || !strings.Contains(err.Error(), "argument 2") {
		t.Errorf("Exec with an extra argument: %v", err)
	}
	var v any
	if err := db.QueryRow("SELECT ?", 1, 2).Scan(&v); err == nil || !strings.Contains(err.Error(), "argument 2") {
		t.Errorf("QueryRow with an extra argument: %v", err)
	}
	st, err := db.Prepare("SELECT ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.QueryRow().Scan(&v); err == nil || !strings.Contains(err.Error(), "expected 1 arguments, got 0") {
		t.Errorf("prepared, no argument: %v", err)
	}
	if n := count(t, db, "t"); n != 0 {
		t.Errorf("%d rows", n)
	}
}

// Scripts: several statements in one Exec, arguments given to their
// parameters in turn (mattn's and modernc's tests; ncruces refuses
// arguments with several statements), named arguments to every
// statement that names them, comments anywhere. An error of SQLite stops
// the script where it happens; what ran before stays (all peers).
func TestScripts(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, `
		CREATE TABLE foo(id INTEGER); -- one comment
		INSERT INTO foo(id) VALUES (?);
		INSERT INTO foo(id) VALUES (?);
		INSERT INTO foo(id) VALUES (?); -- another comment
		`, 1, 2, 3)
	if got := value(t, db, "SELECT group_concat(id) FROM foo"); got != "1,2,3" {
		t.Errorf("script with arguments: %v", got)
	}

	mustExec(t, db, `CREATE TABLE t(s1, s2, s3, s4); INSERT INTO t VALUES (?, @aa, $aa, @bb)`, "1", sql.Named("aa", "one"), sql.Named("bb", "two"))
	if got, want := row(t, db, "SELECT * FROM t"), []any{"1", "one", "one", "two"}; !cmp.Equal(got, want) {
		t.Errorf("script with named arguments: %s", cmp.Diff(want, got))
	}

	mustExec(t, db, "CREATE TABLE u(x UNIQUE)")
	if _, err := db.Exec("INSERT INTO u VALUES (1); INSERT INTO u VALUES (1); INSERT INTO u VALUES (2)"); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Errorf("script with a failing statement: %v", err)
	}
	if got := value(t, db, "SELECT group_concat(x) FROM u"); got != "1" {
		t.Errorf("after the failing script: %v", got)
	}

	// A script is for Exec. Query and Prepare take one statement, and
	// refuse a second, as ncruces does ("multiple statements"); mattn
	// and modernc run the ones before the last and return the last's
	// rows.
	if _, err := db.Query("INSERT INTO u VALUES (3); SELECT x FROM u"); err == nil || !strings.Contains(err.Error(), "only one statement") {
		t.Errorf("Query of two statements: %v", err)
	}
	if _, err := db.Prepare("SELECT 1; SELECT 2"); err == nil || !strings.Contains(err.Error(), "only one statement") {
		t.Errorf("Prepare of two statements: %v", err)
	}
	if got := value(t, db, "SELECT count(*) FROM u"); got != int64(1) {
		t.Errorf("the refused Query ran: %v rows", got)
	}
}

// Trailing semicolons and comments after a statement, and queries of no
// statement at all (ncruces panics on Query of a comment; mattn fails
// "SELECT 1; -- done" with no rows; modernc panics on Exec("")).
func TestTrailingAndEmpty(t *testing.T) {
	t.Parallel()
	db := open(t)
	for _, q := range []string{"SELECT 1;", "SELECT 1; -- done", "SELECT 1;\n;", "SELECT 1 /* c */ ;"} {
		if got := value(t, db, q); got != int64(1) {
			t.Errorf("%q: %v", q, got)
		}
		st, err := db.Prepare(q)
		if err != nil {
			t.Errorf("Prepare(%q): %v", q, err)
			continue
		}
		st.Close()
	}
	// Prepare of no statement fails with an error that says so (ncruces,
	// mattn and modernc crash with a nil pointer when it runs).
	if _, err := db.Prepare("-- nothing"); err == nil || !strings.Contains(err.Error(), "no SQL statement") {
		t.Errorf("Prepare of a comment: %v", err)
	}
	for _, q := range []string{"", "   ", "-- comment", "/* block */", ";"} {
		var x int
		if err := db.QueryRow(q).Scan(&x); err != sql.ErrNoRows {
			t.Errorf("QueryRow(%q): %v, want sql.ErrNoRows", q, err)
		}
		if r, err := db.Exec(q); err != nil || resultOf(t, r) != (result{}) {
			t.Errorf("Exec(%q): %v", q, err)
		}
	}
}
