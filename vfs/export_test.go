package vfs

import "path/filepath"

// The classes of calls a fault can hit.
const (
	FaultWrite    = opWrite
	FaultSync     = opSync
	FaultTruncate = opTruncate
	FaultLock     = opLock
)

// InjectFault makes the nth call of op on the files of the database at
// path, and every later one, fail with err, until the returned function
// is called.
// FaultOp is a class of file calls.
type FaultOp = faultOp

func InjectFault(path string, op faultOp, nth int64, err error) (lift func()) {
	abs, _ := filepath.Abs(path)
	f := &counters(abs).faults
	f.armed.Store(&fault{op: op, nth: nth, err: err})
	return func() { f.armed.Store(nil) }
}
