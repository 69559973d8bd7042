package pragma_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// with returns Default() for path, changed by fn.
func with(path string, fn func(c *pragma.Config)) pragma.Config {
	c := pragma.Default()
	c.Path = path
	if fn != nil {
		fn(&c)
	}
	return c
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dsn  string
		want pragma.Config
	}{
		{"app.db", with("app.db", nil)},
		{"file:app.db", with("app.db", nil)},
		{"/var/lib/app.db", with("/var/lib/app.db", nil)},
		{"file:/var/lib/app.db", with("/var/lib/app.db", nil)},
		{"file:///var/lib/app.db", with("/var/lib/app.db", nil)},
		{"file://localhost/var/lib/app.db", with("/var/lib/app.db", nil)},
		{"file:my%20data%3F.db", with("my data?.db", nil)},
		{"file:app.db#", with("app.db", nil)}, // a fragment is refused: TestParse_fragment
		{":memory:", with(":memory:", nil)},
		{"file::memory:", with(":memory:", nil)},
		{"file::memory:?cache=shared", with(":memory:", nil)},
		{"file:mem1?mode=memory&cache=shared", with("mem1", func(c *pragma.Config) { c.Mode = pragma.ModeMemory })},

		// A DSN changes only what it names.
		{"file:app.db?_pragma=busy_timeout(250)", with("app.db", func(c *pragma.Config) { c.BusyTimeout = 250 * time.Millisecond })},
		{"file:app.db?_pragma=journal_mode(DELETE)", with("app.db", func(c *pragma.Config) { c.JournalMode = pragma.JournalDelete })},
		{"file:app.db?_pragma=journal_mode=truncate", with("app.db", func(c *pragma.Config) { c.JournalMode = pragma.JournalTruncate })},
		{"file:app.db?_pragma=journal_mode('wal')", with("app.db", nil)},
		{"file:app.db?_pragma=synchronous(2)", with("app.db", func(c *pragma.Config) { c.Synchronous = pragma.SyncFull })},
		{"file:app.db?_pragma=foreign_keys(off)", with("app.db", func(c *pragma.Config) { c.ForeignKeys = false })},
		{"file:app.db?_pragma=cache_size(500)", with("app.db", func(c *pragma.Config) { c.CacheSize = pragma.CachePages(500) })},
		{"file:app.db?_pragma=cache_size(-4096)", with("app.db", func(c *pragma.Config) { c.CacheSize = pragma.CacheKiB(4096) })},
		{"file:app.db?_pragma=temp_store(1)", with("app.db", func(c *pragma.Config) { c.TempStore = pragma.TempFile })},
		{"file:app.db?_pragma=mmap_size(268435456)", with("app.db", func(c *pragma.Config) { c.MmapSize = 256 << 20 })},
		{"file:app.db?_pragma=journal_size_limit(-1)", with("app.db", func(c *pragma.Config) { c.JournalSizeLimit = -1 })},
		{"file:app.db?_pragma=wal_autocheckpoint(0)", with("app.db", func(c *pragma.Config) { c.WALAutocheckpoint = -1 })},
		{"file:app.db?_pragma=wal_autocheckpoint(4000)", with("app.db", func(c *pragma.Config) { c.WALAutocheckpoint = 4000 })},
		{"file:app.db?_pragma=locking_mode(EXCLUSIVE)", with("app.db", func(c *pragma.Config) { c.LockingMode = pragma.LockingExclusive })},
		{"file:app.db?_pragma=query_only(true)", with("app.db", func(c *pragma.Config) { c.QueryOnly = true })},
		{"file:app.db?_pragma=secure_delete(fast)", with("app.db", func(c *pragma.Config) { c.SecureDelete = pragma.SecureDeleteFast })},
		{"file:app.db?_pragma=auto_vacuum(incremental)", with("app.db", func(c *pragma.Config) { c.AutoVacuum = pragma.AutoVacuumIncremental })},
		{"file:app.db?_pragma=page_size(16384)", with("app.db", func(c *pragma.Config) { c.PageSize = 16384 })},
		{"file:app.db?_txlock=exclusive", with("app.db", func(c *pragma.Config) { c.TxLock = pragma.TxExclusive })},
		{"file:app.db?_timefmt=sqlite", with("app.db", func(c *pragma.Config) { c.TimeFormat = "sqlite" })},
		{"file:app.db?_stmt_cache=0", with("app.db", func(c *pragma.Config) { c.StmtCache = 0 })},
		{"app.db?_stmt_cache=500", with("app.db", func(c *pragma.Config) { c.StmtCache = 500 })},
		{"file:app.db?vfs=memdb&mode=ro&immutable=1", with("app.db", func(c *pragma.Config) {
			c.VFS, c.Mode, c.Immutable = "memdb", pragma.ModeReadOnly, true
		})},

		// A PRAGMA without a value leaves the setting to SQLite.
		{"file:app.db?_pragma=journal_mode&_pragma=cache_size&_txlock=", with("app.db", func(c *pragma.Config) {
			c.JournalMode, c.CacheSize, c.TxLock = "", 0, ""
		})},

		// PRAGMAs without a field of their own are kept, in order.
		{"file:app.db?_pragma=recursive_triggers(1)&_pragma=max_page_count(42)&_pragma=optimize", with("app.db", func(c *pragma.Config) {
			c.Extra = []pragma.Pragma{{"recursive_triggers", "1"}, {"max_page_count", "42"}, {"optimize", ""}}
		})},
		{"file:enc.db?_pragma=textkey('correct horse')", with("enc.db", func(c *pragma.Config) {
			c.Extra = []pragma.Pragma{{"textkey", "'correct horse'"}}
		})},
	}
	for _, tt := range tests {
		got, err := pragma.Parse(tt.dsn)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.dsn, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.dsn, diff)
		}
	}
}

