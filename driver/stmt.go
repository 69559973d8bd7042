package driver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/ncruces/go-sqlite3"
)

// The types sqlite3.JSON and sqlite3.Pointer wrap their values in:
// they live in an internal package of ncruces, so they are known by
// reflection, and their one field is read the same way.
var (
	jsonType    = reflect.TypeOf(sqlite3.JSON(nil))
	pointerType = reflect.TypeOf(sqlite3.Pointer(nil))
)

func checkValue(v any) error {
	switch v.(type) {
	case nil, bool, int, int64, float64, string, []byte, time.Time, sqlite3.ZeroBlob:
		return nil
	}
	if t := reflect.TypeOf(v); t == jsonType || t == pointerType {
		return nil
	}
	return driver.ErrSkip
}

// bind binds args to the parameters of s: the positional ones numbered
// offset+1 to offset+BindCount, and the named ones s names.
// With used nil, s is the only statement and an argument it does not take
// is an error; otherwise bind marks in used the args it binds.
func (c *conn) bind(s *sqlite3.Stmt, args []driver.NamedValue, offset int, used []bool) error {
	if len(args) == 0 {
		return nil
	}
	n := s.BindCount()
	for i, a := range args {
		bound := false
		if a.Name == "" {
			if p := a.Ordinal - offset; p >= 1 && p <= n {
				if err := c.bindValue(s, p, a.Value); err != nil {
					return bindErr(a, err)
				}
				bound = true
			}
		} else {
			for _, prefix := range [...]string{":", "@", "$"} {
				if p := s.BindIndex(prefix + a.Name); p != 0 {
					if err := c.bindValue(s, p, a.Value); err != nil {
						return bindErr(a, err)
					}
					bound = true
				}
			}
		}
		switch {
		case used != nil:
			used[i] = used[i] || bound
		case !bound:
			return unusedArg(a)
		}
	}
	return nil
}

func bindErr(a driver.NamedValue, err error) error {
	if a.Name != "" {
		return fmt.Errorf("sqlitekit: argument %q: %w", a.Name, err)
	}
	return fmt.Errorf("sqlitekit: argument %d: %w", a.Ordinal, err)
}

func (c *conn) bindValue(s *sqlite3.Stmt, p int, v any) error {
	switch v := v.(type) {
	case nil:
		return s.BindNull(p)
	case int64:
		return s.BindInt64(p, v)
	case string:
		return s.BindText(p, v)
	case float64:
		return s.BindFloat(p, v)
	case bool:
		return s.BindBool(p, v)
	case int:
		return s.BindInt64(p, int64(v))
	case []byte:
		return s.BindBlob(p, v)
	case time.Time:
		return s.BindTime(p, v, c.c.tmWrite)
	case sqlite3.ZeroBlob:
		return s.BindZeroBlob(p, int64(v))
	}
	switch rv := reflect.ValueOf(v); rv.Type() {
	case jsonType:
		return s.BindJSON(p, rv.Field(0).Interface())
	case pointerType:
		return s.BindPointer(p, rv.Field(0).Interface())
	}
	return fmt.Errorf("unsupported type %T", v)
}

// stmt is a statement prepared by database/sql (db.Prepare, tx.Stmt).
// It does not go through the statement cache: database/sql owns it.
type stmt struct {
	e *entry
	c *conn
}

func (s *stmt) Close() error { return s.e.s.Close() }

// NumInput returns the number of parameters, or -1 (do not check) when
// some are named.
func (s *stmt) NumInput() int {
	n := s.e.s.BindCount()
	for i := 1; i <= n; i++ {
		if name := s.e.s.BindName(i); name != "" && name[0] != '?' {
			return -1
		}
	}
	return n
}

func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error { return checkValue(nv.Value) }

// Exec implements driver.Stmt; database/sql calls ExecContext.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

// Query implements driver.Stmt; database/sql calls QueryContext.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, v := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return nv
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.e.inUse {
		return nil, errOpenRows
	}
	db := s.c.db
	old := db.SetInterrupt(ctx)
	defer db.SetInterrupt(old)
	db.SetLastInsertRowID(0)

	if err := s.c.exec(ctx, s.e, args); err != nil {
		return nil, interrupted(ctx, err)
	}
	return s.c.result(), nil
}

var errOpenRows = errors.New("sqlitekit: the statement has open rows: close them first")

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if s.e.inUse {
		return nil, errOpenRows
	}
	db := s.c.db
	old := db.SetInterrupt(ctx)
	defer db.SetInterrupt(old)
	return s.c.query(ctx, s.e, args, false)
}

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
