// Package vfs is the SQLite VFS that package driver opens databases with:
// the OS VFS of ncruces/go-sqlite3, counted. (The in-process writer
// queue, which keeps writers from spinning on SQLITE_BUSY, is package
// driver's: WAL locks are out of a VFS's sight.)
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
// [StatsOf] returns a snapshot; [Stats.Sub] the difference of two.
//
// A database is known by its identity, not by how its path is spelled:
// its device and inode (on Windows, its path with symbolic links
// resolved), so a file opened through a symlinked directory, a relative
// path or a hard link is counted once. Its counts live while a file of it
// is open through the VFS, or a pool of package driver is open on it, and
// then go: a process that opens and closes many databases keeps nothing
// of the closed ones.
//
// Nothing is published at import: [AllStats] returns the counts of every
// open database, for the program to publish as it chooses (package
// expvar, Prometheus, a log line).
//
// https://sqlite.org/vfs.html
package vfs
