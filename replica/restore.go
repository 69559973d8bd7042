package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/replicated"
)

// ErrExists is wrapped by the error [Restore] and [Follow] return when
// the database file is there already and RestoreOptions.Overwrite is not set.
var ErrExists = errors.New("the database file exists")

// RestoreOptions configure [Restore] and [Follow]. A nil *RestoreOptions
// means the zero value.
type RestoreOptions struct {
	// Time restores the database as it was at that time. Zero: the latest
	// state the replica has. Follow ignores it.
	Time time.Time
	// Overwrite replaces an existing database (and its -wal and -shm).
	// False: an existing database is an error wrapping ErrExists.
	// A database a replica runs for (see [Start]) is never replaced: the
	// error wraps [ErrAlreadyReplicated]. Nor may a program have it open
	// (which Restore cannot see): its connections would keep the old
	// file, and lose what they write.
	Overwrite bool
	// Binary is the litestream command. Empty: "litestream" on $PATH.
	Binary string
	// Logger receives the log lines of Follow's Litestream, each with a
	// "db" attribute naming the database. Nil: slog.Default(). Restore
	// returns Litestream's output in its error instead.
	Logger *slog.Logger
}

func (o *RestoreOptions) args(url, dbPath string) (binary string, args []string, err error) {
	if o == nil {
		o = &RestoreOptions{}
	}
	switch {
	case url == "":
		return "", nil, errors.New("replica: the replica URL is empty")
	case strings.HasPrefix(url, "-"): // Litestream would read it as an option: "-h" exits 0
		return "", nil, fmt.Errorf("replica: the replica URL %q begins with '-'", url)
	}
	if err := restoreTarget(dbPath); err != nil {
		return "", nil, err
	}
	if binary, err = lookBinary(o.Binary); err != nil {
		return "", nil, err
	}
	if _, err := os.Stat(dbPath); err == nil && !o.Overwrite {
		return "", nil, fmt.Errorf("replica: %w: %s (set RestoreOptions.Overwrite to replace it)", ErrExists, dbPath)
	} else if err == nil {
		if err := notReplicated(dbPath); err != nil {
			return "", nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("replica: %w", err)
	}
	// Absolute, as Follow watches it: the working directory may change.
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	args = []string{"restore", "-o", dbPath}
	if o.Overwrite {
		args = append(args, "-force")
	}
	if !o.Time.IsZero() {
		args = append(args, "-timestamp", o.Time.UTC().Format(time.RFC3339Nano))
	}
	return binary, args, nil
}

// restoreTarget checks that dbPath, where a restore writes, names a
// database file: not empty, without a NUL byte, not a "file:" URI
// (Litestream would write a file of that name, under a directory
// "file:"), and not the -wal, -shm or -journal file of an existing
// database (whose log a whole database would replace).
func restoreTarget(dbPath string) error {
	switch {
	case dbPath == "":
		return errors.New("replica: the database path is empty")
	case strings.IndexByte(dbPath, 0) >= 0:
		return fmt.Errorf("replica: the database path %q has a NUL byte", dbPath)
	case len(dbPath) >= 5 && strings.EqualFold(dbPath[:5], "file:"):
		return fmt.Errorf("replica: the database path %q is a URI, want a file name (Litestream would write a file of that name)", dbPath)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if db, ok := strings.CutSuffix(dbPath, suffix); ok {
			if _, err := os.Stat(db); err == nil {
				return fmt.Errorf("replica: the database path %q is the %s file of the database %s", dbPath, suffix, db)
			}
		}
	}
	return nil
}

// notReplicated refuses to restore over the database at dbPath while a
// replica runs for it: Litestream's -force deletes the database and its
// -wal, with the commits not yet copied to the file, from under the
// program that has it open and under the replica.
func notReplicated(dbPath string) error {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return fmt.Errorf("replica: %w", err)
	}
	if id, err := dbid.Of(abs); err == nil && replicated.Is(id) {
		return fmt.Errorf("replica: %w: %s: a replica of this process runs for it; Close it, and the program's pools, before restoring over the database", ErrAlreadyReplicated, dbPath)
	}
	if err := lockHeld(abs); err != nil {
		return fmt.Errorf("replica: %w; stop it, and the program using the database, before restoring over it", err)
	}
	return nil
}

