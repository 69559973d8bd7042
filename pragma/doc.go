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
//	synchronous          NORMAL       safe in WAL mode; one fsync less per commit
//	busy_timeout         10 s         wait for a lock instead of "database is locked"
//	foreign_keys         ON           enforce what REFERENCES says
//	cache_size           -20000       page cache bounded at ~20 MB per connection
//	temp_store           MEMORY       sorts and temporary indexes without temp files
//	journal_size_limit   64 MiB       the WAL shrinks back after a burst of writes
//	_txlock              immediate    writers take the lock at BEGIN, never fail late
//
// # Validation
//
// SQLite silently ignores a PRAGMA it does not know, and silently keeps
// its old value when given one it cannot use: "journal_mod=wal" and
// "journal_mode=sideways" both leave the database in rollback-journal
// mode without a word. Parse and [Config.Validate] refuse both, with an
// [*Error] that names the PRAGMA and the value, explains what is allowed,
// suggests the nearest known name, and matches [ErrInvalidValue],
// [ErrUnknownPragma] or [ErrUnknownParameter] with errors.Is.
//
// # DSN dialects
//
// Parse accepts the DSNs written for ncruces/go-sqlite3, modernc.org/sqlite
// and mattn/go-sqlite3 (see [Parse] for the parameters), so a program
// moving to sqlitekit keeps its connection strings. Each spelling of a
// setting gives the same Config:
//
//	file:app.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)   ncruces, modernc
//	app.db?_busy_timeout=5000&_fk=true                               mattn
//
// # Zero values
//
// A zero field means "not set": the setting is left to SQLite. Booleans
// and BusyTimeout are always settings: false and zero are applied.
// See [Config].
package pragma
