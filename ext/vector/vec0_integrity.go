package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/ncruces/go-sqlite3"
)

// Integrity checks that the shadow tables agree, for PRAGMA integrity_check
// and quick_check: every slot in use names a row of T_rowids that points
// back to it, as many rows as slots in use, and a vector segment of the
// right size for each slot in use. It reports the first disagreement.
//
// https://sqlite.org/vtab.html#xintegrity
func (t *vec0) Integrity(schema, table string, flags int) error {
	err := t.integrity()
	if err != nil {
		// Not wrapped: an error that is an SQLite error code means that
		// the check itself failed.
		return errors.New("vec0: " + t.table + ": " + err.Error())
	}
	return nil
}

func (t *vec0) integrity() error {
	cs := t.d.chunkSize
	stmt := func(sql string) (*sqlite3.Stmt, func(), error) {
		s, err := t.getStmt(sql)
		return s, func() { t.putStmt(sql, s) }, err
	}
	chunks, put, err := stmt("SELECT chunk_id, slots FROM " + t.shadow("chunks"))
	if err != nil {
		return err
	}
	defer put()
	row, put, err := stmt("SELECT chunk_id, chunk_offset FROM " + t.shadow("rowids") + " WHERE rowid = ?")
	if err != nil {
		return err
	}
	defer put()
	segs := make([]*sqlite3.Stmt, t.d.nVec)
	for i := range segs {
		segs[i], put, err = stmt("SELECT length(vectors) FROM " + t.shadow(vectorsSuffix(i)) + " WHERE rowid = ?")
		if err != nil {
			return err
		}
		defer put()
	}
	var used int64
	for chunks.Step() {
		chunk, slots := chunks.ColumnInt64(0), chunks.ColumnRawBlob(1)
		if err := t.checkSlots(chunk, slots); err != nil {
			return err
		}
		for i, b := range slots[:cs/8] {
			used += int64(bits.OnesCount8(b))
			for b != 0 {
				bit := b & -b
				b &^= bit
				slot := int64(8*i + bitIndex(bit))
				rowid := int64(binary.LittleEndian.Uint64(slots[cs/8+8*int(slot):]))
				row.Reset()
				row.BindInt64(1, rowid)
				if !row.Step() {
					return fmt.Errorf("chunk %d slot %d holds row %d, which %s_rowids does not have", chunk, slot, rowid, t.table)
				}
				if c, o := row.ColumnInt64(0), row.ColumnInt64(1); c != chunk || o != slot {
					return fmt.Errorf("chunk %d slot %d holds row %d, which %s_rowids puts at chunk %d slot %d", chunk, slot, rowid, t.table, c, o)
				}
				for j := range t.d.cols {
					c := &t.d.cols[j]
					if c.kind != colVector {
						continue
					}
					seg := segs[c.idx]
					r, _ := t.d.segment(c, chunk, slot)
					n := int64(t.d.segSlots(c))
					first := (r - chunk*segMax) * n
					want := min(n, int64(cs)-first) * int64(c.vectorBytes())
					seg.Reset()
					seg.BindInt64(1, r)
					if !seg.Step() || seg.ColumnInt64(0) != want {
						return fmt.Errorf("chunk %d slot %d: segment %d of %s_%s is missing or not %d bytes", chunk, slot, r, t.table, vectorsSuffix(c.idx), want)
					}
				}
			}
		}
	}
	if err := chunks.Err(); err != nil {
		return err
	}
	count, put, err := stmt("SELECT count(*) FROM " + t.shadow("rowids"))
	if err != nil {
		return err
	}
	defer put()
	if !count.Step() {
		return count.Err()
	}
	if n := count.ColumnInt64(0); n != used {
		return fmt.Errorf("%s_rowids has %d rows, the chunks %d slots in use", t.table, n, used)
	}
	count.Reset()
	// Every row has its auxiliary row, and metadata of its declared type.
	var checks []string
	if t.d.nAux > 0 {
		checks = append(checks, fmt.Sprintf("(SELECT count(*) FROM %s) != %d", t.shadow("auxiliary"), used))
	}
	for i := range t.d.cols {
		c := &t.d.cols[i]
		if c.kind != colMetadata {
			continue
		}
		want := map[sqlType]string{typeInteger: "integer", typeFloat: "real", typeText: "text", typeBoolean: "integer"}[c.typ]
		cond := fmt.Sprintf("typeof(m%02d) != '%s'", c.idx, want)
		if c.typ == typeBoolean {
			cond += fmt.Sprintf(" OR m%02d NOT IN (0, 1)", c.idx)
		}
		checks = append(checks, fmt.Sprintf("EXISTS (SELECT 1 FROM %s WHERE %s)", t.shadow("rowids"), cond))
	}
	for _, check := range checks {
		s, put, err := stmt("SELECT " + check)
		if err != nil {
			return err
		}
		bad := s.Step() && s.ColumnBool(0)
		err = s.Err()
		put()
		if err != nil {
			return err
		}
		if bad {
			return fmt.Errorf("shadow tables disagree: %s", check)
		}
	}
	return nil
}
