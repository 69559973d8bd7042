package driver_test

import (
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// TestKeyWithoutEncryption: PRAGMA key, hexkey and textkey are answered
// by an encrypting VFS (adiantum, xts); any other VFS ignores them, and
// the database was written in clear text with a key configured. The
// connection fails instead, saying so. (Adiantum answers "ok" and its
// file is not clear text: importing it here would add its modules to the
// library's go.mod.) (issue 16)
func TestKeyWithoutEncryption(t *testing.T) {
	t.Parallel()
	for _, key := range []pragma.Pragma{{Name: "textkey", Value: "'correct horse'"}, {Name: "key", Value: "'0123456789abcdef0123456789abcdef'"},
		{Name: "hexkey", Value: "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"}} {
		for _, vfs := range []string{"", "os"} {
			cfg := pragma.Default()
			cfg.Path = testdb.Path(t)
			cfg.VFS = vfs
			cfg.Extra = []pragma.Pragma{key}
			db, err := driver.Open(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES ('plain text here')")
			db.Close()
			if err == nil || !strings.Contains(err.Error(), "encrypt") || strings.Contains(err.Error(), key.Value) {
				t.Errorf("%s with vfs %q: %v, want an error saying nothing encrypts (without the key)", key.Name, vfs, err)
			}
		}
	}
}
