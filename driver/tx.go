package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

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
	if c.broken {
		return nil, driver.ErrBadConn
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
	err = c.db.Exec(begin)
	if err == nil && opts.ReadOnly && !c.readOnly {
		if err = c.db.Exec("PRAGMA query_only=1"); err == nil {
			c.queryOnly = true
		}
	}
	if err != nil {
		if !c.db.GetAutocommit() {
			c.rollback()
		}
		c.endWrite()
		return nil, interrupted(ctx, err)
	}
	return tx{c}, nil
}

// startWrite waits for this connection's turn to write, up to the busy
// timeout. A connection without a queue writes without waiting.
func (c *conn) startWrite(ctx context.Context) error {
	if c.writing || c.queue == nil {
		return nil
	}
	if err := c.queue.Acquire(ctx, c.c.cfg.BusyTimeout); err != nil {
		return err
	}
	c.writing = true
	return nil
}

// endWrite gives the write turn to the next writer.
func (c *conn) endWrite() {
	if c.writing {
		c.writing = false
		c.queue.Release()
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
	err = c.db.Exec("COMMIT")
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
	if c.queryOnly {
		old := c.db.SetInterrupt(context.Background())
		if c.db.Exec("PRAGMA query_only=0") == nil {
			c.queryOnly = false
		}
		c.db.SetInterrupt(old)
	}
	c.endWrite()
}
