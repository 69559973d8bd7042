package driver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/writeq"
)

// Conn is implemented by the connections of the sqlitekit driver. Reach
// the SQLite connection underneath with [database/sql.Conn.Raw]:
//
//	err := conn.Raw(func(dc any) error {
//		db := dc.(driver.Conn).Raw()
//		return db.Backup("main", "backup.db")
//	})
type Conn interface {
	// Raw returns the SQLite connection. It is valid only inside the
	// function given to sql.Conn.Raw.
	Raw() *sqlite3.Conn
}

type conn struct {
	db    *sqlite3.Conn
	c     *connector
	cache *stmtCache

	// What the connection is, learned once when it opened.
	d        *database     // its database: identity, queue, counters
	readOnly bool          // it cannot write: mode=ro, immutable, query_only or a read-only file
	queue    *writeq.Queue // the writers of its database in this process; nil if it cannot write, or not on the OS VFS or memdb

	writing   bool     // this connection has the write turn of the queue
	gaveWay   int64    // the stall of the queue it last gave way for: see beforeStatement
	broken    bool     // SQLite ran out of memory: see nomem.go
	linked    bool     // the extensions are registered: see extensions.go
	begin     string   // how a default write transaction begins
	queryOnly bool     // a read-only transaction set query_only, to be reset when it ends
	guard     *txGuard // keeps SQL from committing a Tx of database/sql: see tx.go

	busy      time.Duration // the busy timeout, which bounds waits in the queue
	busyStale bool          // busy may have changed: see busyTimeout
}

var (
	_ Conn                                  = (*conn)(nil)
	_ driver.Conn                           = (*conn)(nil)
	_ driver.ConnBeginTx                    = (*conn)(nil)
	_ driver.ConnPrepareContext             = (*conn)(nil)
	_ driver.ExecerContext                  = (*conn)(nil)
	_ driver.QueryerContext                 = (*conn)(nil)
	_ driver.NamedValueChecker              = (*conn)(nil)
	_ driver.Validator                      = (*conn)(nil)
	_ driver.SessionResetter                = (*conn)(nil)
	_ driver.Tx                             = tx{}
	_ driver.StmtExecContext                = (*stmt)(nil)
	_ driver.StmtQueryContext               = (*stmt)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
)

func newConn(db *sqlite3.Conn, c *connector, d *database, readOnly bool) *conn {
	// A connection that cannot write begins DEFERRED (IMMEDIATE would
	// fail) and never waits for the write turn.
	begin := "BEGIN DEFERRED"
	if c.cfg.TxLock != "" && !readOnly {
		begin = "BEGIN " + strings.ToUpper(string(c.cfg.TxLock))
	}
	cn := &conn{db: db, c: c, d: d, readOnly: readOnly, begin: begin, cache: newStmtCache(c.cfg.StmtCache, &c.stats),
		busy: c.cfg.BusyTimeout, busyStale: c.init != nil}
	if !readOnly {
		cn.queue = d.queue
	}
	return cn
}

// Raw returns the SQLite connection, with every extension registered
// (see extensions.go).
func (c *conn) Raw() *sqlite3.Conn {
	_ = c.link()       // an error (out of memory) comes back as that of the next call
	c.busyStale = true // the caller may set another busy timeout
	return c.db
}

// Close runs PRAGMA optimize, as SQLite advises before a connection
// closes, then closes the connection.
//
// https://sqlite.org/pragma.html#pragma_optimize
func (c *conn) Close() (err error) {
	if c.broken {
		return c.closeBroken()
	}
	defer func() {
		if r := recover(); r != nil { // see nomem.go
			if engineFault(r) == nil {
				panic(r)
			}
			c.discard()
			err = c.closeBroken()
		}
	}()
	c.db.SetInterrupt(context.Background())
	if !c.db.GetAutocommit() {
		err = c.rollback() // what SQLite would do on close, but said
	}
	c.endWrite()
	err = errors.Join(err, c.cache.close())
	if !c.readOnly {
		_ = c.db.Exec("PRAGMA optimize") // best effort
	}
	return errors.Join(err, c.db.Close(), c.c.connClosed())
}

// interrupted turns the error of an operation stopped because ctx is done
// (interrupted, or a wait for a lock cut short) into one that matches
// ctx.Err() as well as sqlite3.INTERRUPT or sqlite3.BUSY.
func interrupted(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && (errors.Is(err, sqlite3.INTERRUPT) || errors.Is(err, sqlite3.BUSY)) && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("sqlitekit: %w: %w", ctx.Err(), err)
	}
	return err
}

// IsValid implements [driver.Validator]: a connection given back to the
// pool inside a transaction begun with SQL (db.Exec("BEGIN")) is not
// valid. database/sql closes it, which rolls the transaction back, so
// that later writes of the pool do not land in it and vanish; and the
// next statement on the pool fails with [ErrTxLeftOpen] (see ready).
// Nor is a connection broken by SQLite running out of memory (see
// nomem.go).
func (c *conn) IsValid() bool { return c.ResetSession(context.Background()) == nil }

// ResetSession implements [driver.SessionResetter]: it refuses, as
// IsValid does, a connection left inside a transaction.
func (c *conn) ResetSession(ctx context.Context) error {
	if c.broken {
		return driver.ErrBadConn
	}
	if !c.db.GetAutocommit() {
		c.c.leftOpen.Store(true)
		return driver.ErrBadConn
	}
	return nil
}

// ErrTxLeftOpen is the error of the statement that follows, on the same
// pool, a transaction begun with SQL and left open when its connection
// went back to the pool: db.Exec("BEGIN") (or a sql.Conn closed inside
// BEGIN). That transaction was rolled back with its connection, and the
// statement did not run: statements meant to run inside it would
// otherwise each commit on their own, on a connection without its
// per-connection settings (PRAGMA foreign_keys = OFF before a table
// rebuild: the rebuild's DROP TABLE would delete the child rows).
var ErrTxLeftOpen = errors.New("a transaction begun with SQL (BEGIN) was left open when its connection went back to the pool, " +
	"and was rolled back; this statement did not run. Run a transaction with db.BeginTx, or on one connection with db.Conn")

// ready is what every statement and transaction checks first: it
// returns driver.ErrBadConn if the connection is broken (see nomem.go),
// and an error matching [ErrTxLeftOpen] once after a connection of the
// pool was given back inside a transaction begun with SQL.
func (c *conn) ready() error {
	if c.broken {
		return driver.ErrBadConn
	}
	if c.c.leftOpen.Load() && c.c.leftOpen.Swap(false) {
		return fmt.Errorf("sqlitekit: %w", ErrTxLeftOpen)
	}
	return nil
}

// CheckNamedValue accepts the types bind knows and leaves the others to
// database/sql's default conversion (driver.Valuer, named types, ...).
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	return checkValue(nv.Value)
}
