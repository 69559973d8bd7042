package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// vec0PointReads is the most candidates read one by one (see knn).
var vec0PointReads = 2048 // a variable for the tests

type knnHit struct {
	rowRef
	key  float64 // what is ordered on: the distance, or its square for L2; +Inf for NaN
	dist float64
}

// knnScratch is memory a cursor keeps between queries.
type knnScratch struct {
	floats []float32
}

// knn finds the k nearest rows and leaves them in cur.hits, nearest first.
func (cur *vec0Cursor) knn(vcol *vecCol, terms []knnTerm, args []sqlite3.Value) error {
	t := cur.t
	var (
		query     []byte
		partWhere []string
		partArgs  []any
		filter    []string // conditions on T_rowids r
		filterArg []any
		emptyIn   bool
		bounds    []distBound
	)
	// cond appends the condition expr op v to where and its values to
	// whereArgs; opIN lists the values of v, a vtab IN argument.
	cond := func(where *[]string, whereArgs *[]any, expr string, op byte, v sqlite3.Value) error {
		if op == opISNULL || op == opNOTNULL {
			*where = append(*where, expr+" "+opSQL(op))
			return nil
		}
		if op != opIN {
			*where = append(*where, expr+" "+opSQL(op)+" ?")
			*whereArgs = append(*whereArgs, v)
			return nil
		}
		vals, err := inValues(v)
		if err != nil {
			return err
		}
		if len(vals) == 0 {
			emptyIn = true
		}
		*where = append(*where, expr+" IN ("+placeholders(len(vals))+")")
		*whereArgs = append(*whereArgs, vals...)
		return nil
	}
	for i, term := range terms {
		v := args[i]
		switch term.kind {
		case 'm':
			if v.Type() == sqlite3.NULL {
				return fmt.Errorf("Query vector for the %q column is invalid: NULL", vcol.name)
			}
			q, err := vectorBytes(nil, v, vcol, "Query vector for")
			if err != nil {
				return err
			}
			query = q
		case 'k':
			kf, ok := integral(v)
			if !ok {
				return fmt.Errorf("k value in knn queries must be an integer, got %s", v.Type())
			}
			if kf > vec0MaxK {
				return fmt.Errorf("k value in knn query too large, provided %.0f and the limit is %d", kf, vec0MaxK)
			}
			k := int64(kf)
			if k < 0 {
				return errors.New("k value in knn queries must be greater than or equal to 0.")
			}
			if k > vec0MaxK {
				return fmt.Errorf("k value in knn query too large, provided %d and the limit is %d", k, vec0MaxK)
			}
			cur.k = k
		case 'r':
			if err := cond(&filter, &filterArg, t.keyColumn(), opEQ, v); err != nil {
				return err
			}
		case 'R':
			if err := cond(&filter, &filterArg, t.keyColumn(), opIN, v); err != nil {
				return err
			}
		case 'q':
			if err := cond(&filter, &filterArg, t.keyColumn(), term.op, v); err != nil {
				return err
			}
		case 'p':
			expr := fmt.Sprintf("c.p%02d", t.user(term.col).idx)
			if err := cond(&partWhere, &partArgs, expr, term.op, v); err != nil {
				return err
			}
		case 'M':
			expr := fmt.Sprintf("r.m%02d", t.user(term.col).idx)
			if err := cond(&filter, &filterArg, expr, term.op, v); err != nil {
				return err
			}
		case 'd':
			switch v.Type() {
			case sqlite3.INTEGER, sqlite3.FLOAT:
				bounds = append(bounds, distBound{term.op, v.Float()})
			case sqlite3.NULL:
				emptyIn = true // distance > NULL is never true
			default:
				return fmt.Errorf("a constraint on the distance column must be a number, got %s", v.Type())
			}
		}
	}
	if cur.k == 0 || emptyIn {
		return nil
	}

	// The slots that pass the rowid and metadata constraints, as bitmaps
	// by chunk.
	var allowed map[int64][]byte
	nAllowed := 0
	if len(filter) > 0 {
		s, err := cur.stmt("SELECT r.chunk_id, r.chunk_offset FROM " + t.shadow("rowids") + " r WHERE " + strings.Join(filter, " AND "))
		if err != nil {
			return err
		}
		if err := bindAll(s, filterArg); err != nil {
			return err
		}
		allowed = map[int64][]byte{}
		for s.Step() {
			ch, off := s.ColumnInt64(0), s.ColumnInt64(1)
			bm := allowed[ch]
			if bm == nil {
				bm = make([]byte, t.d.chunkSize/8)
				allowed[ch] = bm
			}
			if off >= 0 && off < int64(t.d.chunkSize) && bm[off/8]&(1<<(off%8)) == 0 {
				bm[off/8] |= 1 << (off % 8)
				nAllowed++
			}
		}
		if err := s.Err(); err != nil {
			return err
		}
		if len(allowed) == 0 {
			return nil
		}
	}

	sql := "SELECT c.chunk_id, c.slots FROM " + t.shadow("chunks") + " c"
	if len(partWhere) > 0 {
		sql += " WHERE " + strings.Join(partWhere, " AND ")
	}
	s, err := cur.stmt(sql + " ORDER BY c.chunk_id")
	if err != nil {
		return err
	}
	if err := bindAll(s, partArgs); err != nil {
		return err
	}
	segs, err := cur.stmt("SELECT rowid, vectors FROM " + t.shadow(vectorsSuffix(vcol.idx)) + " WHERE rowid BETWEEN ? AND ?")
	if err != nil {
		return err
	}
	segSlots := t.d.segSlots(vcol)
	// A few candidates (rowid IN a short list, a selective filter) are read
	// one by one with BLOB I/O rather than with their whole segments: this
	// is what makes rescoring the candidates of a coarse search cheap.
	pointReads := allowed != nil && nAllowed <= vec0PointReads

	h := topK{k: int(cur.k), hits: cur.hits[:0]}
	dist := newChunkDistance(vcol, query)
	if dist.err != nil {
		return dist.err
	}
	dist.bounds = bounds
	nb := vcol.vectorBytes()
	cs := t.d.chunkSize
	var mask []byte
	for s.Step() {
		chunk := s.ColumnInt64(0)
		slots := s.ColumnRawBlob(1)
		if err := t.checkSlots(chunk, slots); err != nil {
			return err
		}
		mask = append(mask[:0], slots[:cs/8]...)
		if allowed != nil {
			bm := allowed[chunk]
			if bm == nil {
				continue
			}
			for i := range mask {
				mask[i] &= bm[i]
			}
		}
		rowids := slots[cs/8:]
		if pointReads {
			for byteI, m := range mask {
				for m != 0 {
					bit := m & -m
					m &^= bit
					slot := int64(8*byteI + bitIndex(bit))
					x, err := cur.readSlot(vcol, chunk, slot)
					if err != nil {
						return err
					}
					key, d := dist.distance(x, &cur.knnScratch)
					if h.full() && key > h.hits[0].key || !dist.inBounds(d) {
						continue
					}
					h.push(knnHit{rowRef: rowRef{int64(binary.LittleEndian.Uint64(rowids[8*slot:])), chunk, slot}, key: key, dist: d})
				}
			}
			continue
		}
		segs.Reset()
		if err := errors.Join(segs.BindInt64(1, chunk*segMax), segs.BindInt64(2, chunk*segMax+segMax-1)); err != nil {
			return err
		}
		for segs.Step() {
			seg := int(segs.ColumnInt64(0) - chunk*segMax)
			first := seg * segSlots
			n := min(segSlots, cs-first)
			if first >= cs || !anySet(mask, first, n) {
				continue
			}
			vectors := segs.ColumnRawBlob(1)
			if len(vectors) != nb*n {
				return fmt.Errorf("chunk %d segment %d has %d bytes, want %d: %w", chunk, seg, len(vectors), nb*n, sqlite3.CORRUPT_VTAB)
			}
			dist.segment(&h, &cur.knnScratch, mask, first, n, vectors, rowids, chunk)
		}
		if err := segs.Err(); err != nil {
			return err
		}
	}
	if err := s.Err(); err != nil {
		return err
	}
	cur.hits = h.sorted()
	for i := range cur.hits {
		cur.hits[i].dist = vcol.reported(cur.hits[i].dist)
	}
	return nil
}

