package vfs_test

import (
	"testing"

	"github.com/sqlitekit/sqlitekit/vfs"
)

// TestStats_Kind_unknown: Kind indexed an array with its argument and
// panicked for a Kind that is none of the four (issue 16).
func TestStats_Kind_unknown(t *testing.T) {
	t.Parallel()
	s := vfs.Stats{WAL: vfs.FileStats{Reads: 7}}
	for _, k := range []vfs.Kind{-1, 4, 99} {
		if got := s.Kind(k); got != (vfs.FileStats{}) {
			t.Errorf("Kind(%d) = %+v, want the zero FileStats", k, got)
		}
	}
	if got := s.Kind(vfs.KindWAL); got.Reads != 7 {
		t.Errorf("Kind(KindWAL) = %+v", got)
	}
}
