package driver

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"sync/atomic"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Querier runs a query: *sql.DB, *sql.Conn and *sql.Tx are Queriers.
// (vector.Querier and trigram.Querier are the same idea.)
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ErrStreamUsed is wrapped by the error a stream of [Stream] yields when
// it is ranged over a second time.
var ErrStreamUsed = errors.New("already used (a stream runs its query once)")

// Stream runs query with args on q when the loop over the stream starts,
// and yields each row as scan turns it into a T, so a result set of any
// size is read in constant memory:
//
//	notes := driver.Stream(ctx, db, func(rows *sql.Rows) (n Note, err error) {
//		err = rows.Scan(&n.ID, &n.Body)
//		return n, err
//	}, "SELECT id, body FROM notes")
//	for n, err := range notes {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// An error (of the query, of scan, or of the rows, such as a cancelled
// ctx) is yielded once, with the zero T, and ends the stream. The rows
// are closed inside the stream when it ends, or when the loop breaks
// early: the connection goes back to the pool at once. After an early
// break there is nobody to report an error of closing the rows to, and
// it is dropped (it is nil in practice: nothing is written).
//
// A stream runs once: ranging over it again yields [ErrStreamUsed].
// With a *sql.DB the rows hold a connection of the pool until the stream
// ends; with a *sql.Tx, do not use the transaction in the loop body.
func Stream[T any](ctx context.Context, q Querier, scan func(*sql.Rows) (T, error), query string, args ...any) iter.Seq2[T, error] {
	var used atomic.Bool
	return func(yield func(T, error) bool) {
		var zero T
		if used.Swap(true) {
			yield(zero, fmt.Errorf("sqlitekit: stream: %w", ErrStreamUsed))
			return
		}
		if err := cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil("Querier", q), ctxarg.NotNil("scan function", scan)); err != nil {
			yield(zero, fmt.Errorf("sqlitekit: stream: %w", err))
			return
		}
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			yield(zero, fmt.Errorf("sqlitekit: stream: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				yield(zero, fmt.Errorf("sqlitekit: stream: scan: %w", err))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, fmt.Errorf("sqlitekit: stream: %w", err))
			return
		}
		if err := rows.Close(); err != nil {
			yield(zero, fmt.Errorf("sqlitekit: stream: %w", err))
		}
	}
}
