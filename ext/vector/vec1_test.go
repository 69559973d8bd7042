package vector_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
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
		for m, err := range vector.TopK(ctx, db, "docs", "embedding", q, 5, &vector.TopKOptions{Filter: "lang = 'en'"}) {
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
	// One bucket of 20: training is random (SQLite's randomness), and
	// the bucket nearest q held fewer than 5 'en' rows in 1 run of 30.
	// Four more rows in q's direction (cosine distance 0) go, through the
	// trigger, to the bucket row 1000 is in, so it holds at least 5.
	for i := range 4 {
		v := slices.Clone(q)
		for j := range v {
			v[j] *= float32(2 + i)
		}
		exec(`INSERT INTO docs VALUES (?, 'en', ?)`, 1002+i, v)
	}
	got := ann(`{K:5, nprobe:0.05}`)
	if len(got) != 5 || !slices.Contains(got, 1000) {
		t.Errorf("trained index, one bucket: got %v, want 5 rows with 1000", got)
	}
}

// TestVec1Recall trains a small vec1 index on clustered vectors (the
// generator of BenchmarkVec1, smaller) and checks that its top-10 agrees
// with the exact answer.
func TestVec1Recall(t *testing.T) {
	t.Parallel()
	const rows, dims = 3000, 64
	r := rand.New(rand.NewPCG(31, 32))
	centres := unitCentres(r, 40, dims)
	vecs := clustered(r, centres, rows, 0.15)
	queries := clustered(r, centres, 20, 0.15)

	c, err := sqlite3.Open(filepath.Join(t.TempDir(), "recall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := vec1.Register(c); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(`CREATE TABLE docs(id INTEGER PRIMARY KEY, e BLOB); CREATE VIRTUAL TABLE ann USING vec1(e); BEGIN`); err != nil {
		t.Fatal(err)
	}
	ins, _, err := c.Prepare(`INSERT INTO docs(id, e) VALUES (?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		ins.BindInt(1, i+1)
		ins.BindBlob(2, vector.AppendEncode(nil, v))
		if err := ins.Exec(); err != nil {
			t.Fatal(err)
		}
	}
	ins.Close()
	if err := c.Exec(`COMMIT`); err != nil {
		t.Fatal(err)
	}
	if err := fillANN(c, rows, 500); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(`
		INSERT INTO ann(cmd, e)
		SELECT 'rebuild', vec1_train(e, '{distance:"cos", nbucket:55, quantizer:"none"}')
		FROM docs WHERE id % 2 = 0`); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		nprobe string
		min    float64
	}{{"8", 0.9}, {"55", 1}} {
		stmt, _, err := c.Prepare(`SELECT rowid FROM ann(?, '{K:10, nprobe:` + tc.nprobe + `}')`)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, q := range queries {
			stmt.BindBlob(1, vector.AppendEncode(nil, q))
			var ids []int64
			for stmt.Step() {
				ids = append(ids, stmt.ColumnInt64(0))
			}
			if err := stmt.Reset(); err != nil {
				t.Fatal(err)
			}
			if len(ids) != 10 {
				t.Fatalf("nprobe %s: %d rows, want 10", tc.nprobe, len(ids))
			}
			sum += recall(exactIDs(vecs, q, 10), ids)
		}
		stmt.Close()
		got := sum / float64(len(queries))
		t.Logf("nprobe %s of 55 buckets: recall@10 %.3f", tc.nprobe, got)
		if got < tc.min {
			t.Errorf("nprobe %s: recall@10 %.3f, want at least %.2f", tc.nprobe, got, tc.min)
		}
	}
}
