package driver

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Transaction runs fn in a write transaction of db and commits it if fn
// returns nil; if fn returns an error or panics, the transaction is
// rolled back and the error (or panic) passed on. The caller never pairs
// Commit and Rollback by hand.
//
// The sqlitekit driver begins the transaction as its _txlock parameter
// says (BEGIN IMMEDIATE by default): it waits for the write lock at BEGIN
// and cannot fail later because another connection wrote first. Use
// [ReadTransaction] for a snapshot that never takes the write lock.
//
// fn must not keep tx after it returns, nor end it with SQL: a COMMIT or
// END run through tx fails and rolls back all of fn's work (the driver
// lets only Tx.Commit commit a Tx), and after a ROLLBACK run through tx,
// writes fail until the Tx ends.
//
// https://sqlite.org/lang_transaction.html
func Transaction(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	return inTx(ctx, db, nil, fn)
}

// ReadTransaction runs fn in a read-only transaction of db: every query
// fn runs sees the same snapshot of the database, and writers are not
// blocked (in WAL mode). The transaction ends when fn returns.
//
// https://sqlite.org/isolation.html
func ReadTransaction(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	return inTx(ctx, db, &sql.TxOptions{ReadOnly: true}, fn)
}

func inTx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*sql.Tx) error) (err error) {
	if err := cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil(dbArg, db), ctxarg.NotNil("function fn", fn)); err != nil {
		return fmt.Errorf("sqlitekit: transaction: %w", err)
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return wrapOnce("begin", err)
	}
	committed := false
	defer func() {
		if !committed {
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && err != nil {
				err = errors.Join(err, wrapOnce("rollback", rerr))
			}
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	committed = true
	if err := tx.Commit(); err != nil {
		return wrapOnce("commit", err)
	}
	return nil
}

// wrapOnce returns err as "sqlitekit: op: ...", with the "sqlitekit: "
// of an error the driver already returned through database/sql (the
// writer queue's, for one) not said twice. It matches what err matches.
func wrapOnce(op string, err error) error {
	return &opError{op: op, err: err}
}

type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "sqlitekit: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "sqlitekit: ")
}

func (e *opError) Unwrap() error { return e.err }
