package vector

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// vec0Cursor reads a vec0 table: every row (planScan), one row (planPoint),
// or the k nearest rows (planKNN), found first and then read one by one.
type vec0Cursor struct {
	t     *vec0
	plan  int
	stmts map[string]*sqlite3.Stmt

	rows      *sqlite3.Stmt // positioned on the current row, if rowLoaded
	rowLoaded bool
	eof       bool
	cur       rowRef

	hits []knnHit
	pos  int
	k    int64

	vec []blobAt // read handles on the vectors of each vector column
	buf []byte
	knnScratch
}

// Close gives the cursor's statements back to the table and releases its
// BLOB handles.
func (cur *vec0Cursor) Close() error {
	for sql, s := range cur.stmts {
		cur.t.putStmt(sql, s)
	}
	for i := range cur.vec {
		cur.vec[i].b.Close()
	}
	cur.stmts, cur.vec = nil, nil
	return nil
}

func (cur *vec0Cursor) stmt(sql string) (*sqlite3.Stmt, error) {
	if s, ok := cur.stmts[sql]; ok {
		s.Reset()
		s.ClearBindings()
		return s, nil
	}
	s, err := cur.t.getStmt(sql)
	if err != nil {
		return nil, err
	}
	if cur.stmts == nil {
		cur.stmts = map[string]*sqlite3.Stmt{}
	}
	cur.stmts[sql] = s
	return s, nil
}

// rowSQL selects the stored columns of rows; rowCol gives where each
// column is in it.
func (t *vec0) rowSQL() string {
	var b strings.Builder
	b.WriteString("SELECT r.rowid, r.chunk_id, r.chunk_offset")
	if t.d.pkType == typeText {
		b.WriteString(", r.id")
	}
	for i := range t.d.nMeta {
		fmt.Fprintf(&b, ", r.m%02d", i)
	}
	for i := range t.d.nPart {
		fmt.Fprintf(&b, ", c.p%02d", i)
	}
	for i := range t.d.nAux {
		fmt.Fprintf(&b, ", a.a%02d", i)
	}
	b.WriteString(" FROM " + t.shadow("rowids") + " r")
	if t.d.nPart > 0 {
		b.WriteString(" JOIN " + t.shadow("chunks") + " c ON c.chunk_id = r.chunk_id")
	}
	if t.d.nAux > 0 {
		b.WriteString(" LEFT JOIN " + t.shadow("auxiliary") + " a ON a.rowid = r.rowid")
	}
	return b.String()
}

func (t *vec0) rowCol(c *vecCol) int {
	base := 3
	if t.d.pkType == typeText {
		base = 4
	}
	switch c.kind {
	case colMetadata:
		return base + c.idx
	case colPartition:
		return base + t.d.nMeta + c.idx
	}
	return base + t.d.nMeta + t.d.nPart + c.idx
}

// Filter starts a query.
func (cur *vec0Cursor) Filter(plan int, idxStr string, arg ...sqlite3.Value) error {
	return cur.t.wrap(cur.filter(plan, idxStr, arg))
}

func (cur *vec0Cursor) filter(plan int, idxStr string, arg []sqlite3.Value) error {
	t := cur.t
	cur.plan, cur.eof, cur.rowLoaded = plan, false, false
	cur.hits, cur.pos = cur.hits[:0], 0
	switch plan {
	case planScan, planPoint:
		sql := t.rowSQL() + " ORDER BY r.rowid"
		if plan == planPoint {
			if len(arg) != 1 {
				return fmt.Errorf("bad point query")
			}
			sql = t.rowSQL() + " WHERE " + t.keyColumn() + " = ?"
		}
		s, err := cur.stmt(sql)
		if err != nil {
			return err
		}
		if plan == planPoint {
			if err := s.BindValue(1, arg[0]); err != nil {
				return err
			}
		}
		cur.rows = s
		return cur.step()
	case planKNN:
		vcol, terms, err := t.parseKNNPlan(idxStr)
		if err != nil {
			return err
		}
		if len(terms) != len(arg) {
			return fmt.Errorf("bad query plan %q", idxStr)
		}
		if err := cur.knn(vcol, terms, arg); err != nil {
			return err
		}
		cur.eof = len(cur.hits) == 0
		if !cur.eof {
			cur.cur = cur.hits[0].rowRef
		}
		cur.rows, err = cur.stmt(t.rowSQL() + " WHERE r.rowid = ?")
		return err
	}
	return fmt.Errorf("bad query plan %d", plan)
}

