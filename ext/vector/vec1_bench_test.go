package vector_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/vec1"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// clustered returns n vectors of dims float32 drawn around nclusters
// centres: each centre is a random unit vector, each vector its centre plus
// Gaussian noise of standard deviation sigma per element. Real embeddings
// are clustered like this; uniform random vectors in many dimensions are all
// nearly equidistant, so an approximate index has nothing to find in them
// and its recall means nothing. The first nclusters draws from r are the
// centres, so two calls with equal seeds and nclusters share them.
func clustered(r *rand.Rand, centres [][]float32, n int, sigma float64) [][]float32 {
	vecs := make([][]float32, n)
	for i := range vecs {
		c := centres[r.IntN(len(centres))]
		v := make([]float32, len(c))
		for j := range v {
			v[j] = c[j] + float32(sigma*r.NormFloat64())
		}
		vecs[i] = v
	}
	return vecs
}

func unitCentres(r *rand.Rand, n, dims int) [][]float32 {
	cs := make([][]float32, n)
	for i := range cs {
		c := make([]float32, dims)
		var s float64
		for j := range c {
			x := r.NormFloat64()
			c[j] = float32(x)
			s += x * x
		}
		for j := range c {
			c[j] /= float32(math.Sqrt(s))
		}
		cs[i] = c
	}
	return cs
}

// exactIDs returns the ids (1-based positions in vecs) of the k vectors
// nearest to q by cosine distance, by brute force in Go.
func exactIDs(vecs [][]float32, q []float32, k int) []int64 {
	type hit struct {
		id int64
		d  float64
	}
	var best []hit
	for i, v := range vecs {
		d, err := vector.CosineDistance(v, q)
		if err != nil {
			panic(err)
		}
		if len(best) == k && d >= best[k-1].d {
			continue
		}
		j, _ := slices.BinarySearchFunc(best, d, func(h hit, d float64) int {
			if h.d <= d {
				return -1
			}
			return 1
		})
		best = slices.Insert(best, j, hit{int64(i + 1), d})
		if len(best) > k {
			best = best[:k]
		}
	}
	ids := make([]int64, len(best))
	for i, h := range best {
		ids[i] = h.id
	}
	return ids
}

// recall is the fraction of want found in got.
func recall(want, got []int64) float64 {
	n := 0
	for _, id := range got {
		if slices.Contains(want, id) {
			n++
		}
	}
	return float64(n) / float64(len(want))
}

