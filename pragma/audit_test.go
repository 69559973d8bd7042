package pragma_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/pragma"
)

// TestParse_fragment: in a "file:" URI, '#' begins a fragment, which
// SQLite ignores: "file:data#1.db" opened "data", a file of another name,
// without a word. A fragment is refused, and the error quotes nothing
// after the '#', which may hold a key (issue 16).
func TestParse_fragment(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"file:data#1.db", "file:data.db?mode=rw#x", "file:x.db#?_pragma=textkey('secret')"} {
		_, err := pragma.Parse(dsn)
		if !errors.Is(err, pragma.ErrInvalidValue) || !strings.Contains(err.Error(), "%23") || strings.Contains(err.Error(), "secret") {
			t.Errorf("Parse(%q): %v, want an error saying to write # as %%23, without the key", dsn, err)
		}
	}
	for dsn, want := range map[string]string{"file:data%231.db": "data#1.db", "data#1.db": "data#1.db", "file:data.db#": "data.db"} {
		if c, err := pragma.Parse(dsn); err != nil || c.Path != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", dsn, c.Path, err, want)
		}
	}
}
