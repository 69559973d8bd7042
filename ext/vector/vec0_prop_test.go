package vector_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// propRow is the model of one row of the table under test.
type propRow struct {
	f []float64 // float32 or int8 elements
	b []byte    // bit vector
	p int64     // partition key; -1 for NULL
	m int64     // integer metadata
	s string    // text metadata
	a string    // auxiliary
}

type propConfig struct {
	decl   string // vector column type and options
	elem   string // "float", "int8" or "bit"
	metric string
	dims   int
	chunk  int // chunk_size; 0 for 8
}

func (cfg propConfig) distance(x, q *propRow) float64 {
	switch cfg.elem {
	case "bit":
		n := 0
		for i := range x.b {
			n += bits.OnesCount8(x.b[i] ^ q.b[i])
		}
		return float64(n)
	}
	var d, xx, qq float64
	for i := range x.f {
		a, b := x.f[i], q.f[i]
		switch cfg.metric {
		case "l2":
			d += (a - b) * (a - b)
		case "l1":
			d += math.Abs(a - b)
		case "cosine":
			d += a * b
			xx += a * a
			qq += b * b
		}
	}
	switch cfg.metric {
	case "l2":
		return math.Sqrt(d)
	case "cosine":
		return 1 - d/math.Sqrt(xx*qq)
	}
	return d
}

func (cfg propConfig) randVector(r *rand.Rand, row *propRow) {
	switch cfg.elem {
	case "bit":
		row.b = make([]byte, cfg.dims/8)
		for i := range row.b {
			row.b[i] = byte(r.IntN(256))
		}
	case "int8":
		row.f = make([]float64, cfg.dims)
		for i := range row.f {
			row.f[i] = float64(r.IntN(255) - 127)
		}
	default:
		row.f = make([]float64, cfg.dims)
		for i := range row.f {
			row.f[i] = float64(2*r.Float32() - 1)
		}
	}
}

// pval is the partition key as SQL has it.
func (row *propRow) pval() any {
	if row.p < 0 {
		return nil
	}
	return row.p
}

// sqlVector returns an SQL expression for the vector and its argument.
func (cfg propConfig) sqlVector(row *propRow) (string, any) {
	switch cfg.elem {
	case "bit":
		return "vec_bit(?)", row.b
	case "int8":
		js, _ := json.Marshal(row.f)
		return "vec_int8(?)", string(js)
	}
	js, _ := json.Marshal(row.f)
	return "?", string(js)
}

var propConfigs = []propConfig{
	{"float[40]", "float", "l2", 40, 0},
	{"float[40] distance_metric=cosine", "float", "cosine", 40, 0},
	{"float[13] distance_metric=l1", "float", "l1", 13, 0},
	{"int8[24]", "int8", "l2", 24, 0},
	{"int8[24] distance_metric=cosine", "int8", "cosine", 24, 0},
	{"int8[24] distance_metric=l1", "int8", "l1", 24, 0},
	{"bit[64]", "bit", "hamming", 64, 0},
	// 800-byte vectors, 128 to a chunk: two segments per chunk.
	{"float[200] distance_metric=cosine", "float", "cosine", 200, 128},
}

// TestVec0PropertyKNN checks KNN queries with metadata, partition and
// rowid constraints against brute force over a model of the table, after
// random INSERT, UPDATE and DELETE sequences in transactions that commit or
// roll back, for every vector type and metric.
func TestVec0PropertyKNN(t *testing.T) {
	for _, pointReads := range []int{2048, 0} {
		t.Run(fmt.Sprintf("pointReads%d", pointReads), func(t *testing.T) {
			defer vector.SetVec0PointReads(pointReads)()
			testVec0PropertyKNN(t)
		})
	}
}

