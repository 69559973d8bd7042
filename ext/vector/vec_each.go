package vector

import (
	"errors"
	"fmt"

	"github.com/ncruces/go-sqlite3"
)

// Version is what vec_version() returns: the sqlite-vec release whose SQL
// interface this package follows, with "+sqlitekit" as build metadata, so
// that a program checking for sqlite-vec 0.1.6 or later accepts it and one
// that must know can tell the two apart.
const Version = "v0.1.6+sqlitekit"

func vecVersion(ctx sqlite3.Context, _ ...sqlite3.Value) {
	ctx.ResultText(Version)
}

// vecEach is the table-valued function vec_each(vector): one row per element,
// rowid the index, value the element (REAL for float32, INTEGER for int8 and
// bit vectors).
type vecEach struct{}

func connectVecEach(db *sqlite3.Conn, _, _, _ string, _ ...string) (*vecEach, error) {
	if err := db.DeclareVTab("CREATE TABLE x(value, vector HIDDEN)"); err != nil {
		return nil, err
	}
	// No side effects: usable in triggers and views, as json_each is.
	return &vecEach{}, db.VTabConfig(sqlite3.VTAB_INNOCUOUS)
}

func (*vecEach) BestIndex(idx *sqlite3.IndexInfo) error {
	for i, c := range idx.Constraint {
		if c.Column == 1 && c.Op == sqlite3.INDEX_CONSTRAINT_EQ {
			if !c.Usable {
				return sqlite3.CONSTRAINT
			}
			idx.ConstraintUsage[i] = sqlite3.IndexConstraintUsage{ArgvIndex: 1, Omit: true}
			idx.EstimatedCost = 1
			return nil
		}
	}
	return errors.New("vec_each: a vector argument is required")
}

func (*vecEach) Open() (sqlite3.VTabCursor, error) { return &vecEachCursor{}, nil }

type vecEachCursor struct {
	o   operand
	f   []float32
	b   []byte
	pos int
}

func (c *vecEachCursor) Filter(_ int, _ string, arg ...sqlite3.Value) error {
	c.pos = 0
	var s state
	c.o = operand{}
	if len(arg) != 1 {
		return errors.New("vec_each: a vector argument is required")
	}
	null, err := s.loadValue(arg[0], 0, &c.o, true)
	if err != nil {
		return fmt.Errorf("vec_each: %w", err)
	}
	if null {
		c.o = operand{}
		return nil
	}
	// Copy: the argument's memory is SQLite's.
	c.o.f = append(c.f[:0], c.o.f...)
	c.o.b = append(c.b[:0], c.o.b...)
	c.f, c.b = c.o.f, c.o.b
	return nil
}

func (c *vecEachCursor) Next() error { c.pos++; return nil }

func (c *vecEachCursor) EOF() bool { return c.pos >= c.o.dims() }

func (c *vecEachCursor) RowID() (int64, error) { return int64(c.pos), nil }

func (c *vecEachCursor) Column(ctx sqlite3.Context, n int) error {
	if n != 0 {
		return nil
	}
	switch c.o.kind {
	case elemF32:
		ctx.ResultFloat(float64(c.o.f[c.pos]))
	case elemI8:
		ctx.ResultInt64(int64(int8(c.o.b[c.pos])))
	case elemBit:
		ctx.ResultInt64(int64(c.o.b[c.pos/8] >> (7 - c.pos%8) & 1)) // most significant bit first, as sqlite-vec's vec_each
	}
	return nil
}
