package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// vec0Writer holds what INSERT, UPDATE and DELETE keep between rows: the
// prepared statements (for the life of the connection), and, within one
// write transaction, the free slots of the chunks known to have some, and
// during one row's write, open BLOB handles (closed before Update returns:
// an open handle is a statement in progress, which would keep the
// transaction from committing). Everything but the statements is dropped at
// every transaction boundary and rollback, so no state outlives what SQLite
// can roll back.
type vec0Writer struct {
	t     *vec0
	stmts map[string]*sqlite3.Stmt

	vec   []blobAt // one per vector column
	slots blobAt
	open  map[string]*openChunk // by partition key
	buf   []byte

	// Scratch space of insert.
	part, meta, aux, args []any
	pkey, seg             []byte
	sql                   map[string]string
}

// cachedSQL returns the SQL text built by build, built once.
func (w *vec0Writer) cachedSQL(key string, build func() string) string {
	if s, ok := w.sql[key]; ok {
		return s
	}
	if w.sql == nil {
		w.sql = map[string]string{}
	}
	s := build()
	w.sql[key] = s
	return s
}

func (t *vec0) sqlInsertRowid() string {
	return t.w.cachedSQL("insert rowid", func() string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + t.shadow("rowids") + " (rowid, ")
		n := 3
		if t.d.pkType == typeText {
			b.WriteString("id, ")
			n++
		}
		b.WriteString("chunk_id, chunk_offset")
		for i := range t.d.nMeta {
			fmt.Fprintf(&b, ", m%02d", i)
			n++
		}
		b.WriteString(") VALUES (" + placeholders(n) + ")")
		return b.String()
	})
}

func (t *vec0) sqlInsertAux() string {
	return t.w.cachedSQL("insert aux", func() string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + t.shadow("auxiliary") + " (rowid")
		for i := range t.d.nAux {
			fmt.Fprintf(&b, ", a%02d", i)
		}
		b.WriteString(") VALUES (" + placeholders(1+t.d.nAux) + ")")
		return b.String()
	})
}

type blobAt struct {
	b     *sqlite3.Blob
	chunk int64 // the row it is open on
}

// openChunk is a chunk with free slots and a copy of its validity bitmap.
type openChunk struct {
	id       int64
	validity []byte
}

// reset drops the transaction's state: BLOB handles and known free slots.
func (w *vec0Writer) reset() {
	w.closeBlobs()
	w.open = nil
}

// close releases everything, statements included.
func (w *vec0Writer) close() {
	w.reset()
	for _, s := range w.stmts {
		s.Close()
	}
	w.stmts = nil
	w.sql = nil
}

func (w *vec0Writer) closeBlobs() {
	for i := range w.vec {
		w.vec[i].b.Close()
	}
	w.vec = nil
	w.slots.b.Close()
	w.slots = blobAt{}
}

// stmt returns the prepared statement for sql, reset and with its bindings
// cleared.
func (w *vec0Writer) stmt(sql string) (*sqlite3.Stmt, error) {
	if s, ok := w.stmts[sql]; ok {
		return s, nil
	}
	s, err := w.t.getStmt(sql)
	if err != nil {
		return nil, err
	}
	if w.stmts == nil {
		w.stmts = map[string]*sqlite3.Stmt{}
	}
	w.stmts[sql] = s
	return s, nil
}

// exec runs sql with args (int64, string, []byte, sqlite3.Value or nil).
func (w *vec0Writer) exec(sql string, args ...any) error {
	s, err := w.stmt(sql)
	if err != nil {
		return err
	}
	defer s.ClearBindings()
	if err := bindAll(s, args); err != nil {
		return err
	}
	err = s.Exec()
	return errors.Join(err, s.Reset())
}