func testVec0PropertyKNN(t *testing.T) {
	for _, cfg := range propConfigs {
		chunk := cfg.chunk
		if chunk == 0 {
			chunk = 8
		}
		t.Run(fmt.Sprintf("%s_chunk%d", strings.ReplaceAll(cfg.decl, " ", "_"), chunk), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(cfg.decl))))
			c := openConn(t)
			execSQL(t, c, fmt.Sprintf(`CREATE VIRTUAL TABLE t USING vec0(
				id integer primary key, p integer partition key, v %s, m integer, s text, +a text, chunk_size=%d)`, cfg.decl, chunk))
			model := map[int64]*propRow{}
			nextID := int64(1)
			for round := range 30 {
				saved := map[int64]*propRow{}
				for k, v := range model {
					saved[k] = v
				}
				execSQL(t, c, "BEGIN")
				for range 1 + r.IntN(25) {
					propStep(t, c, cfg, r, model, &nextID)
				}
				if r.IntN(4) == 0 {
					execSQL(t, c, "ROLLBACK")
					model = saved
				} else {
					execSQL(t, c, "COMMIT")
				}
				for range 5 {
					propQuery(t, c, cfg, r, model, round)
				}
				// Every row reads back.
				rows := query(t, c, "SELECT id, p, m, s, a FROM t")
				if len(rows) != len(model) {
					t.Fatalf("round %d: full scan has %d rows, model %d", round, len(rows), len(model))
				}
				for _, row := range rows {
					m := model[row[0].(int64)]
					if m == nil || m.pval() != row[1] || m.m != row[2] || m.s != row[3] || m.a != row[4] {
						t.Fatalf("round %d: row %v, model %+v", round, row, m)
					}
				}
			}
		})
	}
}

