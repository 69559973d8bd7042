package vfs

import (
	"expvar"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/ncruces/go-sqlite3/vfs"
)

// Kind is the role of a file of a database.
type Kind int

// The kinds of files SQLite opens.
const (
	KindMain    Kind = iota // the database file
	KindWAL                 // the write-ahead log
	KindJournal             // the rollback journal
	KindTemp                // temporary databases, journals and sub-journals
	numKinds
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
	BytesRead    uint64
	BytesWritten uint64
	Syncs        uint64 // fsync calls
	Truncates    uint64
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

// Kind returns the counts of one kind of file.
func (s Stats) Kind(k Kind) FileStats {
	return [...]FileStats{s.Main, s.WAL, s.Journal, s.Temp}[k]
}

type fileCounters struct {
	reads, writes, bytesRead, bytesWritten atomic.Uint64
	syncs, truncates, locks, busy          atomic.Uint64
}

func (c *fileCounters) snapshot() FileStats {
	return FileStats{
		Reads: c.reads.Load(), Writes: c.writes.Load(),
		BytesRead: c.bytesRead.Load(), BytesWritten: c.bytesWritten.Load(),
		Syncs: c.syncs.Load(), Truncates: c.truncates.Load(),
		Locks: c.locks.Load(), Busy: c.busy.Load(),
	}
}

type dbCounters struct {
	kinds  [numKinds]fileCounters
	faults faults
}

// databases holds the counters of every database the process opened
// through this VFS, by path ("" for temporary files that belong to no
// database file).
var databases sync.Map // string → *dbCounters

func counters(db string) *dbCounters {
	if c, ok := databases.Load(db); ok {
		return c.(*dbCounters)
	}
	c, _ := databases.LoadOrStore(db, new(dbCounters))
	return c.(*dbCounters)
}

// StatsOf returns the counts for the database file at path, as opened
// through this VFS by this process (zero if it was not).
func StatsOf(path string) Stats {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	var s Stats
	if v, ok := databases.Load(path); ok {
		c := v.(*dbCounters)
		s.Main = c.kinds[KindMain].snapshot()
		s.WAL = c.kinds[KindWAL].snapshot()
		s.Journal = c.kinds[KindJournal].snapshot()
		s.Temp = c.kinds[KindTemp].snapshot()
	}
	if fi, err := os.Stat(path + "-wal"); err == nil {
		s.WALSize = fi.Size()
	}
	return s
}

// ExpvarName is the key under which the counts of every database are
// published with package expvar (so /debug/vars shows them).
const ExpvarName = "sqlitekit"

func init() {
	expvar.Publish(ExpvarName, expvar.Func(func() any {
		all := map[string]Stats{}
		databases.Range(func(k, _ any) bool {
			if path := k.(string); path != "" {
				all[path] = StatsOf(path)
			}
			return true
		})
		return all
	}))
}
