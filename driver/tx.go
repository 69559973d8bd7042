package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/ncruces/go-sqlite3"
)

// Begin implements driver.Conn; database/sql calls BeginTx instead.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx begins a transaction: a read-only one DEFERRED and with
// query_only set until it ends, a write one as _txlock says, or IMMEDIATE
// for sql.LevelSerializable, EXCLUSIVE for sql.LevelLinearizable. On a
// connection that cannot write (mode=ro, immutable, query_only, a
// read-only file) every transaction begins DEFERRED and none waits for
// the write turn.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (_ driver.Tx, err error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	defer c.recoverNOMEM(&err)
	begin := c.begin
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelSerializable:
		begin = "BEGIN IMMEDIATE"
	case sql.LevelLinearizable:
		begin = "BEGIN EXCLUSIVE"
	default:
		return nil, fmt.Errorf("sqlitekit: isolation level %v is not supported: SQLite transactions are serializable", sql.IsolationLevel(opts.Isolation))
	}
	if opts.ReadOnly || c.readOnly {
		begin = "BEGIN DEFERRED"
	}
	// A transaction that takes the write lock at BEGIN waits for its
	// turn among this process's writers first.
	if begin != "BEGIN" && begin != "BEGIN DEFERRED" {
		if err := c.startWrite(ctx); err != nil {
			return nil, err
		}
	}
	old := c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(old)
	// Inside the caller's own SQL BEGIN, BEGIN fails: that transaction
	// is not this one's to roll back.
	wasAutocommit := c.db.GetAutocommit()
	err = c.db.Exec(begin)
	if err == nil && opts.ReadOnly && !c.readOnly {
		if err = c.db.Exec("PRAGMA query_only=1"); err == nil {
			c.queryOnly = true
		}
	}
	if err != nil {
		if wasAutocommit && !c.db.GetAutocommit() {
			c.rollback()
		}
		c.endWrite()
		return nil, interrupted(ctx, err)
	}
	c.guard.open = true
	return tx{c}, nil
}

// txGuard keeps SQL run inside a Tx of database/sql (COMMIT or END, or
// a ROLLBACK followed by more writes) from committing part of its work:
// while a Tx is open, SQLite's commit hook turns every commit other than
// Tx.Commit's into a rollback, so the Tx's work is all or nothing and
// statements run after such SQL fail until the Tx ends. (A ConnInit that
// sets a commit hook of its own replaces this one.)
type txGuard struct {
	open       bool // a Tx of database/sql is open on the connection
	committing bool // Tx.Commit commits it
	vetoed     bool // the hook turned a commit into a rollback
}

// hook is the connection's commit hook: false turns the commit into a
// rollback.
func (g *txGuard) hook() bool {
	ok := !g.open || g.committing
	g.vetoed = g.vetoed || !ok
	return ok
}

// explain names the cause of an error that the hook's veto made
// (SQLite reports it as "constraint failed").
func (g *txGuard) explain(err error) error {
	if g.vetoed && errors.Is(err, sqlite3.CONSTRAINT_COMMITHOOK) {
		return fmt.Errorf("sqlitekit: the SQL would commit part of an open Tx of database/sql (a COMMIT or END, or a write after ROLLBACK): the Tx's work is rolled back; end a Tx with its Commit or Rollback: %w", err)
	}
	return err
}

// startWrite waits for this connection's turn to write, up to its busy
// timeout. A connection without a queue writes without waiting.
func (c *conn) startWrite(ctx context.Context) error {
	if c.writing || c.queue == nil {
		return nil
	}
	if err := c.queue.Acquire(ctx, c.busyTimeout()); err != nil {
		return err
	}
	c.writing = true
	return nil
}

// busyTimeout returns the connection's busy timeout, as SQLite has it:
// the DSN's, unless the program set another on the connection, with SQL
// (PRAGMA busy_timeout = N, run by Exec or Query), in ConnInit, or on
// the SQLite connection reached with Raw. Those mark it stale, and it is
// read again here.
func (c *conn) busyTimeout() time.Duration {
	if c.busyStale {
		if d, err := busyTimeout(c.db); err == nil {
			c.busy, c.busyStale = d, false
		}
	}
	return c.busy
}

// endWrite gives the write turn to the next writer.
func (c *conn) endWrite() {
	if c.writing {
		c.writing = false
		c.queue.Release()
	}
}

// beforeStatement tells the writer queue of the connection's database that
// a statement begins: the holder of the turn is at work, or another
// connection gives way to it if writers wait behind it while it makes no
// progress (see writeq.Queue.GiveWay).
func (c *conn) beforeStatement() {
	q := c.d.queue
	switch {
	case q == nil:
	case c.writing:
		q.Progress()
	default:
		q.GiveWay(&c.gaveWay)
	}
}

// autocommitWrite reports whether s writes outside a transaction, and so
// must take a turn in the writer queue for the time it runs.
func (c *conn) autocommitWrite(s *sqlite3.Stmt) bool {
	return !s.ReadOnly() && c.db.GetAutocommit()
}

type tx struct{ c *conn }

func (t tx) Commit() (err error) {
	c := t.c
	if c.broken {
		return driver.ErrBadConn
	}
	defer c.recoverNOMEM(&err)
	defer c.endTx()
	c.guard.committing = true
	err = c.db.Exec("COMMIT")
	c.guard.committing = false
	if err != nil && !c.db.GetAutocommit() {
		c.rollback()
	}
	return err
}

func (t tx) Rollback() (err error) {
	if t.c.broken {
		return driver.ErrBadConn
	}
	defer t.c.recoverNOMEM(&err)
	defer t.c.endTx()
	return t.c.rollback()
}

func (c *conn) rollback() error {
	// Roll back even when the context that began the work is done.
	old := c.db.SetInterrupt(context.Background())
	defer c.db.SetInterrupt(old)
	return c.db.Exec("ROLLBACK")
}

// endTx ends what a transaction began besides SQLite's transaction,
// however that ended (Commit, Rollback, or SQL's own COMMIT or ROLLBACK
// run inside it): the write turn, and query_only.
func (c *conn) endTx() {
	c.guard.open, c.guard.vetoed = false, false
	if c.queryOnly {
		old := c.db.SetInterrupt(context.Background())
		if c.db.Exec("PRAGMA query_only=0") == nil {
			c.queryOnly = false
		}
		c.db.SetInterrupt(old)
	}
	c.endWrite()
}
