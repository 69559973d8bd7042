package driver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sqlitekit/sqlitekit/internal/writeq"
)

// Stats describes the connections of a pool opened with the sqlitekit
// driver. Values count from the pool's start: subtract two to describe
// what happened in between (see [Stats.Sub]).
type Stats struct {
	// StmtCache counts the statement cache of every connection: see
	// [github.com/sqlitekit/sqlitekit/pragma.Config.StmtCache].
	StmtCache CacheStats
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
// QueueHistogramBounds[i] and not shorter than the bound before it; the
// last bucket counts the longer ones. Quantile(p) returns an upper bound
// of a percentile; Sub(old) the difference of two snapshots.
type QueueStats = writeq.Stats

// QueueHistogramBounds are the upper bounds of the buckets of
// QueueStats.Histogram.
var QueueHistogramBounds = writeq.HistogramBounds

// CacheStats counts the use of the statement cache.
type CacheStats struct {
	Hits      uint64 // a query found its statement prepared
	Misses    uint64 // a query prepared its statement
	Evictions uint64 // a statement was dropped to make room
}

// Sub returns s minus old.
func (s Stats) Sub(old Stats) Stats {
	return Stats{
		StmtCache: CacheStats{
			Hits:      s.StmtCache.Hits - old.StmtCache.Hits,
			Misses:    s.StmtCache.Misses - old.StmtCache.Misses,
			Evictions: s.StmtCache.Evictions - old.StmtCache.Evictions,
		},
		Queue: s.Queue.Sub(old.Queue),
	}
}

// ErrNotSqlitekit is returned for a *sql.DB that another driver opened.
// Its text has no "sqlitekit: " prefix: the function that returns it
// says that, once.
var ErrNotSqlitekit = errors.New("not a database opened with the sqlitekit driver")

// StatsOf returns the statistics of db's pool. It takes a connection of
// the pool for a moment, so it waits if every connection is busy.
func StatsOf(ctx context.Context, db *sql.DB) (Stats, error) {
	own, err := connOf(ctx, db)
	if err != nil {
		return Stats{}, err
	}
	c := own.c
	s := Stats{
		StmtCache: CacheStats{
			Hits:      c.stats.hits.Load(),
			Misses:    c.stats.misses.Load(),
			Evictions: c.stats.evictions.Load(),
		},
	}
	if q := own.d.queue; q != nil {
		s.Queue = q.Stats()
	}
	return s, nil
}

// connOf returns one of db's connections, put back in the pool: only
// what every connection of the pool shares may be read from it.
func connOf(ctx context.Context, db *sql.DB) (*conn, error) {
	sc, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: stats: %w", err)
	}
	defer sc.Close()
	var c *conn
	err = sc.Raw(func(dc any) error {
		own, ok := dc.(*conn)
		if !ok {
			return ErrNotSqlitekit
		}
		c = own
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: stats: %w", err)
	}
	return c, nil
}
