package driver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Stats describes the connections of a pool opened with the sqlitekit
// driver. Values count from the pool's start: subtract two to describe
// what happened in between (see [Stats.Sub]).
type Stats struct {
	// StmtCache counts the statement cache of every connection: see
	// [github.com/sqlitekit/sqlitekit/pragma.Config.StmtCache].
	StmtCache CacheStats
}

// CacheStats counts the use of the statement cache.
type CacheStats struct {
	Hits      uint64 // a query found its statement prepared
	Misses    uint64 // a query prepared its statement
	Evictions uint64 // a statement was dropped to make room
}

// Sub returns s minus old.
func (s Stats) Sub(old Stats) Stats {
	return Stats{StmtCache: CacheStats{
		Hits:      s.StmtCache.Hits - old.StmtCache.Hits,
		Misses:    s.StmtCache.Misses - old.StmtCache.Misses,
		Evictions: s.StmtCache.Evictions - old.StmtCache.Evictions,
	}}
}

// ErrNotSqlitekit is returned for a *sql.DB that another driver opened.
var ErrNotSqlitekit = errors.New("sqlitekit: not a database opened with the sqlitekit driver")

// StatsOf returns the statistics of db's pool. It takes a connection of
// the pool for a moment, so it waits if every connection is busy.
func StatsOf(ctx context.Context, db *sql.DB) (Stats, error) {
	c, err := connectorOf(ctx, db)
	if err != nil {
		return Stats{}, err
	}
	return Stats{StmtCache: CacheStats{
		Hits:      c.stats.hits.Load(),
		Misses:    c.stats.misses.Load(),
		Evictions: c.stats.evictions.Load(),
	}}, nil
}

// connectorOf finds the connector behind db, through one of its
// connections.
func connectorOf(ctx context.Context, db *sql.DB) (*connector, error) {
	sc, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: stats: %w", err)
	}
	defer sc.Close()
	var c *connector
	err = sc.Raw(func(dc any) error {
		own, ok := dc.(*conn)
		if !ok {
			return ErrNotSqlitekit
		}
		c = own.c
		return nil
	})
	return c, err
}
