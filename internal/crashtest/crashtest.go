// Package crashtest runs the child processes of sqlitekit's crash tests:
// the test binary itself, run again to play a role, and killed with
// SIGKILL at a random moment of its work.
//
// A package's crash tests declare their roles in one test function that
// does nothing unless it runs in a child:
//
//	func TestCrashChild(t *testing.T) { crashtest.Child(t, roles) }
//
// and start a child with [Start] (or [Run]), which re-executes the test
// binary with -test.run=^TestCrashChild$ and the role's name and argument
// in the environment. A child reports its progress with [Ack], one line
// at a time, over a pipe of its own (not its stdout, where the testing
// package writes too); the parent reads each line as it is written, so
// what a child acknowledged before it was killed is known exactly.
package crashtest

import (
	"bufio"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	roleEnv = "SQLITEKIT_CRASHTEST_ROLE"
	argEnv  = "SQLITEKIT_CRASHTEST_ARG"
	ackFD   = 3 // the child's end of the acknowledgement pipe
)

// A Role is what a child process does, given the argument Start passed.
// A role that returns nil ends the child with status 0; an error ends it
// with status 1, the error on its stderr.
type Role func(arg string) error

// Child runs, in a child process, the role it was started to play, and
// exits. In the test process itself it returns at once: the test passes.
func Child(t *testing.T, roles map[string]Role) {
	name := os.Getenv(roleEnv)
	if name == "" {
		return
	}
	role, ok := roles[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "crashtest: no role %q\n", name)
		os.Exit(2)
	}
	if err := role(os.Getenv(argEnv)); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest: role %s: %v\n", name, err)
		os.Exit(1)
	}
	os.Exit(0)
}

var (
	ackOnce sync.Once
	ackFile *os.File
)

// Ack, in a child, writes line (which must not hold a newline) to the
// parent; it returns once the line is in the pipe. In the test process
// itself it does nothing.
func Ack(line string) {
	ackOnce.Do(func() {
		if os.Getenv(roleEnv) != "" {
			ackFile = os.NewFile(ackFD, "ack")
		}
	})
	if ackFile != nil {
		ackFile.WriteString(line + "\n")
	}
}

// Do, in a child, opens a database with open and pings it, acknowledges
// "ready", runs do and acknowledges "done": a child whose one piece of
// work the parent kills at a random moment (see [Delay]).
func Do(open func() (*sql.DB, error), do func(*sql.DB) error) error {
	db, err := open()
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		return err
	}
	Ack("ready")
	if err := do(db); err != nil {
		return err
	}
	Ack("done")
	return nil
}

// An AckLine is a line a child wrote with [Ack], and when the parent read it.
type AckLine struct {
	Text string
	At   time.Time
}

// Proc is a child process.
type Proc struct {
	t      testing.TB
	cmd    *exec.Cmd
	lines  chan AckLine
	stderr strings.Builder
	acks   []AckLine
}

// Start starts a child playing role with arg. The test fails if it cannot
// start; the child is killed when the test ends, if it still runs.
func Start(t testing.TB, role, arg string) *Proc {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &Proc{t: t, lines: make(chan AckLine, 64)}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	p.cmd.Env = append(os.Environ(), roleEnv+"="+role, argEnv+"="+arg)
	p.cmd.ExtraFiles = []*os.File{w} // fd 3
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	go func() {
		defer close(p.lines)
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			p.lines <- AckLine{sc.Text(), time.Now()}
		}
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// Next returns the child's next line, waiting for it; ok is false if the
// child closed its pipe (it ended) first. The test fails if no line comes
// within a minute.
func (p *Proc) Next() (line AckLine, ok bool) {
	p.t.Helper()
	select {
	case l, ok := <-p.lines:
		if ok {
			p.acks = append(p.acks, l)
		}
		return l, ok
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		p.t.Fatalf("the child wrote nothing for a minute; stderr: %s", p.stderr.String())
		return AckLine{}, false
	}
}

// Kill kills the child with SIGKILL, waits for it, and returns every line
// it wrote. It reports whether the signal killed it; false means it had
// ended by itself, which fails the test if it failed.
func (p *Proc) Kill() (acks []AckLine, killed bool) {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGKILL)
	return p.Wait()
}

// Wait waits for the child to end and returns every line it wrote, and
// whether SIGKILL ended it. A child that ended by itself with an error
// fails the test.
func (p *Proc) Wait() (acks []AckLine, killed bool) {
	p.t.Helper()
	for l := range p.lines {
		p.acks = append(p.acks, l)
	}
	err := p.cmd.Wait()
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		return p.acks, true
	}
	if err != nil {
		p.t.Fatalf("the child failed: %v; stderr: %s", err, p.stderr.String())
	}
	return p.acks, false
}

// Run starts a child playing role with arg, waits for its first line (it
// is ready: what comes before, opening databases, is not what the test
// is about), and kills it delay later, unless it ended first. It returns
// the child's lines and whether it was killed.
func Run(t testing.TB, role, arg string, delay time.Duration) (acks []AckLine, killed bool) {
	t.Helper()
	p := Start(t, role, arg)
	if _, ok := p.Next(); !ok {
		return p.Wait()
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return p.Wait()
			}
			p.acks = append(p.acks, l)
		case <-timer.C:
			return p.Kill()
		}
	}
}

// Kills returns how many times a test should kill a child: n, or a
// quarter of n (at least 2) with -short or the race detector, which makes
// the translated SQLite several times slower.
func Kills(n int) int {
	if testing.Short() || Race {
		return max(2, n/4)
	}
	return n
}

// Size returns how much work (rows) a test should give a child: n, or a
// tenth of n with the race detector, under which SQLite runs some ten
// times slower.
func Size(n int) int {
	if Race {
		return max(1, n/10)
	}
	return n
}

// Delay returns a random time from 0 to d, for a kill that lands
// anywhere in work that takes d.
func Delay(r *rand.Rand, d time.Duration) time.Duration {
	return time.Duration(r.Int64N(int64(d) + 1))
}
