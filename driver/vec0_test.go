package driver_test

import (
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/vector"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestVec0 checks that every sqlitekit connection has sqlite-vec's vec0,
// vec_each and vec_version, with rows committed on one pool visible to
// another on the same file.
func TestVec0(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	w, r := open(t, "file:"+path), open(t, "file:"+path)
	testdb.Exec(t, w, `CREATE VIRTUAL TABLE docs USING vec0(id integer primary key, embedding float[3] distance_metric=cosine, lang text)`)
	tx, err := w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []vector.F32{{1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 0, 1}} {
		testdb.Exec(t, tx, `INSERT INTO docs(id, embedding, lang) VALUES (?, ?, ?)`, i+1, v, []string{"en", "fr"}[i%2])
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rows, err := r.Query(`SELECT id, distance FROM docs WHERE embedding MATCH ? AND k = 2 AND lang = 'en'`, vector.F32{1, 0.1, 0})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var d float64
		if err := rows.Scan(&id, &d); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) != 2 || ids[0] != 1 || ids[1] != 3 {
		t.Fatalf("KNN: %v, %v; want [1 3]", ids, err)
	}
	var version string
	var n int
	if err := r.QueryRow(`SELECT vec_version(), (SELECT count(*) FROM vec_each('[1, 2, 3]'))`).Scan(&version, &n); err != nil || version != vector.Version || n != 3 {
		t.Fatalf("vec_version, vec_each: %q %d %v", version, n, err)
	}
}
