// Package replicated knows which databases of the process a Litestream
// replica is running for: package replica adds them (at most one replica
// per database), package driver's checkpoint helper reads them (it must
// not import replica).
package replicated

import (
	"sync"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
)

var (
	mu      sync.Mutex
	running = map[dbid.ID]string{} // identity at Add → the path Add was given
)

// Add marks the database at path, which must exist, as replicated, and
// returns its identity for Remove; unless a replica runs for it already,
// under any spelling of its path: then it adds nothing and returns the
// path that replica was added with, as other. The check and the add are
// one step: of two Adds of one database at the same time, one fails.
func Add(path string) (id dbid.ID, other string, err error) {
	id, err = dbid.Of(path)
	if err != nil {
		return dbid.ID{}, "", err
	}
	mu.Lock()
	defer mu.Unlock()
	if other, ok := find(id); ok {
		return dbid.ID{}, other, nil
	}
	running[id] = path
	return id, "", nil
}

// Remove undoes an Add that returned id.
func Remove(id dbid.ID) {
	mu.Lock()
	delete(running, id)
	mu.Unlock()
}

// Is reports whether a replica runs for the database id.
func Is(id dbid.ID) bool {
	mu.Lock()
	defer mu.Unlock()
	_, ok := find(id)
	return ok
}

// find returns the path of the replica running for id: the one added
// with that identity, or the one whose path is that file now (a file
// deleted and made again at a replicated path since its Add: Litestream
// opens it by path when it restarts). mu is held.
func find(id dbid.ID) (path string, ok bool) {
	if path, ok := running[id]; ok {
		return path, true
	}
	for _, path := range running {
		if now, err := dbid.Of(path); err == nil && now == id {
			return path, true
		}
	}
	return "", false
}
