package pragma_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/pragma"
)

// A setting named twice, in any spelling, is an error: for the PRAGMAs
// without a field of their own too (SQLite would take the last one, and
// a DSN assembled from two sources would silently lose the first), and
// for the encryption key, which key, hexkey and textkey all set.
func TestParse_extraGivenTwice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ dsn, name string }{
		{"file:x.db?_pragma=recursive_triggers(1)&_pragma=recursive_triggers(0)", "recursive_triggers"},
		{"file:x.db?_rt=1&_recursive_triggers=0", "recursive_triggers"},
		{"file:x.db?_pragma=cache_spill(1)&_pragma=CACHE_SPILL=0", "cache_spill"},
		{"file:x.db?_cslike=1&_pragma=case_sensitive_like(0)", "case_sensitive_like"},
		{"file:x.db?_pragma=textkey('a')&_pragma=textkey('b')", "textkey"},
		{"file:x.db?_pragma=textkey('a')&_pragma=hexkey('6162')", "hexkey"},
		{"file:x.db?_pragma=key('a')&_pragma=textkey('a')", "textkey"},
	} {
		_, err := pragma.Parse(tc.dsn)
		if !errors.Is(err, pragma.ErrInvalidValue) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("Parse(%q) = %v, want ErrInvalidValue naming %s", tc.dsn, err, tc.name)
		}
	}
	for _, extra := range [][]pragma.Pragma{
		{{Name: "cache_spill", Value: "1"}, {Name: "cache_spill", Value: "0"}},
		{{Name: "key", Value: "'a'"}, {Name: "textkey", Value: "'a'"}},
	} {
		c := pragma.Default()
		c.Path = "x.db"
		c.Extra = extra
		if err := c.Validate(); !errors.Is(err, pragma.ErrInvalidValue) {
			t.Errorf("Validate with Extra %q = %v, want ErrInvalidValue", extra, err)
		}
	}
}

// A Config's Path is a file name: a DSN put there by mistake ("file:"
// and parameters) is refused, not opened as a file of that odd name (a
// disk file "file::memory:" where an in-memory database was meant).
func TestValidate_pathIsNotAURI(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"file::memory:", "file::memory:?cache=shared", "FILE:app.db?mode=ro", "file:/tmp/x.db", "File:x"} {
		c := pragma.Default()
		c.Path = path
		err := c.Validate()
		if !errors.Is(err, pragma.ErrInvalidValue) || !strings.Contains(err.Error(), "path") {
			t.Errorf("Validate with Path %q = %v, want ErrInvalidValue naming the path", path, err)
		}
	}
	// A file whose name begins with "file:" is written with a directory.
	for _, dsn := range []string{"./file:x.db", "file:./file:x.db", "file:x.db", "app.db"} {
		c, err := pragma.Parse(dsn)
		if err != nil {
			t.Errorf("Parse(%q): %v", dsn, err)
			continue
		}
		if _, err := pragma.Parse(c.String()); err != nil {
			t.Errorf("Parse(%q) = %v, of Parse(%q).String()", c.String(), err, dsn)
		}
	}
}

// PRAGMA threads above 0 is refused: this build of SQLite has no worker
// threads (SQLITE_MAX_WORKER_THREADS is 0; driver's TestThreadsNone
// checks the engine), so the engine would read it back as 0 and sort on
// one thread, silently. threads(0) is what it is anyway, and accepted.
func TestParse_threadsRefused(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"file:x.db?_pragma=threads(4)", "file:x.db?_pragma=threads=1"} {
		_, err := pragma.Parse(dsn)
		var perr *pragma.Error
		if !errors.As(err, &perr) || perr.Name != "threads" || !errors.Is(err, pragma.ErrInvalidValue) {
			t.Errorf("Parse(%q): %v, want an invalid value error naming threads", dsn, err)
		}
	}
	if _, err := pragma.Parse("file:x.db?_pragma=threads(0)"); err != nil {
		t.Errorf("threads(0): %v", err)
	}
}
