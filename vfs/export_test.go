package vfs

import (
	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/iostat"
)

// The classes of calls a fault can hit.
const (
	FaultWrite    FaultOp = opWrite
	FaultSync     FaultOp = opSync
	FaultTruncate FaultOp = opTruncate
	FaultLock     FaultOp = opLock
)

// FaultOp is a class of file calls.
type FaultOp int

// InjectFault makes the nth call of op on the files of the database at
// path, which must be open, and every later one, fail with err, until the
// returned function is called.
func InjectFault(path string, op FaultOp, nth int64, err error) (lift func()) {
	id, e := dbid.Of(path)
	if e != nil {
		panic(e)
	}
	d := iostat.Hold(id, path)
	d.Fault.Store(&iostat.Fault{Op: int(op), Nth: nth, Err: err})
	return func() {
		d.Fault.Store(nil)
		iostat.DBs.Release(id)
	}
}
