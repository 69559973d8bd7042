package replica_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/replica"
)

// TestRestore_hostileURL: the replica URL is Litestream's last argument;
// one that begins with "-" was read as an option, and "-h" made
// `litestream restore` print its usage and exit 0: Restore returned nil
// and no database was written (issue 16).
func TestRestore_hostileURL(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	dir := t.TempDir()
	for _, url := range []string{"-h", "-help", "-config=" + filepath.Join(dir, "x.yml"), ""} {
		out := filepath.Join(dir, "restored.db")
		err := replica.Restore(ctx, url, out, &replica.RestoreOptions{Binary: bin})
		if err == nil || !strings.Contains(err.Error(), "URL") {
			t.Errorf("Restore(%q): %v, want an error about the URL", url, err)
		}
		f, err := replica.Follow(ctx, url, out, &replica.RestoreOptions{Binary: bin, Logger: quiet})
		if err == nil {
			f.Close()
			t.Errorf("Follow(%q) started", url)
		} else if !strings.Contains(err.Error(), "URL") {
			t.Errorf("Follow(%q): %v, want an error about the URL", url, err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("Restore(%q) wrote %s", url, out)
		}
	}
}
