package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

func init() {
	workloads = append(workloads, &workload{group: "vector", name: "top10",
		about: func(s sizes) string {
			return fmt.Sprintf("exact top-10 by cosine distance over %s seeded random vectors of %d float32 (little-endian BLOBs), %d queries per round (the figure is the fastest), "+
				"each way of vectorWays that the driver has: %s; "+
				"and a plain Go loop over the same vectors already in memory (`[][]float32`, a 10-slot insertion top-k), the floor, measured in each driver's process: "+
				"the same code on every driver, so its ratios are a control, the machine's noise in this run. "+
				"Every way must return the same ids. The approximate index (vec1) is not measured here: training it on 100k rows takes about a minute; see ext/vector's BenchmarkVec1",
				n(s.VecRows), s.VecDims, s.VecQueries, vectorWaysText())
		},
		run: runVector, turns: true})
}

// A vectorWay is one way of finding the k rows nearest to a query vector
// by cosine distance. The vector and agent workloads run every way on
// every driver that has what it needs, and check that all ways return the
// same ids; a way a driver cannot run is n/a with the reason. To measure
// another way (an index, another extension, another peer), append it to
// vectorWays: both workloads and the report pick it up.
type vectorWay struct {
	name  string
	about string // for the report: what the way runs
	// missing says why driver p cannot run this way; "" if it can.
	missing func(p *peer) string
	// prepare, if not nil, readies the database once the rows are in
	// (builds an index); it is not timed.
	prepare func(ctx context.Context, db *sql.DB, t vecTable) error
	topK    func(ctx context.Context, db *sql.DB, t vecTable, q []float32, k int) ([]int64, error)
}

// A vecTable says where the vectors are and which rows a query searches.
type vecTable struct {
	table, id, emb string
	// where, if not empty, is an SQL condition on the table's rows (the
	// metadata filter), with its arguments.
	where string
	args  []any
}

func (t vecTable) whereSQL() string {
	if t.where == "" {
		return ""
	}
	return " WHERE " + t.where
}

