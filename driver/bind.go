package driver

import (
	"database/sql/driver"
	"fmt"
	"reflect"
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