// Restore writes to dbPath the database replicated at url: its latest
// state, or its state at opts.Time.
//
// dbPath is a file name: an empty one, a "file:" URI and the -wal, -shm
// or -journal file of an existing database are refused.
//
// https://litestream.io/reference/restore/
func Restore(ctx context.Context, url, dbPath string, opts *RestoreOptions) error {
	if err := ctxarg.Check(ctx); err != nil {
		return fmt.Errorf("replica: restore: %w", err)
	}
	binary, args, err := opts.args(url, dbPath)
	if err != nil {
		return err
	}
	out, err := combinedOutput(exec.CommandContext(ctx, binary, append(args, url)...))
	if err != nil {
		return fmt.Errorf("replica: litestream restore: %w: %s", errors.Join(ctx.Err(), err), bytes.TrimSpace(out))
	}
	return nil
}

// Follower keeps a read replica current: a database restored from a
// replica URL and then updated as new changes arrive there
// (`litestream restore -f`). Open it read-only through sqlitekit
// ("file:PATH?mode=ro"); writes to it are refused.
//
// Litestream writes the new pages into the file behind SQLite's back, and
// a connection of a WAL database keeps its cached pages until the WAL
// index says otherwise: use a pool that keeps no idle connection
// (db.SetMaxIdleConns(0)), so that each use opens a connection that sees
// the file as it is.
type Follower struct {
	cmd  *exec.Cmd
	out  *lineLogger
	done chan struct{} // closed when the child has exited
	err  error         // why, set before done is closed

	closeOnce sync.Once
	closeErr  error
}

// Follow restores the database replicated at url to dbPath, returns once
// the database file exists, and keeps applying new changes until Close.
// Litestream's log lines go to opts.Logger.
func Follow(ctx context.Context, url, dbPath string, opts *RestoreOptions) (*Follower, error) {
	if err := ctxarg.Check(ctx); err != nil {
		return nil, fmt.Errorf("replica: follow: %w", err)
	}
	if opts == nil {
		opts = &RestoreOptions{}
	}
	if !opts.Time.IsZero() {
		return nil, errors.New("replica: Follow cannot restore to a time")
	}
	binary, args, err := opts.args(url, dbPath)
	if err != nil {
		return nil, err
	}
	dbPath = args[2] // absolute
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	args = append(args, "-f", "-follow-interval", "250ms", url)
	out := &lineLogger{log: log.With("db", dbPath)}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = out, out
	dieWithUs(cmd)
	f := &Follower{cmd: cmd, out: out, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		defer close(f.done)
		runtime.LockOSThread() // for the child's life (see dieWithUs)
		defer runtime.UnlockOSThread()
		err := cmd.Start()
		started <- err
		if err == nil {
			f.err = cmd.Wait()
		}
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("replica: start litestream: %w", err)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := os.Stat(dbPath); err == nil {
			return f, nil
		}
		select {
		case <-f.done:
			return nil, fmt.Errorf("replica: %w", exitError("litestream restore -f", f.err, out))
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("replica: follow %s: %w", filepath.Base(dbPath), ctx.Err())
		case <-tick.C:
		}
	}
}

// Close stops following: it sends SIGTERM to Litestream, and SIGKILL if
// it has not stopped 10 s later. It returns why Litestream stopped if it
// had stopped by itself before Close, or did not stop cleanly, and the
// same error at every call.
func (f *Follower) Close() error {
	f.closeOnce.Do(func() {
		select {
		case <-f.done: // it died before Close
			f.closeErr = fmt.Errorf("replica: %w", exitError("litestream restore -f", f.err, f.out))
			return
		default:
		}
		killed := terminate(f.cmd.Process, f.done)
		f.closeErr = stopError("litestream restore -f", f.err, killed)
	})
	return f.closeErr
}
