package vfs

import (
	"sync/atomic"
)

// faults makes chosen calls on the files of one database fail, for the
// fault-injection tests (export_test.go); in a program it is never armed,
// and checking it costs one atomic load per call.
type faults struct {
	armed atomic.Pointer[fault]
}

type faultOp int

const (
	opWrite faultOp = iota
	opSync
	opTruncate
	opLock
)

// fault fails the nth call (counting from 1) of op, and every later one
// while it stays armed: a disk that broke stays broken.
type fault struct {
	op    faultOp
	nth   int64
	err   error
	calls atomic.Int64
}

func (f *faults) hit(op faultOp) error {
	a := f.armed.Load()
	if a == nil || a.op != op {
		return nil
	}
	if a.calls.Add(1) >= a.nth {
		return a.err
	}
	return nil
}
