package driver

import (
	"sync"
	"sync/atomic"

	"github.com/ncruces/go-sqlite3"
)

// checkpointer runs a pool's automatic WAL checkpoints in a goroutine of
// its own, on a connection of its own.
//
// SQLite's automatic checkpoint runs inside COMMIT, on the committing
// connection, while it still holds the write lock: every writer queued
// behind it waits for the checkpoint's reads, writes and fsync. Measured
// with 16 writers, that doubles the p99 commit latency. So each
// connection of the pool replaces it with a WAL hook that, when a commit
// leaves the WAL at the checkpoint size, wakes the checkpointer, which
// runs a PASSIVE checkpoint while the writers go on. PASSIVE neither
// waits for nor blocks readers and writers.
//
// The checkpointer runs again only once the WAL has grown by a quarter of
// the checkpoint size. If the WAL outgrows four times the checkpoint size
// (under constant writes a background checkpoint never catches up with the
// last frame, and only a complete one lets the next writer restart the
// WAL), the committing connection checkpoints itself, as SQLite would.
type checkpointer struct {
	open  func() (*sqlite3.Conn, error) // a connection of the pool's kind
	pages int                           // the checkpoint size
	last  atomic.Int64                  // the WAL size at the last background checkpoint
	wake  chan struct{}
	once  sync.Once // starts the goroutine
	stop  sync.Once // closes done
	done  chan struct{}
	wg    sync.WaitGroup
}

func newCheckpointer(open func() (*sqlite3.Conn, error), pages int) *checkpointer {
	return &checkpointer{open: open, pages: pages, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// hook is the WAL hook of the pool's connections.
//
// https://sqlite.org/c3ref/wal_hook.html
func (k *checkpointer) hook(db *sqlite3.Conn, schema string, pages int) error {
	switch {
	case pages >= 4*k.pages:
		db.WALCheckpoint(schema, sqlite3.CHECKPOINT_PASSIVE)
	case pages >= k.pages:
		// Again only once the WAL has grown by a quarter of the
		// checkpoint size since the last one (or was restarted): each
		// checkpoint costs two fsyncs, however little it copies.
		if last := int(k.last.Load()); pages >= last && pages-last < k.pages/4 {
			return nil
		}
		k.once.Do(k.start)
		select {
		case k.wake <- struct{}{}:
		default: // already awake
		}
	}
	return nil
}

func (k *checkpointer) start() {
	k.wg.Go(func() {
		var db *sqlite3.Conn
		defer func() { db.Close() }()
		for {
			select {
			case <-k.done:
				return
			case <-k.wake:
			}
			if db == nil {
				var err error
				if !survivesNOMEM(func() { db, err = k.open() }) || err != nil {
					db = nil // the committers checkpoint past 4x
					continue
				}
			}
			// An error (SQLITE_BUSY: another process checkpoints) only
			// leaves the work to the next wake-up; running out of memory
			// the connection too.
			if !survivesNOMEM(func() {
				if nLog, _, err := db.WALCheckpoint("main", sqlite3.CHECKPOINT_PASSIVE); err == nil {
					k.last.Store(int64(nLog))
				}
			}) {
				closeAll(db)
				db = nil
			}
		}
	})
}

// close stops the goroutine, if it started, and closes its connection.
// A connector may serve several sql.DBs: close may be called again.
func (k *checkpointer) close() {
	k.stop.Do(func() { close(k.done) })
	k.wg.Wait()
}
