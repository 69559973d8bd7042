package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/replicated"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// ErrNoBinary is wrapped by the error returned when the litestream
// command cannot be found.
var ErrNoBinary = errors.New("the litestream command was not found; install it with " +
	"`CGO_ENABLED=0 go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18`, " +
	"or set Options.Binary")

// ErrClosed is wrapped by the error [Replica.Sync] returns after
// [Replica.Close].
var ErrClosed = errors.New("closed")

// ErrAlreadyReplicated is wrapped by the error [Start] returns for a
// database a replica runs for already, of this process or (on Unix) of
// another: two Litestreams replicating one database corrupt each other's
// replica. [Restore] and [Follow] return it for such a database too:
// restoring over it would delete it, and its WAL, from under the program
// and the replica.
var ErrAlreadyReplicated = errors.New("the database is replicated already")

// stopTimeout is how long Close waits for Litestream to stop after
// SIGTERM before it kills it.
const stopTimeout = 10 * time.Second

// Options configure [Start]. A nil *Options means the zero value.
type Options struct {
	// Binary is the litestream command. Empty: "litestream" on $PATH.
	Binary string
	// Logger receives Litestream's log lines, each with a "db" attribute
	// naming the database. Nil: slog.Default().
	Logger *slog.Logger
}

// Replica is a running `litestream replicate` for one database.
type Replica struct {
	db, binary, dir, config, socket string
	id                              dbid.ID  // the database's, in package replicated
	lock                            *os.File // see lockDB; nil where there is none
	log                             *slog.Logger

	stop      chan struct{} // closed by Close
	done      chan struct{} // closed when supervise returns
	closeOnce sync.Once
	closeErr  error

	mu       sync.Mutex
	closing  bool      // once set, nothing is started
	cmd      *exec.Cmd // the current child, nil before the first
	pid      int       // of the running child, 0 between runs
	restarts int
	lastErr  error
	exitErr  error // why the child running at Close ended
}

// Start runs `litestream replicate` for the database at dbPath, to the
// replica at url ("s3://bucket/path", "gs://…", "abs://…", "sftp://…",
// "file:///backups/app", … any URL Litestream accepts), as a child
// process, with its control socket enabled; it restarts the child (after
// 100 ms, then twice as long each time, up to 10 s) whenever it dies,
// until [Replica.Close]. ctx bounds only the start: Start returns once
// Litestream listens on its control socket, or with the error that
// stopped it.
//
// The path and the URL reach Litestream as they are: nothing in them is
// expanded ($VAR, ${VAR}) or read as YAML. Start refuses, with an error
// naming it, a path or URL that is not UTF-8 (Litestream carries both as
// UTF-8 text) and a path Litestream would open as another file (it opens
// the database as an SQLite URI, where "?", "#" and "%HH" have a meaning).
//
// The database must exist, and be in WAL mode: Start reads the file's
// header and says what to change if not. Litestream also needs what it
// cannot check from the file: a busy timeout of at least 5 s on every
// connection, and never locking_mode=EXCLUSIVE. sqlitekit's defaults (WAL,
// busy timeout 10 s, synchronous NORMAL) are all it needs.
//
// One database has one Litestream: while a replica of this process runs
// for the database, under any spelling of its path (relative, through a
// symbolic link, a hard link), or, on Unix, a replica of another process
// (see the package doc), Start refuses another with an error wrapping
// [ErrAlreadyReplicated]; after its Close, Start works again.
//
// While the replica runs, package driver's Checkpoint refuses every
// checkpoint but a PASSIVE one on the database: Litestream holds a read
// lock the others would wait for, the whole busy timeout.
//
// https://litestream.io/reference/replicate/
func Start(ctx context.Context, dbPath, url string, opts *Options) (*Replica, error) {
	if err := ctxarg.Check(ctx); err != nil {
		return nil, fmt.Errorf("replica: start: %w", err)
	}
	if opts == nil {
		opts = &Options{}
	}
	if url == "" {
		return nil, errors.New("replica: the replica URL is empty")
	}
	binary, err := lookBinary(opts.Binary)
	if err != nil {
		return nil, err
	}
	db, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	if err := errors.Join(utf8Only("database path", db), utf8Only("replica URL", url), litestreamPath(db)); err != nil {
		return nil, err
	}
	if err := checkWAL(db); err != nil {
		return nil, err
	}
	id, other, err := replicated.Add(db)
	switch {
	case err != nil:
		return nil, fmt.Errorf("replica: %w", err)
	case other != "":
		return nil, fmt.Errorf("replica: %w: %s: a replica of this process runs for it, started on %s; Close that one first (two Litestreams of one database corrupt each other's replica)", ErrAlreadyReplicated, db, other)
	}
	lock, err := lockDB(db)
	if err != nil {
		replicated.Remove(id)
		return nil, err
	}
	r, err := start(ctx, db, url, binary, opts.Logger, lock)
	if err != nil {
		replicated.Remove(id)
		lock.Close()
		return nil, err
	}
	r.id = id
	return r, nil
}

