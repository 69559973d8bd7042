package vector_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/vec1"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// exactTop returns the ids of the benchK vectors nearest to q by cosine.
func exactTop(q []float32) []int64 {
	var t topk
	for id, v := range bench.vecs {
		d, _ := vector.CosineDistance(v, q)
		t.add(int64(id+1), d)
	}
	return slices.Clone(t.ids[:t.n])
}

// BenchmarkVec1 measures a vec1 IVF index over the data set of BenchmarkTopK:
// time per top-10 query and recall@10 against the exact answer, for several
// nprobe settings. Building the index is done once and logged.
func BenchmarkVec1(b *testing.B) {
	benchData(b)
	ctx := context.Background()
	// The index (as large again as the table) and training need memory of
	// their own: keep the page cache smaller than for the exact scan.
	db, err := driver.Open("file:"+bench.path+"?_pragma=cache_size(-200000)", func(c *sqlite3.Conn) error {
		if err := vec1.Register(c); err != nil {
			return err
		}
		return vector.Register(c)
	})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	var n int
	db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'docs_ann'`).Scan(&n)
	if n == 0 {
		start := time.Now()
		_, err := db.ExecContext(ctx, `
			CREATE VIRTUAL TABLE docs_ann USING vec1(e);
			INSERT INTO docs_ann(rowid, e) SELECT id, e FROM docs;`)
		if err != nil {
			b.Fatal(err)
		}
		fill := time.Since(start)
		_, err = db.ExecContext(ctx, `
			INSERT INTO docs_ann(cmd, e)
			SELECT 'rebuild', vec1_train(e, '{distance:"cos", nbucket:316}') FROM docs`)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("vec1: fill %v, train+rebuild %v (nbucket 316, cos)", fill, time.Since(start)-fill)
	}

	exact := make([][]int64, len(bench.queries))
	for i, q := range bench.queries {
		exact[i] = exactTop(q)
	}
	for _, nprobe := range []string{"0.01", "0.02", "0.05", "0.1"} {
		b.Run("nprobe="+nprobe, func(b *testing.B) {
			stmt, err := db.PrepareContext(ctx, fmt.Sprintf(
				`SELECT rowid FROM docs_ann(?, '{K:%d, nprobe:%s}')`, benchK, nprobe))
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			hits, total := 0, 0
			for i := 0; b.Loop(); i++ {
				qi := i % len(bench.queries)
				rows, err := stmt.QueryContext(ctx, vector.F32(bench.queries[qi]))
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					var id int64
					rows.Scan(&id)
					if slices.Contains(exact[qi], id) {
						hits++
					}
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
				total += benchK
			}
			b.ReportMetric(float64(hits)/float64(total), "recall@10")
		})
	}
}
