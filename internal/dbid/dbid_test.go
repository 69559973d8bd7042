package dbid_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
)

// Every spelling of a file's path gives one identity; another file,
// another; a missing file, an error.
func TestOf(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "b.db")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	spellings := []string{path, filepath.Join(dir, ".", "a.db"), filepath.Join(dir, "x", "..", "a.db")}
	if err := os.Mkdir(filepath.Join(dir, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Symlink(dir, filepath.Join(dir, "link")) == nil {
		spellings = append(spellings, filepath.Join(dir, "link", "a.db"))
	}
	if os.Link(path, filepath.Join(dir, "hard.db")) == nil {
		spellings = append(spellings, filepath.Join(dir, "hard.db"))
	}
	want, err := dbid.Of(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range spellings {
		if got, err := dbid.Of(p); err != nil || got != want {
			t.Errorf("Of(%s) = %v, %v; want %v", p, got, err, want)
		}
	}
	if got, _ := dbid.Of(other); got == want {
		t.Errorf("Of(%s) = Of(%s) = %v", other, path, got)
	}
	if _, err := dbid.Of(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("Of a missing file: no error")
	}
}

// An entry lives from the first Acquire to the last Release.
func TestRegistry(t *testing.T) {
	t.Parallel()
	var r dbid.Registry[int]
	id := dbid.OfName("test", "x")
	inits := 0
	a := r.Acquire(id, func(v *int) { inits++; *v = 7 })
	b := r.Acquire(id, func(v *int) { inits++ })
	if a != b || *a != 7 || inits != 1 || r.Len() != 1 {
		t.Fatalf("two Acquires: %p %p, value %d, %d inits, %d entries", a, b, *a, inits, r.Len())
	}
	r.Release(id)
	if r.Get(id) != a {
		t.Error("the entry went with the first of two Releases")
	}
	r.Release(id)
	if r.Get(id) != nil || r.Len() != 0 {
		t.Error("the entry outlived its last Release")
	}
	r.Release(id) // one too many: harmless
	if c := r.Acquire(id, nil); c == a || *c != 0 {
		t.Error("a new entry after the last Release is the old one")
	}
}