var vectorWays = []vectorWay{
	{
		name:    "SQL function",
		about:   "`ORDER BY vec_distance_cosine(emb, ?) LIMIT 10` in SQL (sqlitekit's ext/vector)",
		missing: func(p *peer) string { return p.vectorSQL },
		topK: func(ctx context.Context, db *sql.DB, t vecTable, q []float32, k int) ([]int64, error) {
			query := fmt.Sprintf("SELECT %s, vec_distance_cosine(%s, ?) AS d FROM %s%s ORDER BY d LIMIT ?", t.id, t.emb, t.table, t.whereSQL())
			args := append([]any{vector.Encode(q)}, t.args...)
			rows, err := db.QueryContext(ctx, query, append(args, k)...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var ids []int64
			for rows.Next() {
				var id int64
				var d float64
				if err := rows.Scan(&id, &d); err != nil {
					return nil, err
				}
				ids = append(ids, id)
			}
			return ids, rows.Err()
		},
	},
	{
		name:    "rows into Go",
		about:   "every candidate row read into Go through database/sql and its distance computed there, what storage layers do today (every driver)",
		missing: func(*peer) string { return "" },
		topK: func(ctx context.Context, db *sql.DB, t vecTable, q []float32, k int) ([]int64, error) {
			rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT %s, %s FROM %s%s", t.id, t.emb, t.table, t.whereSQL()), t.args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			top := topK{k: k}
			for rows.Next() {
				var id int64
				var b []byte
				if err := rows.Scan(&id, &b); err != nil {
					return nil, err
				}
				v, err := vector.Decode(b)
				if err != nil {
					return nil, err
				}
				top.add(id, cosineDistance(v, q))
			}
			return top.ids, rows.Err()
		},
	},
}

// vec0Way is sqlite-vec's vec0 table: sqlitekit's Go one, or sqlite-vec's
// C one through mattn. prepare copies the vectors into a vec0 table beside
// the plain one (not timed); a metadata filter becomes rowid IN (subquery).
var vec0Way = vectorWay{
	name:    "vec0",
	about:   "a vec0 table (`embedding float[N] distance_metric=cosine`, filled from the plain table) queried with `MATCH ? AND k = 10`, a filter as `rowid IN (SELECT ...)`: sqlitekit's ext/vector, or sqlite-vec v0.1.6's C code through mattn",
	missing: func(p *peer) string { return p.vec0 },
	prepare: func(ctx context.Context, db *sql.DB, t vecTable) error {
		var dims int
		if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT length(%s)/4 FROM %s WHERE %s IS NOT NULL LIMIT 1", t.emb, t.table, t.emb)).Scan(&dims); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %[1]s_vec0;
			CREATE VIRTUAL TABLE %[1]s_vec0 USING vec0(embedding float[%[2]d] distance_metric=cosine);
			INSERT INTO %[1]s_vec0(rowid, embedding) SELECT %[3]s, %[4]s FROM %[1]s WHERE %[4]s IS NOT NULL`,
			t.table, dims, t.id, t.emb))
		return err
	},
	topK: func(ctx context.Context, db *sql.DB, t vecTable, q []float32, k int) ([]int64, error) {
		query := fmt.Sprintf("SELECT rowid FROM %s_vec0 WHERE embedding MATCH ? AND k = ?", t.table)
		if t.where != "" {
			query += fmt.Sprintf(" AND rowid IN (SELECT %s FROM %s WHERE %s)", t.id, t.table, t.where)
		}
		rows, err := db.QueryContext(ctx, query, append([]any{vector.Encode(q), k}, t.args...)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	},
}

func init() { vectorWays = append(vectorWays, vec0Way) }

// vectorWaysText lists the ways for the report.
func vectorWaysText() string {
	var parts []string
	for _, w := range vectorWays {
		parts = append(parts, fmt.Sprintf("%s (%s)", w.name, w.about))
	}
	return strings.Join(parts, "; ")
}

func randomVectors(count, dims int, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 0))
	vs := make([][]float32, count)
	for i := range vs {
		v := make([]float32, dims)
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		vs[i] = v
	}
	return vs
}

// cosineDistance is the loop an application writes.
func cosineDistance(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	return 1 - dot/math.Sqrt(na*nb)
}

// topK keeps the k nearest (id, distance) pairs by insertion.
type topK struct {
	k     int
	ids   []int64
	dists []float64
}

func (t *topK) add(id int64, d float64) {
	if len(t.ids) == t.k && d >= t.dists[t.k-1] {
		return
	}
	i := len(t.ids)
	if i < t.k {
		t.ids = append(t.ids, 0)
		t.dists = append(t.dists, 0)
	} else {
		i = t.k - 1
	}
	for i > 0 && t.dists[i-1] > d {
		t.ids[i], t.dists[i] = t.ids[i-1], t.dists[i-1]
		i--
	}
	t.ids[i], t.dists[i] = id, d
}

func runVector(e *env) error {
	s := e.job.Sizes
	const k = 10
	vecs := randomVectors(s.VecRows, s.VecDims, 1)
	queries := randomVectors(s.VecQueries, s.VecDims, 2)
	db, err := e.open("vector", openOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(e.ctx, "CREATE TABLE vecs (id INTEGER PRIMARY KEY, emb BLOB NOT NULL)"); err != nil {
		return err
	}
	err = inTx(e.ctx, db, "INSERT INTO vecs(id, emb) VALUES(?, ?)", len(vecs), func(st *sql.Stmt, i int) error {
		_, err := st.ExecContext(e.ctx, i+1, vector.Encode(vecs[i]))
		return err
	})
	if err != nil {
		return err
	}
	t := vecTable{table: "vecs", id: "id", emb: "emb"}

	// The floor: the same vectors, already in Go's memory.
	const nLoop = "pure-Go loop, in memory"
	want := make([][]int64, len(queries))
	var loop []time.Duration
	for i, q := range queries {
		d, _ := timed(func() error {
			top := topK{k: k}
			for j, v := range vecs {
				top.add(int64(j+1), cosineDistance(v, q))
			}
			want[i] = top.ids
			return nil
		})
		loop = append(loop, d)
	}
	e.sample(nLoop, "ms/query", -1, ms(fastest(loop)))
	e.metric(nLoop, "ms/query", -1).Control = true

	for _, w := range vectorWays {
		if why := w.missing(e.peer); why != "" {
			e.na(w.name, "ms/query", -1, why)
			e.na(w.name+" ÷ pure-Go loop", "x", -1, why)
			continue
		}
		if w.prepare != nil {
			if err := w.prepare(e.ctx, db, t); err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
		}
		var ds []time.Duration
		for i, q := range queries {
			var ids []int64
			d, err := timed(func() (err error) {
				ids, err = w.topK(e.ctx, db, t, q, k)
				return err
			})
			if err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			if fmt.Sprint(ids) != fmt.Sprint(want[i]) {
				return fmt.Errorf("%s: top-%d of query %d is %v, the in-memory loop found %v", w.name, k, i, ids, want[i])
			}
			ds = append(ds, d)
		}
		e.sample(w.name, "ms/query", -1, ms(fastest(ds)))
		e.sample(w.name+" ÷ pure-Go loop", "x", -1, float64(fastest(ds))/float64(fastest(loop)))
	}
	e.check("top10", want[0])
	return nil
}
