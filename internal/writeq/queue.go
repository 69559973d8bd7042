// Package writeq is the in-process writer queue of package driver: the
// writers of one database wait their turn here, and are woken the moment
// the turn is free, instead of polling SQLite's write lock in the busy
// handler. See package driver's documentation for what it guarantees.
package writeq

import (
	"context"
	"fmt"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
)

// Queue orders the writers of one database within this process: a writer
// that finds the write lock taken by another connection of the process
// waits here (see turns for in which order), and is woken the moment the
// lock is released, instead of polling SQLite's lock in the busy handler.
//
// Every *sql.DB of the process that opens the same database (the same
// [dbid.ID], however its path is spelled) shares one Queue.
type Queue struct {
	*turns
	stats *counters // the waits in this queue
}

// entry is what the process keeps per database: its queue and the counts
// of the waits in it.
type entry struct {
	turns turns
	stats counters
}

var queues dbid.Registry[entry]

// Hold returns the writer queue of the database id, whose file is at
// path ("" for an in-memory database), and takes a reference to it,
// which [Release] drops: the queue lives while a reference is held.
func Hold(id dbid.ID, path string) *Queue {
	e := queues.Acquire(id, func(e *entry) {
		e.turns.stats = &e.stats
		if path != "" {
			e.turns.nb = openNeighbours(path)
		}
	})
	return &Queue{turns: &e.turns, stats: &e.stats}
}

// Release drops a reference [Hold] took.
func Release(id dbid.ID) {
	if e := queues.Release(id); e != nil {
		e.turns.nb.close()
	}
}

// Len returns the number of queues the process holds.
func Len() int { return queues.Len() }

// Acquire takes the write turn, waiting at most timeout, and less if ctx
// is done first. A writer that cannot have its turn gets an error that
// matches sqlite3.BUSY, and ctx.Err() too if ctx ended the wait (as a
// wait in SQLite's busy handler does), and says how long it waited.
// Every successful Acquire must be followed by one Release.
func (q *Queue) Acquire(ctx context.Context, timeout time.Duration) error {
	waited, err := q.acquire(ctx, timeout)
	if waited > 0 || err != nil {
		q.stats.wait(waited, err != nil)
	}
	if err != nil {
		return fmt.Errorf("sqlitekit: waited %v in the writer queue for the write lock, held by another connection of this process: %w", waited.Round(time.Millisecond), err)
	}
	return nil
}

// Stats returns the counts of the waits in this queue.
func (q *Queue) Stats() Stats { return q.stats.snapshot() }

// Waiting returns the number of writers waiting for their turn.
func (q *Queue) Waiting() int { return q.turns.waiting() }

// Release ends the write turn: the next writer in line, if any, has it.
func (q *Queue) Release() { q.turns.release() }
