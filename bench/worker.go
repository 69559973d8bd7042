package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"time"
)

// workerEnv, when set, makes the program a worker: it reads one job as
// JSON on stdin, runs it, and writes its result as JSON on stdout.
const workerEnv = "SQLITEKIT_BENCH_WORKER"

// A job is one round of one workload on one driver, run in a fresh process
// so that drivers never share a heap, a page cache or a measurement of
// memory. It measures each of the workload's figures once: that is the
// round's figure.
type job struct {
	Workload string
	Driver   string
	Param    int // the data size of workloads that take one
	Round    int
	Dir      string // a directory of its own for the job's databases
	Sizes    sizes
	Probe    string // the start-up probe built for Driver, if any
}

// A metric is one figure of a workload on a driver.
type metric struct {
	Name    string
	Unit    string
	Better  int       // -1 lower is better, +1 higher is better, 0 neither
	Samples []float64 // the round's figure; one, or none with NA
	NA      string    // why there is no figure
	X       float64   // the data size, for figures plotted against it
	// Control: the same code on every driver (no driver call), so that
	// its ratios measure the machine's noise, not a driver.
	Control bool `json:",omitempty"`
}

// A result is what a worker sends back.
type result struct {
	Workload string
	Driver   string
	Param    int
	Round    int
	Metrics  []metric
	// Checks are values that must be equal across drivers (row counts,
	// top-k answers); the tests compare them.
	Checks map[string]string
	Err    string
	// Info, for the "info" job: SQLite and driver versions.
	Info map[string]string
}

// env is what a workload runs with.
type env struct {
	ctx  context.Context
	peer *peer
	job  job
	res  *result
}

// path is a database file of the job; name tells the workload's files apart.
func (e *env) path(name string) string { return filepath.Join(e.job.Dir, name+".db") }

// open opens the database file name with the job's driver.
func (e *env) open(name string, o openOptions) (*sql.DB, error) {
	db, err := e.peer.open(e.path(name), o)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	db.SetMaxIdleConns(32)
	return db, nil
}

func (e *env) metric(name, unit string, better int) *metric {
	for i := range e.res.Metrics {
		if m := &e.res.Metrics[i]; m.Name == name {
			return m
		}
	}
	e.res.Metrics = append(e.res.Metrics, metric{Name: name, Unit: unit, Better: better, X: float64(e.job.Param)})
	return &e.res.Metrics[len(e.res.Metrics)-1]
}

// sample records the round's value of a metric.
func (e *env) sample(name, unit string, better int, v float64) {
	m := e.metric(name, unit, better)
	m.Samples = append(m.Samples, v)
}

// ms records a duration in milliseconds, lower is better.
func (e *env) ms(name string, d time.Duration) {
	e.sample(name, "ms", -1, float64(d)/float64(time.Millisecond))
}

// na records that a metric has no figure on this driver, and why.
func (e *env) na(name, unit string, better int, reason string) {
	e.metric(name, unit, better).NA = reason
}

// check records a value that must agree across drivers.
func (e *env) check(key string, v any) {
	if e.res.Checks == nil {
		e.res.Checks = map[string]string{}
	}
	e.res.Checks[key] = fmt.Sprint(v)
}

// progress tells the user, on stderr, what the worker is doing.
func (e *env) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "      %s/%s: %s\n", e.job.Workload, e.job.Driver, fmt.Sprintf(format, args...))
}

// turnsEnv, when set with workerEnv, makes the worker take turns with the
// other drivers' workers of its job (harness.go: execTurns): before each
// timed repetition it writes a byte on file descriptor 3 (ready) and waits
// for a byte on file descriptor 4 (go).
const turnsEnv = "SQLITEKIT_BENCH_TURNS"

// turn waits, in a worker that takes turns, for the harness to let it run
// its next timed repetition; elsewhere it returns at once. timed calls it.
var turn = func() {}

// workerMain runs the job read from stdin.
func workerMain() int {
	var j job
	if err := json.NewDecoder(os.Stdin).Decode(&j); err != nil {
		fmt.Fprintln(os.Stderr, "bench worker: read job:", err)
		return 2
	}
	if os.Getenv(turnsEnv) != "" {
		ready, goOn := os.NewFile(3, "ready"), os.NewFile(4, "go")
		turn = func() {
			var b [1]byte
			if _, err := ready.Write(b[:]); err == nil {
				io.ReadFull(goOn, b[:]) // an error: the harness is gone, and the job with it
			}
		}
	}
	res := runJob(context.Background(), j)
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "bench worker: write result:", err)
		return 2
	}
	return 0
}

func runJob(ctx context.Context, j job) (res result) {
	res = result{Workload: j.Workload, Driver: j.Driver, Param: j.Param, Round: j.Round}
	p, ok := peers[j.Driver]
	if !ok {
		res.Err = "n/a: " + noPeerReason[j.Driver]
		return res
	}
	if j.Workload == "info" {
		res.Info, res.Err = info(p, j.Dir)
		return res
	}
	w := workloadByName(j.Workload)
	if w == nil {
		res.Err = "unknown workload " + j.Workload
		return res
	}
	if w.run == nil {
		res.Err = j.Workload + " is measured by the harness, not in a worker"
		return res
	}
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		res.Err = err.Error()
		return res
	}
	defer func() {
		if v := recover(); v != nil {
			res.Err = fmt.Sprintf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	e := &env{ctx: ctx, peer: p, job: j, res: &res}
	if err := w.run(e); err != nil {
		res.Err = err.Error()
	}
	return res
}

// info reports the driver's version and the SQLite it runs.
func info(p *peer, dir string) (map[string]string, string) {
	m := map[string]string{"module": p.module, "version": "?"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == p.module {
				m["version"] = d.Version
				if d.Replace != nil || d.Version == "(devel)" {
					m["version"] = "this repository"
				}
			}
		}
		if m["version"] == "?" && p.name == "sqlitekit" {
			m["version"] = "this repository"
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, err.Error()
	}
	db, err := p.open(filepath.Join(dir, "info.db"), openOptions{})
	if err != nil {
		return m, err.Error()
	}
	defer db.Close()
	var v, mode string
	if err := db.QueryRow("SELECT sqlite_version()").Scan(&v); err != nil {
		return m, err.Error()
	}
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return m, err.Error()
	}
	m["sqlite"] = v
	m["journal_mode"] = mode
	m["txlock"] = p.txlock
	return m, ""
}

// median of a sorted copy of xs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// timed runs f, at its turn (see turn), after a GC, so that the garbage of what came before is not
// collected on f's clock, and returns how long f took.
func timed(f func() error) (time.Duration, error) {
	turn()
	runtime.GC()
	t := time.Now()
	err := f()
	return time.Since(t), err
}

// fastest is the shortest of ds. A short measurement is repeated within
// the round, and the fastest repetition is the round's figure: on a shared
// machine, other processes, a collection or a preemption only ever add
// time, so the fastest is the one that says most about the driver.
func fastest(ds []time.Duration) time.Duration {
	return slices.Min(ds)
}

// quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
