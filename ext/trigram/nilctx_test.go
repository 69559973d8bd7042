package trigram_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// TestHelpers_nilContext: a nil context panicked in database/sql, leaving
// the pool's mutex held so the next call hung; every function that takes
// a context returns an error instead (issue 16).
func TestHelpers_nilContext(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, "CREATE TABLE m(body)")
	idx := trigram.Index{Table: "m", Columns: []string{"body"}}
	if err := trigram.Create(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	var nilCtx context.Context
	for name, call := range map[string]func() error{
		"Create":         func() error { return trigram.Create(nilCtx, db, idx) },
		"Drop":           func() error { return trigram.Drop(nilCtx, db, idx) },
		"Rebuild":        func() error { return trigram.Rebuild(nilCtx, db, idx) },
		"Optimize":       func() error { return trigram.Optimize(nilCtx, db, idx) },
		"IntegrityCheck": func() error { return trigram.IntegrityCheck(nilCtx, db, idx) },
		"Search": func() error {
			for _, err := range trigram.Search(nilCtx, db, idx, "hello", nil) {
				return err
			}
			return nil
		},
	} {
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return call()
		}()
		if err == nil || !strings.Contains(err.Error(), "nil context") {
			t.Errorf("%s(nil ctx): %v, want an error saying the context is nil", name, err)
		}
	}
}

// TestRegister_nil: a nil connection is an error, not a panic.
func TestRegister_nil(t *testing.T) {
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("Register(nil) panicked: %v", r)
			}
		}()
		err = trigram.Register(nil)
	}()
	if err == nil || !strings.Contains(err.Error(), "is nil") {
		t.Errorf("Register(nil): %v, want an error saying the connection is nil", err)
	}
}
