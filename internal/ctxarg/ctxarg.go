// Package ctxarg checks the arguments the exported helpers cannot work
// without: the context, the database handle and the callbacks.
//
// database/sql panics on a nil context while it holds a pool's mutex, so
// the pool's next caller waits forever: every exported function that
// takes a context checks it first with [Check]. A nil *sql.DB, Querier
// or callback would panic too: [NotNil] checks them.
package ctxarg

import (
	"context"
	"errors"
	"reflect"
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

// NotNil returns an error saying "the WHAT is nil" if v is nil, or an
// interface holding a nil pointer, func, map or channel (a nil *sql.DB
// passed as a Querier).
func NotNil(what string, v any) error {
	isNil := v == nil
	if !isNil {
		switch rv := reflect.ValueOf(v); rv.Kind() {
		case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Interface:
			isNil = rv.IsNil()
		}
	}
	if isNil {
		return errors.New("the " + what + " is nil")
	}
	return nil
}
