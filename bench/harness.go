package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// config is what the flags ask for.
type config struct {
	Mode  string // "quick", "default" or "full"
	Sizes sizes
	Runs  int
	Only  *regexp.Regexp
	Out   string
	JSON  bool
	// Drivers, if not nil, limits the drivers (tests).
	Drivers []string
}

// run is the outcome of a whole bench run.
type run struct {
	Config   config
	Machine  machine
	Drivers  map[string]map[string]string // driver → info (version, SQLite, ...)
	NA       map[string]string            // driver → why it did not run at all
	Results  []result
	Started  time.Time
	Duration time.Duration
}

// harness runs workers and keeps what they return.
type harness struct {
	cfg     config
	src     string // the bench's source directory
	tmp     string
	bins    map[string]string // driver → worker binary
	probes  map[string]string // driver → start-up probe
	logf    func(format string, args ...any)
	drivers []string
}

// benchRun runs the selected workloads on every driver and returns the
// results; it writes nothing but progress.
func benchRun(ctx context.Context, cfg config, logf func(string, ...any)) (*run, error) {
	start := time.Now()
	tmp, err := os.MkdirTemp("", "sqlitekit-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	h := &harness{cfg: cfg, src: sourceDir(), tmp: tmp, bins: map[string]string{}, probes: map[string]string{}, logf: logf}
	h.drivers = driverOrder
	if cfg.Drivers != nil {
		h.drivers = cfg.Drivers
	}
	r := &run{Config: cfg, Machine: readMachine(), Drivers: map[string]map[string]string{}, NA: map[string]string{}, Started: start}

	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var selected []*workload
	for _, g := range groups {
		for _, w := range workloads {
			if w.group == g.name && (cfg.Only == nil || cfg.Only.MatchString(w.id())) {
				selected = append(selected, w)
			}
		}
	}
	if len(selected) == 0 {
		return nil, fmt.Errorf("-only %v matches no workload", cfg.Only)
	}

	// Binaries: this one for the cgo-free drivers, a build of itself
	// with the benchmattn tag for mattn (peer_mattn.go says why).
	for _, d := range h.drivers {
		if d == "mattn" {
			bin, err := h.buildMattn(ctx)
			if err != nil {
				r.NA[d] = "worker build failed: " + firstLine(err.Error())
				continue
			}
			h.bins[d] = bin
		} else {
			h.bins[d] = self
		}
	}
	for _, d := range h.drivers {
		if r.NA[d] != "" {
			continue
		}
		res := h.job(ctx, job{Workload: "info", Driver: d})
		if res.Err != "" {
			r.NA[d] = strings.TrimPrefix(res.Err, "n/a: ")
			continue
		}
		r.Drivers[d] = res.Info
	}
	for _, w := range selected {
		if w.id() == "app/start" {
			for _, d := range h.drivers {
				if r.NA[d] == "" {
					h.buildProbe(ctx, d)
				}
			}
		}
	}

	var jobs []job
	for _, w := range selected {
		params := []int{0}
		if w.params != nil {
			params = w.params(cfg.Sizes)
		}
		for _, p := range params {
			for _, d := range h.drivers {
				if r.NA[d] != "" {
					continue
				}
				runs := cfg.Runs
				if w.params != nil {
					runs = 1
				}
				jobs = append(jobs, job{Workload: w.id(), Driver: d, Param: p, Runs: runs, Sizes: cfg.Sizes, Probe: h.probes[d]})
			}
		}
	}
	var failed []string
	for i, j := range jobs {
		label := j.Workload + " · " + j.Driver
		if j.Param != 0 {
			label += fmt.Sprintf(" · %s rows", n(j.Param))
		}
		t := time.Now()
		res := h.job(ctx, j)
		if res.Err != "" {
			failed = append(failed, label+": "+res.Err)
			logf("[%2d/%d] %s: FAILED: %s", i+1, len(jobs), label, res.Err)
		} else {
			logf("[%2d/%d] %s: %.1fs", i+1, len(jobs), label, time.Since(t).Seconds())
		}
		r.Results = append(r.Results, res)
	}
	r.Duration = time.Since(start)
	if failed != nil {
		return r, fmt.Errorf("%d jobs failed:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	return r, nil
}

// job runs one job in a worker process and returns its result.
func (h *harness) job(ctx context.Context, j job) result {
	bin := h.bins[j.Driver]
	j.Dir = filepath.Join(h.tmp, fmt.Sprintf("%s-%s-%d", strings.ReplaceAll(j.Workload, "/", "-"), j.Driver, j.Param))
	defer os.RemoveAll(j.Dir)
	in, err := json.Marshal(j)
	if err != nil {
		return result{Workload: j.Workload, Driver: j.Driver, Err: err.Error()}
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var res result
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		msg := fmt.Sprintf("worker: %v", err)
		if err == nil {
			msg = fmt.Sprintf("worker output: %v", jerr)
		}
		return result{Workload: j.Workload, Driver: j.Driver, Param: j.Param, Err: msg}
	}
	return res
}

// buildMattn builds the variant of this program that holds mattn.
func (h *harness) buildMattn(ctx context.Context) (string, error) {
	out := filepath.Join(h.tmp, "bench-mattn"+exeSuffix())
	h.logf("building the mattn worker (go build -tags benchmattn,sqlite_fts5; the first build compiles SQLite's C source, which takes a minute or two)")
	t := time.Now()
	if err := h.goBuild(ctx, out, []string{"benchmattn", "sqlite_fts5"}, "."); err != nil {
		return "", err
	}
	h.logf("        %.1fs", time.Since(t).Seconds())
	return out, nil
}

// buildProbe builds the start-up probe of driver d; without one, the
// start workload says why.
func (h *harness) buildProbe(ctx context.Context, d string) {
	out := filepath.Join(h.tmp, "probe-"+d+exeSuffix())
	h.logf("building the start-up probe for %s", d)
	if err := h.goBuild(ctx, out, []string{"probe_" + d}, "./internal/startprobe"); err != nil {
		h.logf("        FAILED: %v", err)
		return
	}
	h.probes[d] = out
}

func (h *harness) goBuild(ctx context.Context, out string, tags []string, pkg string) error {
	if h.src == "" {
		return errors.New("the bench's source directory is unknown")
	}
	cmd := exec.CommandContext(ctx, goTool(), "build", "-tags", strings.Join(tags, ","), "-o", out, pkg)
	cmd.Dir = h.src
	msg, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build -tags %s %s: %v\n%s", strings.Join(tags, ","), pkg, err, msg)
	}
	return nil
}

// sourceDir is the directory of the bench's source: where this file was
// compiled from (go run and go test build from source), else what
// go list says.
func sourceDir() string {
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Dir(file)
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
	}
	out, err := exec.Command(goTool(), "list", "-f", "{{.Dir}}", "github.com/sqlitekit/sqlitekit/bench").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
