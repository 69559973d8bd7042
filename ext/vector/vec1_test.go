package vector_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/vec1"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// TestVec1Path runs the SQL of the package documentation's vec1 section:
// an index kept in sync by triggers, rebuilt flat and trained, queried with
// a filter.
func TestVec1Path(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := t.TempDir() + "/vec1.db"
	db, err := driver.Open("file:"+path, func(c *sqlite3.Conn) error {
		if err := vec1.Register(c); err != nil {
			return err
		}
		return vector.Register(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE docs(id INTEGER PRIMARY KEY, lang TEXT, embedding BLOB)`)
	// An index on an expression of the functions is allowed.
	exec(`CREATE INDEX docs_dims ON docs(vec_length(embedding))`)
	r := rand.New(rand.NewPCG(11, 12))
	for id := 1; id <= 400; id++ {
		exec(`INSERT INTO docs VALUES (?, ?, ?)`, id, []string{"en", "fr"}[id%2], vector.F32(randVec(r, 16)))
	}
	exec(`
		CREATE VIRTUAL TABLE docs_ann USING vec1(embedding, lang);
		INSERT INTO docs_ann(rowid, embedding, lang)
		SELECT id, embedding, lang FROM docs WHERE embedding IS NOT NULL;
		CREATE TRIGGER docs_ann_insert AFTER INSERT ON docs
		WHEN new.embedding IS NOT NULL BEGIN
		  INSERT INTO docs_ann(rowid, embedding, lang)
		  VALUES (new.id, new.embedding, new.lang);
		END;
		CREATE TRIGGER docs_ann_update AFTER UPDATE OF embedding, lang ON docs BEGIN
		  DELETE FROM docs_ann WHERE rowid = old.id;
		  INSERT INTO docs_ann(rowid, embedding, lang)
		  SELECT new.id, new.embedding, new.lang WHERE new.embedding IS NOT NULL;
		END;
		CREATE TRIGGER docs_ann_delete AFTER DELETE ON docs BEGIN
		  DELETE FROM docs_ann WHERE rowid = old.id;
		END;`)

	q := vector.F32(randVec(r, 16))
	exact := func() []int64 {
		var ids []int64
		for m, err := range vector.TopK(ctx, db, "docs", "embedding", q, 5, &vector.TopKOptions{Where: "lang = 'en'"}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.RowID)
		}
		return ids
	}
	ann := func(opts string) []int64 {
		rows, err := db.QueryContext(ctx, `SELECT rowid FROM docs_ann(?, '`+opts+`') WHERE lang = 'en'`, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}

	// Changes reach the index through the triggers.
	exec(`INSERT INTO docs VALUES (1000, 'en', ?), (1001, 'en', NULL)`, q)
	exec(`UPDATE docs SET lang = 'fr' WHERE id = 2`)
	exec(`DELETE FROM docs WHERE id = 4`)
	var n, fr2 int
	db.QueryRowContext(ctx, `SELECT count(*), sum(rowid = 2 AND lang = 'fr') FROM docs_ann`).Scan(&n, &fr2)
	if n != 400 || fr2 != 1 {
		t.Errorf("index has %d rows (%d for row 2 in fr), want 400 (1)", n, fr2)
	}

	exec(`INSERT INTO docs_ann(cmd, embedding) VALUES ('rebuild', '{index:"flat", distance:"cos"}')`)
	if diff := cmp.Diff(exact(), ann(`{K:5}`)); diff != "" {
		t.Errorf("flat index (-exact +vec1):\n%s", diff)
	}
	exec(`
		INSERT INTO docs_ann(cmd, embedding)
		SELECT 'rebuild', vec1_train(embedding, '{distance:"cos", nbucket:20}')
		FROM docs WHERE embedding IS NOT NULL`)
	// Visiting every bucket gives the exact answer.
	if diff := cmp.Diff(exact(), ann(`{K:5, nprobe:20}`)); diff != "" {
		t.Errorf("trained index, all buckets (-exact +vec1):\n%s", diff)
	}
	got := ann(`{K:5, nprobe:0.05}`)
	if len(got) != 5 || !slices.Contains(got, 1000) {
		t.Errorf("trained index, one bucket: got %v, want 5 rows with 1000", got)
	}
}
