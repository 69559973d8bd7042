package pragma_test

import (
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/pragma"
)

// mattn's and modernc's common parameters are accepted with their
// meaning, or refused saying they are not supported.
func TestParse_peerParams(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"file:test.db?cache=shared&mode=rwc&_loc=auto",
		"test.db?_mutex=no&_loc=UTC&_stmt_cache_size=10",
		"file:x.db?_txlock=immediate&_time_format=sqlite",
	} {
		if _, err := pragma.Parse(dsn); err != nil {
			t.Errorf("Parse(%q): %v", dsn, err)
		}
	}
	for _, dsn := range []string{
		"test.db?_auth&_auth_user=admin&_auth_pass=admin",
		"test.db?_time_integer_format=unix",
		"test.db?_dqs=0",
		"file:x.db?nolock=1",
		"file:x.db?vfs=adiantum&textkey=secret",
		"file:x.db?_txlock=concurrent",
	} {
		if _, err := pragma.Parse(dsn); err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("Parse(%q) = %v, want a 'not supported' error", dsn, err)
		}
	}
}