// reported returns the distance a KNN query reports for d, what the
// kernels compute (the square of the distance for L2): a float32 value,
// as sqlite-vec's are, since the inputs are float32 and more digits
// would only be noise.
func (c *vecCol) reported(d float64) float64 {
	if c.metric == metricL2 && c.elem != elemBit {
		d = math.Sqrt(d)
	}
	return float64(float32(d))
}

// A distBound is a constraint on the distance column of a KNN query:
// distance op v.
type distBound struct {
	op byte // opGT, opGE, opLT or opLE
	v  float64
}

// inBounds reports whether a row at kernel distance d (see reported)
// passes every bound on the distance column. A NaN distance (reported as
// NULL) passes none, as in SQL.
func (d *chunkDistance) inBounds(dist float64) bool {
	if len(d.bounds) == 0 {
		return true
	}
	r := d.col.reported(dist)
	for _, b := range d.bounds {
		var ok bool
		switch b.op {
		case opGT:
			ok = r > b.v
		case opGE:
			ok = r >= b.v
		case opLT:
			ok = r < b.v
		case opLE:
			ok = r <= b.v
		}
		if !ok {
			return false
		}
	}
	return true
}

// integral returns the value of v if it is an integer: an INTEGER, or a
// FLOAT or TEXT holding one exactly ("5", 5.0), as SQLite's numeric
// affinity would read it.
func integral(v sqlite3.Value) (float64, bool) {
	var f float64
	switch v.Type() {
	case sqlite3.INTEGER:
		return float64(v.Int64()), true
	case sqlite3.FLOAT:
		f = v.Float()
	case sqlite3.TEXT:
		x, err := strconv.ParseFloat(strings.TrimSpace(v.Text()), 64)
		if err != nil {
			return 0, false
		}
		f = x
	default:
		return 0, false
	}
	return f, f == math.Trunc(f) && !math.IsInf(f, 0)
}

