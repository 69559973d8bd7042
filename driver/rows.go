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

// colKind is how a column's declared type asks values to be converted,
// and the type a column reports to ColumnType.ScanType. The declared
// types are those ncruces/go-sqlite3 knows, spelled exactly so.
type colKind uint8

const (
	kindAny  colKind = iota
	kindInt          // INT, INTEGER
	kindReal         // REAL
	kindText         // TEXT: never turned into a time
	kindBlob         // BLOB
	kindBool         // BOOLEAN: 0 and 1 become false and true
	kindTime         // DATE, TIME, DATETIME, TIMESTAMP: decoded with _timefmt
)

func kindOf(decl string) colKind {
	switch strings.ToUpper(decl) {
	case "INT", "INTEGER":
		return kindInt
	case "REAL":
		return kindReal
	case "TEXT":
		return kindText
	case "BLOB":
		return kindBlob
	case "BOOLEAN":
		return kindBool
	case "DATE", "TIME", "DATETIME", "TIMESTAMP":
		return kindTime
	}
	return kindAny
}

var scanTypes = [...]reflect.Type{
	kindAny:  reflect.TypeFor[any](),
	kindInt:  reflect.TypeFor[int64](),
	kindReal: reflect.TypeFor[float64](),
	kindText: reflect.TypeFor[string](),
	kindBlob: reflect.TypeFor[[]byte](),
	kindBool: reflect.TypeFor[bool](),
	kindTime: reflect.TypeFor[time.Time](),
}

// rows are the results of a statement, which the rows hold in use
// until Close.
type rows struct {
	ctx       context.Context
	c         *conn
	e         *entry
	fromCache bool // Close gives e back to the cache
	state     rowState
	err       error // of the first step, run by Columns
}

type rowState uint8

const (
	rowUnstarted rowState = iota // the first step has not run
	rowPending                   // the statement is on a row Next has not returned
	rowStepping
	rowDone
)

// query returns the rows of e, bound and in use. They run the first step
// when they are first read, by Next, or by Columns if the statement only
// reads (see describe), not here: an unread
// *sql.Rows (leaked by a program, or kept for later) then holds no read
// transaction, which would block a checkpoint or, in memory, every
// writer.
func (e *entry) query(ctx context.Context, c *conn, fromCache bool) driver.Rows {
	r := &e.rows
	*r = rows{ctx: ctx, c: c, e: e, fromCache: fromCache}
	return r
}

// start runs the first step. database/sql asks for the columns before
// the first Next, and SQLite re-prepares a statement whose schema another
// connection changed only when it steps: the column names are read
// after this step, so they are those of the rows.
func (r *rows) start() {
	defer func() { // Columns has no error to return: Next returns it
		if p := recover(); p != nil {
			e := engineFault(p)
			if e == nil {
				panic(p)
			}
			r.c.discard()
			r.state, r.err = rowDone, fmt.Errorf("sqlitekit: %w", e)
		}
	}()
	// An autocommit write (RETURNING) takes its turn in the writer
	// queue here, not when the rows were made, and keeps it until they
	// close: unread rows hold no turn.
	if r.c.autocommitWrite(r.e.s) {
		if err := r.c.startWrite(r.ctx); err != nil {
			r.state, r.err = rowDone, err
			r.e.columns()
			return
		}
	}
	freshCount(r.e.s)
	ok := r.step()
	if !ok && r.err != nil && r.c.linkedFor(r.err) { // see extensions.go
		r.err = nil
		_ = r.e.s.Reset() // returns the error of the step
		ok = r.step()
	}
	if ok {
		r.state = rowPending
	}
	r.e.columns()
}

// step runs a step of the statement; false is the end of the rows or an
// error, kept in r.err.
func (r *rows) step() bool {
	db := r.c.db
	old := db.SetInterrupt(r.ctx)
	ok := r.e.s.Step()
	db.SetInterrupt(old)
	if !ok {
		r.state = rowDone
		if err := r.e.s.Err(); err != nil {
			r.err = interrupted(r.ctx, err)
		}
	}
	return ok
}

