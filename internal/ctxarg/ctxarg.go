// Package ctxarg checks the context argument of the exported helpers.
//
// database/sql panics on a nil context while it holds a pool's mutex, so
// the pool's next caller waits forever: every exported function that
// takes a context checks it first with [Check].
package ctxarg

import (
	"context"
	"errors"
)

// ErrNil is the error for a nil context.
var ErrNil = errors.New("nil context: pass context.Background() or the caller's context")

// Check returns ErrNil if ctx is nil.
func Check(ctx context.Context) error {
	if ctx == nil {
		return ErrNil
	}
	return nil
}
