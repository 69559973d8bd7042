package driver

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"strings"
	"time"

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
	// database/sql's conversion refuses a uint64 above math.MaxInt64 but
	// wraps a uint (or uintptr) around to a negative int64.
	if rv := reflect.ValueOf(v); (rv.Kind() == reflect.Uint || rv.Kind() == reflect.Uintptr) && rv.Uint() > math.MaxInt64 {
		return fmt.Errorf("sqlitekit: %T %d is beyond SQLite's largest INTEGER, %d", v, rv.Uint(), int64(math.MaxInt64))
	}
	return driver.ErrSkip
}

// bind binds args to the parameters of s: the positional ones numbered
// offset+1 to offset+BindCount, and the named ones s names; a named
// argument s does not name is ignored (one set of named values may serve
// several statements). It fails if a parameter of s gets no value,
// naming the first one: SQLite would run the statement with NULL there.
// With used nil, s is the only statement and a positional argument it
// does not take is an error; otherwise bind marks in used the positional
// args it binds. Its errors have no "sqlitekit: " prefix: the caller
// adds it, with the statement's place in a script.
func (c *conn) bind(s *sqlite3.Stmt, args []driver.NamedValue, offset int, used []bool) error {
	n := s.BindCount()
	if n == 0 && len(args) == 0 {
		return nil
	}
	var set params
	if n > 64 {
		set.big = make([]bool, n+1)
	}
	for i, a := range args {
		if a.Name == "" {
			p := a.Ordinal - offset
			if p < 1 || p > n {
				if used == nil {
					return unusedArg(a)
				}
				continue
			}
			if err := c.bindValue(s, p, a.Value); err != nil {
				return bindErr(a, err)
			}
			set.mark(p)
			if used != nil {
				used[i] = true
			}
			continue
		}
		if strings.IndexByte(a.Name, 0) >= 0 {
			// SQLite would read the name up to the NUL, and bind another.
			return fmt.Errorf("argument %q: the name has a NUL byte", a.Name)
		}
		for _, prefix := range [...]string{":", "@", "$"} {
			if p := s.BindIndex(prefix + a.Name); p != 0 {
				if err := c.bindValue(s, p, a.Value); err != nil {
					return bindErr(a, err)
				}
				set.mark(p)
			}
		}
	}
	if p := set.first(n); p != 0 {
		return missingParam(s, p)
	}
	return nil
}

// params is a set of parameter numbers: a bit each up to 64, a []bool
// (made by the user) past that.
type params struct {
	small uint64
	big   []bool
}

func (ps *params) mark(p int) {
	if ps.big != nil {
		ps.big[p] = true
	} else {
		ps.small |= 1 << (p - 1)
	}
}

// first returns the first of the parameters 1 to n not in the set, or 0.
func (ps *params) first(n int) int {
	if ps.big == nil {
		if p := bits.TrailingZeros64(^ps.small) + 1; p <= n {
			return p
		}
		return 0
	}
	for p := 1; p <= n; p++ {
		if !ps.big[p] {
			return p
		}
	}
	return 0
}

// missingParam is the error for parameter p of s, which got no value.
func missingParam(s *sqlite3.Stmt, p int) error {
	if name := s.BindName(p); name != "" {
		return fmt.Errorf("no value for parameter %s", name)
	}
	return fmt.Errorf("no value for parameter %d (?)", p)
}

// unusedArg is the error for a positional argument no parameter takes.
func unusedArg(a driver.NamedValue) error {
	return fmt.Errorf("argument %d: the statement has fewer parameters", a.Ordinal)
}

func bindErr(a driver.NamedValue, err error) error {
	if a.Name != "" {
		return fmt.Errorf("argument %q: %w", a.Name, err)
	}
	return fmt.Errorf("argument %d: %w", a.Ordinal, err)
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
