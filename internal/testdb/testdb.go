// Package testdb is what sqlitekit's tests share to get a database file.
package testdb

import (
	"path/filepath"
	"testing"
)

// Path returns the path of a database file, not yet created, in a
// directory that is removed when the test ends.
func Path(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "test.db")
}
