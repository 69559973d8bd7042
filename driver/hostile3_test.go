package driver_test

import (
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// An in-memory database's name is a name, whatever bytes it holds: a
// '?', '#' or '%' in it neither writes a file to disk (the engine would
// read the rest of the name as parameters, without vfs=memdb) nor makes
// two names one database.
func TestOpen_memoryNameIsLiteral(t *testing.T) {
	t.Parallel()
	var dir string
	dsn := func(name string, memdb bool) string {
		if memdb {
			return "file:" + url.PathEscape(filepath.Join(dir, name)) + "?vfs=memdb"
		}
		return "file:" + url.PathEscape(filepath.Join(dir, name)) + "?mode=memory"
	}
	for _, memdb := range []bool{false, true} {
		dir = t.TempDir() // mode=memory and vfs=memdb share a name
		for _, name := range []string{"x?y", "x#y", "x%41", "xA", "x&vfs=os", "x y"} {
			db, err := sql.Open("sqlitekit", dsn(name, memdb))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
				t.Errorf("%s: CREATE TABLE: %v (another name's database?)", dsn(name, memdb), err)
			}
			// The same name is the same database.
			again, err := sql.Open("sqlitekit", dsn(name, memdb))
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := again.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
				t.Errorf("%s: a second pool does not see the table: %v", dsn(name, memdb), err)
			}
			again.Close()
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			t.Errorf("memdb=%v: an in-memory database wrote the file %q", memdb, e.Name())
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// What Parse accepts, the engine takes as it is: a number at the edge of
// what Parse accepts reads back the same from the engine, and one past
// it is refused (SQLite reads cache_size as a 32-bit int and silently
// sets 0 for a larger value).
func TestOpen_pragmaNumbersReachTheEngine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, tc := range []struct {
		pragma, value, want string // want "": Parse refuses the value
	}{
		{"cache_size", "2147483647", "2147483647"},
		{"cache_size", "-2147483648", "-2147483648"},
		{"cache_size", "2147483648", ""},
		{"cache_size", "-2147483649", ""},
		{"cache_size", "3000000000", ""},
		{"cache_size", "-9223372036854775807", ""},
		{"busy_timeout", "2147483647", "2147483647"},
		{"busy_timeout", "2147483648", ""},
		{"busy_timeout", "-1", ""},
		{"mmap_size", "-1", ""},
		{"page_size", "65536", "65536"},
		{"page_size", "131072", ""},
	} {
		dsn := "file:" + filepath.Join(dir, strconv.Itoa(i)+".db") + "?_pragma=" + tc.pragma + "(" + tc.value + ")"
		db, err := sql.Open("sqlitekit", dsn)
		if tc.want == "" {
			if err == nil {
				db.Close()
				t.Errorf("%s(%s): sql.Open accepted it", tc.pragma, tc.value)
			} else if !errors.Is(err, pragma.ErrInvalidValue) || !strings.Contains(err.Error(), tc.pragma) {
				t.Errorf("%s(%s): sql.Open: %v, want ErrInvalidValue naming the pragma", tc.pragma, tc.value, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s(%s): sql.Open: %v", tc.pragma, tc.value, err)
			continue
		}
		var got string
		if err := db.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil {
			t.Errorf("PRAGMA %s: %v", tc.pragma, err)
		} else if got != tc.want {
			t.Errorf("%s(%s): the engine reads %s, want %s", tc.pragma, tc.value, got, tc.want)
		}
		db.Close()
	}
}
