package vector_test

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

func TestTopK(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	r := rand.New(rand.NewPCG(9, 10))
	if _, err := db.ExecContext(ctx, `CREATE TABLE docs(id INTEGER PRIMARY KEY, lang TEXT, e BLOB)`); err != nil {
		t.Fatal(err)
	}
	const n, dims = 600, 48
	vecs := map[int64][]float32{}
	langs := map[int64]string{}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= n; id++ {
		lang := []string{"en", "fr", "de"}[id%3]
		var v vector.F32
		if id%10 != 0 { // every tenth row has no vector
			v = randVec(r, dims)
			vecs[id] = v
		}
		langs[id] = lang
		if _, err := tx.ExecContext(ctx, `INSERT INTO docs VALUES (?, ?, ?)`, id, lang, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	brute := func(q []float32, k int, dist func(a, b []float32) float64, keep func(id int64) bool) []vector.Match {
		var all []vector.Match
		for id, v := range vecs {
			if keep(id) {
				all = append(all, vector.Match{RowID: id, Distance: dist(v, q)})
			}
		}
		slices.SortFunc(all, func(a, b vector.Match) int { return cmp.Compare(a.Distance, b.Distance) })
		return all[:min(k, len(all))]
	}
	all := func(int64) bool { return true }
	tests := []struct {
		name   string
		k      int
		opts   *vector.TopKOptions
		metric string
		keep   func(int64) bool
	}{
		{"cosine", 10, nil, "vec_distance_cosine", all},
		{"l2", 7, &vector.TopKOptions{Metric: vector.L2}, "vec_distance_l2", all},
		{"l1", 3, &vector.TopKOptions{Metric: vector.L1}, "vec_distance_l1", all},
		{"filter", 10, &vector.TopKOptions{Filter: "lang = ? AND id > ?", Args: []any{"fr", 300}}, "vec_distance_cosine",
			func(id int64) bool { return langs[id] == "fr" && id > 300 }},
		{"filter with a comment", 10, &vector.TopKOptions{Filter: "lang = ? -- the language", Args: []any{"de"}}, "vec_distance_cosine",
			func(id int64) bool { return langs[id] == "de" }},
		{"all rows", 1000, nil, "vec_distance_cosine", all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := randVec(r, dims)
			var got []vector.Match
			for m, err := range vector.TopK(ctx, db, "docs", "e", q, tt.k, tt.opts) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, m)
			}
			want := brute(q, tt.k, ref[tt.metric], tt.keep)
			if diff := gocmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-4)); diff != "" {
				t.Errorf("TopK (-brute force +got):\n%s", diff)
			}
		})
	}

	t.Run("early break", func(t *testing.T) {
		n := 0
		for _, err := range vector.TopK(ctx, db, "docs", "e", randVec(r, dims), 10, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 2 {
				break
			}
		}
		// The connection was given back: another query works.
		if err := db.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
	})

	errTests := []struct {
		name  string
		table string
		query []float32
		k     int
		opts  *vector.TopKOptions
		want  string
	}{
		{"k", "docs", []float32{1}, 0, nil, "vector: TopK: k must be positive, got 0"},
		{"empty query", "docs", nil, 1, nil, "vector: TopK: query: malformed vector: empty vector"},
		{"NaN query", "docs", []float32{float32(math.NaN())}, 1, nil, "vector: TopK: query: non-finite value: element 0 is NaN"},
		{"table", "", []float32{1}, 1, nil, "vector: TopK: empty table name"},
		{"metric", "docs", []float32{1}, 1, &vector.TopKOptions{Metric: 7}, "vector: TopK: unknown metric 7"},
		{"no table", "nope", []float32{1}, 1, nil, "no such table: nope"},
		{"dimensions", "docs", []float32{1, 2}, 1, nil, "vector: vec_distance_cosine: dimension mismatch: first vector has 48 dimensions, second has 2"},
		// The filter cannot leave the parentheses it is put in.
		{"filter closes", "docs", []float32{1}, 1, &vector.TopKOptions{Filter: "1) UNION SELECT 1, 0.0 --"}, "vector: TopK: invalid filter: unbalanced )"},
		{"filter semicolon", "docs", []float32{1}, 1, &vector.TopKOptions{Filter: "1; DROP TABLE docs"}, "vector: TopK: invalid filter: semicolon"},
		{"filter quote", "docs", []float32{1}, 1, &vector.TopKOptions{Filter: "lang = 'en"}, "vector: TopK: invalid filter: unterminated '"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []error
			for m, err := range vector.TopK(ctx, db, tt.table, "e", tt.query, tt.k, tt.opts) {
				if err == nil {
					t.Fatalf("got match %v, want an error", m)
				}
				errs = append(errs, err)
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("got %v, want one error containing %q", errs, tt.want)
			}
		})
	}
	if _, err := vector.CosineDistance([]float32{1}, []float32{1, 2}); !errors.Is(err, vector.ErrDimensionMismatch) {
		t.Errorf("CosineDistance: got %v, want ErrDimensionMismatch", err)
	}
}

