package pragma_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// FuzzParse: Parse never panics, fails only with a *pragma.Error matching
// one of the sentinels, and what it accepts round-trips through String.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"app.db",
		":memory:",
		"file::memory:?cache=shared",
		"file:///tmp/a.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)",
		"app.db?_fk=1&_journal=WAL&_sync=NORMAL&_busy_timeout=5000&_txlock=immediate",
		"file:x.db?_pragma=textkey('k''ey')&_pragma=recursive_triggers=1&_time_format=sqlite",
		"file:a%20b.db?vfs=memdb&mode=ro&immutable=1&_pragma=journal_mode",
		"file:x?_pragma=cache_size(-2000)&_pragma=wal_autocheckpoint(0)&_pragma=page_size(4096)",
		"file:x?_pragma=user_version(1);DROP TABLE t",
		"file:x?_stmt_cache=5&_txlock=",
		"test.db?_loc=auto&_mutex=no&_stmt_cache_size=3&_auth_user=a",
		"file:x.db?_pragma=textkey('pass;word')&_pragma=application_id=\"a;b''c\"",
		"file:x.db?_pragma=textkey('a%3Bb%26c%23d%2Be%25')&_time_format=string_no_monotonic",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		c, err := pragma.Parse(dsn)
		if err != nil {
			var perr *pragma.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) = %T %v, not a *pragma.Error", dsn, err, err)
			}
			if !errors.Is(err, pragma.ErrInvalidValue) && !errors.Is(err, pragma.ErrUnknownPragma) && !errors.Is(err, pragma.ErrUnknownParameter) && !errors.Is(err, pragma.ErrUnsupportedParameter) {
				t.Fatalf("Parse(%q) = %v, matches no sentinel", dsn, err)
			}
			return
		}
		// The engine (ncruces' open) reads every _pragma of String.
		u, err := url.Parse(c.String())
		if err != nil {
			t.Fatalf("url.Parse(%q): %v", c.String(), err)
		}
		if got, want := len(u.Query()["_pragma"]), strings.Count(u.RawQuery, "_pragma="); got != want {
			t.Fatalf("the engine reads %d of the %d _pragma of %q", got, want, c.String())
		}
		again, err := pragma.Parse(c.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %v; it came from Parse(%q)", c.String(), err, dsn)
		}
		if diff := cmp.Diff(c, again); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", dsn, c.String(), diff)
		}
	})
}
