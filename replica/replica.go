package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/replicated"
)

// ErrNoBinary is returned when the litestream command cannot be found.
var ErrNoBinary = errors.New("replica: the litestream command was not found; install it with " +
	"`CGO_ENABLED=0 go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18`, " +
	"or set Options.Binary")

// Options configure [Start].
type Options struct {
	// URL is where the replica goes: "s3://bucket/path", "gs://…",
	// "abs://…", "sftp://…", "file:///backups/app", … (any URL
	// Litestream accepts). Required.
	URL string
	// Binary is the litestream command. Empty: "litestream" on $PATH.
	Binary string
	// Logger receives Litestream's log lines. Nil: slog.Default().
	Logger *slog.Logger
}

// Replica is a running `litestream replicate` for one database.
type Replica struct {
	db, binary, dir, config, socket string
	log                             *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	cmd      *exec.Cmd
	pid      int // of the running child, 0 between runs
	restarts int
	lastErr  error
}

// Start writes a Litestream configuration for the database at dbPath and
// opts.URL, with the control socket enabled, and runs `litestream
// replicate` as a child process, restarting it (with backoff) if it dies,
// until [Replica.Close]. The database should be in WAL mode with a busy
// timeout of at least 5 s, synchronous NORMAL, and never in
// locking_mode=EXCLUSIVE: sqlitekit's defaults.
//
// While the replica runs, package driver's Checkpoint refuses TRUNCATE and
// RESTART checkpoints on the database (they would wait for Litestream's
// read lock for the whole busy timeout); PASSIVE ones work.
//
// https://litestream.io/reference/replicate/
func Start(ctx context.Context, dbPath string, opts Options) (*Replica, error) {
	if opts.URL == "" {
		return nil, errors.New("replica: Options.URL is empty")
	}
	binary, err := lookBinary(opts.Binary)
	if err != nil {
		return nil, err
	}
	db, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	dir, err := os.MkdirTemp("", "sqlitekit-litestream")
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	r := &Replica{
		db: db, binary: binary, dir: dir,
		config: filepath.Join(dir, "litestream.yml"),
		socket: filepath.Join(dir, "ctl.sock"),
		log:    opts.Logger,
		done:   make(chan struct{}),
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	conf := fmt.Sprintf("socket:\n  enabled: true\n  path: %s\ndbs:\n  - path: %s\n    replicas:\n      - url: %s\n",
		strconv.Quote(r.socket), strconv.Quote(db), strconv.Quote(opts.URL))
	if err := os.WriteFile(r.config, []byte(conf), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("replica: write config: %w", err)
	}
	if err := r.spawn(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	replicated.Add(db)
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.cancel = cancel
	go r.supervise(runCtx)
	if err := r.ready(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// ready waits, up to 30 s, for Litestream's control socket.
func (r *Replica) ready(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(r.socket); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			s := r.Status()
			return fmt.Errorf("replica: litestream has not opened its control socket after 30 s (restarts %d, last error %v); its log went to the slog.Logger", s.Restarts, s.LastErr)
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
		return "", fmt.Errorf("%w (%v)", ErrNoBinary, err)
	}
	return path, nil
}

// spawn starts litestream replicate, its output forwarded to the logger.
func (r *Replica) spawn() error {
	cmd := exec.Command(r.binary, "replicate", "-config", r.config)
	w := &lineLogger{log: r.log}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("replica: start litestream: %w", err)
	}
	r.mu.Lock()
	r.cmd, r.pid = cmd, cmd.Process.Pid
	r.mu.Unlock()
	return nil
}

// lineLogger logs each line written to it.
type lineLogger struct {
	log *slog.Logger
	buf []byte
}

func (w *lineLogger) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.log.Info("litestream", "line", string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
}

// supervise waits for the child and starts it again when it dies,
// waiting 100 ms, then twice as long each time, up to 10 s.
func (r *Replica) supervise(ctx context.Context) {
	defer close(r.done)
	backoff := 100 * time.Millisecond
	for {
		r.mu.Lock()
		cmd := r.cmd
		r.mu.Unlock()
		started := time.Now()
		err := cmd.Wait()
		r.mu.Lock()
		r.pid = 0
		r.mu.Unlock()
		os.Remove(r.socket) // a killed litestream leaves it behind; ready waits for the next one's
		if ctx.Err() != nil {
			return
		}
		r.mu.Lock()
		r.lastErr = fmt.Errorf("litestream exited: %v", err)
		r.restarts++
		r.mu.Unlock()
		r.log.Warn("litestream exited; restarting", "err", err, "backoff", backoff)
		if time.Since(started) > time.Minute {
			backoff = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
		for r.spawn() != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		}
	}
}

// Sync blocks until everything committed to the database so far is in
// the replica (`litestream sync -wait`, through the control socket).
//
// https://litestream.io/reference/sync/
func (r *Replica) Sync(ctx context.Context) error {
	if err := r.ready(ctx); err != nil { // after a restart
		return err
	}
	timeout := 60
	if d, ok := ctx.Deadline(); ok {
		timeout = max(1, int(time.Until(d).Seconds()))
	}
	out, err := exec.CommandContext(ctx, r.binary, "sync", "-wait",
		"-timeout", strconv.Itoa(timeout), "-socket", r.socket, r.db).CombinedOutput()
	if err != nil {
		return fmt.Errorf("replica: litestream sync: %w: %s", errors.Join(ctx.Err(), err), bytes.TrimSpace(out))
	}
	return nil
}

// Status describes the child process.
type Status struct {
	PID      int   // of the running litestream, 0 if none
	Restarts int   // how many times it died and was started again
	LastErr  error // why it last died
}

// Status returns the state of the child process.
func (r *Replica) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Status{PID: r.pid, Restarts: r.restarts, LastErr: r.lastErr}
}

// Close stops Litestream (SIGTERM, then SIGKILL after 10 s) and removes
// its configuration. Call Sync first for what must not wait for the next
// start.
func (r *Replica) Close() error {
	r.cancel()
	r.mu.Lock()
	cmd := r.cmd
	r.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-r.done
		}
	}
	replicated.Remove(r.db)
	return os.RemoveAll(r.dir)
}