// fillANN copies the vectors of docs into the vec1 table ann, batch rows per
// statement, each its own transaction: vec1 holds a statement's (or a
// transaction's) pending rows in SQLite's heap, which the WebAssembly build
// bounds, so one INSERT ... SELECT of 100,000 rows of 384 dimensions runs
// out of memory.
func fillANN(c *sqlite3.Conn, rows, batch int) error {
	stmt, _, err := c.Prepare(`INSERT INTO ann(rowid, e) SELECT id, e FROM docs WHERE id BETWEEN ? AND ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for lo := 1; lo <= rows; lo += batch {
		stmt.BindInt(1, lo)
		stmt.BindInt(2, lo+batch-1)
		if err := stmt.Exec(); err != nil {
			return fmt.Errorf("rows %d-%d: %w", lo, lo+batch-1, err)
		}
	}
	return nil
}

// Settings of BenchmarkVec1, each overridable from the environment
// (VEC1_ROWS=20000 go test -bench Vec1 ...) to explore the knobs.
func envInt(name string, def int) int {
	if s := os.Getenv(name); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return def
}

func envStr(name, def string) string {
	if s := os.Getenv(name); s != "" {
		return s
	}
	return def
}

// annBench is the data and database of an approximate-search benchmark,
// built once per process.
type annBench struct {
	once    sync.Once
	dir     string
	conn    *sqlite3.Conn
	vecs    [][]float32
	queries [][]float32
	exact   [][]int64
	exactNS float64
	err     error
}

// close closes v's connection and removes its directory, if made.
func (v *annBench) close() {
	if v.conn != nil {
		v.conn.Close()
	}
	if v.dir != "" {
		os.RemoveAll(v.dir)
	}
}

// generate draws v's rows vectors and nqueries queries of dims elements
// around prefix_CLUSTERS (300) centres with noise prefix_SIGMA (0.1), seeded,
// and finds each query's exact top benchK.
func (v *annBench) generate(prefix string, rows, dims, nqueries int) {
	r := rand.New(rand.NewPCG(21, 22))
	centres := unitCentres(r, envInt(prefix+"_CLUSTERS", 300), dims)
	// Noise of norm σ·√384: with σ = 0.1 about twice the centre's, so
	// clusters overlap and an index's buckets do not simply follow them.
	sigma, _ := strconv.ParseFloat(envStr(prefix+"_SIGMA", "0.1"), 64)
	v.vecs = clustered(r, centres, rows, sigma)
	v.queries = clustered(r, centres, nqueries, sigma)
	for _, q := range v.queries {
		v.exact = append(v.exact, exactIDs(v.vecs, q, benchK))
	}
}

// run measures query, whose first parameter is the query vector, over v's
// queries: ns/op, recall@10 against the exact answer, and x-exact, how many
// times faster than the first run since exactNS was last zeroed.
func (v *annBench) run(b *testing.B, query string) {
	stmt, _, err := v.conn.Prepare(query)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	search := func(q []float32) []int64 {
		stmt.BindBlob(1, vector.Encode(q))
		var ids []int64
		for stmt.Step() {
			ids = append(ids, stmt.ColumnInt64(0))
		}
		if err := stmt.Reset(); err != nil {
			b.Fatal(err)
		}
		return ids
	}
	var sum float64
	for i, q := range v.queries {
		sum += recall(v.exact[i], search(q))
	}
	for i := 0; b.Loop(); i++ {
		search(v.queries[i%len(v.queries)])
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(sum/float64(len(v.queries)), "recall@10")
	if v.exactNS == 0 {
		v.exactNS = ns
	}
	b.ReportMetric(v.exactNS/ns, "x-exact")
}

var vec1Bench annBench

// BenchmarkVec1 measures, in one run over the same data, the exact top-10 by
// cosine (ORDER BY vec_distance_cosine(e, ?) LIMIT 10, a full scan) and a
// vec1 index trained on it, at several nprobe values: ns/op per query,
// recall@10 against the exact answer averaged over the queries, and
// x-exact, how many times faster than the exact scan of this run (with
// -count, the latest exact run: take ratios of medians instead).
//
// The data: VEC1_ROWS (100,000) vectors of 384 dimensions around
// VEC1_CLUSTERS (300) Gaussian clusters of noise VEC1_SIGMA (0.1), seeded; 50 queries from the same
// distribution but not in the table. The index: cosine distance,
// VEC1_NBUCKET (316, about √rows) k-means buckets trained on every
// VEC1_TRAIN_EVERY-th (10th) row, quantizer VEC1_QUANTIZER (none).
// Building it takes minutes, once per process, and is logged.
func BenchmarkVec1(b *testing.B) {
	rows := envInt("VEC1_ROWS", 100_000)
	const dims, nqueries = 384, 50
	ctx := context.Background()
	v := &vec1Bench
	v.once.Do(func() {
		v.generate("VEC1", rows, dims, nqueries)
		v.dir, v.err = os.MkdirTemp("", "vec1-bench-")
		if v.err != nil {
			return
		}
		v.err = buildVec1(b, v.dir, v.vecs)
		if v.err != nil {
			return
		}
		// The page cache holds the exact table (about 200 MB in 4 KiB
		// pages), and the heap is raised from the default 256 MB for it and
		// vec1's own.
		v.conn, v.err = sqlite3.OpenContext(sqlite3.WithMaxMemory(ctx, 1<<30), filepath.Join(v.dir, "bench.db"))
		if v.err != nil {
			return
		}
		if v.err = vec1.Register(v.conn); v.err != nil {
			return
		}
		if v.err = vector.Register(v.conn); v.err != nil {
			return
		}
		v.err = v.conn.Exec(`PRAGMA cache_size=-400000; SELECT sum(length(e)) FROM docs; SELECT count(*) FROM ann_base`)
	})
	if v.err != nil {
		b.Fatal(v.err)
	}

	b.Run("exact", func(b *testing.B) {
		v.exactNS = 0
		v.run(b, `SELECT id FROM docs ORDER BY vec_distance_cosine(e, ?) LIMIT 10`)
	})
	for _, nprobe := range strings.Fields(envStr("VEC1_NPROBE", "1 2 4 8 16 32 64")) {
		b.Run("vec1/nprobe="+nprobe, func(b *testing.B) {
			v.run(b, `SELECT rowid FROM ann(?, '{K:10, nprobe:`+nprobe+`}')`)
		})
	}
}

func buildVec1(b *testing.B, dir string, vecs [][]float32) error {
	path := filepath.Join(dir, "bench.db")
	if err := fillDB(path, vecs); err != nil {
		return err
	}
	c, err := sqlite3.OpenContext(sqlite3.WithMaxMemory(context.Background(), 1<<30), path)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := vec1.Register(c); err != nil {
		return err
	}
	if err := c.Exec(`CREATE VIRTUAL TABLE ann USING vec1(e)`); err != nil {
		return err
	}
	start := time.Now()
	batch := envInt("VEC1_BATCH", 2000)
	if err := fillANN(c, len(vecs), batch); err != nil {
		return err
	}
	fill := time.Since(start)
	nbucket := envInt("VEC1_NBUCKET", int(math.Round(math.Sqrt(float64(len(vecs))))))
	every := envInt("VEC1_TRAIN_EVERY", 10)
	quant := envStr("VEC1_QUANTIZER", "none")
	start = time.Now()
	err = c.Exec(fmt.Sprintf(`
		INSERT INTO ann(cmd, e)
		SELECT 'rebuild', vec1_train(e, '{distance:"cos", nbucket:%d, quantizer:"%s"}')
		FROM docs WHERE id %% %d = 0`, nbucket, quant, every))
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	b.Logf("vec1: %d rows, fill %v (%d rows per statement), train on every %dth row + rebuild %v (distance cos, nbucket %d, quantizer %s)",
		len(vecs), fill.Round(time.Millisecond), batch, every, time.Since(start).Round(time.Millisecond), nbucket, quant)
	return nil
}
