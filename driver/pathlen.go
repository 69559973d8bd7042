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

// maxBase is the longest last element of a database's path: file
// systems allow 255 bytes, and SQLite keeps its -journal, -wal and -shm
// files beside the database under its name and those suffixes (without
// room for them, SQLite fails with "disk I/O error" at the first
// statement that needs one).
const maxBase = 255 - len("-journal")

// checkPathLen refuses a file name that SQLite, given it as it is and
// made absolute, could not open, or could not keep its journal beside.
// A name of SQLite's own (an in-memory database's) is not made absolute,
// nor is its last element checked.
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
	if base := filepath.Base(full); file && len(base) > maxBase {
		return fmt.Errorf("the file name %q is %d bytes long: with SQLite's \"-journal\" appended it would be longer than the 255 bytes file systems allow (at most %d)", truncate(base), len(base), maxBase)
	}
	return nil
}
