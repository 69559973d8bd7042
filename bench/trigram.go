package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

func init() {
	workloads = append(workloads, &workload{group: "trigram", name: "substring",
		about: func(s sizes) string {
			return fmt.Sprintf("%s seeded documents of about %s bytes (random words); %d substring queries of 6 to 10 characters cut from the documents, "+
				"by `body LIKE '%%q%%'` (a full scan) and through an external-content FTS5 trigram index made by ext/trigram's Create "+
				"(`MATCH` with the expression of trigram.Query, the same SQL on every driver that has FTS5, the queries run 20 times over); both must find the same rows. Each way is timed %d times, the fastest the round's figure. "+
				"Index build time and size (bytes of index per byte of text) are measured in every round (issue 5 asks ≥ 50x at 100,000 documents: -full)",
				n(s.DocRows), n(s.DocBytes), s.DocQueries, s.Reps)
		},
		run: runTrigram, turns: true})
}

// documents are made of pseudo-words, so substrings are neither all
// frequent nor all unique.
func documents(count, size int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 0))
	const letters = "etaoinshrdlcumwfgypbvkjxqz"
	words := make([]string, 5000)
	for i := range words {
		b := make([]byte, 2+rng.IntN(9))
		for j := range b {
			// Skewed towards frequent letters, as in text.
			b[j] = letters[min(rng.IntN(len(letters)), rng.IntN(len(letters)))]
		}
		words[i] = string(b)
	}
	docs := make([]string, count)
	var sb strings.Builder
	for i := range docs {
		sb.Reset()
		for sb.Len() < size {
			// Zipf-like choice of words.
			sb.WriteString(words[min(rng.IntN(len(words)), rng.IntN(len(words)), rng.IntN(len(words)))])
			sb.WriteByte(' ')
		}
		docs[i] = sb.String()
	}
	return docs
}

func substrings(docs []string, count int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 1))
	qs := make([]string, count)
	for i := range qs {
		d := docs[rng.IntN(len(docs))]
		l := 6 + rng.IntN(5)
		at := rng.IntN(len(d) - l)
		qs[i] = d[at : at+l]
	}
	return qs
}

func runTrigram(e *env) error {
	s := e.job.Sizes
	docs := documents(s.DocRows, s.DocBytes, 3)
	queries := substrings(docs, s.DocQueries, 4)
	db, err := e.open("trigram", openOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(e.ctx, "CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"); err != nil {
		return err
	}
	textBytes := 0
	err = inTx(e.ctx, db, "INSERT INTO docs(id, body) VALUES(?, ?)", len(docs), func(st *sql.Stmt, i int) error {
		textBytes += len(docs[i])
		_, err := st.ExecContext(e.ctx, i+1, docs[i])
		return err
	})
	if err != nil {
		return err
	}
	count := func(ctx context.Context, query string, arg string) (int, error) {
		var c int
		err := db.QueryRowContext(ctx, query, arg).Scan(&c)
		return c, err
	}
	like := func(ctx context.Context, q string) (int, error) {
		return count(ctx, "SELECT count(*) FROM docs WHERE body LIKE ?", "%"+q+"%")
	}
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}, RowID: "id"}
	match := func(ctx context.Context, q string) (int, error) {
		return count(ctx, "SELECT count(*) FROM docs_trigram WHERE docs_trigram MATCH ?", trigram.Query(q))
	}
	// used is the size of the pages in use: freed pages of a dropped
	// index are reused, so page_count alone would not grow.
	used := func() (int64, error) {
		var count, free, size int64
		for q, p := range map[string]*int64{"page_count": &count, "freelist_count": &free, "page_size": &size} {
			if err := db.QueryRowContext(e.ctx, "PRAGMA "+q).Scan(p); err != nil {
				return 0, err
			}
		}
		return (count - free) * size, nil
	}

	const (
		nLike  = "LIKE '%q%'"
		nMatch = "trigram MATCH"
		nRatio = "LIKE ÷ trigram"
		nBuild = "index build"
		nSize  = "index bytes per text byte"
	)
	if e.peer.fts5 != "" {
		e.na(nMatch, "ms/query", -1, e.peer.fts5)
		e.na(nBuild, "ms", -1, e.peer.fts5)
		e.na(nRatio, "x", +1, e.peer.fts5)
		e.na(nSize, "x", -1, e.peer.fts5)
	}
	// The queries run Reps times; the fastest pass is the figure.
	counts := make([]int, len(queries))
	var passes []time.Duration
	for range s.Reps {
		d, err := timed(func() error {
			for i, q := range queries {
				c, err := like(e.ctx, q)
				if err != nil {
					return err
				}
				if c == 0 {
					return fmt.Errorf("LIKE %q found nothing", q)
				}
				counts[i] = c
			}
			return nil
		})
		if err != nil {
			return err
		}
		passes = append(passes, d)
	}
	tLike := ms(fastest(passes)) / float64(len(queries))
	e.sample(nLike, "ms/query", -1, tLike)
	e.check("counts", counts)
	if e.peer.fts5 != "" {
		return nil
	}
	before, err := used()
	if err != nil {
		return err
	}
	d, err := timed(func() error { return trigram.Create(e.ctx, db, idx) })
	if err != nil {
		return err
	}
	e.ms(nBuild, d)
	after, err := used()
	if err != nil {
		return err
	}
	e.sample(nSize, "x", -1, float64(after-before)/float64(textBytes))
	// An indexed query takes a fraction of a millisecond: the queries
	// run matchPasses times over, for a measurement a tick cannot make.
	// That is repeated Reps times; the fastest is the figure.
	const matchPasses = 20
	passes = passes[:0]
	for range s.Reps {
		d, err := timed(func() error {
			for range matchPasses {
				for i, q := range queries {
					c, err := match(e.ctx, q)
					if err != nil {
						return err
					}
					if c != counts[i] {
						return fmt.Errorf("query %q: trigram MATCH found %d rows, LIKE %d", q, c, counts[i])
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		passes = append(passes, d)
	}
	tMatch := ms(fastest(passes)) / float64(matchPasses*len(queries))
	e.sample(nMatch, "ms/query", -1, tMatch)
	e.sample(nRatio, "x", +1, tLike/tMatch)
	return nil
}