// start is Start once the database is added to package replicated's and
// locked; Close undoes both.
func start(ctx context.Context, db, url, binary string, log *slog.Logger, lock *os.File) (*Replica, error) {
	dir, err := os.MkdirTemp("", "sqlitekit-litestream")
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	r := &Replica{
		db: db, binary: binary, dir: dir,
		config: filepath.Join(dir, "litestream.yml"),
		socket: filepath.Join(dir, "ctl.sock"),
		log:    log,
		lock:   lock,
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	r.log = r.log.With("db", db)
	if err := utf8Only("temporary directory", dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if n := len(r.socket); n > maxSocketPath() {
		// Litestream would run on without its control socket.
		os.RemoveAll(dir)
		return nil, fmt.Errorf("replica: the path of Litestream's control socket, %s, is %d bytes long, longer than the %d bytes a Unix socket's path can have: set TMPDIR to a shorter directory", r.socket, n, maxSocketPath())
	}
	// Every value is a YAML double-quoted scalar: strconv.Quote's escapes
	// of valid UTF-8 (\" \\ \n \t \xHH below 0x80, \uHHHH, \UHHHHHHHH) are
	// YAML's too, so each string reaches Litestream as it is, and
	// -no-expand-env keeps it from expanding $VAR and ${VAR} in it.
	conf := fmt.Sprintf("socket:\n  enabled: true\n  path: %s\ndbs:\n  - path: %s\n    replicas:\n      - url: %s\n",
		strconv.Quote(r.socket), strconv.Quote(db), strconv.Quote(url))
	if err := os.WriteFile(r.config, []byte(conf), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("replica: write config: %w", err)
	}
	started := make(chan error, 1)
	go r.supervise(started)
	if err := <-started; err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := r.ready(ctx, true); err != nil {
		r.closeChild()
		return nil, err
	}
	return r, nil
}

// maxSocketPath is the longest path a Unix socket can have: its
// sun_path holds 108 bytes on Linux, 104 elsewhere, the NUL included.
func maxSocketPath() int {
	if runtime.GOOS == "linux" {
		return 107
	}
	return 103
}

// utf8Only refuses a name that is not UTF-8.
func utf8Only(what, name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("replica: the %s %q is not UTF-8: Litestream reads it from a YAML file and sends it over its control socket as UTF-8 text, where it would name another file; rename it", what, name)
	}
	return nil
}

// litestreamPath refuses a database path that Litestream v0.5.18 would
// open as another file: it opens "file:" + path as an SQLite URI, where
// "?" and "#" end the path and "%HH" stands for a byte.
func litestreamPath(db string) error {
	for i := 0; i < len(db); i++ {
		switch c := db[i]; {
		case c == '?' || c == '#':
			return fmt.Errorf("replica: the database path %q holds %q, which Litestream cannot replicate (it opens the database as an SQLite URI, where %q ends the path); rename it", db, c, c)
		case c == '%' && i+2 < len(db) && isHex(db[i+1]) && isHex(db[i+2]):
			return fmt.Errorf("replica: the database path %q holds %q, which Litestream cannot replicate (it opens the database as an SQLite URI, where %%HH stands for a byte); rename it", db, db[i:i+3])
		}
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// checkWAL checks, from its header, that the file at db is an SQLite
// database in WAL mode. An empty file is an empty database: it has no
// mode yet.
//
// https://sqlite.org/fileformat2.html#the_database_header
func checkWAL(db string) error {
	f, err := os.Open(db)
	if err != nil {
		return fmt.Errorf("replica: the database must exist before Start (a sqlitekit pool creates it at its first use): %w", err)
	}
	defer f.Close()
	var h [20]byte
	n, err := io.ReadFull(f, h[:])
	switch {
	case n == 0 && err == io.EOF:
		return nil
	case err != nil && err != io.ErrUnexpectedEOF:
		return fmt.Errorf("replica: read the header of %s: %w", db, err)
	case n < len(h) || string(h[:16]) != "SQLite format 3\x00":
		return fmt.Errorf("replica: %s is not an SQLite database (its header is not SQLite's)", db)
	case h[18] != 2 || h[19] != 2:
		return fmt.Errorf("replica: %s is in rollback-journal mode; Litestream replicates WAL databases only: open it with sqlitekit's default journal_mode=WAL, or run PRAGMA journal_mode=WAL on it once, before Start", db)
	}
	return nil
}

// ready waits for Litestream's control socket: up to 30 s, or, when
// starting, until the first child exits.
func (r *Replica) ready(ctx context.Context, starting bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(r.socket); err == nil {
			return nil
		}
		r.mu.Lock()
		closing, restarts, lastErr := r.closing, r.restarts, r.lastErr
		r.mu.Unlock()
		switch {
		case closing:
			return fmt.Errorf("replica: %w", ErrClosed)
		case starting && restarts > 0:
			return fmt.Errorf("replica: %w", lastErr)
		case time.Now().After(deadline):
			return fmt.Errorf("replica: litestream has not opened its control socket after 30 s (restarts %d, last error %v)", restarts, lastErr)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("replica: waiting for litestream: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func lookBinary(binary string) (string, error) {
	if binary == "" {
		binary = "litestream"
	}
	path, err := exec.LookPath(binary)
	if err != nil {
		return "", fmt.Errorf("replica: %w (%v)", ErrNoBinary, err)
	}
	// Absolute: Sync and restarts run it again later, whatever the
	// working directory is then.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, nil
}

// errClosing is returned by spawn once Close has begun.
var errClosing = errors.New("closing")

// spawn starts litestream replicate, its output forwarded to the logger,
// unless Close has begun. The child is r.cmd as soon as it runs: Close
// sees either no new child or this one.
func (r *Replica) spawn() (*exec.Cmd, *lineLogger, error) {
	cmd := exec.Command(r.binary, "replicate", "-no-expand-env", "-config", r.config)
	out := &lineLogger{log: r.log}
	cmd.Stdout, cmd.Stderr = out, out
	dieWithUs(cmd)
	if r.lock != nil {
		cmd.ExtraFiles = []*os.File{r.lock}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing {
		return nil, nil, errClosing
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("replica: start litestream: %w", err)
	}
	r.cmd, r.pid = cmd, cmd.Process.Pid
	return cmd, out, nil
}

// supervise starts the child, sends the error of that to started, waits
// for it and starts another when it dies, after 100 ms, then twice as
// long each time, up to 10 s, until Close.
//
// It starts them from one thread, locked to it for as long as one may run
// (see dieWithUs).
func (r *Replica) supervise(started chan<- error) {
	defer close(r.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread() // after the last child has been waited for
	cmd, out, err := r.spawn()
	started <- err
	if err != nil {
		return
	}
	backoff := 100 * time.Millisecond
	for {
		started := time.Now()
		err := cmd.Wait()
		os.Remove(r.socket) // a killed litestream leaves it behind; ready waits for the next one's
		r.mu.Lock()
		r.pid = 0
		closing := r.closing
		if closing {
			r.exitErr = err
		} else {
			r.restarts++
			r.lastErr = exitError("litestream replicate", err, out)
		}
		r.mu.Unlock()
		if closing {
			return
		}
		r.log.Warn("litestream exited; restarting", "err", err, "backoff", backoff)
		if time.Since(started) > time.Minute {
			backoff = 100 * time.Millisecond
		}
		for {
			select {
			case <-r.stop:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 10*time.Second)
			cmd, out, err = r.spawn()
			if errors.Is(err, errClosing) {
				return
			}
			if err == nil {
				break
			}
			r.log.Warn("litestream did not start; retrying", "err", err, "backoff", backoff)
		}
	}
}

// combinedOutput is cmd.CombinedOutput, with the child dying with this
// process (dieWithUs): started and waited for from a goroutine locked to
// its thread.
func combinedOutput(cmd *exec.Cmd) (out []byte, err error) {
	dieWithUs(cmd)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		out, err = cmd.CombinedOutput()
	}()
	<-done
	return out, err
}

// exitError says why a child exited, with its last lines of output.
func exitError(what string, err error, out *lineLogger) error {
	if err == nil {
		err = errors.New("exit status 0")
	}
	if tail := out.tail(); tail != "" {
		return fmt.Errorf("%s exited: %w; its last lines:\n%s", what, err, tail)
	}
	return fmt.Errorf("%s exited: %w", what, err)
}

// Sync blocks until everything committed to the database so far is in
// the replica (`litestream sync -wait`, through the control socket).
// After a restart it first waits, up to 30 s, for the new Litestream.
//
// https://litestream.io/reference/sync/
func (r *Replica) Sync(ctx context.Context) error {
	if err := ctxarg.Check(ctx); err != nil {
		return fmt.Errorf("replica: sync: %w", err)
	}
	if err := r.ready(ctx, false); err != nil {
		return err
	}
	timeout := 60
	if d, ok := ctx.Deadline(); ok {
		timeout = max(1, int(time.Until(d).Seconds()))
	}
	out, err := combinedOutput(exec.CommandContext(ctx, r.binary, "sync", "-wait",
		"-timeout", strconv.Itoa(timeout), "-socket", r.socket, r.db))
	if err != nil {
		return fmt.Errorf("replica: litestream sync: %w: %s", errors.Join(ctx.Err(), err), bytes.TrimSpace(out))
	}
	return nil
}

// Status describes the child process.
type Status struct {
	PID      int   // of the running litestream, 0 if none
	Restarts int   // how many times it died and was started again
	LastErr  error // why it last died, with its last lines of output
}

// Status returns the state of the child process.
func (r *Replica) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Status{PID: r.pid, Restarts: r.restarts, LastErr: r.lastErr}
}

// Close stops Litestream and removes its configuration: it sends SIGTERM
// to the running litestream, or stops a restart in progress, and sends
// SIGKILL if Litestream has not stopped 10 s later; it returns within
// those 10 s and the time SIGKILL takes, and no litestream is left
// running. It returns the error Litestream stopped with, if any (one
// killed after 10 s is an error), and the same error at every call.
//
// Litestream ships what it has on SIGTERM; call Sync first for what must
// be off the machine.
func (r *Replica) Close() error {
	r.closeOnce.Do(func() {
		r.closeErr = r.closeChild()
		r.lock.Close()
		replicated.Remove(r.id)
	})
	return r.closeErr
}

// closeChild is Close but for the database's mark in package replicated.
func (r *Replica) closeChild() error {
	r.mu.Lock()
	r.closing = true
	cmd := r.cmd
	r.mu.Unlock()
	close(r.stop)
	var killed bool
	if cmd != nil {
		killed = terminate(cmd.Process, r.done)
	}
	<-r.done
	return errors.Join(stopError("litestream replicate", r.exitErr, killed), os.RemoveAll(r.dir))
}

// terminate sends SIGTERM to p, and SIGKILL if done is not closed
// stopTimeout later; it returns once done is closed, and whether it
// killed p.
func terminate(p *os.Process, done <-chan struct{}) (killed bool) {
	p.Signal(syscall.SIGTERM) // an error: it has exited already
	select {
	case <-done:
		return false
	case <-time.After(stopTimeout):
		p.Kill()
		<-done
		return true
	}
}

// stopError is the error of a child stopped with SIGTERM: none if it
// exited with status 0 or was ended by the SIGTERM itself (before it
// could handle it).
func stopError(what string, err error, killed bool) error {
	if killed {
		return fmt.Errorf("replica: %s did not stop within %v of SIGTERM and was killed", what, stopTimeout)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("replica: %s stopped with %w", what, err)
	}
	return nil
}

// lineLogger logs each line written to it, at the level Litestream gave
// it, and keeps the last few.
type lineLogger struct {
	log *slog.Logger

	mu   sync.Mutex
	buf  []byte
	last [5]string
	n    int // lines logged
}

// maxLine bounds a line: a longer one is logged in pieces.
const maxLine = 64 << 10

func (w *lineLogger) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		line, rest, ok := bytes.Cut(w.buf, []byte{'\n'})
		if !ok && len(w.buf) < maxLine {
			return len(p), nil
		}
		if !ok {
			line, rest = w.buf[:maxLine], w.buf[maxLine:]
		}
		w.buf = rest
		w.log.Log(context.Background(), level(string(line)), "litestream", "line", string(line))
		w.last[w.n%len(w.last)] = string(line)
		w.n++
	}
}

// tail returns the last lines logged, oldest first.
func (w *lineLogger) tail() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var lines []string
	for i := max(0, w.n-len(w.last)); i < w.n; i++ {
		lines = append(lines, w.last[i%len(w.last)])
	}
	if len(w.buf) > 0 { // a last line without its newline
		lines = append(lines, string(w.buf))
	}
	return strings.Join(lines, "\n")
}

// level is the level of one of Litestream's log lines ("time=… level=WARN
// msg=…", or "Error: …" when it exits).
func level(line string) slog.Level {
	switch {
	case strings.HasPrefix(line, "Error:") || strings.Contains(line, " level=ERROR "):
		return slog.LevelError
	case strings.Contains(line, " level=WARN "):
		return slog.LevelWarn
	case strings.Contains(line, " level=DEBUG "):
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