func bindAll(s *sqlite3.Stmt, args []any) error {
	for i, a := range args {
		var err error
		switch a := a.(type) {
		case nil:
			err = s.BindNull(i + 1)
		case int64:
			err = s.BindInt64(i+1, a)
		case float64:
			err = s.BindFloat(i+1, a)
		case string:
			err = s.BindText(i+1, a)
		case []byte:
			err = s.BindBlob(i+1, a)
		case sqlite3.Value:
			err = s.BindValue(i+1, a)
		default:
			err = fmt.Errorf("cannot bind %T", a) // notest: internal
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writeAt writes data at off in column col of row row of shadow table
// T_suffix, through the handle h, moved or opened as needed.
func (w *vec0Writer) writeAt(h *blobAt, suffix, col string, row, off int64, data []byte) error {
	if h.b != nil && h.chunk != row {
		if err := h.b.Reopen(row); err != nil {
			h.b.Close()
			h.b = nil
		}
		h.chunk = row
	}
	if h.b == nil {
		b, err := w.t.db.OpenBlob(w.t.schema, w.t.table+"_"+suffix, col, row, true)
		if err != nil {
			return fmt.Errorf("could not open %s of row %d of %s_%s: %w", col, row, w.t.table, suffix, err)
		}
		h.b, h.chunk = b, row
	}
	if _, err := h.b.Seek(off, 0); err != nil {
		return err
	}
	if _, err := h.b.Write(data); err != nil {
		return fmt.Errorf("could not write %s of row %d of %s_%s: %w", col, row, w.t.table, suffix, err)
	}
	return nil
}

// rowRef is where a row lives.
type rowRef struct {
	rowid, chunk, offset int64
}

// lookup finds the row whose rowid or primary key is key.
func (t *vec0) lookup(key sqlite3.Value) (r rowRef, found bool, err error) {
	s, err := t.w.stmt("SELECT rowid, chunk_id, chunk_offset FROM " + t.shadow("rowids") + " r WHERE " + t.keyColumn() + " = ?")
	if err != nil {
		return r, false, err
	}
	defer s.Reset()
	if err := s.BindValue(1, key); err != nil {
		return r, false, err
	}
	if !s.Step() {
		return r, false, s.Err()
	}
	r = rowRef{s.ColumnInt64(0), s.ColumnInt64(1), s.ColumnInt64(2)}
	return r, true, t.checkRef(r)
}

// checkRef checks where the shadow tables say a row is: they are ordinary
// tables, which a program can write to.
func (t *vec0) checkRef(r rowRef) error {
	if r.chunk < 0 || r.chunk > math.MaxInt64/segMax-1 || r.offset < 0 || r.offset >= int64(t.d.chunkSize) {
		return fmt.Errorf("%s_rowids says row %d is at chunk %d, slot %d: %w", t.table, r.rowid, r.chunk, r.offset, sqlite3.CORRUPT_VTAB)
	}
	return nil
}

// checkSlots checks the length of a chunk's slots BLOB.
func (t *vec0) checkSlots(chunk int64, slots []byte) error {
	cs := t.d.chunkSize
	if len(slots) != cs/8+8*cs || chunk < 0 || chunk > math.MaxInt64/segMax-1 {
		return fmt.Errorf("%s_chunks: chunk %d has %d bytes of slots, want %d: %w", t.table, chunk, len(slots), cs/8+8*cs, sqlite3.CORRUPT_VTAB)
	}
	return nil
}

// Update inserts, updates or deletes a row.
//
// https://sqlite.org/vtab.html#xupdate
func (t *vec0) Update(arg ...sqlite3.Value) (int64, error) {
	var (
		rowid int64
		err   error
	)
	switch {
	case arg[0].Type() == sqlite3.NULL:
		rowid, err = t.insert(arg[1], arg[2:])
	case len(arg) == 1:
		err = t.delete(arg[0])
	default:
		err = t.update(arg[0], arg[1], arg[2:])
	}
	t.w.closeBlobs()
	if err != nil {
		return 0, t.wrap(err)
	}
	return rowid, nil
}

// checkHidden rejects values for the hidden distance and k columns.
func (t *vec0) checkHidden(cols []sqlite3.Value) error {
	if v := cols[t.colDistance()]; !v.NoChange() && v.Type() != sqlite3.NULL {
		return errors.New(`a value was provided for the hidden "distance" column`)
	}
	if v := cols[t.colK()]; !v.NoChange() && v.Type() != sqlite3.NULL {
		return errors.New(`a value was provided for the hidden "k" column`)
	}
	return nil
}

// encodeVectors checks and encodes the vector values among cols into w.buf;
// it returns where each vector column's bytes are, nil for those not
// changed (UPDATE). what begins error messages: "Inserted vector for" or
// "Updated vector for".
func (t *vec0) encodeVectors(cols []sqlite3.Value, what string) ([][2]int, error) {
	spans := make([][2]int, t.d.nVec)
	t.w.buf = t.w.buf[:0]
	for i := range t.d.cols {
		c := &t.d.cols[i]
		v := cols[1+i]
		if c.kind != colVector {
			if !v.NoChange() {
				if err := checkValue(v, c); err != nil {
					return nil, err
				}
			}
			continue
		}
		if v.NoChange() {
			spans[c.idx] = [2]int{-1, -1}
			continue
		}
		if v.Type() == sqlite3.NULL {
			return nil, fmt.Errorf("%s the %q column is invalid: NULL", what, c.name)
		}
		start := len(t.w.buf)
		b, err := vectorBytes(t.w.buf, v, c, what)
		if err != nil {
			return nil, err
		}
		t.w.buf = b
		spans[c.idx] = [2]int{start, len(b)}
	}
	return spans, nil
}

// writeVectors writes the encoded vectors into their chunk slots. Segments
// are created when their first slot is written (the lowest free slot is
// always taken, so a segment's first slot is written before the others):
// with the vector in place, so that no page is written twice.
func (t *vec0) writeVectors(spans [][2]int, chunk, offset int64) error {
	w := &t.w
	if len(w.vec) < t.d.nVec {
		w.vec = make([]blobAt, t.d.nVec)
	}
	for i := range t.d.cols {
		c := &t.d.cols[i]
		if c.kind != colVector || spans[c.idx][0] < 0 {
			continue
		}
		data := w.buf[spans[c.idx][0]:spans[c.idx][1]]
		row, at := t.d.segment(c, chunk, offset)
		if at == 0 {
			n := min(int64(t.d.segSlots(c)), int64(t.d.chunkSize)-offset)
			size := int(n) * len(data)
			if cap(w.seg) < size {
				w.seg = make([]byte, size)
			}
			seg := w.seg[:size]
			clear(seg[copy(seg, data):])
			err := w.exec(t.w.cachedSQL(vectorsSuffix(c.idx), func() string {
				return "INSERT OR IGNORE INTO " + t.shadow(vectorsSuffix(c.idx)) + " (rowid, vectors) VALUES (?, ?)"
			}), row, seg)
			if err != nil {
				return err
			}
			if t.db.Changes() == 1 {
				continue
			}
		}
		if err := w.writeAt(&w.vec[c.idx], vectorsSuffix(c.idx), "vectors", row, at, data); err != nil {
			return err
		}
	}
	return nil
}

func (t *vec0) insert(newKey sqlite3.Value, cols []sqlite3.Value) (int64, error) {
	if err := t.checkHidden(cols); err != nil {
		return 0, err
	}
	// The row's key: the value of column 0, else the new rowid SQLite gives.
	key := cols[0]
	if key.Type() == sqlite3.NULL {
		key = newKey
	}
	var id any
	switch {
	case t.d.pkType == typeText:
		if key.Type() != sqlite3.TEXT {
			return 0, fmt.Errorf("the primary key column %s must be TEXT, got %s", t.d.pkName, key.Type())
		}
		id = key.Text()
	case key.Type() == sqlite3.NULL:
	case key.Type() == sqlite3.INTEGER:
		id = key.Int64()
	default:
		name := t.d.pkName
		if name == "" {
			name = "rowid"
		}
		return 0, fmt.Errorf("only integers are allowed for the %s column, got %s", name, key.Type())
	}
	spans, err := t.encodeVectors(cols, "Inserted vector for")
	if err != nil {
		return 0, err
	}

	// Everything is checked: from here on only I/O can fail.
	if id != nil && t.db.VTabOnConflict() == sqlite3.VTAB_REPLACE {
		// INSERT OR REPLACE, as in sqlite-vec: the row with this key, if
		// any, goes first.
		if err := t.delete(key); err != nil {
			return 0, err
		}
	}
	w := &t.w
	part, meta, aux := w.part[:0], w.meta[:0], w.aux[:0]
	pkey := w.pkey[:0]
	for i := range t.d.cols {
		c := &t.d.cols[i]
		v := cols[1+i]
		switch c.kind {
		case colPartition:
			part = append(part, v)
			pkey = append(pkey, v.Type().String()...)
			pkey = append(pkey, ':')
			pkey = append(pkey, v.RawText()...)
			pkey = append(pkey, 0)
		case colMetadata:
			meta = append(meta, v)
		case colAuxiliary:
			aux = append(aux, v)
		}
	}
	w.part, w.meta, w.aux, w.pkey = part, meta, aux, pkey
	chunk, offset, err := t.allocate(pkey, part)
	if err != nil {
		return 0, err
	}

	args := w.args[:0]
	if t.d.pkType == typeText {
		args = append(args, nil, id)
	} else {
		args = append(args, id)
	}
	args = append(args, chunk.id, offset)
	args = append(args, meta...)
	w.args = args
	if err := t.w.exec(t.sqlInsertRowid(), args...); err != nil {
		if errors.Is(err, sqlite3.CONSTRAINT) {
			return 0, fmt.Errorf("UNIQUE constraint failed on %s primary key", t.table)
		}
		return 0, err
	}
	rowid := t.db.LastInsertRowID()
	if err := t.writeVectors(spans, chunk.id, offset); err != nil {
		return 0, err
	}
	var rb [8]byte
	binary.LittleEndian.PutUint64(rb[:], uint64(rowid))
	cs := int64(t.d.chunkSize)
	if err := t.w.writeAt(&t.w.slots, "chunks", "slots", chunk.id, cs/8+8*offset, rb[:]); err != nil {
		return 0, err
	}
	chunk.validity[offset/8] |= 1 << (offset % 8)
	if err := t.w.writeAt(&t.w.slots, "chunks", "slots", chunk.id, offset/8, chunk.validity[offset/8:offset/8+1]); err != nil {
		return 0, err
	}
	if len(aux) > 0 {
		w.args = append(append(w.args[:0], rowid), aux...)
		if err := t.w.exec(t.sqlInsertAux(), w.args...); err != nil {
			return 0, err
		}
	}
	return rowid, nil
}

// allocate returns a chunk of the partition with a free slot, and the slot.
func (t *vec0) allocate(pkey []byte, part []any) (*openChunk, int64, error) {
	w := &t.w
	if c := w.open[string(pkey)]; c != nil {
		if off := freeSlot(c.validity, t.d.chunkSize); off >= 0 {
			return c, off, nil
		}
		delete(w.open, string(pkey))
	}
	if w.open == nil {
		w.open = map[string]*openChunk{}
	}
	var where strings.Builder
	for i := range part {
		if i == 0 {
			where.WriteString(" WHERE ")
		} else {
			where.WriteString(" AND ")
		}
		fmt.Fprintf(&where, "p%02d IS ?", i) // NULL is a partition too
	}
	s, err := w.stmt("SELECT chunk_id, slots FROM " + t.shadow("chunks") + where.String() + " ORDER BY chunk_id DESC")
	if err != nil {
		return nil, 0, err
	}
	if err := bindAll(s, part); err != nil {
		s.Reset()
		return nil, 0, err
	}
	for s.Step() {
		v := s.ColumnRawBlob(1)
		if err := t.checkSlots(s.ColumnInt64(0), v); err != nil {
			s.Reset()
			return nil, 0, err
		}
		v = v[:t.d.chunkSize/8]
		if off := freeSlot(v, t.d.chunkSize); off >= 0 {
			c := &openChunk{id: s.ColumnInt64(0), validity: append([]byte(nil), v...)}
			s.Reset()
			w.open[string(pkey)] = c
			return c, off, nil
		}
	}
	if err := errors.Join(s.Err(), s.Reset()); err != nil {
		return nil, 0, err
	}

	// A new chunk.
	cs := int64(t.d.chunkSize)
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.shadow("chunks") + " (")
	for i := range part {
		fmt.Fprintf(&b, "p%02d, ", i)
	}
	b.WriteString("slots) VALUES (" + strings.Repeat("?, ", len(part)) + "zeroblob(?))")
	if err := w.exec(b.String(), append(part, cs/8+8*cs)...); err != nil {
		return nil, 0, err
	}
	id := t.db.LastInsertRowID()
	c := &openChunk{id: id, validity: make([]byte, cs/8)}
	w.open[string(pkey)] = c
	return c, 0, nil
}

// freeSlot returns the first clear bit among the first n of validity, or -1.
func freeSlot(validity []byte, n int) int64 {
	for i, b := range validity[:min(len(validity), n/8)] {
		if b != 0xff {
			return int64(8*i + bits.TrailingZeros8(^b))
		}
	}
	return -1
}

func (t *vec0) delete(key sqlite3.Value) error {
	r, found, err := t.lookup(key)
	if err != nil || !found {
		return err
	}
	w := &t.w
	validity, err := t.chunkValidity(r.chunk)
	if err != nil {
		return err
	}
	validity[r.offset/8] &^= 1 << (r.offset % 8)
	empty := true
	for _, b := range validity {
		if b != 0 {
			empty = false
			break
		}
	}
	if empty {
		// The chunk's last row: drop the chunk.
		w.reset()
		if err := w.exec("DELETE FROM "+t.shadow("chunks")+" WHERE chunk_id = ?", r.chunk); err != nil {
			return err
		}
		for i := range t.d.nVec {
			if err := w.exec("DELETE FROM "+t.shadow(vectorsSuffix(i))+" WHERE rowid BETWEEN ? AND ?",
				r.chunk*segMax, r.chunk*segMax+segMax-1); err != nil {
				return err
			}
		}
	} else {
		if err := w.writeAt(&w.slots, "chunks", "slots", r.chunk, r.offset/8, validity[r.offset/8:r.offset/8+1]); err != nil {
			return err
		}
		// Zero the vectors, so that deleted data does not linger in the file.
		for i := range t.d.cols {
			c := &t.d.cols[i]
			if c.kind != colVector {
				continue
			}
			if len(w.vec) < t.d.nVec {
				w.vec = make([]blobAt, t.d.nVec)
			}
			zero := make([]byte, c.vectorBytes())
			row, at := t.d.segment(c, r.chunk, r.offset)
			if err := w.writeAt(&w.vec[c.idx], vectorsSuffix(c.idx), "vectors", row, at, zero); err != nil {
				return err
			}
		}
	}
	if err := w.exec("DELETE FROM "+t.shadow("rowids")+" WHERE rowid = ?", r.rowid); err != nil {
		return err
	}
	if t.d.nAux > 0 {
		if err := w.exec("DELETE FROM "+t.shadow("auxiliary")+" WHERE rowid = ?", r.rowid); err != nil {
			return err
		}
	}
	return nil
}

// chunkValidity returns the validity bitmap of a chunk: the writer's copy if
// it has one (changes to it are then kept), else a fresh copy.
func (t *vec0) chunkValidity(chunk int64) ([]byte, error) {
	for _, c := range t.w.open {
		if c.id == chunk {
			return c.validity, nil
		}
	}
	s, err := t.w.stmt("SELECT slots FROM " + t.shadow("chunks") + " WHERE chunk_id = ?")
	if err != nil {
		return nil, err
	}
	defer s.Reset()
	if err := s.BindInt64(1, chunk); err != nil {
		return nil, err
	}
	if !s.Step() {
		if err := s.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("chunk %d is missing: %w", chunk, sqlite3.CORRUPT_VTAB)
	}
	v := s.ColumnRawBlob(0)
	if err := t.checkSlots(chunk, v); err != nil {
		return nil, err
	}
	return append([]byte(nil), v[:t.d.chunkSize/8]...), nil
}

func (t *vec0) update(oldKey, newKey sqlite3.Value, cols []sqlite3.Value) error {
	if err := t.checkHidden(cols); err != nil {
		return err
	}
	if changedKey(oldKey, newKey) || !cols[0].NoChange() && changedKey(oldKey, cols[0]) {
		return errors.New("UPDATE of the primary key or rowid of a vec0 table is not supported: DELETE the row and INSERT it again")
	}
	r, found, err := t.lookup(oldKey)
	if err != nil || !found {
		return err
	}
	spans, err := t.encodeVectors(cols, "Updated vector for")
	if err != nil {
		return err
	}
	// Partition keys cannot move a row to another chunk.
	for i := range t.d.cols {
		c := &t.d.cols[i]
		v := cols[1+i]
		if c.kind != colPartition || v.NoChange() {
			continue
		}
		s, err := t.w.stmt(fmt.Sprintf("SELECT p%02d IS ? FROM %s WHERE chunk_id = ?", c.idx, t.shadow("chunks")))
		if err != nil {
			return err
		}
		err = bindAll(s, []any{v, r.chunk})
		same := err == nil && s.Step() && s.ColumnBool(0)
		err = errors.Join(err, s.Err(), s.Reset())
		if err != nil {
			return err
		}
		if !same {
			return fmt.Errorf("UPDATE on the partition key column %s is not supported: DELETE the row and INSERT it again", c.name)
		}
	}
	if err := t.writeVectors(spans, r.chunk, r.offset); err != nil {
		return err
	}
	for i := range t.d.cols {
		c := &t.d.cols[i]
		v := cols[1+i]
		if v.NoChange() {
			continue
		}
		switch c.kind {
		case colMetadata:
			err = t.w.exec(fmt.Sprintf("UPDATE %s SET m%02d = ? WHERE rowid = ?", t.shadow("rowids"), c.idx), v, r.rowid)
		case colAuxiliary:
			err = t.w.exec(fmt.Sprintf("UPDATE %s SET a%02d = ? WHERE rowid = ?", t.shadow("auxiliary"), c.idx), v, r.rowid)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// changedKey reports whether an UPDATE gives a row a new key.
func changedKey(old, new sqlite3.Value) bool {
	if old.Type() != new.Type() {
		return true
	}
	if old.Type() == sqlite3.INTEGER {
		return old.Int64() != new.Int64()
	}
	return old.Text() != new.Text()
}