// The same settings, spelled in each dialect, give the same Config.
func TestParse_dialects(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{
			"file:app.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(0)&_pragma=journal_mode(delete)&_pragma=synchronous(full)&_pragma=cache_size(-8000)&_txlock=deferred", // ncruces
			"file:app.db?_pragma=busy_timeout=5000&_pragma=foreign_keys=0&_pragma=journal_mode=DELETE&_pragma=synchronous=FULL&_pragma=cache_size=-8000&_txlock=deferred",      // modernc
			"app.db?_busy_timeout=5000&_fk=false&_journal=DELETE&_sync=2&_cache_size=-8000&_txlock=deferred",                                                                   // mattn, short
			"file:app.db?_timeout=5000&_foreign_keys=0&_journal_mode=delete&_synchronous=FULL&_cache_size=-8000&_txlock=deferred",                                              // mattn, long
		},
		{
			"file:app.db?_timefmt=2006-01-02%2015:04:05.999999999-07:00&_pragma=locking_mode(exclusive)&_pragma=recursive_triggers(1)",
			"file:app.db?_time_format=sqlite&_pragma=locking_mode=EXCLUSIVE&_pragma=recursive_triggers=1",
			"app.db?_time_format=sqlite&_locking=EXCLUSIVE&_rt=1",
			"app.db?_timefmt=2006-01-02 15:04:05.999999999-07:00&_locking_mode=exclusive&_recursive_triggers=1",
		},
	}
	for _, dsns := range groups {
		want, err := pragma.Parse(dsns[0])
		if err != nil {
			t.Fatalf("Parse(%q): %v", dsns[0], err)
		}
		if cmp.Equal(want, with("app.db", nil)) {
			t.Fatalf("Parse(%q) changed nothing", dsns[0])
		}
		for _, dsn := range dsns[1:] {
			got, err := pragma.Parse(dsn)
			if err != nil {
				t.Errorf("Parse(%q): %v", dsn, err)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%q) differs from Parse(%q) (-want +got):\n%s", dsn, dsns[0], diff)
			}
		}
	}
}

