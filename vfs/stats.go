package vfs

import (
	"os"

	"github.com/ncruces/go-sqlite3/vfs"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/iostat"
)

// Kind is the role of a file of a database.
type Kind int

// The kinds of files SQLite opens.
const (
	KindMain    Kind = iota // the database file
	KindWAL                 // the write-ahead log
	KindJournal             // the rollback journal
	KindTemp                // temporary databases, journals and sub-journals
)

func kindOf(flags vfs.OpenFlag) Kind {
	switch {
	case flags&vfs.OPEN_MAIN_DB != 0:
		return KindMain
	case flags&vfs.OPEN_WAL != 0:
		return KindWAL
	case flags&(vfs.OPEN_MAIN_JOURNAL|vfs.OPEN_SUPER_JOURNAL) != 0:
		return KindJournal
	}
	return KindTemp
}

// FileStats counts the calls SQLite made on the files of one kind.
type FileStats struct {
	Reads        uint64 // read calls
	Writes       uint64 // write calls
	BytesRead    uint64 // bytes read
	BytesWritten uint64 // bytes written
	Syncs        uint64 // fsync calls
	Truncates    uint64 // truncate calls
	Locks        uint64 // file lock calls that succeeded (each step up: SHARED, RESERVED, EXCLUSIVE)
	Busy         uint64 // file lock calls that found the lock held
}

// Sub returns s minus old.
func (s FileStats) Sub(old FileStats) FileStats {
	return FileStats{
		Reads:        s.Reads - old.Reads,
		Writes:       s.Writes - old.Writes,
		BytesRead:    s.BytesRead - old.BytesRead,
		BytesWritten: s.BytesWritten - old.BytesWritten,
		Syncs:        s.Syncs - old.Syncs,
		Truncates:    s.Truncates - old.Truncates,
		Locks:        s.Locks - old.Locks,
		Busy:         s.Busy - old.Busy,
	}
}

// Stats is a snapshot of what one database did on disk, since the
// process opened it. Subtract two snapshots with [Stats.Sub] to describe
// a workload.
//
// WAL locks are taken in shared memory, out of sight of a VFS: the time
// writers wait for each other is counted by package driver's writer
// queue (driver.Stats).
type Stats struct {
	// Main, WAL, Journal and Temp count the calls on the files of each
	// [Kind]: the database file, its WAL, its rollback journal, and its
	// temporary files.
	Main, WAL, Journal, Temp FileStats
	// WALSize is the size of the WAL file when the snapshot was taken.
	WALSize int64
}

// Sub returns s minus old. WALSize stays s's.
func (s Stats) Sub(old Stats) Stats {
	return Stats{
		Main:    s.Main.Sub(old.Main),
		WAL:     s.WAL.Sub(old.WAL),
		Journal: s.Journal.Sub(old.Journal),
		Temp:    s.Temp.Sub(old.Temp),
		WALSize: s.WALSize,
	}
}

// Kind returns the counts of one kind of file, and zero counts for a Kind
// that is none of KindMain, KindWAL, KindJournal and KindTemp.
func (s Stats) Kind(k Kind) FileStats {
	kinds := [...]FileStats{s.Main, s.WAL, s.Journal, s.Temp}
	if k < 0 || int(k) >= len(kinds) {
		return FileStats{}
	}
	return kinds[k]
}

func snapshot(c *iostat.File) FileStats {
	return FileStats{
		Reads: c.Reads.Load(), Writes: c.Writes.Load(),
		BytesRead: c.BytesRead.Load(), BytesWritten: c.BytesWritten.Load(),
		Syncs: c.Syncs.Load(), Truncates: c.Truncates.Load(),
		Locks: c.Locks.Load(), Busy: c.Busy.Load(),
	}
}

// statsOf reads d's counters, and the size of the WAL of the database
// file at path.
func statsOf(d *iostat.DB, path string) Stats {
	var s Stats
	if d != nil {
		s.Main = snapshot(&d.Kinds[KindMain])
		s.WAL = snapshot(&d.Kinds[KindWAL])
		s.Journal = snapshot(&d.Kinds[KindJournal])
		s.Temp = snapshot(&d.Kinds[KindTemp])
	}
	if fi, err := os.Stat(path + "-wal"); err == nil {
		s.WALSize = fi.Size()
	}
	return s
}

// StatsOf returns the counts for the database file at path, however the
// path is spelled (through a symbolic link, relative, ...): what the
// process did on its files through this VFS while they were open, or
// while a pool of package driver was open on the database. Counts start
// from zero again once neither is.
func StatsOf(path string) Stats {
	id, err := dbid.Of(path)
	if err != nil {
		return Stats{}
	}
	return statsOf(iostat.DBs.Get(id), path)
}

// AllStats returns the counts of every database open through this VFS,
// by the file name it was first opened under. Publishing them is the
// program's choice; with package expvar, for example:
//
//	expvar.Publish("sqlitekit", expvar.Func(func() any { return vfs.AllStats() }))
func AllStats() map[string]Stats {
	var dbs []*iostat.DB
	iostat.DBs.All(func(_ dbid.ID, d *iostat.DB) { dbs = append(dbs, d) })
	all := make(map[string]Stats, len(dbs))
	for _, d := range dbs {
		all[d.Path] = statsOf(d, d.Path)
	}
	return all
}
