package trigram_test

import (
	"strings"
	"testing"
)

// TestFunctions_flags: the flag arguments of the SQL functions are the
// integers 0 and 1. Any other value was read as SQLite's truth of it
// ('yes' as false) and case_sensitive with remove_diacritics, which no
// index can have, answered 0; each is an error naming the argument
// (issue 16).
func TestFunctions_flags(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	for _, tc := range []struct{ query, arg string }{
		{"SELECT trigram_contains('Hello', 'll', 'yes')", "case_sensitive"},
		{"SELECT trigram_contains('Hello', 'll', 2)", "case_sensitive"},
		{"SELECT trigram_contains('Hello', 'll', NULL)", "case_sensitive"},
		{"SELECT trigram_contains('Hello', 'll', 1.0)", "case_sensitive"},
		{"SELECT trigram_contains('Hello', 'll', 0, 'no')", "remove_diacritics"},
		{"SELECT trigram_contains('Hello', 'll', 1, 1)", "remove_diacritics"},
		{"SELECT trigram_contains_all(x'00', 'yes', 0, 'a')", "case_sensitive"},
		{"SELECT trigram_contains_all(x'00', 0, -1, 'a')", "remove_diacritics"},
		{"SELECT trigram_contains_all(x'00', 1, 1, 'a')", "remove_diacritics"},
		{"SELECT trigram_fold('a', 'yes')", "remove_diacritics"},
		{"SELECT trigram_length('a', 7)", "remove_diacritics"},
		{"SELECT trigram_query_all('abc', '1')", "remove_diacritics"},
	} {
		var v any
		err := db.QueryRow(tc.query).Scan(&v)
		if err == nil || !strings.Contains(err.Error(), tc.arg) {
			t.Errorf("%s = %v, %v; want an error naming %s", tc.query, v, err, tc.arg)
		}
	}
	for query, want := range map[string]int64{
		"SELECT trigram_contains('Hello', 'LL', 0, 0)":        1,
		"SELECT trigram_contains('Hello', 'LL', 1)":           0,
		"SELECT trigram_contains('Héllo', 'EL', 0, 1)":        1,
		"SELECT trigram_contains('Héllo', 'EL', FALSE, TRUE)": 1,
		"SELECT trigram_length('e'||char(769), 1)":            1,
	} {
		var got int64
		if err := db.QueryRow(query).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %d, %v; want %d", query, got, err, want)
		}
	}
}