func TestParse_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dsn      string
		sentinel error
		message  string // the whole error message
	}{
		{"file:app.db?_pragma=journal_mode(sideways)", pragma.ErrInvalidValue,
			`pragma: journal_mode: "sideways" is not one of delete, truncate, persist, memory, wal, off`},
		{"file:app.db?_pragma=journal_mod(wal)", pragma.ErrUnknownPragma,
			`pragma: journal_mod: unknown pragma; did you mean journal_mode?`},
		{"file:app.db?_pragma=foriegn_keys(1)", pragma.ErrUnknownPragma,
			`pragma: foriegn_keys: unknown pragma; did you mean foreign_keys?`},
		{"file:app.db?_pragma=frobnicate(1)", pragma.ErrUnknownPragma,
			`pragma: frobnicate: unknown pragma`},
		{"app.db?_fkk=1", pragma.ErrUnknownParameter,
			`pragma: _fkk: unknown DSN parameter; did you mean _fk?`},
		{"app.db?_busy_timout=1", pragma.ErrUnknownParameter,
			`pragma: _busy_timout: unknown DSN parameter; did you mean _busy_timeout?`},
		{"app.db?_loc=Mars/Olympus", pragma.ErrInvalidValue,
			`pragma: _loc: "Mars/Olympus" is not auto or a time zone name such as UTC or Europe/Paris`},
		{"app.db?_mutex=some", pragma.ErrInvalidValue,
			`pragma: _mutex: "some" is not one of no, full`},
		{"app.db?_auth_pass=hunter2", pragma.ErrUnsupportedParameter,
			`pragma: _auth_pass: not supported: SQLite's user authentication extension is not in this SQLite (SQLite dropped it, and mattn ignores these parameters unless built with sqlite_userauth): remove them, and protect the file with its permissions or encrypt it (vfs=adiantum with _pragma=textkey)`},
		{"file:app.db?_pragma=busy_timeout(soon)", pragma.ErrInvalidValue,
			`pragma: busy_timeout: "soon" is not a number of milliseconds from 0 to 2147483647`},
		{"file:app.db?_pragma=busy_timeout(-5)", pragma.ErrInvalidValue,
			`pragma: busy_timeout: "-5" is not a number of milliseconds from 0 to 2147483647`},
		{"file:app.db?_pragma=foreign_keys(maybe)", pragma.ErrInvalidValue,
			`pragma: foreign_keys: "maybe" is not a boolean (1, 0, on, off, true, false, yes, no)`},
		{"file:app.db?_pragma=synchronous(4)", pragma.ErrInvalidValue,
			`pragma: synchronous: "4" is not one of off, normal, full, extra`},
		{"file:app.db?_pragma=page_size(1000)", pragma.ErrInvalidValue,
			`pragma: page_size: "1000" is not a power of two from 512 to 65536`},
		{"file:app.db?_pragma=cache_size(0)", pragma.ErrInvalidValue,
			`pragma: cache_size: "0" is not a number of pages (1 to 2147483647) or of KiB (-1 to -2147483648)`},
		{"file:app.db?_pragma=mmap_size(-1)", pragma.ErrInvalidValue,
			`pragma: mmap_size: "-1" is not a whole number from 0 to 9223372036854775807`},
		{"file:app.db?_pragma=journal_size_limit(0)", pragma.ErrInvalidValue,
			`pragma: journal_size_limit: 0 (truncate after every transaction) is not supported: use a small positive limit in bytes, or -1 for none`},
		{"file:app.db?_txlock=sometimes", pragma.ErrInvalidValue,
			`pragma: _txlock: "sometimes" is not one of deferred, immediate, exclusive`},
		{"file:app.db?_stmt_cache=-1", pragma.ErrInvalidValue,
			`pragma: _stmt_cache: "-1" is not a number of statements from 0 to 10000`},
		{"file:app.db?mode=rwx", pragma.ErrInvalidValue,
			`pragma: mode: "rwx" is not one of ro, rw, rwc, memory`},
		{"file:app.db?cache=yes", pragma.ErrInvalidValue,
			`pragma: cache: "yes" is not one of shared, private`},
		{"file:app.db?immutable=perhaps", pragma.ErrInvalidValue,
			`pragma: immutable: "perhaps" is not a boolean (1, 0, on, off, true, false, yes, no)`},
		{"file:app.db?_pragma=busy_timeout(1)&_busy_timeout=2", pragma.ErrInvalidValue,
			`pragma: busy_timeout: given twice`},
		{"file:app.db?_txlock=deferred&_txlock=immediate", pragma.ErrInvalidValue,
			`pragma: _txlock: given twice`},
		{"file:app.db?_pragma=foreign_keys", pragma.ErrInvalidValue,
			`pragma: foreign_keys: needs a value`},
		{"file:app.db?_pragma=busy_timeout(5", pragma.ErrInvalidValue,
			`pragma: _pragma: "busy_timeout(5" is not name(value), name=value or name`},
		{"file:app.db?_pragma=user_version(1);DROP TABLE t", pragma.ErrInvalidValue,
			`pragma: _pragma: "user_version(1);DROP TABLE t" is not name(value), name=value or name`},
		{"file:app.db?_pragma=user_version=1;DROP TABLE t", pragma.ErrInvalidValue,
			`pragma: user_version: "1;DROP TABLE t" is not a number, a name or a quoted string`},
		{"file:app.db?_pragma=application_id('x'')", pragma.ErrInvalidValue,
			`pragma: application_id: "'x''" is not a number, a name or a quoted string`},
		{"file:app.db?_pragma=user_version=%zz", pragma.ErrInvalidValue,
			`pragma: _pragma: bad %-escape in "_pragma=user_version=%zz"`},
		{"file://example.com/app.db", pragma.ErrInvalidValue,
			`pragma: path: URI authority "example.com" is not supported: only empty or localhost`},
		{"", pragma.ErrInvalidValue,
			`pragma: path: empty: name a database file, or :memory:`},
	}
	for _, tt := range tests {
		_, err := pragma.Parse(tt.dsn)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %q", tt.dsn, tt.message)
			continue
		}
		if !errors.Is(err, tt.sentinel) {
			t.Errorf("Parse(%q) = %v, does not match %v", tt.dsn, err, tt.sentinel)
		}
		var perr *pragma.Error
		if !errors.As(err, &perr) {
			t.Errorf("Parse(%q) = %T, not a *pragma.Error", tt.dsn, err)
		}
		if err.Error() != tt.message {
			t.Errorf("Parse(%q)\n got: %s\nwant: %s", tt.dsn, err, tt.message)
		}
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		change  func(c *pragma.Config)
		message string
	}{
		{"default", func(*pragma.Config) {}, ""},
		{"zero settings", func(c *pragma.Config) { *c = pragma.Config{Path: "x.db"} }, ""},
		{"no path", func(c *pragma.Config) { c.Path = "" }, "pragma: path: empty: name a database file, or :memory:"},
		{"enum", func(c *pragma.Config) { c.JournalMode = "sideways" },
			`pragma: journal_mode: "sideways" is not one of delete, truncate, persist, memory, wal, off`},
		{"enum case", func(c *pragma.Config) { c.JournalMode = "WAL" }, `pragma: journal_mode: "WAL" must be written "wal"`},
		{"busy sub-ms", func(c *pragma.Config) { c.BusyTimeout = 1500 * time.Microsecond },
			"pragma: busy_timeout: 1.5ms is not a whole number of milliseconds from 0 to 2147483647"},
		{"busy negative", func(c *pragma.Config) { c.BusyTimeout = -time.Second },
			"pragma: busy_timeout: -1s is not a whole number of milliseconds from 0 to 2147483647"},
		{"page size", func(c *pragma.Config) { c.PageSize = 3000 }, `pragma: page_size: "3000" is not a power of two from 512 to 65536`},
		{"mmap", func(c *pragma.Config) { c.MmapSize = -1 }, `pragma: mmap_size: "-1" is not a whole number from 0 to 9223372036854775807`},
		{"txlock", func(c *pragma.Config) { c.TxLock = "later" }, `pragma: _txlock: "later" is not one of deferred, immediate, exclusive`},
		{"extra unknown", func(c *pragma.Config) { c.Extra = []pragma.Pragma{{"recursive_trigger", "1"}} },
			"pragma: recursive_trigger: unknown pragma; did you mean recursive_triggers?"},
		{"extra upper case", func(c *pragma.Config) { c.Extra = []pragma.Pragma{{"USER_VERSION", "1"}} },
			"pragma: USER_VERSION: unknown pragma; did you mean user_version?"},
		{"extra typed", func(c *pragma.Config) { c.Extra = []pragma.Pragma{{"journal_mode", "wal"}} },
			"pragma: journal_mode: has a field of its own in Config: set that field, not Extra"},
		{"extra injection", func(c *pragma.Config) { c.Extra = []pragma.Pragma{{"user_version", "1; DROP TABLE x"}} },
			`pragma: user_version: "1; DROP TABLE x" is not a number, a name or a quoted string`},
		{"extra key late", func(c *pragma.Config) {
			c.Extra = []pragma.Pragma{{"recursive_triggers", "1"}, {"hexkey", "'00'"}}
		}, "pragma: hexkey: an encryption key must come before the other Extra pragmas"},
	}
	for _, tt := range tests {
		c := with("app.db", tt.change)
		err := c.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.message {
			t.Errorf("%s: Validate()\n got: %s\nwant: %s", tt.name, got, tt.message)
		}
	}
}

