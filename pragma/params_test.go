package pragma

import (
	"errors"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
)

// The DSN parameters each peer documents, transcribed from its docs and
// DSN parser: ncruces/go-sqlite3 v0.37.0 (driver/driver.go, conn.go,
// vfs/adiantum and vfs/xts, and SQLite's URI parameters it passes on),
// mattn/go-sqlite3 v1.14.53 (README.md's table and sqlite3.go's Open),
// modernc.org/sqlite v1.62.0 (driver.go's Open and sqlite.go's
// applyQueryParams). Each has a value that driver accepts.
var peerParams = map[string]map[string]string{
	"ncruces": {
		"_pragma": "busy_timeout(5000)", "_txlock": "deferred", "_timefmt": "sqlite",
		"vfs": "memdb", "mode": "ro", "cache": "private", "immutable": "1",
		"nolock": "1", "psow": "0", "modeof": "/etc/hosts",
		"key": "0123456789abcdef0123456789abcdef", "hexkey": "00", "textkey": "secret",
	},
	"mattn": {
		"_auth": "", "_auth_user": "admin", "_auth_pass": "secret", "_auth_crypt": "sha256", "_auth_salt": "s4lt",
		"_auto_vacuum": "full", "_vacuum": "incremental", "_busy_timeout": "5000", "_timeout": "5000",
		"_case_sensitive_like": "true", "_cslike": "1", "_defer_foreign_keys": "on", "_defer_fk": "1",
		"_foreign_keys": "off", "_fk": "0", "_ignore_check_constraints": "yes", "immutable": "true",
		"_journal_mode": "DELETE", "_journal": "truncate", "_locking_mode": "EXCLUSIVE", "_locking": "exclusive",
		"mode": "rw", "_mutex": "no", "_query_only": "1", "_recursive_triggers": "1", "_rt": "on",
		"_secure_delete": "FAST", "cache": "shared", "_synchronous": "FULL", "_sync": "3", "_loc": "auto",
		"_txlock": "exclusive", "_writable_schema": "0", "_cache_size": "-4000", "_stmt_cache_size": "16",
		"vfs": "memdb",
	},
	"modernc": {
		"_pragma": "foreign_keys=0", "_busy_timeout": "100", "_timeout": "100", "_foreign_keys": "0", "_fk": "no",
		"_journal_mode": "delete", "_journal": "MEMORY", "_synchronous": "off", "_sync": "0",
		"_auto_vacuum": "none", "_vacuum": "0", "_query_only": "true",
		"_time_format": "sqlite", "_time_integer_format": "unix_milli", "_inttotime": "1", "_texttotime": "1",
		"_timezone": "UTC", "_txlock": "immediate", "_dqs": "0", "_defensive": "1", "_error_rc": "1",
		"vfs": "memdb", "mode": "rwc", "cache": "shared", "immutable": "0",
		"nolock": "1", "psow": "1", "modeof": "/etc/hosts",
	},
}

// Every parameter of every peer has a decision in dsnParams, the package
// docs list it, and Parse does what the decision says: a supported
// parameter is accepted with the peer's value; a refused one fails with
// ErrUnsupportedParameter, saying it is not supported and what to use.
func TestDSNParams_peers(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for peer, params := range peerParams {
		for name, value := range params {
			d, ok := dsnParams[name]
			if !ok {
				t.Errorf("%s's %s: no decision", peer, name)
				continue
			}
			if !strings.Contains(string(doc), "\t"+name+" ") && !strings.Contains(string(doc), " "+name+",") && !strings.Contains(string(doc), "\t"+name+",") && !strings.Contains(string(doc), ", "+name+" ") {
				t.Errorf("%s's %s: not in the table of the package docs", peer, name)
			}
			dsn := "file:x.db?" + url.QueryEscape(name) + "=" + url.QueryEscape(value)
			c, err := Parse(dsn)
			switch {
			case d.unsupported == "" && err != nil:
				t.Errorf("%s's %s: Parse(%q) = %v; the table says it is supported", peer, name, dsn, err)
			case d.unsupported == "" && d.pragma != "":
				// A shortcut means what the PRAGMA means.
				want, err := Parse("file:x.db?_pragma=" + url.QueryEscape(d.pragma+"("+value+")"))
				if err != nil {
					t.Errorf("%s's %s: the PRAGMA it names: %v", peer, name, err)
				} else if !equal(c, want) {
					t.Errorf("%s's %s=%s: Parse gives %+v, the PRAGMA %s gives %+v", peer, name, value, c, d.pragma, want)
				}
			case d.unsupported != "":
				if err == nil {
					t.Errorf("%s's %s: Parse(%q) accepted it; the table says it is refused", peer, name, dsn)
				} else if !errors.Is(err, ErrUnsupportedParameter) || !strings.Contains(err.Error(), name+": not supported") || !strings.Contains(err.Error(), d.unsupported) {
					t.Errorf("%s's %s: Parse(%q) = %v, want ErrUnsupportedParameter with %q", peer, name, dsn, err, d.unsupported)
				}
				if value != "" && len(value) > 2 && strings.Contains(err.Error(), value) {
					t.Errorf("%s's %s: the error %q quotes the value", peer, name, err)
				}
			}
		}
	}
	// And the table holds no name that no one documents.
	for name, d := range dsnParams {
		if d.unsupported != "" && !slices.ContainsFunc([]string{"ncruces", "mattn", "modernc"}, func(p string) bool { _, ok := peerParams[p][name]; return ok }) {
			t.Errorf("%s: refused, but no peer documents it", name)
		}
	}
}

func equal(a, b Config) bool { return a.String() == b.String() }
