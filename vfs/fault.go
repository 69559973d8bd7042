package vfs

// The classes of file calls a fault of the fault-injection tests
// (export_test.go) can make fail; in a program no fault is ever armed,
// and checking costs one atomic load per call (iostat.DB.Hit).
const (
	opWrite = iota
	opSync
	opTruncate
	opLock
)
