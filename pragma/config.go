package pragma

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Config is a complete, typed description of how to open an SQLite
// database: the file, the URI parameters, the driver parameters and the
// PRAGMAs every connection runs.
//
// The zero value of a field means "not set": sqlitekit leaves that setting
// to SQLite (its compiled-in default, or for persistent settings such as
// the journal mode, whatever the database file already has).
// The exceptions are the booleans, BusyTimeout and StmtCache, which always
// state a value: false and zero are settings, applied as such.
//
// Start from [Default] rather than from the zero value:
//
//	cfg := pragma.Default()
//	cfg.Path = "app.db"
//	cfg.BusyTimeout = 30 * time.Second
//
// A Config converts to a DSN with [Config.String] and back with [Parse].
type Config struct {
	// Path is the database file name. ":memory:" names an in-memory
	// database private to one *sql.DB. An empty Path is an error: SQLite
	// would open a temporary database that is deleted when it closes,
	// so a configuration that forgot its file name would lose every
	// write without a word.
	// Path is a file name, not a URI: one that begins with "file:" is
	// an error (a DSN put here by mistake); write such a file with its
	// directory, "./file:...".
	// With Mode set to ModeMemory, Path names an in-memory database
	// shared by every *sql.DB of the process that opens the same name.
	Path string

	// VFS names the SQLite VFS used to open the file.
	// Empty: the driver's default.
	VFS string
	// Mode is the URI "mode" parameter: how the file is opened.
	// Empty: read-write, created if missing (rwc).
	Mode Mode
	// Immutable declares that the file cannot change, not even by another
	// process: SQLite takes no locks and reads no WAL.
	// Only for files on read-only media.
	Immutable bool

	// TxLock is how BEGIN starts a write transaction ("_txlock").
	// Read-only transactions (sql.TxOptions{ReadOnly: true}) always
	// begin DEFERRED, whatever TxLock says.
	// Empty: DEFERRED, SQLite's own default.
	TxLock TxLock
	// TimeFormat is how time.Time values are written ("_timefmt", with
	// ncruces/go-sqlite3's meaning for each value):
	//   - "" or "auto": RFC 3339 with nanoseconds and the time's offset;
	//   - "sqlite": "YYYY-MM-DD HH:MM:SS" in UTC (fractions of a second
	//     are not kept);
	//   - "rfc3339": as "auto";
	//   - "julianday", "unixepoch", "unixepoch_frac", "unixepoch_milli",
	//     "unixepoch_micro", "unixepoch_nano": a number;
	//   - a [github.com/ncruces/go-sqlite3.TimeFormat] layout, such as
	//     "2006-01-02 15:04:05.000" (the layouts without an offset are
	//     written in UTC);
	//   - any other Go layout that keeps a time's date, its time to the
	//     second and its offset (it is checked with one); a layout that
	//     loses them, or a name ncruces does not know, is an error.
	//
	// modernc.org/sqlite's _time_format values are its layouts: "sqlite"
	// is "2006-01-02 15:04:05.999999999-07:00" (the format
	// mattn/go-sqlite3 always writes), "string_no_monotonic" is
	// "2006-01-02 15:04:05.999999999 -0700 MST", and "datetime" is
	// "2006-01-02 15:04:05", written in UTC as SQLite's datetime() does,
	// where modernc writes the time's own wall clock without its offset
	// (a time that is not in UTC would read back as another instant).
	//
	// Values in DATE, TIME, DATETIME and TIMESTAMP columns are read in
	// this format, else in any format SQLite's date functions understand
	// (what CURRENT_TIMESTAMP and datetime() write), else as
	// time.Time.String writes them.
	TimeFormat string
	// TimeLocation is the location times read from the database are
	// given in ("_loc", as mattn/go-sqlite3 names it): "auto" is the
	// program's local time (time.Local), any other value a name
	// time.LoadLocation knows, such as "UTC" or "Europe/Paris". A time
	// stored without an offset is taken to be in UTC, then moved to the
	// location. Empty: a time keeps the offset it was stored with.
	// Writing is not affected: see TimeFormat.
	TimeLocation string
	// StmtCache is how many prepared statements each connection keeps,
	// by SQL text, for db.Query and db.Exec calls that do not prepare
	// their own ("_stmt_cache"). Zero disables the cache.
	StmtCache int

	// BusyTimeout is how long a connection waits for a lock held by
	// another connection before it fails with SQLITE_BUSY.
	// Zero means do not wait.
	//
	// https://sqlite.org/pragma.html#pragma_busy_timeout
	BusyTimeout time.Duration
	// JournalMode is how SQLite keeps transactions atomic.
	// It is persistent for WAL: set once, the file stays in WAL mode.
	//
	// https://sqlite.org/pragma.html#pragma_journal_mode
	JournalMode JournalMode
	// Synchronous is how often SQLite waits for data to reach the disk.
	//
	// In WAL mode, NORMAL (the default) syncs the WAL at each checkpoint
	// rather than at each commit: a crash of the process loses nothing
	// committed, but a power loss or an operating system crash can lose
	// the transactions committed since the last sync (the database stays
	// consistent). FULL syncs at every commit, so every commit that
	// returned survives those too, at the cost of an fsync per commit:
	// choose it (_pragma=synchronous(full), or SyncFull) when losing an
	// acknowledged write is not acceptable.
	//
	// https://sqlite.org/pragma.html#pragma_synchronous
	Synchronous Synchronous
	// ForeignKeys enforces FOREIGN KEY constraints.
	//
	// https://sqlite.org/pragma.html#pragma_foreign_keys
	ForeignKeys bool
	// CacheSize bounds each connection's page cache;
	// see [CacheKiB] and [CachePages].
	//
	// https://sqlite.org/pragma.html#pragma_cache_size
	CacheSize CacheSize
	// TempStore is where temporary tables and indexes live.
	//
	// https://sqlite.org/pragma.html#pragma_temp_store
	TempStore TempStore
	// MmapSize is how many bytes of the file are read through mmap.
	// Zero: SQLite's default, which in this build is no mmap.
	//
	// https://sqlite.org/pragma.html#pragma_mmap_size
	MmapSize int64
	// JournalSizeLimit, in bytes, is how large a WAL file or a persisted
	// rollback journal is left after a checkpoint or a transaction.
	// Negative: no limit. Zero: not set (SQLite's default: no limit).
	// SQLite's own value 0 (truncate every time) cannot be written here:
	// use a small positive limit.
	//
	// https://sqlite.org/pragma.html#pragma_journal_size_limit
	JournalSizeLimit int64
	// WALAutocheckpoint is the WAL size, in pages, at which a commit
	// runs a PASSIVE checkpoint. Negative disables automatic checkpoints.
	// Zero: not set (SQLite's default: 1000 pages). Package driver runs
	// these checkpoints off the write path, in a goroutine of the pool
	// (see driver.Checkpoint), through a WAL hook that takes the PRAGMA's
	// place (it then reads 0).
	//
	// https://sqlite.org/pragma.html#pragma_wal_autocheckpoint
	WALAutocheckpoint int
	// LockingMode: in EXCLUSIVE mode a connection never releases its file
	// locks; no other connection or process can use the database (a pool
	// of driver.Open then has one connection; with sql.Open, call
	// db.SetMaxOpenConns(1)).
	//
	// https://sqlite.org/pragma.html#pragma_locking_mode
	LockingMode LockingMode
	// QueryOnly makes every connection refuse to change the database.
	//
	// https://sqlite.org/pragma.html#pragma_query_only
	QueryOnly bool
	// SecureDelete overwrites deleted content.
	//
	// https://sqlite.org/pragma.html#pragma_secure_delete
	SecureDelete SecureDelete
	// AutoVacuum: takes effect only on a new database (or after VACUUM).
	//
	// https://sqlite.org/pragma.html#pragma_auto_vacuum
	AutoVacuum AutoVacuum
	// PageSize, in bytes, a power of two from 512 to 65536.
	// Takes effect only on a new database, before it is in WAL mode
	// (or after VACUUM). Zero: not set.
	//
	// https://sqlite.org/pragma.html#pragma_page_size
	PageSize int

	// Extra holds further PRAGMAs, run in order after the ones above.
	// Each Name must be a PRAGMA SQLite knows (see [Known]) that has no
	// field of its own in Config. They run on every new connection, so
	// user_version, schema_version and application_id, which write the
	// database file's header, are refused with a value: every connection
	// the pool opened would write them again (undoing driver.Migrate's
	// version, for one). Run those once, or use driver.Migrate.
	Extra []Pragma
}

