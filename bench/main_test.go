package main

import (
	"path/filepath"
	"testing"
)

// Every driver runs every workload correctly at a tiny size.
func TestWorkloads(t *testing.T) {
	for _, d := range drivers {
		db, err := d.open(filepath.Join(t.TempDir(), "b.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := insert(db, 100); err != nil {
			t.Errorf("%s insert: %v", d.name, err)
		}
		if err := scan(db, 100); err != nil {
			t.Errorf("%s scan: %v", d.name, err)
		}
		db.Close()
	}
}
