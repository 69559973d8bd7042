package driver

import (
	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/iostat"
	"github.com/sqlitekit/sqlitekit/internal/writeq"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// database is what the process keeps for a database while a pool has it
// open: its writer queue and its I/O counters, shared by every pool of
// the process on the same database (the same [dbid.ID]).
type database struct {
	id    dbid.ID
	path  string        // the file's name as this pool opened it; "" in memory
	queue *writeq.Queue // nil on a VFS other than the OS one or memdb
	io    *iostat.DB    // nil when not on sqlitekit's counting VFS
}

// hold returns the database id, first held by this pool: the pool keeps
// its queue and counters until it closes. path is the file's name, ""
// for an in-memory database.
func (c *connector) hold(id dbid.ID, path string) *database {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.holdLocked(id, path)
	c.last = d
	return d
}

func (c *connector) holdLocked(id dbid.ID, path string) *database {
	if d := c.dbs[id]; d != nil {
		return d
	}
	d := &database{id: id, path: path}
	if c.osVFS || c.memory {
		d.queue = writeq.Hold(id, path)
	}
	if c.vfs == vfs.Name {
		d.io = iostat.Hold(id, path)
	}
	if c.dbs == nil {
		c.dbs = map[dbid.ID]*database{}
	}
	c.dbs[id] = d
	return d
}

// releaseAll drops what the pool holds; c.mu is held.
func (c *connector) releaseAll() {
	for id, d := range c.dbs {
		d.release()
		delete(c.dbs, id)
	}
	c.mem, c.last = nil, nil
}

func (d *database) release() {
	if d.queue != nil {
		writeq.Release(d.id)
	}
	if d.io != nil {
		iostat.DBs.Release(d.id)
	}
}