// Pragma is a PRAGMA that has no field of its own in [Config].
type Pragma struct {
	// Name is the PRAGMA's name, in lower case.
	Name string
	// Value is the PRAGMA's argument: a number, a name, or a quoted
	// string. Empty runs the PRAGMA without an argument.
	Value string
}

// Default returns the configuration sqlitekit uses when a DSN does not say
// otherwise: the settings experienced SQLite users apply by hand to a
// database that one program reads and writes from many goroutines.
func Default() Config {
	return Config{
		// Readers never block the writer and the writer never blocks
		// readers; commits append to the WAL instead of rewriting pages.
		JournalMode: JournalWAL,
		// In WAL mode NORMAL cannot corrupt the database, and it saves
		// an fsync per commit; the price: a power loss or OS crash can
		// lose the transactions committed since the last sync (a
		// process crash cannot). SyncFull when that is not acceptable.
		Synchronous: SyncNormal,
		// Wait for a lock instead of failing at once with "database is
		// locked"; 10 s covers a long checkpoint or a slow writer.
		BusyTimeout: 10 * time.Second,
		// What a schema with REFERENCES means to say.
		ForeignKeys: true,
		// A page cache bounded at about 20 MB per connection keeps memory
		// flat whatever the database size (SQLite's default is 2 MB).
		CacheSize: CacheKiB(20 * 1000),
		// Sorts and temporary indexes in memory, not in temporary files.
		TempStore: TempMemory,
		// Keep the WAL from staying at its largest size after a burst of
		// writes: truncate it to 64 MiB after a checkpoint.
		JournalSizeLimit: 64 << 20,
		// Write transactions take the write lock at BEGIN: they wait in
		// the busy handler there, and never fail late, at their first
		// write, with SQLITE_BUSY_SNAPSHOT.
		TxLock: TxImmediate,
		// Code that calls db.QueryRowContext with literal SQL prepares
		// the same statements again and again; keeping the last 64 per
		// connection removes that cost.
		StmtCache: 64,
	}
}