// columns reads the column metadata of e again if SQLite re-prepared it.
func (e *entry) columns() {
	if n := e.s.Status(sqlite3.STMTSTATUS_REPREPARE, false); e.names == nil || n != e.reprepared {
		e.reprepared = n
		e.names = make([]string, e.s.ColumnCount())
		e.kinds = make([]colKind, len(e.names))
		e.nulls = nil
		for i := range e.names {
			e.names[i] = e.s.ColumnName(i)
			e.kinds[i] = kindOf(e.s.ColumnDeclType(i))
		}
	}
}

// describe readies the column metadata before the first Next. A
// statement that only reads and has columns runs its first step (see
// start); one that writes does not: asking for the columns does not
// write (a console that runs a statement of no columns again with Exec
// would write twice), as with ncruces/go-sqlite3. Its columns are those
// of the statement as last prepared.
func (r *rows) describe() {
	if r.state != rowUnstarted {
		return
	}
	if s := r.e.s; s.ReadOnly() && s.ColumnCount() > 0 {
		r.start()
		return
	}
	r.e.columns()
}

// Columns returns the column names (see describe). It returns a copy:
// the names are kept with the cached statement.
func (r *rows) Columns() []string {
	r.describe()
	return slices.Clone(r.e.names)
}

// Close resets the statement and, if it came from the statement cache,
// gives it back. The error of a failed step is not reported again here:
// Next returned it. An error of the reset itself is: rows closed before
// their end (QueryRow's Scan closes them after the first row) end the
// statement there, and for an autocommit write (RETURNING) that is when
// its transaction commits, or fails to (a deferred foreign key) and is
// rolled back.
func (r *rows) Close() (err error) {
	if r.e == nil {
		return nil
	}
	e := r.e
	r.e = nil
	if r.c.broken {
		return nil // the statement is finalized with the connection
	}
	defer r.c.recoverNOMEM(&err)
	var reset error
	if rerr := e.s.Reset(); rerr != nil && r.err == nil {
		reset = interrupted(r.ctx, rerr)
	}
	if r.c.db.GetAutocommit() {
		r.c.endWrite() // an autocommit write with rows (RETURNING) is done
	}
	err = errors.Join(reset, e.s.ClearBindings())
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

// ColumnTypeScanType returns the type values of column i arrive as.
// Before the first row, and after the last, it is the type the declared
// type gives (INT, INTEGER, REAL, TEXT, BLOB, BOOLEAN, DATE, TIME,
// DATETIME, TIMESTAMP), as with ncruces/go-sqlite3, whatever the first
// row holds; a column of another declared type, or of none, has before
// the first row the type of the first row's value (ncruces: any), after
// the last any. On a row, it is the type of the value Next gave for that
// row, as ncruces/go-sqlite3 reports it: a NULL, or a value the declared
// type cannot give (text in an INTEGER column, 2 in a BOOLEAN one), has
// its own type, so that a destination made from the scan type can hold
// it; a NULL BLOB is a nil []byte.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	r.describe()
	k := r.e.kinds[i]
	// rowPending: the first row is read, Next has not returned it.
	if r.state == rowStepping || r.state == rowPending && k == kindAny {
		k = r.valueKind(k, i)
	}
	return scanTypes[k]
}

// valueKind returns the kind of what Next gives for the value of column
// i of the current row, of declared kind decl: the kind of what convert
// makes of it.
func (r *rows) valueKind(decl colKind, i int) colKind {
	s := r.e.s
	var v driver.Value
	switch s.ColumnType(i) {
	case sqlite3.INTEGER:
		v = r.convert(decl, s.ColumnInt64(i))
	case sqlite3.FLOAT:
		v = r.convert(decl, s.ColumnFloat(i))
	case sqlite3.TEXT:
		v = r.text(decl, s.ColumnRawText(i))
	case sqlite3.BLOB:
		return kindBlob
	default: // NULL
		if decl == kindBlob {
			return kindBlob
		}
		return kindAny
	}
	switch v.(type) {
	case bool:
		return kindBool
	case time.Time:
		return kindTime
	case int64:
		return kindInt
	case float64:
		return kindReal
	}
	return kindText
}

