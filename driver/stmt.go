package driver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
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
// offset+1 to offset+BindCount, and the named ones s names. It marks the
// args it binds in used and returns the number of parameters of s.
func (c *conn) bind(s *sqlite3.Stmt, args []driver.NamedValue, offset int, used []bool) (int, error) {
	n := s.BindCount()
	for i, a := range args {
		if a.Name == "" {
			if p := a.Ordinal - offset; p >= 1 && p <= n {
				if err := c.bindValue(s, p, a.Value); err != nil {
					return n, bindErr(a, err)
				}
				used[i] = true
			}
			continue
		}
		for _, prefix := range [...]string{":", "@", "$"} {
			if p := s.BindIndex(prefix + a.Name); p != 0 {
				if err := c.bindValue(s, p, a.Value); err != nil {
					return n, bindErr(a, err)
				}
				used[i] = true
			}
		}
	}
	return n, nil
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
type stmt struct {
	s *sqlite3.Stmt
	c *conn
}

func (s *stmt) Close() error { return s.s.Close() }

// NumInput returns the number of parameters, or -1 (do not check) when
// some are named.
func (s *stmt) NumInput() int {
	n := s.s.BindCount()
	for i := 1; i <= n; i++ {
		if name := s.s.BindName(i); name != "" && name[0] != '?' {
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

func (s *stmt) bindAll(args []driver.NamedValue) error {
	used := make([]bool, len(args))
	if _, err := s.c.bind(s.s, args, 0, used); err != nil {
		return err
	}
	return checkUsed(args, used)
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	db := s.c.db
	old := db.SetInterrupt(ctx)
	defer db.SetInterrupt(old)
	db.SetLastInsertRowID(0)

	err := s.bindAll(args)
	if err == nil {
		err = s.s.Exec()
	}
	err = errors.Join(err, s.s.ClearBindings())
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	return s.c.result(), nil
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.bindAll(args); err != nil {
		s.s.ClearBindings()
		return nil, err
	}
	return newRows(ctx, s.c, s.s, false), nil
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

type rows struct {
	ctx   context.Context
	c     *conn
	s     *sqlite3.Stmt
	owned bool // the rows own s: Close finalizes it
	names []string
	kinds []colKind
}

func newRows(ctx context.Context, c *conn, s *sqlite3.Stmt, owned bool) *rows {
	return &rows{ctx: ctx, c: c, s: s, owned: owned}
}

func (r *rows) Columns() []string {
	if r.names == nil {
		r.names = make([]string, r.s.ColumnCount())
		for i := range r.names {
			r.names[i] = r.s.ColumnName(i)
		}
	}
	return r.names
}

func (r *rows) Close() error {
	if r.owned {
		return r.s.Close()
	}
	return errors.Join(r.s.Reset(), r.s.ClearBindings())
}

// ColumnTypeDatabaseTypeName returns the declared type, in upper case and
// without its size ("VARCHAR(10)" is "VARCHAR").
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	decl := strings.ToUpper(r.s.ColumnDeclType(i))
	if j := strings.IndexByte(decl, '('); j >= 0 {
		decl = decl[:j]
	}
	return strings.TrimSpace(decl)
}

// Next fills dest with the next row. TEXT arrives as string, BLOB as a
// []byte that database/sql copies before the next call; BOOLEAN and
// date/time columns are converted as their declared type asks.
func (r *rows) Next(dest []driver.Value) error {
	db := r.c.db
	old := db.SetInterrupt(r.ctx)
	defer db.SetInterrupt(old)
	if !r.s.Step() {
		if err := r.s.Err(); err != nil {
			return interrupted(r.ctx, err)
		}
		return io.EOF
	}
	values := unsafe.Slice((*any)(unsafe.SliceData(dest)), len(dest))
	if err := r.s.ColumnsRaw(values...); err != nil {
		return err
	}
	if r.kinds == nil {
		r.kinds = make([]colKind, len(dest))
		for i := range r.kinds {
			r.kinds[i] = kindOf(r.s.ColumnDeclType(i))
		}
	}
	for i, v := range dest {
		dest[i] = r.convert(r.kinds[i], v)
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
