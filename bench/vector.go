package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

func init() {
	workloads = append(workloads, &workload{group: "vector", name: "top10",
		about: func(s sizes) string {
			return fmt.Sprintf("exact top-10 by cosine distance over %s seeded random vectors of %d float32 (little-endian BLOBs), %d queries per run, three ways: "+
				"the SQL function (`ORDER BY vec_distance_cosine(emb, ?) LIMIT 10`, sqlitekit's ext/vector); "+
				"reading every row into Go through database/sql and computing there, what storage layers do today; "+
				"and a plain Go loop over the same vectors already in memory (`[][]float32`, a 10-slot insertion top-k), the floor, measured in each driver's process. "+
				"The three must return the same ids. The approximate index (vec1) is not measured here: training it on 100k rows takes about a minute; see ext/vector's BenchmarkVec1",
				n(s.VecRows), s.VecDims, s.VecQueries)
		},
		run: runVector})
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

	inMemory := func(_ context.Context, q []float32) ([]int64, error) {
		t := topK{k: k}
		for i, v := range vecs {
			t.add(int64(i+1), cosineDistance(v, q))
		}
		return t.ids, nil
	}
	intoGo := func(ctx context.Context, q []float32) ([]int64, error) {
		rows, err := db.QueryContext(ctx, "SELECT id, emb FROM vecs")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		t := topK{k: k}
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
			t.add(id, cosineDistance(v, q))
		}
		return t.ids, rows.Err()
	}
	inSQL := func(ctx context.Context, q []float32) ([]int64, error) {
		rows, err := db.QueryContext(ctx, "SELECT id, vec_distance_cosine(emb, ?) AS d FROM vecs ORDER BY d LIMIT ?", vector.Encode(q), k)
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
	}

	const (
		nSQL  = "SQL function"
		nGo   = "rows into Go"
		nLoop = "pure-Go loop, in memory"
	)
	type way struct {
		name string
		fn   func(context.Context, []float32) ([]int64, error)
	}
	ways := []way{{nLoop, inMemory}, {nGo, intoGo}}
	if e.peer.vectorSQL == "" {
		ways = append(ways, way{nSQL, inSQL})
	} else {
		e.na(nSQL, "ms/query", -1, e.peer.vectorSQL)
		e.na("SQL function ÷ pure-Go loop", "x", -1, e.peer.vectorSQL)
		e.na("rows into Go ÷ SQL function", "x", +1, e.peer.vectorSQL)
	}
	want := make([][]int64, len(queries))
	for range e.runs() {
		per := map[string]float64{}
		for _, w := range ways {
			t := time.Now()
			for i, q := range queries {
				ids, err := w.fn(e.ctx, q)
				if err != nil {
					return fmt.Errorf("%s: %w", w.name, err)
				}
				if want[i] == nil {
					want[i] = ids
				} else if fmt.Sprint(ids) != fmt.Sprint(want[i]) {
					return fmt.Errorf("%s: top-%d of query %d is %v, the in-memory loop found %v", w.name, k, i, ids, want[i])
				}
			}
			per[w.name] = ms(time.Since(t)) / float64(len(queries))
			e.sample(w.name, "ms/query", -1, per[w.name])
		}
		if e.peer.vectorSQL == "" {
			e.sample("SQL function ÷ pure-Go loop", "x", -1, per[nSQL]/per[nLoop])
			e.sample("rows into Go ÷ SQL function", "x", +1, per[nGo]/per[nSQL])
		}
	}
	e.check("top10", want[0])
	return nil
}
