package vector_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

var vec0Bench annBench

// BenchmarkVec0 measures vec0's exact KNN and the approximate recipe of
// sqlite-vec's binary quantization guide, through vec0 alone: a bit column
// beside the float one, a coarse KNN by Hamming distance for
// VEC0_OVERSAMPLE candidates, rescored by cosine distance on the float
// column (rowid IN the coarse query, which vec0 reads one candidate at a
// time). Data as BenchmarkVec1's: VEC0_ROWS (100,000) vectors of 384
// float32 around VEC0_CLUSTERS (300) random unit centres with Gaussian
// noise σ = VEC0_SIGMA (0.1) per element, 50 queries from the same
// distribution; SQLite's default 20 MB page cache, so the table (about
// 160 MB) is read from the OS for each exact query. Recall@10 is against
// brute force in Go.
func BenchmarkVec0(b *testing.B) {
	rows := envInt("VEC0_ROWS", 100_000)
	defer vector.SetVec0PointReads(envInt("VEC0_POINT_READS", 2048))()
	const dims, nqueries = 384, 50
	v := &vec0Bench
	v.once.Do(func() {
		v.generate("VEC0", rows, dims, nqueries)
		v.dir, v.err = os.MkdirTemp("", "vec0-bench-")
		if v.err != nil {
			return
		}
		v.conn, v.err = sqlite3.Open(filepath.Join(v.dir, "bench.db"))
		if v.err != nil {
			return
		}
		if v.err = vector.Register(v.conn); v.err != nil {
			return
		}
		v.err = v.conn.Exec(`PRAGMA journal_mode=WAL; PRAGMA cache_size=-20000;
			CREATE VIRTUAL TABLE docs USING vec0(e float[384] distance_metric=cosine, bq bit[384]);
			BEGIN`)
		if v.err != nil {
			return
		}
		var ins *sqlite3.Stmt
		ins, _, v.err = v.conn.Prepare(`INSERT INTO docs(rowid, e, bq) VALUES (?1, ?2, vec_quantize_binary(?2))`)
		if v.err != nil {
			return
		}
		defer ins.Close()
		for i, x := range v.vecs {
			ins.BindInt(1, i+1)
			ins.BindBlob(2, vector.Encode(x))
			if v.err = ins.Exec(); v.err != nil {
				return
			}
		}
		v.err = v.conn.Exec(`COMMIT; PRAGMA wal_checkpoint(TRUNCATE)`)
	})
	if v.err != nil {
		b.Fatal(v.err)
	}
	b.Run("exact", func(b *testing.B) {
		v.exactNS = 0
		v.run(b, `SELECT rowid FROM docs WHERE e MATCH ? AND k = 10`)
	})
	for _, n := range strings.Fields(envStr("VEC0_OVERSAMPLE", "50 100 200 400")) {
		b.Run("bq-rescore/candidates="+n, func(b *testing.B) {
			v.run(b, `SELECT rowid FROM docs WHERE e MATCH ?1 AND k = 10 AND rowid IN (
				SELECT rowid FROM docs WHERE bq MATCH vec_quantize_binary(?1) AND k = `+n+`)`)
		})
	}
}
