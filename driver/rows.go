package driver

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"slices"
	"strings"
	"unsafe"

	"github.com/ncruces/go-sqlite3"
)

// colKind is how a column's declared type asks values to be converted.
type colKind uint8

const (
	kindAny  colKind = iota
	kindText         // TEXT: never turned into a time
	kindBool         // BOOLEAN: 0 and 1 become false and true
	kindTime         // DATE, TIME, DATETIME, TIMESTAMP: decoded with _timefmt
)

func kindOf(decl string) colKind {
	switch strings.ToUpper(decl) {
	case "TEXT":
		return kindText
	case "BOOLEAN":
		return kindBool
	case "DATE", "TIME", "DATETIME", "TIMESTAMP":
		return kindTime
	}
	return kindAny
}

// rows are the results of a statement, which the rows hold in use
// until Close.
type rows struct {
	ctx       context.Context
	c         *conn
	e         *entry
	fromCache bool // Close gives e back to the cache
	state     rowState
}

type rowState uint8

const (
	rowPending rowState = iota // the statement is on a row Next has not returned
	rowStepping
	rowDone
)

// query runs the first step of e, bound and in use, and returns its rows.
//
// The first step runs here rather than in the first Next because SQLite
// re-prepares a statement whose schema changed when it steps: only then
// are its columns known for sure, and database/sql asks for the columns
// before the first Next.
func (e *entry) query(ctx context.Context, c *conn, fromCache bool) (driver.Rows, error) {
	r := &e.rows
	*r = rows{ctx: ctx, c: c, e: e, fromCache: fromCache}
	if e.s.Step() {
		r.state = rowPending
	} else if err := e.s.Err(); err != nil {
		r.Close()
		return nil, interrupted(ctx, err)
	} else {
		r.state = rowDone
	}
	if n := e.s.Status(sqlite3.STMTSTATUS_REPREPARE, false); e.names == nil || n != e.reprepared {
		e.reprepared = n
		e.names = make([]string, e.s.ColumnCount())
		e.kinds = make([]colKind, len(e.names))
		for i := range e.names {
			e.names[i] = e.s.ColumnName(i)
			e.kinds[i] = kindOf(e.s.ColumnDeclType(i))
		}
	}
	return r, nil
}

// Columns returns the column names. It returns a copy: the names are
// kept with the cached statement.
func (r *rows) Columns() []string {
	return slices.Clone(r.e.names)
}

// Close resets the statement and, if it came from the statement cache,
// gives it back. The error of a failed step is not reported again here:
// Next or Query returned it.
func (r *rows) Close() error {
	if r.e == nil {
		return nil
	}
	e := r.e
	r.e = nil
	e.s.Reset()
	if r.c.db.GetAutocommit() {
		r.c.endWrite() // an autocommit write with rows (RETURNING) is done
	}
	err := e.s.ClearBindings()
	if r.fromCache {
		return errors.Join(err, r.c.cache.release(e))
	}
	e.inUse = false
	return err
}

// ColumnTypeDatabaseTypeName returns the declared type, in upper case and
// without its size ("VARCHAR(10)" is "VARCHAR").
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	decl := strings.ToUpper(r.e.s.ColumnDeclType(i))
	if j := strings.IndexByte(decl, '('); j >= 0 {
		decl = decl[:j]
	}
	return strings.TrimSpace(decl)
}

// Next fills dest with the next row. TEXT arrives as string, BLOB as a
// []byte that database/sql copies before the next call; BOOLEAN and
// date/time columns are converted as their declared type asks.
func (r *rows) Next(dest []driver.Value) error {
	switch r.state {
	case rowDone:
		return io.EOF
	case rowPending:
		r.state = rowStepping
	default:
		db := r.c.db
		old := db.SetInterrupt(r.ctx)
		ok := r.e.s.Step()
		db.SetInterrupt(old)
		if !ok {
			r.state = rowDone
			if err := r.e.s.Err(); err != nil {
				return interrupted(r.ctx, err)
			}
			return io.EOF
		}
	}
	values := unsafe.Slice((*any)(unsafe.SliceData(dest)), len(dest))
	if err := r.e.s.ColumnsRaw(values...); err != nil {
		return err
	}
	for i, v := range dest {
		dest[i] = r.convert(r.e.kinds[i], v)
	}
	return nil
}

func (r *rows) convert(kind colKind, v driver.Value) driver.Value {
	switch x := v.(type) {
	case []byte:
		if len(x) == cap(x) {
			return v // a BLOB: ColumnsRaw gives TEXT one byte of spare capacity
		}
		s := string(x)
		if kind == kindTime {
			if t, err := r.c.c.tmRead.Decode(s); err == nil {
				return t
			}
		}
		return s
	case int64:
		switch kind {
		case kindBool:
			if x == 0 || x == 1 {
				return x == 1
			}
		case kindTime:
			if t, err := r.c.c.tmRead.Decode(x); err == nil {
				return t
			}
		}
	case float64:
		if kind == kindTime {
			if t, err := r.c.c.tmRead.Decode(x); err == nil {
				return t
			}
		}
	}
	return v
}
