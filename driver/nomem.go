package driver

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"

	"github.com/ncruces/go-sqlite3"
)

// SQLite reports an allocation that failed with SQLITE_NOMEM, and
// ncruces/go-sqlite3 turns every SQLITE_NOMEM it sees into a panic
// (Conn.error): each connection's SQLite runs in a memory of its own,
// which grows up to a fixed size (256 MB, or what sqlite3.WithMaxMemory
// in the context of the connection's open says) and never shrinks. The
// driver's methods recover that panic: the caller gets an error matching
// sqlite3.NOMEM and the connection is broken. A broken connection gives
// its write turn away at once, answers driver.ErrBadConn to every later
// call without reaching the engine, and is not valid: database/sql
// closes it when it comes back to the pool, which gives its memory back.

// errNoMemory is the error of an operation during which SQLite ran out
// of memory.
var errNoMemory error = &faultError{"SQLite ran out of memory, the connection is discarded", sqlite3.NOMEM}

// errLongName is the error of a statement that gave SQLite a file name
// longer than ncruces reads back (ATTACH or VACUUM INTO): ncruces panics
// in the middle of SQLite's open, which leaves the connection unusable.
var errLongName error = &faultError{"a file name longer than 1024 bytes reached SQLite, which cannot open it; the connection is discarded", sqlite3.CANTOPEN}

// faultError is an error after which the connection is discarded,
// matching an SQLite error code. (A type, not fmt.Errorf: a package
// variable built with fmt runs fmt at every program's start.)
type faultError struct {
	msg  string
	code sqlite3.ErrorCode
}

func (e *faultError) Error() string { return e.msg + ": " + e.code.Error() }
func (e *faultError) Unwrap() error { return e.code }

// recoverNOMEM, deferred first by a method of c that calls the engine,
// turns ncruces' out of memory panic into an error matching
// sqlite3.NOMEM (and its panic on a long file name into one matching
// sqlite3.CANTOPEN) and breaks c. Other panics go on.
func (c *conn) recoverNOMEM(err *error) {
	r := recover()
	if r == nil {
		return
	}
	e := engineFault(r)
	if e == nil {
		panic(r)
	}
	c.discard()
	*err = fmt.Errorf("sqlitekit: %w", e)
}

// engineFault returns the error for r, recovered, if it is one of the
// panics ncruces raises in the middle of SQLite's work, after which the
// connection must be discarded: out of memory (an unexported error type
// whose text is NOMEM's), or a file name longer than it reads back
// (its "missing NUL terminator"). Otherwise it returns nil.
func engineFault(r any) error {
	err, ok := r.(error)
	switch {
	case !ok:
		return nil
	case err.Error() == sqlite3.NOMEM.Error():
		return errNoMemory
	case err.Error() == "sqlite3: missing NUL terminator":
		return errLongName
	}
	return nil
}

// discard breaks c after SQLite ran out of memory in an unknown place:
// c gives its write turn to the next writer, and is closed (closeBroken)
// when database/sql closes it.
func (c *conn) discard() {
	c.broken = true
	c.endWrite()
}

// closeBroken closes the SQLite connection of a broken c.
func (c *conn) closeBroken() error {
	c.endWrite()
	closeAll(c.db)
	return c.c.connClosed()
}

// closeAll closes db after SQLite ran out of memory on it, which may
// happen again: its statements (those of the cache, of open rows, of
// database/sql) are finalized first, since sqlite3_close refuses a
// connection that has some, and would keep its memory.
func closeAll(db *sqlite3.Conn) {
	for _, s := range slices.Collect(db.Stmts()) {
		quietly(s.Close)
	}
	quietly(db.Close)
}

// survivesNOMEM runs f, which uses the engine outside of a method of a
// connection (in a goroutine of the driver), and reports false if ncruces
// panicked in the middle of SQLite's work (see engineFault): the
// connection f used must then be closed with closeAll.
func survivesNOMEM(f func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if engineFault(r) == nil {
				panic(r)
			}
			ok = false
		}
	}()
	f()
	return true
}

// quietly runs a close that may report NOMEM again, as an error or as
// ncruces' panic.
func quietly(close func() error) {
	defer func() {
		if r := recover(); r != nil && engineFault(r) == nil {
			panic(r)
		}
	}()
	_ = close()
}

// Ping implements driver.Pinger: a connection is alive until it breaks.
func (c *conn) Ping(ctx context.Context) error {
	if c.broken {
		return driver.ErrBadConn
	}
	return nil
}

var _ driver.Pinger = (*conn)(nil)
