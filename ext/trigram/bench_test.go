package trigram_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// The benchmarks share one database of benchDocs documents of about 1 KB,
// generated from a fixed seed the first time a benchmark needs it, in a
// temporary directory, or kept in $TRIGRAM_BENCH_DIR to be reused by the
// next run (generating and indexing take a minute or two).
const benchDocs = 100_000

var benchIdx = trigram.Index{Table: "docs", Columns: []string{"body"}, RowID: "id"}

var bench struct {
	once    sync.Once
	dir     string
	db      *sql.DB
	queries []string // substrings of 6 to 10 characters of the documents
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.db != nil {
		bench.db.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchDB returns the shared database, with its table filled (the index is
// left to the benchmarks).
func benchDB(b *testing.B) *sql.DB {
	bench.once.Do(func() {
		dir, keep := os.LookupEnv("TRIGRAM_BENCH_DIR")
		if !keep {
			dir, bench.err = os.MkdirTemp("", "trigram-bench")
			if bench.err != nil {
				return
			}
			bench.dir = dir // removed by TestMain
		}
		path := filepath.Join(dir, "bench.db")
		_, statErr := os.Stat(path)
		bench.db, bench.err = openBenchDB(path)
		if bench.err != nil {
			return
		}
		start := time.Now()
		bench.queries, bench.err = fillBench(context.Background(), bench.db, statErr == nil)
		if statErr != nil {
			b.Logf("generated %d documents in %v", benchDocs, time.Since(start))
		}
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.db
}

// fillBench writes benchDocs documents of Zipf-distributed words and
// returns queries drawn from them.
// If exists, the documents are only generated again, to draw the queries.
func fillBench(ctx context.Context, db *sql.DB, exists bool) ([]string, error) {
	r := rand.New(rand.NewPCG(42, 1))
	vocab := make([]string, 20_000)
	for i := range vocab {
		var w strings.Builder
		for range 2 + r.IntN(9) {
			w.WriteByte(byte('a' + r.IntN(26)))
		}
		vocab[i] = w.String()
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, body TEXT)`); err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO docs(body) VALUES (?)`)
	if err != nil {
		return nil, err
	}
	var queries []string
	var doc strings.Builder
	for i := range benchDocs {
		doc.Reset()
		for doc.Len() < 1000 {
			w := vocab[zipf.Uint64()]
			if r.IntN(10) == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			doc.WriteString(w)
			if r.IntN(12) == 0 {
				doc.WriteString(". ")
			} else {
				doc.WriteByte(' ')
			}
		}
		s := doc.String()
		if i%500 == 0 {
			n := 6 + r.IntN(5)
			at := r.IntN(len(s) - n)
			queries = append(queries, s[at:at+n])
		}
		if exists {
			continue
		}
		if _, err := st.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	return queries, tx.Commit()
}

func pageBytes(b *testing.B, db *sql.DB) int64 {
	var n int64
	if err := db.QueryRow(`SELECT page_count * page_size - freelist_count * page_size FROM pragma_page_count, pragma_page_size, pragma_freelist_count`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkCreate builds the index over the benchmark table; it reports the
// index size in bytes per byte of source text.
func BenchmarkCreate(b *testing.B) {
	db := benchDB(b)
	ctx := b.Context()
	var source int64
	if err := db.QueryRow(`SELECT sum(length(CAST(body AS BLOB))) FROM docs`).Scan(&source); err != nil {
		b.Fatal(err)
	}
	var size int64
	for b.Loop() {
		b.StopTimer()
		if err := trigram.Drop(ctx, db, benchIdx); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
			b.Fatal(err)
		}
		before := pageBytes(b, db)
		b.StartTimer()
		if err := trigram.Create(ctx, db, benchIdx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size = pageBytes(b, db) - before
		b.StartTimer()
	}
	b.ReportMetric(float64(size)/float64(source), "index-B/source-B")
	b.ReportMetric(float64(source)/1e6, "source-MB")
}

// BenchmarkSearch compares a substring search of 6 to 10 characters through
// the index with LIKE '%…%' over the same table; both read all the hits
// (trigram-ranked-top20-snippets reads the best 20, with snippets). Each
// iteration runs the next query of its group. "short" is a two-character
// query, which scans.
func BenchmarkSearch(b *testing.B) {
	db := benchDB(b)
	ctx := b.Context()
	if err := trigram.Create(ctx, db, benchIdx); err != nil {
		b.Fatal(err)
	}
	count := func(b *testing.B, seq func(string) (int, error), queries []string) {
		hits, i := 0, 0
		for b.Loop() {
			n, err := seq(queries[i%len(queries)])
			if err != nil {
				b.Fatal(err)
			}
			hits += n
			i++
		}
		b.ReportMetric(float64(hits)/float64(i), "hits/op")
	}
	search := func(opts *trigram.SearchOptions) func(string) (int, error) {
		return func(q string) (int, error) { return searchCount(ctx, db, q, opts) }
	}
	like := func(q string) (int, error) { return likeCount(ctx, db, q) }
	// The queries, 6 to 10 characters of running text, fall in two groups:
	// selective ones (at most 100 hits) and common ones (more).
	var selective, common []string
	for _, q := range bench.queries {
		n, err := search(nil)(q)
		if err != nil {
			b.Fatal(err)
		}
		if n <= 100 {
			selective = append(selective, q)
		} else {
			common = append(common, q)
		}
	}
	for _, group := range []struct {
		name    string
		queries []string
	}{{"selective", selective}, {"common", common}} {
		b.Run(group.name+"/trigram", func(b *testing.B) {
			count(b, search(&trigram.SearchOptions{Order: trigram.ByRowID}), group.queries)
		})
		b.Run(group.name+"/trigram-ranked-top20-snippets", func(b *testing.B) {
			count(b, search(&trigram.SearchOptions{Limit: 20, Snippet: 32}), group.queries)
		})
		b.Run(group.name+"/like", func(b *testing.B) { count(b, like, group.queries) })
	}
	b.Run("short", func(b *testing.B) {
		count(b, search(&trigram.SearchOptions{Order: trigram.ByRowID}), []string{"qz", "xj", "Ab"})
	})
}

// openBenchDB opens a database like openDB, outside of any test's TempDir.
func openBenchDB(path string) (*sql.DB, error) {
	return openWith("file:" + path)
}

// BenchmarkSearchRatio times each query both ways (the median of three
// index searches, one LIKE scan) and reports the median of the per-query
// ratios LIKE/trigram, over all queries and over the selective ones (at most
// 100 hits): medians resist the noise of a shared machine better than means.
func BenchmarkSearchRatio(b *testing.B) {
	db := benchDB(b)
	ctx := b.Context()
	if err := trigram.Create(ctx, db, benchIdx); err != nil {
		b.Fatal(err)
	}
	timeIt := func(fn func() int) (time.Duration, int) {
		start := time.Now()
		n := fn()
		return time.Since(start), n
	}
	for b.Loop() {
		var all, selective []float64
		for _, q := range bench.queries[:80] {
			var tt []time.Duration
			var hits int
			for range 3 {
				d, n := timeIt(func() int {
					n, err := searchCount(ctx, db, q, &trigram.SearchOptions{Order: trigram.ByRowID})
					if err != nil {
						b.Fatal(err)
					}
					return n
				})
				tt, hits = append(tt, d), n
			}
			slices.Sort(tt)
			l, _ := timeIt(func() int {
				n, err := likeCount(ctx, db, q)
				if err != nil {
					b.Fatal(err)
				}
				return n
			})
			r := float64(l) / float64(tt[1])
			all = append(all, r)
			if hits <= 100 {
				selective = append(selective, r)
			}
		}
		slices.Sort(all)
		slices.Sort(selective)
		b.ReportMetric(all[len(all)/2], "median-ratio-all")
		b.ReportMetric(selective[len(selective)/2], "median-ratio-selective")
		b.ReportMetric(float64(len(selective)), "selective-queries")
	}
}

// searchCount reads every hit of a search and returns how many there were.
func searchCount(ctx context.Context, db *sql.DB, q string, opts *trigram.SearchOptions) (int, error) {
	n := 0
	for _, err := range trigram.Search(ctx, db, benchIdx, q, opts) {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// likeCount reads every row of the LIKE '%q%' scan and returns how many
// there were.
func likeCount(ctx context.Context, db *sql.DB, q string) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM docs WHERE body LIKE ?`, "%"+q+"%")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}
