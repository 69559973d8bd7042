package vector_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// The scan benchmarks share one data set: benchRows vectors of benchDims
// float32 in a database file, and the same vectors in memory.
const (
	benchRows = 100_000
	benchDims = 384
	benchK    = 10
)

var bench struct {
	once    sync.Once
	dir     string
	path    string
	vecs    [][]float32
	queries [][]float32
	err     error
}

func TestMain(m *testing.M) {
	vec0Child() // exits if the binary was started as a child process of a vec0 test
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	vec1Bench.close()
	vec0Bench.close()
	os.Exit(code)
}

// benchData builds the shared data set once per process.
func benchData(b *testing.B) {
	b.Helper()
	bench.once.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		bench.vecs = make([][]float32, benchRows)
		for i := range bench.vecs {
			bench.vecs[i] = randVec(r, benchDims)
		}
		for range 16 {
			bench.queries = append(bench.queries, randVec(r, benchDims))
		}
		bench.dir, bench.err = os.MkdirTemp("", "vector-bench-")
		if bench.err != nil {
			return
		}
		bench.path = filepath.Join(bench.dir, "bench.db")
		bench.err = fillDB(bench.path, bench.vecs)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
}

func fillDB(path string, vecs [][]float32) error {
	c, err := sqlite3.Open(path)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Exec(`PRAGMA journal_mode=wal; CREATE TABLE docs(id INTEGER PRIMARY KEY, e BLOB); BEGIN`); err != nil {
		return err
	}
	stmt, _, err := c.Prepare(`INSERT INTO docs(id, e) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	buf := make([]byte, 0, 4*benchDims)
	for i, v := range vecs {
		buf = vector.AppendEncode(buf[:0], v)
		stmt.BindInt(1, i+1)
		stmt.BindBlob(2, buf)
		if err := stmt.Exec(); err != nil {
			return err
		}
	}
	return c.Exec(`COMMIT`)
}

// benchDSN keeps the whole table in SQLite's page cache, so that the scan
// measures computing, not reading pages from the OS.
func benchDSN() string {
	return "file:" + bench.path + "?_pragma=cache_size(-400000)&_pragma=journal_mode(wal)"
}

// topk is a k-slot insertion top-k of (id, distance), smallest first.
type topk struct {
	ids  [benchK]int64
	dist [benchK]float64
	n    int
}

func (t *topk) add(id int64, d float64) {
	if t.n == benchK && d >= t.dist[benchK-1] {
		return
	}
	i := t.n
	if i == benchK {
		i--
	} else {
		t.n++
	}
	for ; i > 0 && t.dist[i-1] > d; i-- {
		t.ids[i], t.dist[i] = t.ids[i-1], t.dist[i-1]
	}
	t.ids[i], t.dist[i] = id, d
}

// naiveCosine is the loop an application writes: one pass, three sums.
func naiveCosine(a, b []float32) float64 {
	var dot, na, nb float32
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	return 1 - float64(dot)/math.Sqrt(float64(na)*float64(nb))
}

// BenchmarkTopK compares ways to find the 10 vectors nearest by cosine among
// benchRows: in Go over vectors already in memory (the floor), with the SQL
// function in one query, and by reading every row through database/sql and
// computing in Go.
func BenchmarkTopK(b *testing.B) {
	benchData(b)
	ctx := context.Background()

	b.Run("go-memory-naive", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			q := bench.queries[i%len(bench.queries)]
			var t topk
			for id, v := range bench.vecs {
				t.add(int64(id+1), naiveCosine(v, q))
			}
		}
	})
	b.Run("go-memory-kernel", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			q := bench.queries[i%len(bench.queries)]
			var t topk
			for id, v := range bench.vecs {
				d, _ := vector.CosineDistance(v, q)
				t.add(int64(id+1), d)
			}
		}
	})

	db, err := driver.Open(benchDSN(), vector.Register)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	warm(b, db)

	b.Run("sql-function", func(b *testing.B) {
		stmt, err := db.PrepareContext(ctx, `SELECT id FROM docs ORDER BY vec_distance_cosine(e, ?) LIMIT 10`)
		if err != nil {
			b.Fatal(err)
		}
		defer stmt.Close()
		for i := 0; b.Loop(); i++ {
			q := vector.F32(bench.queries[i%len(bench.queries)])
			rows, err := stmt.QueryContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Close(); err != nil || n != benchK {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("topk-helper", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			q := bench.queries[i%len(bench.queries)]
			n := 0
			for _, err := range vector.TopK(ctx, db, "docs", "e", q, benchK, nil) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != benchK {
				b.Fatal(n)
			}
		}
	})
	b.Run("database-sql-read-all", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			q := bench.queries[i%len(bench.queries)]
			rows, err := db.QueryContext(ctx, `SELECT id, e FROM docs`)
			if err != nil {
				b.Fatal(err)
			}
			var t topk
			for rows.Next() {
				var id int64
				var v vector.F32
				if err := rows.Scan(&id, &v); err != nil {
					b.Fatal(err)
				}
				t.add(id, naiveCosine(v, q))
			}
			if err := rows.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// warm reads the table once so that it sits in the page cache.
func warm(b *testing.B, db *sql.DB) {
	var n int64
	if err := db.QueryRow(`SELECT sum(length(e)) FROM docs`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n != 4*benchRows*benchDims {
		b.Fatal(fmt.Sprint("unexpected size ", n))
	}
}