// ColumnTypeNullable reports whether column i may be NULL, for a column
// of a table: not if it is declared NOT NULL, or is the INTEGER PRIMARY
// KEY. (An outer join may still give NULL for it.) For an expression it
// does not know (ok false).
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	r.describe()
	e := r.e
	if e.nulls == nil {
		e.nulls = make([]nullability, len(e.names))
		for j := range e.nulls {
			e.nulls[j] = r.nullability(j)
		}
	}
	switch e.nulls[i] {
	case nullYes:
		return true, true
	case nullNo:
		return false, true
	}
	return false, false
}

// nullability is what a column's table says of NULL in it.
type nullability uint8

const (
	nullUnknown nullability = iota
	nullYes
	nullNo
)

func (r *rows) nullability(i int) nullability {
	s := r.e.s
	col := s.ColumnOriginName(i)
	if col == "" {
		return nullUnknown
	}
	decl, _, nn, pk, autoInc, err := r.c.db.TableColumnMetadata(s.ColumnDatabaseName(i), s.ColumnTableName(i), col)
	switch {
	case err != nil:
		return nullUnknown
	case nn || autoInc || pk && strings.EqualFold(decl, "INTEGER"):
		return nullNo
	}
	return nullYes
}

// Next fills dest with the next row. TEXT arrives as string, BLOB as a
// []byte that database/sql copies before the next call; BOOLEAN and
// date/time columns are converted as their declared type asks, and text
// that is a time as ncruces/go-sqlite3 writes it (RFC 3339) arrives as a
// time.Time, except from a TEXT column.
func (r *rows) Next(dest []driver.Value) (err error) {
	if r.c.broken && r.err == nil {
		return driver.ErrBadConn
	}
	defer r.c.recoverNOMEM(&err)
	if r.state == rowUnstarted {
		r.start()
	}
	switch r.state {
	case rowDone:
		if r.err != nil {
			return r.err
		}
		return io.EOF
	case rowPending:
		r.state = rowStepping
	default:
		if !r.step() {
			if r.err != nil {
				return r.err
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
		return r.text(kind, x)
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

// text converts TEXT of a column of kind kind: a string, or a time.
func (r *rows) text(kind colKind, x []byte) driver.Value {
	if kind != kindText {
		if t, ok := r.maybeTime(x, kind); ok {
			return t
		}
	}
	s := string(x)
	if kind == kindTime {
		if t, err := r.c.c.tmRead.Decode(s); err == nil {
			return t
		}
	}
	return s
}

// maybeTime returns text as a time if it is one as times are written
// with the default _timefmt (RFC 3339, nanoseconds without trailing
// zeros), whatever the column: ncruces/go-sqlite3 does so, so that a time
// from an expression (max(at), a parameter echoed back, a column of no
// declared type) scans into a *time.Time. The text must be exactly what
// formatting the time gives back, so that scanning it into a *string
// (database/sql formats a time.Time as RFC 3339) gives back the same
// bytes. With _loc, a time of a column of kind kindTime is given in that
// location, as mattn gives it; any other is, only if that keeps its text
// (mattn gives such text as a string; moved to another zone, it read
// back into a *string as other text).
func (r *rows) maybeTime(text []byte, kind colKind) (time.Time, bool) {
	switch r.c.c.tmWrite {
	case sqlite3.TimeFormatDefault, time.RFC3339, time.RFC3339Nano:
	default:
		return time.Time{}, false // times are written otherwise
	}
	const shortest, longest = len("2006-01-02T15:04:05Z"), len(time.RFC3339Nano)
	if len(text) < shortest || len(text) > longest || text[4] != '-' || text[10] != 'T' || text[13] != ':' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(text))
	if err != nil {
		return time.Time{}, false
	}
	var buf [longest]byte
	if string(t.AppendFormat(buf[:0], time.RFC3339Nano)) != string(text) {
		return time.Time{}, false
	}
	if loc := r.c.c.tmRead.loc; loc != nil {
		if lt := t.In(loc); kind == kindTime || string(lt.AppendFormat(buf[:0], time.RFC3339Nano)) == string(text) {
			t = lt
		}
	}
	return t, true
}

// noRows are the rows of a query of no statement.
type noRows struct{}

func (noRows) Columns() []string              { return nil }
func (noRows) Close() error                   { return nil }
func (noRows) Next(dest []driver.Value) error { return io.EOF }
