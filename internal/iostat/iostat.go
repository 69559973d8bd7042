// Package iostat holds the I/O counters of the databases the process has
// open through sqlitekit's VFS: package vfs counts into them and reads
// them out, package driver holds them for as long as a pool is open.
package iostat

import (
	"sync/atomic"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
)

// NumKinds is the number of kinds of files of a database (vfs.Kind).
const NumKinds = 4

// File counts the calls on the files of one kind.
type File struct {
	Reads, Writes, BytesRead, BytesWritten atomic.Uint64
	Syncs, Truncates, Locks, Busy          atomic.Uint64
}

// DB holds the counters of one database.
type DB struct {
	// Path is the file name the database was first opened under, as
	// SQLite gave it to the VFS.
	Path  string
	Kinds [NumKinds]File
	// Fault, for the fault-injection tests of package vfs: nil in a
	// program.
	Fault atomic.Pointer[Fault]
}

// DBs holds a DB per database: a reference for every file of it open
// through the VFS, and one for every pool of package driver on it.
var DBs dbid.Registry[DB]

// Temp counts the temporary files that belong to no database file.
var Temp DB

// Hold takes a reference to the counters of the database id, first
// opened under path, and returns them.
func Hold(id dbid.ID, path string) *DB {
	return DBs.Acquire(id, func(d *DB) { d.Path = path })
}

// Fault makes the Nth call (counting from 1) of one class of file calls
// fail with Err, and every later one while it stays armed: a disk that
// broke stays broken.
type Fault struct {
	Op    int
	Nth   int64
	Err   error
	calls atomic.Int64
}

// Hit returns the error a call of class op fails with, if a fault is
// armed for it: one atomic load when none is.
func (d *DB) Hit(op int) error {
	f := d.Fault.Load()
	if f == nil || f.Op != op {
		return nil
	}
	if f.calls.Add(1) >= f.Nth {
		return f.Err
	}
	return nil
}
