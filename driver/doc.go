// Package driver is the sqlitekit [database/sql] driver: SQLite, tuned
// the way experienced users tune it by hand, behind plain database/sql.
//
// Importing the package registers the driver name "sqlitekit":
//
//	import _ "github.com/sqlitekit/sqlitekit/driver"
//
//	db, err := sql.Open("sqlitekit", "app.db")
//
// Every pooled connection then runs in WAL mode with synchronous=NORMAL,
// a 10 s busy timeout, foreign keys enforced, a page cache bounded at
// about 20 MB, temporary storage in memory and a 64 MiB WAL size limit;
// write transactions take the write lock at BEGIN. The FTS5 and vec1
// extensions and the vector functions of
// [github.com/sqlitekit/sqlitekit/ext/vector] (cosine_similarity and the
// sqlite-vec family) and of [github.com/sqlitekit/sqlitekit/ext/trigram]
// (trigram_query and its helpers for exact substring search) are there
// on every connection, registered the first time one of its statements
// may use them: a connection that never does is not slowed by them.
// Nothing else in database/sql code changes. The engine is SQLite translated to Go by
// [github.com/ncruces/go-sqlite3]: no cgo.
//
// # Data source names
//
// A DSN is a file name or a "file:" [URI]. It names only what differs from
// the defaults; [pragma.Parse] reads it, and takes the parameters of
// ncruces/go-sqlite3, modernc.org/sqlite and mattn/go-sqlite3 with their
// meaning, or refuses those it does not support (its package docs have
// the table):
//
//	app.db                                        the defaults
//	file:app.db?_pragma=busy_timeout(30000)       a longer busy timeout
//	file:app.db?_pragma=synchronous(full)         fsync at every commit
//	file:app.db?mode=ro                           read-only
//	app.db?_fk=0&_busy_timeout=5000               a mattn-style DSN
//
// A misspelled PRAGMA, an unknown parameter or a bad value fails sql.Open
// with an error that names it (SQLite would ignore it without a word):
//
//	sqlitekit: pragma: journal_mod: unknown pragma; did you mean journal_mode?
//
// A program that builds its configuration in Go uses [Open] with a
// [pragma.Config] instead of a DSN, and gets a pool sized for SQLite.
//
// The DSN is read once, at sql.Open. Each connection then opens the file
// with open flags (mode) and only the URI parameters SQLite itself reads
// (vfs, immutable), and runs the Config's PRAGMAs one at a time, in the
// order of [pragma.Config.Pragmas] (encryption keys, then busy_timeout,
// ..., query_only, then the other PRAGMAs in their order): a value
// reaches SQLite as written, ';' and all, and an error names the PRAGMA
// that failed ("PRAGMA temp_store_directory: ...") but never its value,
// and not at all when the cause is the file ("file is not a database").
// The functions given to sqlite3.AutoExtension run as SQLite opens the
// connection, before those PRAGMAs (ncruces runs its _pragma list
// first): where both set the same thing, the PRAGMA wins.
//
// # Defaults and why
//
//	journal_mode=WAL         readers and the writer do not block each other
//	synchronous=NORMAL       one fsync less per commit; a power loss or OS crash can lose
//	                         the last commits, never corrupt the database (see below)
//	busy_timeout=10000       wait for a lock instead of failing with "database is locked"
//	foreign_keys=ON          enforce what REFERENCES says
//	cache_size=-20000        ~20 MB page cache per connection: memory stays flat
//	temp_store=MEMORY        no temporary files for sorts and temporary indexes
//	journal_size_limit=64MiB the WAL shrinks back after a burst of writes
//	_txlock=immediate        write transactions never fail late with SQLITE_BUSY_SNAPSHOT
//	_stmt_cache=64           statements kept prepared per connection: db.Query with literal
//	                         SQL runs as fast as a prepared *sql.Stmt
//
// Durability: in WAL mode, synchronous=NORMAL syncs the WAL at each
// checkpoint, not at each commit. A process that crashes loses nothing it
// committed (the operating system has the writes), but a power loss or
// an operating system crash can lose the transactions committed since the
// last sync; the database stays consistent either way. When every
// acknowledged commit must survive those too, add
// _pragma=synchronous(full) to the DSN (or set pragma.Config.Synchronous
// to pragma.SyncFull): each commit then waits for an fsync.
//
// The driver checks that the journal mode took: a database on the OS VFS
// that cannot be switched to WAL fails to open rather than silently
// staying in another mode. A connection that cannot write (mode=ro,
// immutable=1, a read-only file) cannot change the journal mode: it uses
// the mode the file has, and so does an in-memory database (memdb keeps
// its journal in memory). A database on another VFS (vfs=NAME) opens in
// the journal mode that VFS supports, the journal mode asked for if it
// can.
//
// # Transactions
//
// db.BeginTx starts a write transaction with BEGIN IMMEDIATE (or as the
// _txlock parameter says): the transaction waits for the write lock at
// BEGIN, in the busy handler, and cannot fail at its first write because
// another connection wrote first. A transaction begun with
// sql.TxOptions{ReadOnly: true} begins DEFERRED and runs with
// query_only set, so it never takes the write lock; query_only is reset
// however the transaction ends (Commit, Rollback, or a COMMIT or ROLLBACK
// run inside it). sql.LevelSerializable begins IMMEDIATE,
// sql.LevelLinearizable EXCLUSIVE; the other isolation levels are
// refused. Only Tx.Commit commits a Tx: a COMMIT or END run as SQL inside
// it fails and rolls its work back (ncruces, mattn and modernc commit
// it, and run what follows outside any transaction), and after a
// ROLLBACK run inside it, writes fail until the Tx ends.
//
// Whether a connection can write is learned once, when it opens: one
// opened with mode=ro, immutable=1 or query_only, or on a file the
// process may read but not write (opened read-only, as C SQLite does),
// begins every transaction DEFERRED and never waits in the writer queue,
// so a read-only pool never holds up the writers of another pool on the
// same file. Its writes fail with SQLITE_READONLY.
//
// # The writer queue
//
// SQLite takes its write lock by polling: a writer that finds it taken
// sleeps in the busy handler and tries again, and under load some give up
// with "database is locked". Within one process sqlitekit does better: a
// connection about to write (at BEGIN IMMEDIATE, or before an autocommit
// statement that writes) first takes a turn in the writer queue of its
// database, and is woken the moment the turn is free.
//
//	process A                                      process B (sqlite3 CLI, ...)
//	  conn 1 ──┐                                      │
//	  conn 2 ──┼─► queue (one per database) ──►  SQLite write lock  ◄── busy handler
//	  conn 3 ──┘   wait ≤ busy_timeout, or ctx    (WAL shared memory)
//
// What it guarantees. The queue works like Go's sync.Mutex. A writer that
// finds the turn free takes it, even if others are waiting: a writer that
// has just committed and begins again usually does, with no goroutine
// switch in between, so most transactions do not wait at all. A release
// wakes the first writer in line, which takes the turn if it is still free,
// and otherwise stays first. Once the first in line has waited twice as
// long as the line takes to pass once at the average turn (at least 4 ms,
// at most 10 ms), the release hands the turn to it, and the turn passes
// first come first served, from hand to hand, newcomers in line, until a
// writer gets it after a shorter wait or nobody waits. So no writer waits
// longer than 10 ms, then the transaction in progress, then one transaction
// of each writer ahead of it in line (at most one per other connection),
// each counted from when the Go scheduler runs the writer the turn was
// handed to: on an idle core at once, when every core is busy after the
// releasing goroutine blocks or its time slice ends (the queue does not
// yield the releaser's core: that put the committing goroutine behind every
// busy one). Its wait is bounded by the connection's busy timeout (the
// DSN's, or one the program set on the connection: PRAGMA busy_timeout,
// in ConnInit or through Raw) and ends early when the context is done;
// the error then matches sqlite3.BUSY (and the context's error, if that
// ended it) and says how long the writer waited.
//
// What it costs. A turn costs a lock, two reads of the clock for a database
// file, and, when writers wait, a goroutine wake-up; a statement, a read of
// the clock while its connection holds the turn, else an atomic load: under
// a microsecond alone, against the 20-65 µs a commit of a short transaction
// costs here, which no latency can go below. Measured against plain
// ncruces/go-sqlite3 with busy_timeout (go run ./bench -only
// 'app/(writers|mixed)' -rounds 5, three runs on a 2-core machine doing
// nothing else, medians of the per-round ratios, default settings): 16
// writers: median latency 0.73-0.76x, p99 0.20x, longest 0.10-0.14x,
// throughput 1.26-1.34x, no "database is locked" while the busy timeout
// lasts; 4 writers beside 4 busy readers: reads 1.57-1.67x and commits
// 1.25-1.62x per second, read p99 0.70-0.75x, write p99 1.46-2.55x, longest
// write 0.11-0.13x.
//
// The tail is bounded by the longest turns, which a busy machine
// stretches: a writer descheduled in the middle of its transaction, or
// handed the turn but not yet run, holds up every writer behind it. Two
// things shorten that. Once writers have waited 3 ms behind a turn that
// has not moved, every other connection of the database gives way once
// (runtime.Gosched) as its next statement begins, so that readers that
// never block do not keep the cores from the writer. And every run of a
// statement counts its VM steps from zero, cached or not: ncruces' progress
// handler yields the goroutine every 16,000 steps counted over a
// statement's life, which made cached statements yield every few hundred
// short runs (a writer in the middle of its transaction, a reader in the
// middle of its read), where a freshly prepared one never yields. What
// remains over plain ncruces' write p99 is the other side of its longest
// writes: its waiting writers sleep (up to 2 ms between tries) and lose to
// the writer holding the lock until it pauses, so fewer of its writes are
// slow, but those far more (its longest write beside the readers 255-360
// ms in those runs, against 26-38 ms here).
//
// Other processes. Writers of other processes meet sqlitekit's at
// SQLite's lock, where the busy handler waits for them: it sleeps and
// tries again (C SQLite's default handler, in the sqlite3 CLI, mattn,
// modernc and Litestream, sleeps up to 100 ms between tries; ncruces'
// handler for busy_timeout up to 2 ms). Writers that pass the turn to one
// another with no gap would leave such a try almost no chance. So once
// the writers of this process have written for 500 ms with no gap of
// 110 ms, and another process has the database open, the next writer to
// take the turn holds it without writing until another process commits,
// or for 110 ms: a gap that every busy handler's next try lands in. After
// a gap in which another process committed, the next one comes after 50
// ms of writing. The cost is that gap, only while another process has the
// database open and this one writes without pause: at most 110 ms in 610
// (18 %) when the other process never writes (measured: 4 writers in a
// loop commit 0.88x as much beside an idle sqlite3 CLI as alone), less
// when it does (its commit ends the gap). Another process is seen on
// Linux, by the POSIX locks C SQLite holds while it has a WAL database
// open, and by a lock every sqlitekit process holds on a byte past
// SQLite's lock bytes; a plain ncruces/go-sqlite3 program leaves no sign
// to see, and on other systems no gaps are left. [Stats].Queue counts the
// gaps.
//
// The queue sits where writers begin, in the driver's connection, rather
// than in package vfs, because in WAL mode the write lock is a
// shared-memory lock that a VFS wrapper cannot see (ncruces'
// vfs.SharedMemory has unexported methods). ncruces' busy handler is
// kept rather than replaced by one that also wakes on an in-process
// release: in-process writers wait in the queue, not there, and a handler
// of our own would make PRAGMA busy_timeout read 0. Every *sql.DB of the
// process that opens the same database (the same device and inode)
// shares one queue. The waits are counted in [Stats].Queue
// ([QueueStats]), with a histogram for percentiles.
//
// A transaction that holds the write turn and then waits for another
// connection of the pool to write would wait forever; the busy timeout
// ends that wait with SQLITE_BUSY instead.
//
// # In-memory databases
//
// ":memory:", "file::memory:" and the shared-cache forms copied from
// mattn ("file::memory:?cache=shared") open ONE in-memory database for
// the whole pool of a *sql.DB: every connection sees the same tables, so
// SetMaxOpenConns(8) works and no "one connection only" workaround is
// needed (with ncruces, each connection has a database of its own). The
// database lives until the *sql.DB is closed. A named one,
// "file:NAME?mode=memory", is shared by every *sql.DB of the process
// that opens NAME, and lives while one of them is open; so is ncruces'
// memdb form, "file:/NAME?vfs=memdb" (with the leading slash; without
// it, the memdb database is private to the pool). In-memory databases
// have no WAL: SQLite keeps their journal in memory.
//
// # Contexts
//
// Cancelling the context of a query interrupts SQLite: the call returns
// an error that matches both the context's error (errors.Is(err,
// context.Canceled)) and sqlite3.INTERRUPT, and the connection stays
// usable. A wait for a lock that another process or pool holds, ended by
// the context's deadline, matches both context.DeadlineExceeded and
// sqlite3.BUSY.
//
// # Values
//
// Arguments may be nil, bool, int, int64, float64, string, []byte,
// time.Time, sqlite3.ZeroBlob, sqlite3.JSON and sqlite3.Pointer values,
// or anything database/sql converts to one of them (driver.Valuer). A
// uint above math.MaxInt64 is refused (database/sql would wrap it around
// to a negative int64, and ncruces store that).
//
// Columns scan back as int64, float64, string (TEXT), []byte (BLOB) or
// nil; a column declared BOOLEAN scans 0 and 1 as false and true, and
// one declared DATE, TIME, DATETIME or TIMESTAMP as time.Time, written
// in the _timefmt or _time_format format (RFC 3339 by default) and read
// in it, in any format SQLite's date functions read, or as
// time.Time.String writes it (modernc's default) (see
// pragma.Config.TimeFormat). ncruces reads time.Time.String's text as a
// string, and with a _timefmt other than the default or sqlite reads
// only its format, and gives a time another program or
// CURRENT_TIMESTAMP wrote as text or a number. As with
// ncruces/go-sqlite3, text that is a
// time exactly as the default format writes it (RFC 3339) arrives as a
// time.Time from any column not declared TEXT: an aggregate (max(at)),
// an expression, a time parameter echoed back (SELECT ?), a column of no
// declared type; it still scans into a *string byte for byte. A TEXT
// column always gives its text. _timefmt=auto, the default named, reads
// so too (ncruces, given auto by name, reads such text as a string).
//
// ColumnType's ScanType comes, before the first row, from the declared
// type (INT, INTEGER, REAL, TEXT, BLOB, BOOLEAN, DATE, TIME, DATETIME,
// TIMESTAMP), else from the value of the first row (ncruces: any); on a
// row, from the value Next gave, as with ncruces. Nullable comes from the
// table's NOT NULL (or INTEGER PRIMARY KEY) for a column of a table
// (ncruces reports every column of a declared type it knows not
// nullable), unknown for an expression. An outer join can still give
// NULL in a NOT NULL column.
//
// # Statements and arguments
//
// SQL text with a NUL byte is refused: SQLite would stop reading at the
// NUL and run what comes before it as the whole statement (ncruces does:
// "DELETE FROM t\x00 WHERE id = 1" deletes every row).
//
// A statement runs only when every parameter it has, positional or
// named (:name, @name, $name), got a value: otherwise nothing runs, and
// the error names the first parameter without one (a misspelled
// sql.Named is caught so, instead of writing NULL, as ncruces does). A
// named argument no
// parameter uses is ignored, as the other drivers do, so one set of
// named values may serve several statements. A positional argument no
// parameter takes is an error, as database/sql makes it for prepared
// statements.
//
// Exec runs a script of several statements; its positional arguments go
// to the statements in turn, named ones to every statement that names
// them. All of a script's statements are checked before the first runs;
// when a statement can be compiled only after earlier ones ran (an
// INSERT into a table the script creates) and has parameters, the script
// runs inside a SAVEPOINT, rolled back if the check fails, so such a
// script cannot BEGIN, COMMIT or ATTACH. An error of SQLite stops a
// script where it happens; what ran before stays, as with sqlite3_exec.
// (ncruces refuses arguments for a script.)
//
// Query and Prepare take one statement, which semicolons and comments
// may follow; a query of no statement (only a comment) has no rows
// (ncruces panics). A statement prepared before the schema changed
// (ALTER TABLE) has the columns of the schema it runs on (ncruces keeps
// those it was prepared with, and its rows fail). The
// rows run their first step when first read (Next, or Columns for a
// query that only reads), not in Query: asking for the columns of a
// statement that writes does not run it (as with ncruces), an unread
// *sql.Rows holds no read transaction, and an error of
// that step (a locked database, a table dropped since the statement was
// cached) comes from Next, Err or Row.Scan.
//
// Result.LastInsertId is the rowid of the last row the Exec inserted,
// and 0 when it inserted none (an UPDATE or DELETE, an upsert that
// updated, an insert into a WITHOUT ROWID table), as with ncruces.
// Exec leaves SQL's last_insert_rowid() as SQLite has it (ncruces sets it
// to 0 before each Exec), so the next statement on the connection can
// use it. A statement that changed no row reports 0 RowsAffected (ncruces
// reports the count of the connection's last INSERT, UPDATE or DELETE
// again).
//
// A connection given back to the pool inside a transaction begun with
// SQL (db.Exec("BEGIN")) is closed, which rolls the transaction back, and
// is not reused: later writes never land in a transaction nobody ends.
// The next statement on the pool then fails with ErrTxLeftOpen and does
// not run. ncruces gives such a connection to the next user, still
// inside the transaction; code that relied on that, with
// db.Exec("BEGIN") ... db.Exec("COMMIT") on a *sql.DB, uses db.BeginTx,
// or a sql.Conn, here. The statements after its BEGIN would otherwise
// each commit on their own, on connections without the settings it made
// before BEGIN (foreign_keys = OFF before rebuilding a table: DROP TABLE
// of the old table would delete the rows that reference it ON DELETE
// CASCADE).
//
// SQLite's errors are ncruces' *sqlite3.Error, told apart with
// errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) or errors.As. They have no
// exported fields: gorm.io/driver/sqlite, which reads mattn's error
// fields through encoding/json for gorm.Config.TranslateError, maps none
// of them to gorm.ErrDuplicatedKey or gorm.ErrForeignKeyViolated (nor
// ncruces' errors).
//
// # Out of memory
//
// Each connection's SQLite has a memory of its own, which grows to at
// most 256 MB and never shrinks. When SQLite cannot get more (a huge
// statement or value), the call fails with an error matching
// sqlite3.NOMEM; the connection is then closed, which gives its memory
// back, and the pool opens another one. The statement cache keeps at
// most 8 MB of compiled statements per connection and never a statement
// of more than 1 MB.
//
// # Closing
//
// A connection runs PRAGMA optimize before it closes, as SQLite advises.
//
// # Storage helpers
//
// The rest of what a storage layer writes by hand, once. Everything that
// blocks takes a context first.
//
//   - [Migrate] applies a list of [Migration] steps (SQL text or Go
//     functions, or numbered .sql files read by [LoadMigrations]) keyed on
//     PRAGMA user_version, one BEGIN IMMEDIATE per step, safe when several
//     processes start at once.
//   - [Transaction] and [ReadTransaction] run a closure in a transaction.
//   - [Checkpoint] checkpoints the WAL; [Backup] copies a live database
//     page by page; [VacuumInto] writes a compacted copy.
//   - [Check] runs integrity_check (or quick_check) and foreign_key_check.
//   - [Stream] yields the rows of a query as an iter.Seq2, in constant
//     memory.
//   - [StatsOf] returns a pool's counters without taking a connection:
//     its statement cache, the I/O on its database's files and the waits
//     of its writer queue. [SizesOf] reports the database's sizes (file,
//     WAL, pages, free pages). Neither publishes anything: a program that
//     wants /debug/vars publishes [vfs.AllStats] or StatsOf itself, with
//     package expvar.
//
// To change a table in a way ALTER TABLE cannot, follow SQLite's 12-step
// procedure (https://sqlite.org/lang_altertable.html#otheralter) in a
// step with [Migration.ForeignKeysOff] set: create the new table, copy
// the rows, drop the old table, rename the new one, recreate its indexes,
// triggers and views. Migrate turns foreign keys off before the step's
// transaction (PRAGMA foreign_keys is a no-op inside one), runs
// foreign_key_check before COMMIT and turns them back on after.
//
// [URI]: https://sqlite.org/uri.html
package driver
