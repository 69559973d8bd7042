package driver

import (
	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/iostat"
	"github.com/sqlitekit/sqlitekit/internal/writeq"
)

// database is what the process keeps for a database while a pool has it
// open: its writer queue and its I/O counters, shared by every pool of
// the process on the same database (the same [dbid.ID]).
type database struct {
	id    dbid.ID
	queue *writeq.Queue
	io    *iostat.DB // nil for an in-memory database
}

// hold returns the database id, first held by this pool: the pool keeps
// its queue and counters until it closes. path is the file's name, ""
// for an in-memory database.
func (c *connector) hold(id dbid.ID, path string) *database {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.dbs[id]; d != nil {
		return d
	}
	d := &database{id: id, queue: writeq.Hold(id)}
	if path != "" {
		d.io = iostat.Hold(id, path)
	}
	if c.dbs == nil {
		c.dbs = map[dbid.ID]*database{}
	}
	c.dbs[id] = d
	return d
}

// releaseAll drops what the pool holds.
func (c *connector) releaseAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, d := range c.dbs {
		writeq.Release(id)
		if d.io != nil {
			iostat.DBs.Release(id)
		}
		delete(c.dbs, id)
	}
}