// Mode is the URI "mode" parameter.
//
// https://sqlite.org/uri.html#urimode
type Mode string

// The modes.
const (
	ModeReadOnly        Mode = "ro"
	ModeReadWrite       Mode = "rw"
	ModeReadWriteCreate Mode = "rwc"
	ModeMemory          Mode = "memory"
)

// TxLock is the transaction behaviour of BEGIN for write transactions.
//
// https://sqlite.org/lang_transaction.html#deferred_immediate_and_exclusive_transactions
type TxLock string

// The transaction behaviours.
const (
	TxDeferred  TxLock = "deferred"
	TxImmediate TxLock = "immediate"
	TxExclusive TxLock = "exclusive"
)

// JournalMode is the value of PRAGMA journal_mode.
type JournalMode string

// The journal modes.
const (
	JournalDelete   JournalMode = "delete"
	JournalTruncate JournalMode = "truncate"
	JournalPersist  JournalMode = "persist"
	JournalMemory   JournalMode = "memory"
	JournalWAL      JournalMode = "wal"
	JournalOff      JournalMode = "off"
)

// Synchronous is the value of PRAGMA synchronous.
type Synchronous string

// The synchronous levels.
const (
	SyncOff    Synchronous = "off"
	SyncNormal Synchronous = "normal"
	SyncFull   Synchronous = "full"
	SyncExtra  Synchronous = "extra"
)

// TempStore is the value of PRAGMA temp_store.
type TempStore string

// The temp_store values.
const (
	TempDefault TempStore = "default"
	TempFile    TempStore = "file"
	TempMemory  TempStore = "memory"
)

// LockingMode is the value of PRAGMA locking_mode.
type LockingMode string

// The locking modes.
const (
	LockingNormal    LockingMode = "normal"
	LockingExclusive LockingMode = "exclusive"
)

// SecureDelete is the value of PRAGMA secure_delete.
type SecureDelete string

// The secure_delete values.
const (
	SecureDeleteOff  SecureDelete = "off"
	SecureDeleteOn   SecureDelete = "on"
	SecureDeleteFast SecureDelete = "fast"
)

// AutoVacuum is the value of PRAGMA auto_vacuum.
type AutoVacuum string

// The auto_vacuum values.
const (
	AutoVacuumNone        AutoVacuum = "none"
	AutoVacuumFull        AutoVacuum = "full"
	AutoVacuumIncremental AutoVacuum = "incremental"
)

// CacheSize is the size of a connection's page cache, either in pages or
// in kibibytes. Build one with [CachePages] or [CacheKiB]; the zero value
// means not set (SQLite's default, 2000 KiB).
//
// Its integer value is SQLite's own encoding: positive for pages,
// negative for KiB. SQLite reads it as a 32-bit int: [Config.Validate]
// refuses a size outside -2147483648 to 2147483647.
type CacheSize int64

// CachePages returns a cache size of n pages (n > 0).
func CachePages(n int64) CacheSize { return CacheSize(n) }

// CacheKiB returns a cache size of n kibibytes (n > 0).
func CacheKiB(n int64) CacheSize { return CacheSize(-n) }

// Pages returns the size in pages, and whether the size is in pages.
func (s CacheSize) Pages() (int64, bool) { return int64(s), s > 0 }

// KiB returns the size in kibibytes, and whether the size is in KiB.
func (s CacheSize) KiB() (int64, bool) { return -int64(s), s < 0 }

// String returns "20000 KiB", "500 pages" or "not set".
func (s CacheSize) String() string {
	switch {
	case s > 0:
		return strconv.FormatInt(int64(s), 10) + " pages"
	case s < 0 && s != math.MinInt64:
		return strconv.FormatInt(-int64(s), 10) + " KiB"
	case s == 0:
		return "not set"
	}
	return fmt.Sprintf("CacheSize(%d)", int64(s))
}
