package driver

import (
	"fmt"
	"path/filepath"
)

// maxPath is the longest file name SQLite can open through ncruces:
// names are read back from SQLite's memory up to 1024 bytes (a longer
// one panics in ncruces, which would take the process down), and SQLite
// names a database's rollback journal with "-journal" appended.
const maxPath = 1024 - len("-journal")

// checkPathLen refuses a file name that SQLite, given it as it is and
// made absolute, could not open. A name of SQLite's own (an in-memory
// database's) is not made absolute.
func checkPathLen(path string, file bool) error {
	full := path
	if file {
		if abs, err := filepath.Abs(path); err == nil {
			full = abs
		}
	}
	if n := max(len(path), len(full)); n > maxPath {
		return fmt.Errorf("the path %q is %d bytes long (as an absolute path), longer than the %d bytes SQLite can open", truncate(path), n, maxPath)
	}
	return nil
}
