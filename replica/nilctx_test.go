package replica_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/replica"
)

// TestNilContext: a nil context made exec.CommandContext panic; every
// function that takes a context returns an error instead (issue 16).
func TestNilContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	url := "file://" + filepath.Join(dir, "replica")
	var nilCtx context.Context
	for name, call := range map[string]func() error{
		"Start":   func() error { _, err := replica.Start(nilCtx, filepath.Join(dir, "a.db"), url, nil); return err },
		"Sync":    func() error { return new(replica.Replica).Sync(nilCtx) },
		"Restore": func() error { return replica.Restore(nilCtx, url, filepath.Join(dir, "b.db"), nil) },
		"Follow":  func() error { _, err := replica.Follow(nilCtx, url, filepath.Join(dir, "c.db"), nil); return err },
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
