package vector_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// TestTopK_nilContext: a nil context panicked in database/sql, leaving
// the pool's mutex held; it is an error (issue 16).
func TestTopK_nilContext(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	if _, err := db.Exec("CREATE TABLE docs(e BLOB)"); err != nil {
		t.Fatal(err)
	}
	var nilCtx context.Context
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("TopK(nil ctx) panicked: %v", r)
			}
		}()
		for _, e := range vector.TopK(nilCtx, db, "docs", "e", []float32{1, 0}, 3, nil) {
			err = e
		}
	}()
	if err == nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("TopK(nil ctx): %v, want an error saying the context is nil", err)
	}
}

// TestNilArguments: a nil Querier (also a nil *sql.DB in it) and a nil
// connection are errors naming them, not panics.
func TestNilArguments(t *testing.T) {
	t.Parallel()
	try := func(name string, f func() error) {
		t.Helper()
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s panicked: %v", name, r)
				}
			}()
			err = f()
		}()
		if err == nil || !strings.Contains(err.Error(), "is nil") {
			t.Errorf("%s: %v, want an error saying what is nil", name, err)
		}
	}
	topK := func(db vector.Querier) func() error {
		return func() (err error) {
			for _, e := range vector.TopK(context.Background(), db, "docs", "e", []float32{1, 0}, 3, nil) {
				err = e
			}
			return err
		}
	}
	var nilDB *sql.DB
	try("TopK(nil Querier)", topK(nil))
	try("TopK(nil *sql.DB)", topK(nilDB))
	try("Register(nil)", func() error { return vector.Register(nil) })
}