// step moves the scan or point statement to its next row.
func (cur *vec0Cursor) step() error {
	if !cur.rows.Step() {
		cur.eof = true
		return cur.rows.Err()
	}
	cur.rowLoaded = true
	cur.cur = rowRef{cur.rows.ColumnInt64(0), cur.rows.ColumnInt64(1), cur.rows.ColumnInt64(2)}
	return cur.t.checkRef(cur.cur)
}

func (cur *vec0Cursor) Next() error {
	if cur.plan != planKNN {
		return cur.t.wrap(cur.step())
	}
	cur.pos++
	cur.rowLoaded = false
	if cur.pos >= len(cur.hits) {
		cur.eof = true
		return nil
	}
	cur.cur = cur.hits[cur.pos].rowRef
	return nil
}

func (cur *vec0Cursor) EOF() bool { return cur.eof }

func (cur *vec0Cursor) RowID() (int64, error) { return cur.cur.rowid, nil }

// loadRow positions cur.rows on the current KNN hit.
func (cur *vec0Cursor) loadRow() error {
	if cur.rowLoaded {
		return nil
	}
	s := cur.rows
	s.Reset()
	if err := s.BindInt64(1, cur.cur.rowid); err != nil {
		return err
	}
	if !s.Step() {
		if err := s.Err(); err != nil {
			return err
		}
		return fmt.Errorf("row %d is missing from %s_rowids: %w", cur.cur.rowid, cur.t.table, sqlite3.CORRUPT_VTAB)
	}
	cur.rowLoaded = true
	return nil
}

func (cur *vec0Cursor) Column(ctx sqlite3.Context, n int) error {
	return cur.t.wrap(cur.column(ctx, n))
}

func (cur *vec0Cursor) column(ctx sqlite3.Context, n int) error {
	t := cur.t
	if n > 0 && ctx.VTabNoChange() {
		return nil // an UPDATE that does not change this column
	}
	switch n {
	case t.colDistance():
		if cur.plan == planKNN {
			if d := cur.hits[cur.pos].dist; !math.IsNaN(d) {
				ctx.ResultFloat(d)
			}
		}
		return nil
	case t.colK():
		if cur.plan == planKNN {
			ctx.ResultInt64(cur.k)
		}
		return nil
	case 0:
		if t.d.pkType != typeText {
			ctx.ResultInt64(cur.cur.rowid)
			return nil
		}
		if err := cur.loadRow(); err != nil {
			return err
		}
		ctx.ResultValue(cur.rows.ColumnValue(3))
		return nil
	}
	c := t.user(n)
	if c == nil {
		return fmt.Errorf("no column %d", n)
	}
	if c.kind == colVector {
		b, err := cur.readVector(c)
		if err != nil {
			return err
		}
		ctx.ResultBlob(b)
		ctx.ResultSubtype(c.elem.subtype())
		return nil
	}
	if err := cur.loadRow(); err != nil {
		return err
	}
	ctx.ResultValue(cur.rows.ColumnValue(t.rowCol(c)))
	return nil
}

// readVector reads the current row's vector of column c.
func (cur *vec0Cursor) readVector(c *vecCol) ([]byte, error) {
	return cur.readSlot(c, cur.cur.chunk, cur.cur.offset)
}

// readSlot reads the vector of column c in a slot with incremental BLOB
// I/O on its segment. The result is valid until the next call.
func (cur *vec0Cursor) readSlot(c *vecCol, chunkID, slot int64) ([]byte, error) {
	t := cur.t
	if len(cur.vec) < t.d.nVec {
		cur.vec = make([]blobAt, t.d.nVec)
	}
	h := &cur.vec[c.idx]
	chunk, at := t.d.segment(c, chunkID, slot)
	if h.b != nil && h.chunk != chunk {
		if err := h.b.Reopen(chunk); err != nil {
			h.b.Close()
			h.b = nil
		}
		h.chunk = chunk
	}
	var err error
	for try := 0; ; try++ {
		if h.b == nil {
			h.b, err = t.db.OpenBlob(t.schema, t.table+"_"+vectorsSuffix(c.idx), "vectors", chunk, false)
			if err != nil {
				return nil, fmt.Errorf("could not read vectors of chunk %d: %w", chunkID, err)
			}
			h.chunk = chunk
		}
		nb := c.vectorBytes()
		if cap(cur.buf) < nb {
			cur.buf = make([]byte, nb)
		}
		buf := cur.buf[:nb]
		if _, err = h.b.Seek(at, io.SeekStart); err == nil {
			_, err = io.ReadFull(h.b, buf)
		}
		if err == nil {
			return buf, nil
		}
		// A handle expires when its row is written by other means: reopen once.
		h.b.Close()
		h.b = nil
		if try > 0 {
			return nil, fmt.Errorf("could not read vectors of chunk %d: %w", chunkID, err)
		}
	}
}