// Parse(c.String()) == c for every valid Config.
func TestConfig_String_roundTrip(t *testing.T) {
	t.Parallel()
	configs := []pragma.Config{
		with("app.db", nil),
		{Path: "zero.db"},
		with(":memory:", nil),
		with("/abs/path with spaces/and?query#hash%.db", nil),
		with("//double/slash.db", nil),
		with("naïve.db", nil),
		with("mem", func(c *pragma.Config) { c.Mode = pragma.ModeMemory }),
		with("all.db", func(c *pragma.Config) {
			*c = pragma.Config{
				Path: "all.db", VFS: "memdb", Mode: pragma.ModeReadWrite, Immutable: true,
				TxLock: pragma.TxExclusive, TimeFormat: "2006-01-02 15:04:05 -07:00", TimeLocation: "UTC", StmtCache: 7,
				BusyTimeout: 0, JournalMode: pragma.JournalTruncate, Synchronous: pragma.SyncExtra,
				ForeignKeys: false, CacheSize: pragma.CachePages(123), TempStore: pragma.TempDefault,
				MmapSize: 1 << 30, JournalSizeLimit: -1, WALAutocheckpoint: -1,
				LockingMode: pragma.LockingNormal, QueryOnly: true, SecureDelete: pragma.SecureDeleteOn,
				AutoVacuum: pragma.AutoVacuumFull, PageSize: 65536,
				Extra: []pragma.Pragma{
					{"textkey", "'it''s & = + a key'"},
					{"recursive_triggers", "on"},
					{"soft_heap_limit", "-7"},
					{"analysis_limit", ""},
					{"encoding", `"UTF-8"`},
				},
			}
		}),
	}
	for _, c := range configs {
		dsn := c.String()
		got, err := pragma.Parse(dsn)
		if err != nil {
			t.Errorf("Parse(%q): %v", dsn, err)
			continue
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("Parse(String()) of %q (-want +got):\n%s", dsn, diff)
		}
	}
}

