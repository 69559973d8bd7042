// Package replicated knows which databases of the process a Litestream
// replica is running for: package replica marks them, package driver's
// checkpoint helper reads them (it must not import replica).
package replicated

import (
	"path/filepath"
	"sync"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
)

var (
	mu    sync.Mutex
	paths = map[string]int{} // absolute path → replicas running for it
)

// Add marks the database at path as replicated. The file need not exist
// yet.
func Add(path string) {
	mu.Lock()
	paths[abs(path)]++
	mu.Unlock()
}

// Remove undoes one Add.
func Remove(path string) {
	mu.Lock()
	k := abs(path)
	if paths[k]--; paths[k] <= 0 {
		delete(paths, k)
	}
	mu.Unlock()
}

// Is reports whether a replica runs for the database id. A replicated
// path's identity is looked up now, not when it was added: the file may
// have been made, or made again, since.
func Is(id dbid.ID) bool {
	mu.Lock()
	defer mu.Unlock()
	for path := range paths {
		if other, err := dbid.Of(path); err == nil && other == id {
			return true
		}
	}
	return false
}

func abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}
