package driver

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/replicated"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// CheckpointMode says how much a [Checkpoint] does and how long it waits.
//
// https://sqlite.org/c3ref/wal_checkpoint_v2.html
type CheckpointMode int

const (
	// CheckpointPassive copies as many frames as it can without waiting
	// for readers or writers. It never returns busy.
	CheckpointPassive CheckpointMode = iota
	// CheckpointFull waits (in the busy handler, up to the busy timeout)
	// for the writer, then copies every frame, waiting for readers that
	// still need old ones.
	CheckpointFull
	// CheckpointRestart is CheckpointFull, then waits for every reader to
	// be done with the WAL, so the next writer starts it over.
	CheckpointRestart
	// CheckpointTruncate is CheckpointRestart, then truncates the WAL
	// file to zero bytes.
	CheckpointTruncate
)

// String returns the mode's SQL name: "PASSIVE", "FULL", "RESTART" or
// "TRUNCATE".
func (m CheckpointMode) String() string {
	switch m {
	case CheckpointPassive:
		return "PASSIVE"
	case CheckpointFull:
		return "FULL"
	case CheckpointRestart:
		return "RESTART"
	case CheckpointTruncate:
		return "TRUNCATE"
	}
	return fmt.Sprintf("CheckpointMode(%d)", int(m))
}

// CheckpointResult is what a [Checkpoint] found and did.
type CheckpointResult struct {
	// WALFrames is the number of frames in the WAL when the checkpoint
	// ended: 0 after a TRUNCATE or RESTART that succeeded, -1 if the
	// database is not in WAL mode.
	WALFrames int
	// Checkpointed is the number of those frames copied into the
	// database file (all of them when the checkpoint was complete), -1 if
	// the database is not in WAL mode.
	Checkpointed int
}

// ErrReplicated is wrapped by the error [Checkpoint] returns for a FULL,
// RESTART or TRUNCATE checkpoint of a database that package replica
// replicates: Litestream holds a read lock on purpose, which each of them
// would wait for, the whole busy timeout. PASSIVE checkpoints, and the
// pool's automatic ones (PASSIVE too), work.
var ErrReplicated = errors.New("replicated database")

// Checkpoint copies the frames of db's write-ahead log into the database
// file, as mode says, on one connection of the pool.
//
// While a replica of the database runs (package replica), every mode but
// PASSIVE returns an error wrapping [ErrReplicated] at once.
//
// The FULL, RESTART and TRUNCATE modes wait for readers and writers in
// the connection's busy handler, and for another checkpoint (another
// process's, or the pool's own in the background) to end, up to the
// connection's busy timeout (the DSN's busy_timeout), or until ctx is
// done. If they still block it, Checkpoint returns what it did and an
// error that matches sqlite3.BUSY (errors.Is(err, sqlite3.BUSY)) and
// says so:
//
//	sqlitekit: checkpoint TRUNCATE: a reader or writer is using the WAL (12 of 40 frames copied): database is locked
//
// A pool checkpoints by itself, off the write path: when a commit leaves
// the WAL at wal_autocheckpoint pages (1000 by default), a goroutine of
// the pool runs a PASSIVE checkpoint on a connection of its own, so the
// committing writer does not wait for it (a WAL hook takes the place of
// SQLite's, so PRAGMA wal_autocheckpoint reads 0 on the pool's
// connections). Call Checkpoint to shrink the WAL after a
// burst of writes, or before copying the file.
//
// https://sqlite.org/c3ref/wal_checkpoint_v2.html
func Checkpoint(ctx context.Context, db *sql.DB, mode CheckpointMode) (CheckpointResult, error) {
	if err := cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil(dbArg, db)); err != nil {
		return CheckpointResult{}, fmt.Errorf("sqlitekit: checkpoint: %w", err)
	}
	if mode < CheckpointPassive || mode > CheckpointTruncate {
		return CheckpointResult{}, fmt.Errorf("sqlitekit: checkpoint: unknown mode %d", int(mode))
	}
	var res CheckpointResult
	err := withRaw(ctx, db, func(c *sqlite3.Conn) error {
		if ro, _ := c.ReadOnly("main"); ro { // SQLite says "disk I/O error"
			return errors.New("the database is open read-only (mode=ro, immutable or a read-only file): a checkpoint writes to it")
		}
		if mode != CheckpointPassive {
			if replicatedConn(c) {
				return fmt.Errorf("%w: a Litestream replica of this database is running, and it holds a read lock %s would wait for (the whole busy timeout); use CheckpointPassive", ErrReplicated, mode)
			}
		}
		return walCheckpoint(ctx, c, mode, &res)
	})
	if errors.Is(err, ErrReplicated) {
		return res, fmt.Errorf("sqlitekit: checkpoint %s: %w", mode, err)
	}
	if err == nil {
		return res, nil
	}
	if errors.Is(err, sqlite3.BUSY) && ctx.Err() == nil {
		return res, fmt.Errorf("sqlitekit: checkpoint %s: a reader or writer is using the WAL (%d of %d frames copied): %w", mode, res.Checkpointed, res.WALFrames, err)
	}
	return res, fmt.Errorf("sqlitekit: checkpoint %s: %w", mode, err)
}

// walCheckpoint runs the checkpoint on c. A checkpoint other than
// PASSIVE waits, as for readers and writers, up to c's busy timeout, for
// another checkpoint to end: SQLite takes its checkpoint lock without
// calling the busy handler, and fails at once with SQLITE_BUSY (-1 frames
// read) if another checkpoint holds it, such as the one the pool's
// checkpointer runs in the background.
//
// https://sqlite.org/c3ref/wal_checkpoint_v2.html ("the busy-handler ...
// will not be invoked in this case")
func walCheckpoint(ctx context.Context, c *sqlite3.Conn, mode CheckpointMode, res *CheckpointResult) error {
	var deadline time.Time
	if mode != CheckpointPassive {
		wait, _ := busyTimeout(c) // 0 if it cannot be read: no wait
		deadline = time.Now().Add(wait)
	}
	for pause := time.Millisecond; ; pause = min(2*pause, 10*time.Millisecond) {
		var err error
		res.WALFrames, res.Checkpointed, err = c.WALCheckpoint("main", sqlite3.CheckpointMode(mode))
		if !errors.Is(err, sqlite3.BUSY) || res.WALFrames != -1 || !time.Now().Before(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", ctx.Err(), err)
		case <-time.After(pause):
		}
	}
}

// replicatedConn reports whether a replica runs for c's main database.
func replicatedConn(c *sqlite3.Conn) bool {
	name := c.Filename("main")
	if name == nil || name.String() == "" {
		return false
	}
	id, err := dbid.Of(name.String())
	return err == nil && replicated.Is(id)
}
