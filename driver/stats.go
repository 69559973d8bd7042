package driver

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
	"github.com/sqlitekit/sqlitekit/internal/writeq"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// Stats describes a pool opened with the sqlitekit driver: its
// statement cache, and the file I/O and writer queue of its database.
// Values count from the pool's start (the I/O and queue figures from when
// the first pool of the process on the database opened it): subtract two
// to describe what happened in between (see [Stats.Sub]).
type Stats struct {
	// StmtCache counts the statement cache of every connection of the
	// pool: see [github.com/sqlitekit/sqlitekit/pragma.Config.StmtCache].
	// (SQLite's page cache is another cache, per connection: read it
	// with sqlite3.Conn.Status inside sql.Conn.Raw.)
	StmtCache StmtCacheStats
	// IO counts the calls on the database's files through sqlitekit's
	// VFS (the driver's default) by every pool of the process on that
	// database, as [vfs.StatsOf] does. Zero for another VFS or an
	// in-memory database.
	IO vfs.Stats
	// Queue describes the waits of writers in the writer queue of the
	// pool's database, which every pool of the process on that database
	// shares.
	Queue QueueStats
}

// QueueStats describes how long writers waited for their turn in the
// writer queue: Waits (writers that had to wait), Timeouts (waits that
// ended with SQLITE_BUSY or the context's error), Total and Max (time
// spent waiting, in all and the longest), and Histogram, which counts
// waits by duration: Histogram[i] counts the waits shorter than
// QueueHistogramBounds()[i] and not shorter than the bound before it; the
// last bucket counts the longer ones; Gaps and GapTime, the gaps left to
// writers of other processes (see "The writer queue" in the package
// documentation). Quantile(p) returns an upper bound of a percentile;
// Sub(old) the difference of two snapshots.
type QueueStats = writeq.Stats

// QueueHistogramBounds returns the upper bounds of the buckets of
// QueueStats.Histogram, shortest first: Histogram[i] counts the waits
// shorter than bound i and not shorter than bound i-1, and the last
// bucket, one past the bounds, the waits not shorter than the last bound.
// The bounds are fixed; the slice is the caller's own.
func QueueHistogramBounds() []time.Duration {
	return slices.Clone(writeq.HistogramBounds[:])
}

// StmtCacheStats counts the use of the statement cache.
type StmtCacheStats struct {
	Hits      uint64 // a query found its statement prepared
	Misses    uint64 // a query prepared its statement
	Evictions uint64 // a statement was dropped to make room
}

// Sub returns s minus old.
func (s Stats) Sub(old Stats) Stats {
	return Stats{
		StmtCache: StmtCacheStats{
			Hits:      s.StmtCache.Hits - old.StmtCache.Hits,
			Misses:    s.StmtCache.Misses - old.StmtCache.Misses,
			Evictions: s.StmtCache.Evictions - old.StmtCache.Evictions,
		},
		IO:    s.IO.Sub(old.IO),
		Queue: s.Queue.Sub(old.Queue),
	}
}

// ErrNotSqlitekit is wrapped by the error a function of this package
// returns for a *sql.DB that another driver opened ([StatsOf], [SizesOf],
// [Backup], [VacuumInto], [Checkpoint]).
var ErrNotSqlitekit = errors.New("not a database opened with the sqlitekit driver")

// StatsOf returns the statistics of db's pool. It takes no connection of
// the pool, so it never waits, even while every connection is busy.
func StatsOf(db *sql.DB) (Stats, error) {
	if err := ctxarg.NotNil(dbArg, db); err != nil {
		return Stats{}, fmt.Errorf("sqlitekit: stats: %w", err)
	}
	d, ok := db.Driver().(Driver)
	if !ok || d.c == nil {
		return Stats{}, fmt.Errorf("sqlitekit: stats: %w", ErrNotSqlitekit)
	}
	return d.c.statsOf(), nil
}

// statsOf reads c's statistics, and those of the database it last
// connected to.
func (c *connector) statsOf() Stats {
	s := Stats{StmtCache: StmtCacheStats{
		Hits:      c.stats.hits.Load(),
		Misses:    c.stats.misses.Load(),
		Evictions: c.stats.evictions.Load(),
	}}
	c.mu.Lock()
	d := c.last
	c.mu.Unlock()
	if d != nil {
		if d.queue != nil {
			s.Queue = d.queue.Stats()
		}
		if d.io != nil {
			// By the pool's own name for the file: the entry's Path is
			// the name it was first opened under, which may be gone (a
			// deleted file whose inode a new one took).
			s.IO = vfs.StatsOf(d.path)
		}
	}
	return s
}
