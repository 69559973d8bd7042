package pragma_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/pragma"
)

func TestPragmas(t *testing.T) {
	t.Parallel()
	c := pragma.Default()
	c.Path = "x.db"
	c.ForeignKeys = false
	c.JournalMode = ""
	c.QueryOnly = true
	c.Extra = []pragma.Pragma{{Name: "textkey", Value: "'pass;word'"}, {Name: "max_page_count", Value: "7"}}
	want := []pragma.Pragma{
		{Name: "textkey", Value: "'pass;word'"},
		{Name: "busy_timeout", Value: "10000"},
		{Name: "synchronous", Value: "normal"},
		{Name: "foreign_keys", Value: "0"},
		{Name: "cache_size", Value: "-20000"},
		{Name: "temp_store", Value: "memory"},
		{Name: "journal_size_limit", Value: "67108864"},
		{Name: "query_only", Value: "1"},
		{Name: "max_page_count", Value: "7"},
	}
	if diff := cmp.Diff(want, c.Pragmas()); diff != "" {
		t.Errorf("Pragmas() (-want +got):\n%s", diff)
	}
}
