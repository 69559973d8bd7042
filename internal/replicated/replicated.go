// Package replicated knows which database files of the process a
// Litestream replica is running for: package replica marks them, package
// driver's checkpoint helper reads them (it must not import replica).
package replicated

import (
	"path/filepath"
	"sync"
)

var (
	mu  sync.Mutex
	dbs = map[string]int{}
)

func key(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// Add marks the database at path as replicated.
func Add(path string) {
	mu.Lock()
	dbs[key(path)]++
	mu.Unlock()
}

// Remove undoes one Add.
func Remove(path string) {
	mu.Lock()
	k := key(path)
	if dbs[k]--; dbs[k] <= 0 {
		delete(dbs, k)
	}
	mu.Unlock()
}

// Is reports whether a replica runs for the database at path.
func Is(path string) bool {
	mu.Lock()
	defer mu.Unlock()
	return dbs[key(path)] > 0
}
