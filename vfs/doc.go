// Package vfs is the SQLite VFS that package driver opens databases with:
// the OS VFS of ncruces/go-sqlite3, counted, and the in-process writer
// queue that keeps writers from spinning on SQLITE_BUSY.
//
// Importing the package registers the VFS as "sqlitekit" (see [Name]).
//
// # Lock compatibility
//
// The VFS wraps the OS VFS (vfs.Find("os")) and changes nothing in how
// files are locked: locks on disk are the OS VFS's OFD byte-range locks,
// which conflict correctly with the POSIX locks of C SQLite, and the WAL
// index is the OS VFS's shared memory. The sqlite3 CLI, Litestream and
// other processes can read and write a database while a sqlitekit program
// has it open. Every optional file interface of the OS file (shared
// memory, memory mapping, lock state, size hints, persist-WAL,
// powersafe-overwrite, batch atomic writes, ...) is forwarded.
//
// # Counting
//
// Each read, write, sync, truncate and lock call is counted with an
// atomic add, per database and per kind of file ([KindMain], [KindWAL],
// [KindJournal], [KindTemp]): no lock and no allocation on the I/O path.
// [StatsOf] returns a snapshot; [Stats.Sub] the difference of two. The
// counts of every database are also published with package expvar under
// [ExpvarName], so /debug/vars shows them.
//
// # The writer queue
//
// SQLite takes its write lock by polling: a writer that finds it taken
// sleeps in the busy handler and tries again, and under load some give up
// with "database is locked". Within one process sqlitekit does better: a
// connection about to write (at BEGIN IMMEDIATE, or before an autocommit
// statement that writes) first takes a turn in the [Queue] of its
// database file, and is woken the moment the writer before it is done.
//
//	process A                                   process B (sqlite3 CLI, ...)
//	  conn 1 ──┐                                   │
//	  conn 2 ──┼─► Queue (FIFO, one per file) ──►  SQLite write lock  ◄── busy handler
//	  conn 3 ──┘   wait ≤ busy_timeout, or ctx      (WAL shared memory)
//
// The queue sits where writers begin, in package driver's connection,
// because in WAL mode the write lock is a shared-memory lock that a VFS
// wrapper cannot see (ncruces' vfs.SharedMemory has unexported methods).
// A wait is bounded by the connection's busy timeout and ends early when
// the context is done; the error then matches sqlite3.BUSY or the
// context's error and says how long the writer waited. Writers of other
// processes still meet at SQLite's lock, where the busy handler waits
// for them: ncruces' handler for busy_timeout retries after random
// sleeps of at most 2 ms, not SQLite's steps of 1, 2, 5 ... 100 ms, and
// stops when the statement's context is done. (It is kept rather than
// replaced by one that also wakes on an in-process release: in-process
// writers wait in the queue, not there, and a handler of our own would
// make PRAGMA busy_timeout read 0.) Every *sql.DB of the process that opens the same file (the
// same device and inode) shares one queue. The waits are counted in
// [QueueStats], with a histogram for percentiles.
//
// A transaction that holds the write turn and then waits for another
// connection of the pool to write would wait forever; the busy timeout
// ends that wait with SQLITE_BUSY instead.
package vfs
