// Package dbid gives a database its identity, and keeps the per-database
// state of the process (I/O counters, writer queues, replicas) in
// registries keyed by it.
//
// # Identity
//
// A database file is known by its device and inode where the system has
// them (every Unix), and otherwise by its absolute path with symbolic
// links resolved, as the OS VFS resolves it. The same file under any
// spelling of its path (relative, through a symlinked directory, through a
// hard link or a bind mount, in another letter case on a case-insensitive
// file system) is one database. Asking needs the file to exist: package
// driver asks once, when a connection has opened it.
//
// An in-memory database (ncruces' memdb VFS), or one whose VFS does not
// keep it in a file, is known by the VFS's name and its name there.
//
// # Lifetime
//
// A [Registry] holds one entry per identity while it is referenced: each
// [Registry.Acquire] is undone by one [Registry.Release], and the entry
// goes with the last. Package driver holds a reference for every pool on
// the database, package vfs one for every open file, package replica one
// for every running replica, so nothing outlives its use: a process that
// opens and closes many databases keeps no entry for the closed ones.
// (An inode number is reused only once its file is deleted and closed,
// after which no entry of it is left.)
package dbid

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// ID is the identity of a database: comparable, usable as a map key.
type ID struct{ s string }

// String returns the identity as text: "file:DEV:INODE", "path:/abs/path"
// or "vfs:VFS:NAME".
func (id ID) String() string { return id.s }

// Of returns the identity of the database file at path, which must exist.
func Of(path string) (ID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return ID{}, fmt.Errorf("identity of %s: %w", path, err)
	}
	if dev, ino, ok := devIno(fi); ok {
		return ID{fmt.Sprintf("file:%d:%d", dev, ino)}, nil
	}
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return ID{}, fmt.Errorf("identity of %s: %w", path, err)
	}
	abs, err := filepath.Abs(resolved)
	if err != nil {
		return ID{}, fmt.Errorf("identity of %s: %w", path, err)
	}
	return ID{"path:" + abs}, nil
}

// OfName returns the identity of a database that is not a file of the
// OS: an in-memory database of the memdb VFS, or a database of another
// VFS, by the VFS's name and the database's name in it.
func OfName(vfs, name string) ID { return ID{"vfs:" + vfs + ":" + name} }

// Registry holds a *T per identity while references to it are held. Its
// zero value is empty and ready to use; it is safe for concurrent use.
type Registry[T any] struct {
	mu sync.Mutex
	m  map[ID]*entry[T]
}

type entry[T any] struct {
	v    T
	refs int
}

// Acquire returns the entry of id, made (and passed to init, if not nil)
// if there is none, and takes a reference to it.
func (r *Registry[T]) Acquire(id ID, init func(*T)) *T {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.m[id]
	if e == nil {
		if r.m == nil {
			r.m = map[ID]*entry[T]{}
		}
		e = new(entry[T])
		if init != nil {
			init(&e.v)
		}
		r.m[id] = e
	}
	e.refs++
	return &e.v
}

// Release drops a reference Acquire took; the entry goes with the last,
// and is returned then (nil otherwise), for what it holds to be closed.
func (r *Registry[T]) Release(id ID) (gone *T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.m[id]; e != nil {
		if e.refs--; e.refs <= 0 {
			delete(r.m, id)
			return &e.v
		}
	}
	return nil
}

// Get returns the entry of id, or nil if no reference to it is held.
func (r *Registry[T]) Get(id ID) *T {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.m[id]; e != nil {
		return &e.v
	}
	return nil
}

// Len returns the number of entries.
func (r *Registry[T]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// All calls fn for every entry, in no order, with the registry locked:
// fn must not call the registry.
func (r *Registry[T]) All(fn func(ID, *T)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, e := range r.m {
		fn(id, &e.v)
	}
}