func propStep(t *testing.T, c *sqlite3.Conn, cfg propConfig, r *rand.Rand, model map[int64]*propRow, nextID *int64) {
	ids := make([]int64, 0, len(model))
	for id := range model {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	switch op := r.IntN(10); {
	case op < 6 || len(ids) == 0: // insert
		row := &propRow{p: int64(r.IntN(4)) - 1, m: int64(r.IntN(10)), s: string(rune('a' + r.IntN(4))), a: fmt.Sprint("aux", r.IntN(100))}
		cfg.randVector(r, row)
		expr, arg := cfg.sqlVector(row)
		id := *nextID
		verb := "INSERT"
		if len(ids) > 0 && r.IntN(5) == 0 {
			id, verb = ids[r.IntN(len(ids))], "INSERT OR REPLACE" // over an existing row
		} else {
			*nextID += 1 + int64(r.IntN(3))
		}
		if _, err := tryQuery(c, verb+" INTO t(id, p, v, m, s, a) VALUES (?, ?, "+expr+", ?, ?, ?)", id, row.pval(), arg, row.m, row.s, row.a); err != nil {
			t.Fatal(err)
		}
		model[id] = row
	case op < 8: // update
		id := ids[r.IntN(len(ids))]
		old := model[id]
		row := *old
		switch r.IntN(3) {
		case 0:
			cfg.randVector(r, &row)
			expr, arg := cfg.sqlVector(&row)
			query(t, c, "UPDATE t SET v = "+expr+" WHERE id = ?", arg, id)
		case 1:
			row.m, row.s = int64(r.IntN(10)), string(rune('a'+r.IntN(4)))
			query(t, c, "UPDATE t SET m = ?, s = ? WHERE id = ?", row.m, row.s, id)
		default:
			row.a = fmt.Sprint("aux", r.IntN(100))
			query(t, c, "UPDATE t SET a = ? WHERE id = ?", row.a, id)
		}
		model[id] = &row
	default: // delete
		id := ids[r.IntN(len(ids))]
		query(t, c, "DELETE FROM t WHERE id = ?", id)
		delete(model, id)
	}
}

func propQuery(t *testing.T, c *sqlite3.Conn, cfg propConfig, r *rand.Rand, model map[int64]*propRow, round int) {
	q := &propRow{}
	cfg.randVector(r, q)
	if cfg.metric == "cosine" {
		q.f[0] = float64(1 + r.IntN(50)) // never a zero vector
	}
	expr, arg := cfg.sqlVector(q)
	k := 1 + r.IntN(12)
	where := []string{"v MATCH " + expr, "k = ?"}
	args := []any{arg, k}
	var filters []func(id int64, row *propRow) bool
	switch r.IntN(4) {
	case 0, 1:
		p := int64(r.IntN(3))
		where, args = append(where, "p = ?"), append(args, p)
		filters = append(filters, func(_ int64, row *propRow) bool { return row.p == p })
	case 2:
		where = append(where, "p IS NULL")
		filters = append(filters, func(_ int64, row *propRow) bool { return row.p < 0 })
	}
	switch r.IntN(4) {
	case 0:
		m := int64(r.IntN(10))
		where, args = append(where, "m >= ?"), append(args, m)
		filters = append(filters, func(_ int64, row *propRow) bool { return row.m >= m })
	case 1:
		m := int64(r.IntN(10))
		where, args = append(where, "m != ?"), append(args, m)
		filters = append(filters, func(_ int64, row *propRow) bool { return row.m != m })
	case 2:
		where = append(where, "s IN ('a', 'c')")
		filters = append(filters, func(_ int64, row *propRow) bool { return row.s == "a" || row.s == "c" })
	}
	if r.IntN(4) == 0 {
		lo := int64(r.IntN(40))
		where = append(where, fmt.Sprintf("id IN (%d, %d, %d, %d, %d)", lo, lo+1, lo+3, lo+7, lo+20))
		filters = append(filters, func(id int64, _ *propRow) bool {
			return id == lo || id == lo+1 || id == lo+3 || id == lo+7 || id == lo+20
		})
	}
	if r.IntN(4) == 0 {
		lo := int64(r.IntN(40))
		where, args = append(where, "id > ?"), append(args, lo)
		filters = append(filters, func(id int64, _ *propRow) bool { return id > lo })
	}

	type cand struct {
		id int64
		d  float64
	}
	candidates := func() []cand {
		var want []cand
		for id, row := range model {
			ok := true
			for _, f := range filters {
				ok = ok && f(id, row)
			}
			if ok {
				want = append(want, cand{id, cfg.distance(row, q)})
			}
		}
		slices.SortFunc(want, func(a, b cand) int {
			if a.d != b.d {
				if a.d < b.d {
					return -1
				}
				return 1
			}
			return int(a.id - b.id)
		})
		return want
	}
	if r.IntN(3) == 0 {
		// A bound on the distance halfway between two candidates far
		// enough apart that float32 rounding cannot put one on the
		// wrong side.
		cs := candidates()
		for tries := 0; tries < 5 && len(cs) > 1; tries++ {
			i := r.IntN(len(cs) - 1)
			lo, hi := cs[i].d, cs[i+1].d
			if hi-lo < 1e-3*math.Max(1, math.Abs(hi)) {
				continue
			}
			bound := (lo + hi) / 2
			if r.IntN(2) == 0 {
				where, args = append(where, "distance > ?"), append(args, bound)
				filters = append(filters, func(_ int64, row *propRow) bool { return cfg.distance(row, q) > bound })
			} else {
				where, args = append(where, "distance <= ?"), append(args, bound)
				filters = append(filters, func(_ int64, row *propRow) bool { return cfg.distance(row, q) <= bound })
			}
			break
		}
	}
	sql := "SELECT id, distance, m, s, a FROM t WHERE " + strings.Join(where, " AND ")
	got := query(t, c, sql, args...)
	want := candidates()
	want = want[:min(k, len(want))]
	if len(got) != len(want) {
		t.Fatalf("round %d: %s %v: %d rows, want %d", round, sql, args[1:], len(got), len(want))
	}
	tol := func(d float64) float64 { return 1e-4 * math.Max(1, math.Abs(d)) }
	for i, g := range got {
		id, d := g[0].(int64), g[1].(float64)
		row := model[id]
		if row == nil {
			t.Fatalf("round %d: %s: row %d is not in the table", round, sql, id)
		}
		for _, f := range filters {
			if !f(id, row) {
				t.Fatalf("round %d: %s: row %d does not pass the filters", round, sql, id)
			}
		}
		if true := cfg.distance(row, q); math.Abs(true-d) > tol(true) {
			t.Fatalf("round %d: %s: row %d distance %g, want %g", round, sql, id, d, true)
		}
		if math.Abs(d-want[i].d) > tol(d) {
			t.Fatalf("round %d: %s: rank %d has distance %g (row %d), brute force %g (row %d)", round, sql, i, d, id, want[i].d, want[i].id)
		}
		if g[2] != row.m || g[3] != row.s || g[4] != row.a {
			t.Fatalf("round %d: row %d reads %v, model %+v", round, id, g, row)
		}
	}
}
