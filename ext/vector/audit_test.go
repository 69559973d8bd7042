package vector_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// TestTopK_hostile: what a caller passes to TopK is refused with an error
// naming it, before any SQL runs (issue 16).
func TestTopK_hostile(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE d(id INTEGER PRIMARY KEY, lang, e);
		INSERT INTO d VALUES (1, 'en', '[1, 0]'), (2, 'fr', '[0, 1]'), (3, 'en', '[1, 1]')`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table, column string
		opts          *vector.TopKOptions
		want          string // in the error
		is            error
	}{
		// ?1 is TopK's query vector, not the first of Args.
		{"d", "e", &vector.TopKOptions{Filter: "lang = ?1", Args: []any{"en"}}, "numbered parameter ?1", vector.ErrInvalidFilter},
		// A trailing comment hid the open parenthesis: a syntax error
		// "near ORDER" instead of naming the filter.
		{"d", "e", &vector.TopKOptions{Filter: "(lang = 'en' --"}, "unbalanced (", vector.ErrInvalidFilter},
		// SQLite stops reading SQL at a NUL: "unrecognized token".
		{"d\x00x", "e", nil, `table name "d\x00x" has a NUL byte`, nil},
		{"d", "e\x00", nil, `column name "e\x00" has a NUL byte`, nil},
	} {
		var err error
		for _, e := range vector.TopK(ctx, db, c.table, c.column, []float32{1, 0}, 10, c.opts) {
			if e != nil {
				err = e
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("TopK(%q, %q, %+v): %v, want an error with %q", c.table, c.column, c.opts, err, c.want)
		}
	}
}

// TestSQL_hostile: bad arguments to the SQL functions and to vec0 queries
// are errors naming them, never a silent reading of something else
// (issue 16).
func TestSQL_hostile(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	if err := c.Exec(`CREATE VIRTUAL TABLE v USING vec0(e float[2]);
		INSERT INTO v(rowid, e) VALUES (1, '[1, 0]'), (2, '[0, 1]'), (3, '[1, 1]')`); err != nil {
		t.Fatal(err)
	}
	for _, c2 := range []struct{ query, want string }{
		// start and end were read with sqlite3_value_int: 'a' was 0,
		// 0.9 was 0 and '1abc' was 1.
		{"SELECT vec_slice('[1, 2, 3]', 'a', 2)", "vec_slice: start must be an integer, got TEXT"},
		{"SELECT vec_slice('[1, 2, 3]', '1abc', 2)", "vec_slice: start must be an integer, got TEXT"},
		{"SELECT vec_slice('[1, 2, 3]', 0.9, 2)", "vec_slice: start must be an integer, got FLOAT"},
		{"SELECT vec_slice('[1, 2, 3]', 0, 2.9)", "vec_slice: end must be an integer, got FLOAT"},
		{"SELECT vec_slice('[1, 2, 3]', 0, x'02')", "vec_slice: end must be an integer, got BLOB"},
		// The second k was left to SQLite, which compared it with the
		// hidden column: no rows, no error.
		{"SELECT count(*) FROM v WHERE e MATCH '[1, 0]' AND k = 3 AND k = 2", "only one 'k = ?' constraint"},
	} {
		v, err := eval(c, c2.query)
		if err == nil || !strings.Contains(err.Error(), c2.want) {
			t.Errorf("%s = %v, %v; want an error with %q", c2.query, v, err, c2.want)
		}
	}
}

// TestF32_Value_empty: an empty, non-nil F32 went in as an empty BLOB
// without an error, which F32.Scan and every function then refuse: a
// vector lost at write time, found at read time (issue 16).
func TestF32_Value_empty(t *testing.T) {
	t.Parallel()
	if v, err := (vector.F32{}).Value(); !errors.Is(err, vector.ErrMalformed) {
		t.Errorf("F32{}.Value() = %#v, %v; want an error matching ErrMalformed", v, err)
	}
	if v, err := vector.F32(nil).Value(); v != nil || err != nil {
		t.Errorf("F32(nil).Value() = %#v, %v; want NULL", v, err)
	}
}
