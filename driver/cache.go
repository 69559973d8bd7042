package driver

import (
	"errors"
	"sync/atomic"

	"github.com/ncruces/go-sqlite3"
)

// stmtCache keeps a connection's prepared statements by SQL text, so that
// db.QueryContext and db.ExecContext with literal SQL do not compile the
// same statement on every call. A statement has one user at a time: an
// entry in use (by open rows) is not handed out again; a second user of
// the same SQL gets a statement of its own, finalized after use.
// The least recently used idle entry goes when the cache is full: when
// it has max entries, or when its statements hold cacheBytes of SQLite's
// memory together.
//
// The memory bound matters because a connection's SQLite has a memory of
// its own that grows to 256 MB and never shrinks: 64 statements with an
// IN list of 100,000 values (10 MB each) used to fill it until SQLite ran
// out of memory. A statement holding more than maxStmtBytes, such as
// one of those, is finalized after use instead of cached: compiling it
// again costs little next to running it.
//
// SQLite re-prepares a cached statement by itself when the schema changes
// (sqlite3_prepare_v3), so a cached statement is never stale.
type stmtCache struct {
	max     int
	bytes   int // what the cached statements hold (STMTSTATUS_MEMUSED)
	entries map[string]*entry
	lru     entry // sentinel of a circular list: lru.next is the most recent
	stats   *cacheStats
}

// entry is a cached statement, with what rows learn about its columns.
type entry struct {
	sql        string
	s          *sqlite3.Stmt
	prev, next *entry
	inUse      bool
	cached     bool // in the cache; otherwise finalized when released
	size       int  // the memory the statement held when cached

	// Column metadata, valid while the statement has not been
	// re-prepared (STMTSTATUS_REPREPARE == reprepared).
	names      []string
	kinds      []colKind
	nulls      []nullability // read when first asked for; nil before
	reprepared int

	rows rows // reused by the queries that run this statement

	// What the SQL names, learned when it is prepared.
	readsLastInsert bool // last_insert_rowid: see markResult
	namesBusy       bool // busy_timeout: see conn.busyTimeout
}

// newEntry returns an entry, not in use, for s prepared from sql.
func newEntry(sql string, s *sqlite3.Stmt) *entry {
	return &entry{sql: sql, s: s, reprepared: -1,
		readsLastInsert: mentions(sql, "last_insert_rowid"), namesBusy: mentions(sql, "busy_timeout")}
}

const (
	// cacheBytes is the most SQLite memory the cached statements of a
	// connection hold together; a typical statement holds 4-20 KB.
	cacheBytes = 8 << 20
	// maxStmtBytes is the most memory a statement may hold to be cached.
	maxStmtBytes = 1 << 20
)

// cacheStats counts for every connection of a connector.
type cacheStats struct {
	hits, misses, evictions atomic.Uint64
}

func newStmtCache(max int, stats *cacheStats) *stmtCache {
	c := &stmtCache{max: max, entries: make(map[string]*entry, max), stats: stats}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// take returns the idle cached statement for sql, marked in use,
// or nil.
func (c *stmtCache) take(sql string) *entry {
	e := c.entries[sql]
	if e == nil || e.inUse {
		c.stats.misses.Add(1)
		return nil
	}
	c.stats.hits.Add(1)
	e.inUse = true
	c.unlink(e)
	c.pushFront(e)
	return e
}

// add makes a new entry, in use, for a statement just prepared, and
// caches it if there is room for it.
func (c *stmtCache) add(sql string, s *sqlite3.Stmt) *entry {
	e := newEntry(sql, s)
	e.inUse = true
	if c.max == 0 || c.entries[sql] != nil {
		return e
	}
	size := s.Status(sqlite3.STMTSTATUS_MEMUSED, false)
	if size > maxStmtBytes {
		return e
	}
	for len(c.entries) >= c.max || c.bytes+size > cacheBytes {
		if !c.evict() {
			return e // every entry is in use
		}
	}
	e.cached, e.size = true, size
	c.bytes += size
	c.entries[sql] = e
	c.pushFront(e)
	return e
}

// release gives back a statement the caller has reset.
func (c *stmtCache) release(e *entry) error {
	e.inUse = false
	if !e.cached {
		return e.s.Close()
	}
	return nil
}

// evict finalizes the least recently used idle entry.
func (c *stmtCache) evict() bool {
	for e := c.lru.prev; e != &c.lru; e = e.prev {
		if !e.inUse {
			c.unlink(e)
			delete(c.entries, e.sql)
			c.bytes -= e.size
			e.cached = false
			e.s.Close()
			c.stats.evictions.Add(1)
			return true
		}
	}
	return false
}

// close finalizes every cached statement.
func (c *stmtCache) close() error {
	var errs []error
	for _, e := range c.entries {
		errs = append(errs, e.s.Close())
	}
	clear(c.entries)
	c.bytes = 0
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return errors.Join(errs...)
}

func (c *stmtCache) unlink(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *stmtCache) pushFront(e *entry) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}