// anySet reports whether any of the n bits from first (both multiples of
// 8, but n at the end of a chunk) is set in mask.
func anySet(mask []byte, first, n int) bool {
	for _, b := range mask[first/8 : (first+n+7)/8] {
		if b != 0 {
			return true
		}
	}
	return false
}

// keyColumn is the column of T_rowids, aliased r, that holds what a user
// looks a row up by: its rowid, or its text primary key.
func (t *vec0) keyColumn() string {
	if t.d.pkType == typeText {
		return "r.id"
	}
	return "r.rowid"
}

// goValue copies a value out of SQLite's memory.
func goValue(v sqlite3.Value) any {
	switch v.Type() {
	case sqlite3.INTEGER:
		return v.Int64()
	case sqlite3.FLOAT:
		return v.Float()
	case sqlite3.TEXT:
		return v.Text()
	case sqlite3.BLOB:
		return v.Blob(nil)
	}
	return nil
}

func placeholders(n int) string {
	if n == 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// inValues returns the values of the right side of an IN constraint.
func inValues(v sqlite3.Value) ([]any, error) {
	var vals []any
	x, err := v.InFirst()
	for err == nil {
		vals = append(vals, goValue(x))
		x, err = v.InNext()
	}
	if err != nil && !errors.Is(err, sqlite3.ErrorCode(101)) { // SQLITE_DONE: the end of the list
		return nil, err
	}
	return vals, nil
}

// chunkDistance computes the distances from a query to the vectors of a
// chunk.
type chunkDistance struct {
	col    *vecCol
	bounds []distBound // constraints on the distance column
	qf     []float32
	qb     []byte
	qq     float64 // |q|², for cosine
	err    error
	dims   int
}

func newChunkDistance(c *vecCol, query []byte) *chunkDistance {
	d := &chunkDistance{col: c, dims: c.dims}
	if c.elem == elemF32 {
		d.qf = decodeInto(make([]float32, len(query)/4), query)
		if c.metric == metricCosine {
			d.qq = dot64(d.qf, d.qf)
			if d.qq == 0 {
				d.err = fmt.Errorf("Query vector for the %q column is a %w: cosine is undefined", c.name, ErrZeroVector)
			}
		}
	} else {
		d.qb = query
		if c.elem == elemI8 && c.metric == metricCosine {
			_, qq, _ := dotI8(query, query)
			d.qq = float64(qq)
			if qq == 0 {
				d.err = fmt.Errorf("Query vector for the %q column is a %w: cosine is undefined", c.name, ErrZeroVector)
			}
		}
	}
	return d
}

// segment offers to h the distance of every slot of a segment (n slots
// from first) that is set in the chunk's mask; rowids are the chunk's.
func (d *chunkDistance) segment(h *topK, scratch *knnScratch, mask []byte, first, n int, vectors, rowids []byte, chunk int64) {
	mask = mask[first/8 : (first+n)/8]
	dims := d.dims
	var f []float32
	if d.col.elem == elemF32 {
		f = view(vectors, &scratch.floats)
	}
	nb := d.col.vectorBytes()
	sqrtQQ := math.Sqrt(d.qq)
	for byteI, m := range mask {
		for m != 0 {
			bit := m & -m
			m &^= bit
			i := 8*byteI + bitIndex(bit)
			var dist float64
			switch d.col.elem {
			case elemF32:
				x := f[i*dims : (i+1)*dims]
				switch d.col.metric {
				case metricL2:
					dist = float64(l2sqF32(x, d.qf))
				case metricCosine:
					dot, xx := dotNormF32(x, d.qf)
					dist = 1 - float64(dot)/(math.Sqrt(float64(xx))*sqrtQQ)
				case metricL1:
					dist = float64(l1F32(x, d.qf))
				}
			case elemI8:
				x := vectors[i*nb : (i+1)*nb]
				switch d.col.metric {
				case metricL2:
					dist = float64(l2sqI8(x, d.qb))
				case metricCosine:
					dot, xx, _ := dotI8(x, d.qb)
					dist = 1 - float64(dot)/(math.Sqrt(float64(xx))*sqrtQQ)
				case metricL1:
					dist = float64(l1I8(x, d.qb))
				}
			default:
				dist = float64(hamming(vectors[i*nb:(i+1)*nb], d.qb))
			}
			key := dist
			if math.IsNaN(key) {
				key = math.Inf(1)
			}
			if h.full() && key > h.hits[0].key || !d.inBounds(dist) {
				continue // cheap rejection before reading the rowid
			}
			s := first + i
			r := rowRef{int64(binary.LittleEndian.Uint64(rowids[8*s:])), chunk, int64(s)}
			h.push(knnHit{rowRef: r, key: key, dist: dist})
		}
	}
}

// distance returns the ordering key and the distance of one vector.
func (d *chunkDistance) distance(x []byte, scratch *knnScratch) (key, dist float64) {
	switch d.col.elem {
	case elemF32:
		f := view(x, &scratch.floats)
		switch d.col.metric {
		case metricL2:
			dist = float64(l2sqF32(f, d.qf))
		case metricCosine:
			dot, xx := dotNormF32(f, d.qf)
			dist = 1 - float64(dot)/(math.Sqrt(float64(xx))*math.Sqrt(d.qq))
		case metricL1:
			dist = float64(l1F32(f, d.qf))
		}
	case elemI8:
		switch d.col.metric {
		case metricL2:
			dist = float64(l2sqI8(x, d.qb))
		case metricCosine:
			dot, xx, _ := dotI8(x, d.qb)
			dist = 1 - float64(dot)/(math.Sqrt(float64(xx))*math.Sqrt(d.qq))
		case metricL1:
			dist = float64(l1I8(x, d.qb))
		}
	default:
		dist = float64(hamming(x, d.qb))
	}
	key = dist
	if math.IsNaN(key) {
		key = math.Inf(1)
	}
	return key, dist
}

func bitIndex(bit byte) int { return bits.TrailingZeros8(bit) }

// topK keeps the k hits of smallest (key, rowid) in a max-heap.
type topK struct {
	k    int
	hits []knnHit
}

func (h *topK) full() bool { return len(h.hits) >= h.k }

func less(a, b *knnHit) bool {
	return a.key < b.key || a.key == b.key && a.rowid < b.rowid
}

func (h *topK) push(x knnHit) {
	if len(h.hits) < h.k {
		h.hits = append(h.hits, x)
		// sift up
		i := len(h.hits) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !less(&h.hits[p], &h.hits[i]) {
				break
			}
			h.hits[p], h.hits[i] = h.hits[i], h.hits[p]
			i = p
		}
		return
	}
	if !less(&x, &h.hits[0]) {
		return
	}
	h.hits[0] = x
	// sift down
	i, n := 0, len(h.hits)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && less(&h.hits[l], &h.hits[r]) {
			j = r
		}
		if !less(&h.hits[i], &h.hits[j]) {
			break
		}
		h.hits[i], h.hits[j] = h.hits[j], h.hits[i]
		i = j
	}
}

// sorted returns the kept hits, best first.
func (h *topK) sorted() []knnHit {
	s := h.hits
	// Heap sort in place: repeatedly move the worst to the end.
	for n := len(s); n > 1; n-- {
		s[0], s[n-1] = s[n-1], s[0]
		i := 0
		for {
			l := 2*i + 1
			if l >= n-1 {
				break
			}
			j := l
			if r := l + 1; r < n-1 && less(&s[l], &s[r]) {
				j = r
			}
			if !less(&s[i], &s[j]) {
				break
			}
			s[i], s[j] = s[j], s[i]
			i = j
		}
	}
	return s
}
