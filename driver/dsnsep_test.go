package driver_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// A ';' in a PRAGMA's value reaches the engine: ncruces' open drops a
// _pragma parameter that holds one, unless the DSN escapes it.
func TestOpen_semicolonInValue(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a;b")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := pragma.Default()
	cfg.Path = filepath.Join(t.TempDir(), "x.db")
	cfg.Extra = []pragma.Pragma{{Name: "temp_store_directory", Value: "'" + dir + "'"}}
	db, err := driver.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.QueryRow("PRAGMA temp_store_directory").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != dir {
		t.Errorf("temp_store_directory = %q, want %q", got, dir)
	}
}
