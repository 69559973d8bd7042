package driver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ncruces/go-sqlite3"
)

// withRaw runs fn on the SQLite connection of one connection of db's
// pool, interrupted when ctx is done. It works for every driver whose
// connections implement [Conn]: sqlitekit's and ncruces/go-sqlite3's.
// An error caused by ctx matches ctx.Err() too.
func withRaw(ctx context.Context, db *sql.DB, fn func(*sqlite3.Conn) error) error {
	sc, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer sc.Close()
	err = withRawConn(ctx, sc, fn)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}

// withRawConn runs fn on the SQLite connection of sc, interrupted when
// ctx is done. If SQLite runs out of memory, the error matches
// sqlite3.NOMEM and a sqlitekit connection is discarded. (Not with
// driver.ErrBadConn: sql.Conn.Raw returning it while a sql.Tx is open on
// the same sql.Conn deadlocks; database/sql drops the connection when it
// comes back, see IsValid.)
func withRawConn(ctx context.Context, sc *sql.Conn, fn func(*sqlite3.Conn) error) error {
	return sc.Raw(func(dc any) (err error) {
		rc, ok := dc.(Conn)
		if !ok {
			return fmt.Errorf("%w (its connections are %T)", ErrNotSqlitekit, dc)
		}
		k, _ := dc.(*conn)
		if k != nil && k.broken {
			return errNoMemory
		}
		defer func() {
			if r := recover(); r != nil {
				if err = engineFault(r); err == nil {
					panic(r)
				}
				if k != nil {
					k.discard()
				}
			}
		}()
		c := rc.Raw()
		old := c.SetInterrupt(ctx)
		defer c.SetInterrupt(old)
		return fn(c)
	})
}
