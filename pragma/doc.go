// Package pragma is a typed, validated description of how to open an
// SQLite database: the file, SQLite's URI parameters, the driver's
// parameters and the PRAGMAs each connection runs.
//
// It is pure Go and imports nothing of SQLite: a [Config] can be built,
// checked, printed and compared in any program, and it converts to a DSN
// ([Config.String]) and back ([Parse]).
//
// # Defaults
//
// [Default] is the tuned set that package driver uses for any setting a
// DSN does not name. Each setting carries the reason for it:
//
//	setting              default      why
//	journal_mode         WAL          readers and the writer do not block each other
//	synchronous          NORMAL       one fsync less per commit; never corrupts a WAL database,
//	                                  but a power loss may lose the last commits (see Config.Synchronous)
//	busy_timeout         10 s         wait for a lock instead of "database is locked"
//	foreign_keys         ON           enforce what REFERENCES says
//	cache_size           -20000       page cache bounded at ~20 MB per connection
//	temp_store           MEMORY       sorts and temporary indexes without temp files
//	journal_size_limit   64 MiB       the WAL shrinks back after a burst of writes
//	_txlock              immediate    writers take the lock at BEGIN, never fail late
//	_stmt_cache          64           statements kept prepared per connection, by SQL text
//
// # Validation
//
// SQLite silently ignores a PRAGMA it does not know, and silently keeps
// its old value when given one it cannot use: "journal_mod=wal" and
// "journal_mode=sideways" both leave the database in rollback-journal
// mode without a word. Parse and [Config.Validate] refuse both, with an
// [*Error] that names the PRAGMA and the value, explains what is allowed,
// suggests the nearest known name, and matches [ErrInvalidValue],
// [ErrUnknownPragma], [ErrUnknownParameter] or [ErrUnsupportedParameter]
// with errors.Is. Errors quote at most 64 bytes of a name or value, and
// never the value of an encryption key.
//
// # DSN dialects
//
// Parse accepts the DSNs written for ncruces/go-sqlite3 v0.37.0,
// mattn/go-sqlite3 v1.14.53 and modernc.org/sqlite v1.62.0. Every
// parameter those drivers document has a decision in the table below:
// either Parse gives it the same meaning as every driver that has it, or
// Parse refuses it with an error wrapping [ErrUnsupportedParameter] that
// says what to use instead. No parameter is accepted with another
// meaning, except in the two corners the table says (_time_format=datetime
// of a time not in UTC, cache=shared between pools), and none is silently
// ignored; a parameter no driver knows wraps [ErrUnknownParameter].
//
//	parameter                      drivers                   decision
//	_pragma                        ncruces, modernc          same, one PRAGMA per parameter: name(value), name=value or name
//	                                                         (modernc runs any SQL there: a second statement is refused)
//	_txlock                        all three                 same: deferred, immediate, exclusive; ncruces' concurrent is
//	                                                         refused (this SQLite has no BEGIN CONCURRENT)
//	_timefmt                       ncruces                   same: see Config.TimeFormat
//	_time_format                   modernc                   same: sqlite, datetime, string_no_monotonic (datetime is written
//	                                                         in UTC; see Config.TimeFormat)
//	_loc                           mattn                     same: Config.TimeLocation
//	_stmt_cache                    sqlitekit                 Config.StmtCache
//	_stmt_cache_size               mattn                     same: Config.StmtCache
//	_mutex                         mattn                     same: no or full; each connection is used by one goroutine at a time
//	_busy_timeout, _timeout        mattn, modernc            same: PRAGMA busy_timeout
//	_foreign_keys, _fk             mattn, modernc            same: PRAGMA foreign_keys
//	_journal_mode, _journal        mattn, modernc            same: PRAGMA journal_mode
//	_synchronous, _sync            mattn, modernc            same: PRAGMA synchronous
//	_auto_vacuum, _vacuum          mattn, modernc            same: PRAGMA auto_vacuum
//	_query_only                    mattn, modernc            same: PRAGMA query_only
//	_cache_size                    mattn                     same: PRAGMA cache_size
//	_case_sensitive_like, _cslike  mattn                     same: PRAGMA case_sensitive_like
//	_defer_foreign_keys, _defer_fk mattn                     same: PRAGMA defer_foreign_keys
//	_ignore_check_constraints      mattn                     same: PRAGMA ignore_check_constraints
//	_locking_mode, _locking        mattn                     same: PRAGMA locking_mode
//	_recursive_triggers, _rt       mattn                     same: PRAGMA recursive_triggers
//	_secure_delete                 mattn                     same: PRAGMA secure_delete
//	_writable_schema               mattn                     same: PRAGMA writable_schema
//	vfs, mode, immutable           SQLite's, all three       same (also after a plain file name, where mattn drops mode)
//	cache                          SQLite's, all three       shared or private, no effect: this SQLite has no shared cache,
//	                                                         and every connection of a pool shares an in-memory database;
//	                                                         to share one between pools, name it (file:name?mode=memory),
//	                                                         as file::memory:?cache=shared shares it in the other drivers
//	nolock                         SQLite's                  refused: writers could corrupt the file; immutable=1 for read-only media
//	psow                           SQLite's                  refused: SQLite's default (on) is used
//	modeof                         SQLite's                  refused: create the file with the permissions it needs
//	key, hexkey, textkey           ncruces (adiantum, xts)   refused: any code can read a key in the file name back;
//	                                                         use _pragma=textkey('…') (or key, hexkey)
//	_auth, _auth_user, _auth_pass  mattn                     refused: SQLite's user authentication is not in this SQLite
//	_auth_crypt, _auth_salt        mattn                     (mattn ignores them unless built with sqlite_userauth)
//	_time_integer_format           modernc                   refused: use _timefmt=unixepoch (or _milli, _micro, _nano)
//	_inttotime                     modernc                   refused: DATE, TIME, DATETIME and TIMESTAMP columns always read as time.Time
//	_texttotime                    modernc                   refused: those columns read as time.Time, TEXT ones as strings; other text
//	                                                         (max(ts), a column of no declared type) is a time only if it is exactly
//	                                                         RFC 3339 as sqlitekit writes times, not any date-shaped text as in modernc
//	_timezone                      modernc                   refused: use _loc
//	_dqs, _defensive               modernc                   refused: set them in driver.Options.ConnInit with conn.Config
//	_error_rc                      modernc                   refused: errors are ncruces', matched with errors.Is
//
// Each spelling of a setting gives the same Config, and naming one
// setting twice, in any spelling, is an error:
//
//	file:app.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)   ncruces, modernc
//	app.db?_busy_timeout=5000&_fk=true                               mattn
//
// What a DSN does not name keeps sqlitekit's default (see Defaults),
// which differs from each driver's own: mattn's busy timeout is 5 s and
// it leaves foreign keys off, for example. Times are written in RFC 3339
// unless the DSN says otherwise: mattn always writes them as modernc's
// _time_format=sqlite does, so a program moving from mattn adds that
// parameter to keep the stored text the same.
//
// # Zero values
//
// A zero field means "not set": the setting is left to SQLite. Booleans
// and BusyTimeout are always settings: false and zero are applied.
// See [Config].
//
// https://sqlite.org/pragma.html
//
// https://sqlite.org/uri.html
package pragma
