package vector_test

import (
	"testing"

	"github.com/ncruces/go-sqlite3"
)

// query runs sql and returns all its rows as Go values.
func query(tb testing.TB, c *sqlite3.Conn, sql string, args ...any) [][]any {
	tb.Helper()
	rows, err := tryQuery(c, sql, args...)
	if err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return rows
}

func tryQuery(c *sqlite3.Conn, sql string, args ...any) ([][]any, error) {
	stmt, _, err := c.Prepare(sql)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	for i, a := range args {
		var err error
		switch a := a.(type) {
		case nil:
			err = stmt.BindNull(i + 1)
		case int:
			err = stmt.BindInt(i+1, a)
		case int64:
			err = stmt.BindInt64(i+1, a)
		case float64:
			err = stmt.BindFloat(i+1, a)
		case string:
			err = stmt.BindText(i+1, a)
		case []byte:
			err = stmt.BindBlob(i+1, a)
		default:
			panic("query: unsupported argument type")
		}
		if err != nil {
			return nil, err
		}
	}
	var out [][]any
	for stmt.Step() {
		row := make([]any, stmt.ColumnCount())
		for i := range row {
			switch stmt.ColumnType(i) {
			case sqlite3.INTEGER:
				row[i] = stmt.ColumnInt64(i)
			case sqlite3.FLOAT:
				row[i] = stmt.ColumnFloat(i)
			case sqlite3.TEXT:
				row[i] = stmt.ColumnText(i)
			case sqlite3.BLOB:
				row[i] = stmt.ColumnBlob(i, nil)
			}
		}
		out = append(out, row)
	}
	return out, stmt.Err()
}

func exec(tb testing.TB, c *sqlite3.Conn, sql string) {
	tb.Helper()
	if err := c.Exec(sql); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}