func TestF32(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t(id INTEGER PRIMARY KEY, e BLOB)`); err != nil {
		t.Fatal(err)
	}
	in := vector.F32{1, -2.5, 3e-7, 0}
	if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES (1, ?), (2, NULL)`, in); err != nil {
		t.Fatal(err)
	}
	var out, null vector.F32
	if err := db.QueryRowContext(ctx, `SELECT e FROM t WHERE id = 1`).Scan(&out); err != nil {
		t.Fatal(err)
	}
	null = vector.F32{9}
	if err := db.QueryRowContext(ctx, `SELECT e FROM t WHERE id = 2`).Scan(&null); err != nil {
		t.Fatal(err)
	}
	var fromJSON vector.F32
	if err := db.QueryRowContext(ctx, `SELECT vec_to_json(e) FROM t WHERE id = 1`).Scan(&fromJSON); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff([]vector.F32{in, nil, in}, []vector.F32{out, null, fromJSON}); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES (3, ?)`, vector.F32{float32(math.Inf(-1))}); err == nil ||
		!strings.Contains(err.Error(), "vector: F32.Value: non-finite value: element 0 is -Inf") {
		t.Errorf("Value(-Inf): got %v", err)
	}
	scanErrs := []struct {
		src  any
		want string
	}{
		{[]byte{1, 2, 3}, "vector: F32.Scan: malformed vector: BLOB length 3 is not a multiple of 4"},
		{"[1,", "vector: F32.Scan: malformed vector: JSON ends at offset 3: expected a number"},
		{int64(3), "vector: F32.Scan: malformed vector: cannot scan int64"},
		{[]byte{0, 0, 0xc0, 0x7f}, "vector: F32.Scan: non-finite value: element 0 is NaN"},
	}
	for _, tt := range scanErrs {
		var v vector.F32
		if err := v.Scan(tt.src); err == nil || err.Error() != tt.want {
			t.Errorf("Scan(%v): got %v, want %s", tt.src, err, tt.want)
		}
	}
	if _, err := vector.Decode([]byte{1}); err == nil || err.Error() != "vector: Decode: malformed vector: BLOB length 1 is not a multiple of 4" {
		t.Errorf("Decode: got %v", err)
	}
	if _, err := vector.ParseJSON("[1, x]"); err == nil || err.Error() != "vector: ParseJSON: malformed vector: JSON at offset 4 ('x'): expected a number" {
		t.Errorf("ParseJSON: got %v", err)
	}
	if v, err := vector.ParseJSON(" [ .5 , +1, 1., -2E-1 ] "); err != nil || !slices.Equal(v, []float32{.5, 1, 1, -.2}) {
		t.Errorf("ParseJSON: got %v, %v", v, err)
	}
}
