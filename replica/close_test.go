package replica_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/replica"
)

// child is a process of the process table whose parent is this test.
type child struct {
	pid   int
	state string // "R", "S", "Z" (exited, not yet waited for), …
	args  []string
}

func (c child) String() string {
	return fmt.Sprintf("pid %d (%s) %q", c.pid, c.state, c.args)
}

// litestreams lists this process's children, running or exited but not
// waited for, that run `litestream`, from the process table in /proc.
// With want, only the running ones with an argument equal to one of want.
func litestreams(t *testing.T, want ...string) []child {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc process table on this system")
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []child
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone meanwhile
		}
		// "pid (comm) state ppid …"; comm may hold spaces and parentheses.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		c := child{pid: pid, state: fields[0]}
		if cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); err == nil {
			c.args = strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")
		}
		if c.state != "Z" && (len(c.args) == 0 || filepath.Base(c.args[0]) != "litestream") {
			continue
		}
		if c.state == "Z" { // a zombie has no command line left: check its name
			if comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm")); strings.TrimSpace(string(comm)) != "litestream" {
				continue
			}
		}
		if len(want) == 0 || hasAny(c.args, want) {
			out = append(out, c)
		}
	}
	return out
}

func hasAny(args, want []string) bool {
	for _, a := range args {
		for _, w := range want {
			if a == w {
				return true
			}
		}
	}
	return false
}

// Close lands at every point of a restart: just after Litestream was
// killed, before and after the supervisor noticed, in the backoff, while
// the next Litestream is being started, just after it started, and after
// a second kill (a longer backoff). Every time, Close returns within its
// bound (10 s for Litestream to stop after SIGTERM) and no Litestream is
// left running or unwaited.
//
// Not parallel: it reads the process table for this process's children.
func TestClose_duringRestart(t *testing.T) {
	bin := binary(t)
	path := testdb.Path(t)
	db := testdb.Open(t, path)
	if _, err := db.Exec("CREATE TABLE t(g, i)"); err != nil {
		t.Fatal(err)
	}
	url := "file://" + t.TempDir()
	t.Cleanup(func() { // after a failure: leave nothing running
		for _, c := range litestreams(t) {
			syscall.Kill(c.pid, syscall.SIGKILL)
		}
	})

	// The first tries sweep a whole restart and a second one; the rest aim
	// at the moment the next Litestream is started, as measured (it moves
	// with the machine's load), from 6 ms before to 1.5 ms after.
	var latencies []time.Duration // from a kill to the next Litestream's pid
	for i := range 60 {
		r, err := replica.Start(t.Context(), path, url, &replica.Options{Binary: bin, Logger: quiet})
		if err != nil {
			t.Fatalf("try %d: %v", i, err)
		}
		var kills int
		var delay time.Duration
		switch {
		case i < 10: // the first restart: 0-180 ms
			kills, delay = 1, time.Duration(i)*20*time.Millisecond
		case i < 18: // the second one, after a 200 ms backoff: 0-350 ms
			kills, delay = 2, time.Duration(i-10)*50*time.Millisecond
		default:
			slices.Sort(latencies)
			kills = 1
			delay = latencies[len(latencies)/2] - 6*time.Millisecond + time.Duration(i-18)*7500*time.Microsecond/42
		}
		for k := range kills {
			pid := waitPID(t, r, k)
			killed := time.Now()
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatalf("try %d: kill litestream: %v", i, err)
			}
			if k < kills-1 {
				waitPID(t, r, k+1)
				latencies = append(latencies, time.Since(killed))
			}
		}
		time.Sleep(delay)

		closed := make(chan error, 1)
		start := time.Now()
		go func() { closed <- r.Close() }()
		select {
		case <-closed:
		case <-time.After(12 * time.Second):
			t.Fatalf("try %d (%d kills, Close %v after the last): Close has not returned after 12 s; litestream children: %v",
				i, kills, delay, litestreams(t))
		}
		if left := litestreams(t); len(left) > 0 {
			t.Fatalf("try %d (%d kills, Close %v after the last, returned in %v): left behind: %v",
				i, kills, delay, time.Since(start).Round(time.Millisecond), left)
		}
	}
	slices.Sort(latencies)
	t.Logf("from a kill to the next litestream: %v", latencies)
	// Nothing is started later either.
	time.Sleep(500 * time.Millisecond)
	if left := litestreams(t); len(left) > 0 {
		t.Fatalf("0.5 s after the last Close: %v", left)
	}
}

// waitPID waits until the replica runs a Litestream after `restarts`
// restarts, and returns its pid.
func waitPID(t *testing.T, r *replica.Replica, restarts int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := r.Status()
		if s.Restarts == restarts && s.PID != 0 {
			return s.PID
		}
		if time.Now().After(deadline) {
			t.Fatalf("litestream not running after %d restarts: %+v", restarts, s)
		}
		time.Sleep(time.Millisecond)
	}
}

// A follower that died is reported by Close, with why.
func TestFollow_exitError(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	_, url, r := replicated(t, bin, "CREATE TABLE t(g, i); INSERT INTO t VALUES (0, 0)")
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "follower.db")
	f, err := replica.Follow(ctx, url, out, &replica.RestoreOptions{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	children := litestreams(t, out)
	if len(children) != 1 {
		t.Fatalf("the follower's litestream: %v", children)
	}
	syscall.Kill(children[0].pid, syscall.SIGKILL)
	time.Sleep(100 * time.Millisecond)
	if err := f.Close(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Close of a follower whose litestream was killed: %v, want the exit error", err)
	}
}

// A litestream that ignores SIGTERM is killed 10 s later: Close returns
// within its bound, and leaves nothing running. (A shell script plays
// the stuck Litestream: it never opens the control socket either, so
// Start gives up when its ctx ends, and closes.)
func TestClose_killsAfterTimeout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "app.db")
	sqlite3(t, path, "PRAGMA journal_mode=WAL")
	stuck := filepath.Join(dir, "litestream")
	pidFile := filepath.Join(dir, "pid")
	script := "#!/bin/sh\ntrap '' TERM\necho $$ > '" + pidFile + "'\nwhile :; do sleep 0.1; done\n"
	if err := os.WriteFile(stuck, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := replica.Start(ctx, path, "file://"+t.TempDir(), &replica.Options{Binary: stuck, Logger: quiet})
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Start: %v, want its ctx's error", err)
	}
	if took < 11*time.Second || took > 13*time.Second {
		t.Errorf("Start and Close took %v, want 1 s and the 10 s Close waits before SIGKILL", took)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("the stuck litestream (pid %d) still exists after Close: %v", pid, err)
	}
}