func TestConfig_String(t *testing.T) {
	t.Parallel()
	tests := []struct {
		config pragma.Config
		want   string
	}{
		{with("app.db", nil), "file:app.db?_txlock=immediate" +
			"&_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)" +
			"&_pragma=foreign_keys(1)&_pragma=cache_size(-20000)&_pragma=temp_store(memory)" +
			"&_pragma=journal_size_limit(67108864)"},
		{pragma.Config{Path: "x.db"}, "file:x.db?_txlock=&_stmt_cache=0" +
			"&_pragma=busy_timeout(0)&_pragma=journal_mode&_pragma=synchronous" +
			"&_pragma=foreign_keys(0)&_pragma=cache_size&_pragma=temp_store" +
			"&_pragma=journal_size_limit"},
		{with("a b?.db", func(c *pragma.Config) {
			c.Extra = []pragma.Pragma{{"recursive_triggers", "1"}, {"optimize", ""}}
			c.LockingMode = pragma.LockingExclusive
		}), "file:a%20b%3F.db?_txlock=immediate" +
			"&_pragma=busy_timeout(10000)&_pragma=locking_mode(exclusive)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)" +
			"&_pragma=foreign_keys(1)&_pragma=cache_size(-20000)&_pragma=temp_store(memory)" +
			"&_pragma=journal_size_limit(67108864)&_pragma=recursive_triggers(1)&_pragma=optimize"},
	}
	for _, tt := range tests {
		if got := tt.config.String(); got != tt.want {
			t.Errorf("String()\n got: %s\nwant: %s", got, tt.want)
		}
	}
}

func TestKnown(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"journal_mode", "JOURNAL_MODE", "wal_checkpoint", "textkey"} {
		if !pragma.Known(name) {
			t.Errorf("Known(%q) = false", name)
		}
	}
	for _, name := range []string{"journal_mod", "", "drop table"} {
		if pragma.Known(name) {
			t.Errorf("Known(%q) = true", name)
		}
	}
}

func TestCacheSize(t *testing.T) {
	t.Parallel()
	if n, ok := pragma.CacheKiB(2048).KiB(); !ok || n != 2048 {
		t.Errorf("CacheKiB(2048).KiB() = %d, %v", n, ok)
	}
	if _, ok := pragma.CacheKiB(2048).Pages(); ok {
		t.Error("CacheKiB(2048).Pages() reports pages")
	}
	if n, ok := pragma.CachePages(10).Pages(); !ok || n != 10 {
		t.Errorf("CachePages(10).Pages() = %d, %v", n, ok)
	}
	got := strings.Join([]string{pragma.CacheKiB(5).String(), pragma.CachePages(7).String(), pragma.CacheSize(0).String()}, "|")
	if want := "5 KiB|7 pages|not set"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
