package driver_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestBackup_concurrentSamePath: two copies to the same new path at once,
// a Backup and a VacuumInto; when one fails (VACUUM INTO will not write
// over the other's file), its clean-up removed the file the other had
// just written, and the successful copy was gone (issue 16). Whatever
// the order, a copy that reported success is on disk, whole, and no
// temporary file is left.
func TestBackup_concurrentSamePath(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	fill(t, db, 2000)
	dir := t.TempDir()
	for i := range 30 {
		dest := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		var wg sync.WaitGroup
		var backupErr, vacuumErr error
		wg.Go(func() { backupErr = driver.Backup(context.Background(), db, dest, nil) })
		wg.Go(func() { vacuumErr = driver.VacuumInto(context.Background(), db, dest) })
		wg.Wait()
		if backupErr != nil && vacuumErr != nil {
			t.Fatalf("both copies failed: %v; %v", backupErr, vacuumErr)
		}
		if _, err := os.Stat(dest); err != nil {
			t.Fatalf("round %d: Backup: %v, VacuumInto: %v, and the copy is gone: %v", i, backupErr, vacuumErr, err)
		}
		copyDB := openDB(t, dest)
		var n int
		if err := copyDB.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2000 {
			t.Fatalf("round %d: the copy has %d rows (%v), want 2000", i, n, err)
		}
		copyDB.Close()
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".db" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
