package replicated_test

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/replicated"
)

// Of many Adds of one database at once, under several spellings of its
// path, one succeeds, and the others name its path; after Remove, an Add
// succeeds again. A missing file is an error.
func TestAdd_once(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	spellings := []string{path, filepath.Join(dir, ".", "a.db")}
	if link := filepath.Join(t.TempDir(), "link"); os.Symlink(dir, link) == nil {
		spellings = append(spellings, filepath.Join(link, "a.db"))
	}
	for round := range 2 {
		var (
			wg     sync.WaitGroup
			added  atomic.Int32
			winner atomic.Pointer[dbid.ID]
		)
		others := make([]string, 30)
		for i := range others {
			wg.Go(func() {
				id, other, err := replicated.Add(spellings[i%len(spellings)])
				switch {
				case err != nil:
					t.Error(err)
				case other == "":
					added.Add(1)
					winner.Store(&id)
				default:
					others[i] = other
				}
			})
		}
		wg.Wait()
		if added.Load() != 1 {
			t.Fatalf("round %d: %d of 30 Adds of one database succeeded, want 1", round, added.Load())
		}
		id := *winner.Load()
		if !replicated.Is(id) {
			t.Errorf("round %d: Is(%v) = false after Add", round, id)
		}
		for _, other := range others {
			if other != "" && !slices.Contains(spellings, other) {
				t.Errorf("round %d: a refused Add named %q, not a path the database was added with", round, other)
			}
		}
		replicated.Remove(id)
		if replicated.Is(id) {
			t.Errorf("round %d: Is(%v) = true after Remove", round, id)
		}
	}
	if _, _, err := replicated.Add(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("Add of a missing file: no error")
	}
}
