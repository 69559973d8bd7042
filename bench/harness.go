package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// config is what the flags ask for.
type config struct {
	Mode   string // "quick", "default" or "full"
	Sizes  sizes
	Rounds int
	// Extra are the rounds added for workloads whose sqlitekit/ncruces
	// ratio is noisy after Rounds.
	Extra int
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
	Builds   []build                      // what this run built before the rounds
	Results  []result                     // one per job: workload, size, driver and round
	Figures  []*row                       // the report's figures, from Results
	Extra    []string                     // the workloads that ran Config.Extra more rounds
	Started  time.Time
	Duration time.Duration
	// selected are the workloads of this run, in report order.
	selected []*workload
}

// A build is a program the run built, and how long that took.
type build struct {
	What    string
	Seconds float64
	Err     string `json:",omitempty"`
}

// harness runs workers and keeps what they return.
type harness struct {
	src     string // the bench's source directory
	tmp     string
	bins    map[string]string // driver → worker binary
	probes  map[string]string // driver → start-up probe
	logf    func(format string, args ...any)
	drivers []string
	mu      sync.Mutex // guards bins, probes and builds while building
	builds  []build
	// exec runs a job; a worker process (execWorker) but in tests.
	exec func(ctx context.Context, j job) result
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
	h := &harness{src: sourceDir(), tmp: tmp, bins: map[string]string{}, probes: map[string]string{}, logf: logf}
	h.exec = h.execWorker
	h.drivers = driverOrder
	if cfg.Drivers != nil {
		h.drivers = cfg.Drivers
	}
	r := &run{Config: cfg, Machine: readMachine(), Drivers: map[string]map[string]string{}, NA: map[string]string{}, Started: start}

	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		for _, w := range workloads {
			if w.group == g.name && (cfg.Only == nil || cfg.Only.MatchString(w.id())) {
				r.selected = append(r.selected, w)
			}
		}
	}
	if len(r.selected) == 0 {
		return nil, fmt.Errorf("-only %v matches no workload", cfg.Only)
	}

	if d, ok := goRunBuild(); ok {
		h.logf("go run built this program (the bench with sqlitekit, ncruces and modernc) in %.1fs before starting it", d.Seconds())
		h.builds = append(h.builds, build{What: "`go run`'s build of the bench", Seconds: d.Seconds()})
	}

	// Binaries: this one for the cgo-free drivers, a build of itself
	// with the benchmattn tag for mattn (peer_mattn.go says why), and
	// for the start workload a small probe per driver. mattn's builds
	// run beside the others: on a fresh machine its C compile is most
	// of the wait.
	needProbes := false
	for _, w := range r.selected {
		needProbes = needProbes || w.id() == "app/start"
	}
	var wg sync.WaitGroup
	var mattnErr error
	if slices.Contains(h.drivers, "mattn") {
		wg.Go(func() {
			var bin string
			if bin, mattnErr = h.buildMattn(ctx); mattnErr == nil {
				h.mu.Lock()
				h.bins["mattn"] = bin
				h.mu.Unlock()
				if needProbes {
					h.buildProbe(ctx, "mattn")
				}
			}
		})
	}
	for _, d := range h.drivers {
		if d != "mattn" {
			h.mu.Lock()
			h.bins[d] = self
			h.mu.Unlock()
			if needProbes {
				h.buildProbe(ctx, d)
			}
		}
	}
	wg.Wait()
	if mattnErr != nil {
		r.NA["mattn"] = "worker build failed: " + firstLine(mattnErr.Error())
	}
	for _, d := range h.drivers {
		if r.NA[d] != "" {
			continue
		}
		res := h.exec(ctx, job{Workload: "info", Driver: d})
		if res.Err != "" {
			r.NA[d] = strings.TrimPrefix(res.Err, "n/a: ")
			continue
		}
		r.Drivers[d] = res.Info
	}
	r.Builds = h.builds

	var drivers []string
	for _, d := range h.drivers {
		if r.NA[d] == "" {
			drivers = append(drivers, d)
		}
	}
	failed := h.measure(ctx, r, drivers)
	r.Duration = time.Since(start)
	if failed != nil {
		return r, fmt.Errorf("%d jobs failed:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	return r, nil
}

// schedule lays out the jobs, round by round. A round runs every selected
// workload (at each of its sizes) once on every driver, the drivers of a
// workload one after the other, so that the figures a ratio divides were
// measured seconds apart; the drivers' order rotates from round to round,
// so that none is always first (or always next to the same neighbour).
// Rounds are spread over the whole run rather than run back to back, so
// that a burst of load on the machine lands in one round of a workload,
// which the median then drops, and not in all of them. A workload that
// measures its drivers together (workload.together: the start workload,
// whose samples are short processes) gets its round's jobs side by side,
// and interleaves their samples itself.
//
// The rounds are numbered from first.
func schedule(selected []*workload, drivers []string, s sizes, first, rounds int) [][]job {
	out := make([][]job, rounds)
	for i := range rounds {
		k := first + i
		order := append(slices.Clone(drivers[k%len(drivers):]), drivers[:k%len(drivers)]...)
		for _, w := range selected {
			params := []int{0}
			if w.params != nil {
				params = w.params(s)
			}
			for _, p := range params {
				for _, d := range order {
					out[i] = append(out[i], job{Workload: w.id(), Driver: d, Param: p, Round: k, Sizes: s})
				}
			}
		}
	}
	return out
}

// rounds runs the jobs and returns their results, and the jobs that failed.
func (h *harness) rounds(ctx context.Context, rounds [][]job) ([]result, []string) {
	total := 0
	for _, js := range rounds {
		total += len(js)
	}
	var results []result
	var failed []string
	done := 0
	start := time.Now()
	for k, js := range rounds {
		t0 := time.Now()
		if len(js) == 0 {
			continue
		}
		h.logf("round %d of %d", js[0].Round+1, js[0].Round+1+len(rounds)-1-k)
		for rest := js; len(rest) > 0; {
			// A job, or the jobs of every driver of a workload that
			// measures them together or takes turns (schedule puts
			// them side by side).
			batch := rest[:1]
			w := workloadByName(rest[0].Workload)
			together := w != nil && w.together != nil
			turns := w != nil && w.turns
			if together || turns {
				end := 1
				for end < len(rest) && rest[end].Workload == rest[0].Workload && rest[end].Param == rest[0].Param {
					end++
				}
				batch = rest[:end]
			}
			rest = rest[len(batch):]
			for i := range batch {
				batch[i].Probe = h.probes[batch[i].Driver]
			}
			t := time.Now()
			var res []result
			switch {
			case together:
				dir := filepath.Join(h.tmp, fmt.Sprintf("%s-%d-%d", strings.ReplaceAll(batch[0].Workload, "/", "-"), batch[0].Param, batch[0].Round))
				res = w.together(ctx, dir, batch)
				os.RemoveAll(dir)
			case turns:
				res = h.execTurns(ctx, batch)
			default:
				res = []result{h.exec(ctx, batch[0])}
			}
			label := batch[0].Workload + " · "
			size := ""
			if batch[0].Param != 0 {
				size = fmt.Sprintf(" · %s rows", n(batch[0].Param))
			}
			var ran []string
			for i, j := range batch {
				if res[i].Err != "" {
					failed = append(failed, fmt.Sprintf("%s%s%s (round %d): %s", label, j.Driver, size, j.Round+1, res[i].Err))
					h.logf("  [%3d/%d] %s%s%s: FAILED: %s", done+i+1, total, label, j.Driver, size, res[i].Err)
				} else {
					ran = append(ran, j.Driver)
				}
			}
			done += len(batch)
			if len(ran) > 0 {
				how := ""
				if len(batch) > 1 {
					how = ", taking turns"
				}
				h.logf("  [%3d/%d] %s%s%s: %.1fs%s", done, total, label, strings.Join(ran, ", "), size, time.Since(t).Seconds(), how)
			}
			results = append(results, res...)
		}
		if k+1 < len(rounds) && done > 0 {
			left := time.Since(start) / time.Duration(done) * time.Duration(total-done)
			h.logf("round %d took %s; about %s to go", js[0].Round+1, time.Since(t0).Round(time.Second), left.Round(time.Second))
		}
	}
	return results, failed
}

// measure runs the rounds of r's workloads on drivers, then the extra
// rounds, and keeps the results and figures in r; it returns the jobs that
// failed.
func (h *harness) measure(ctx context.Context, r *run, drivers []string) []string {
	cfg := r.Config
	var failed []string
	r.Results, failed = h.rounds(ctx, schedule(r.selected, drivers, cfg.Sizes, 0, cfg.Rounds))
	r.Figures = figures(r.selected, r.Results)

	// Better-chosen samples: the workloads whose sqlitekit/ncruces ratio
	// is noisy get more rounds, the others none.
	more := h.noisy(r.Figures)
	if cfg.Extra == 0 || cfg.Rounds < 2 || len(more) == 0 {
		return failed
	}
	r.Extra = slices.Sorted(maps.Keys(more))
	h.logf("noisy sqlitekit/ncruces ratios after %d rounds in: %s; %d more rounds of those", cfg.Rounds, strings.Join(r.Extra, ", "), cfg.Extra)
	extra := schedule(r.selected, drivers, cfg.Sizes, cfg.Rounds, cfg.Extra)
	for i, js := range extra {
		extra[i] = slices.DeleteFunc(js, func(j job) bool { return !more[jobKey(j.Workload, j.Param)] })
	}
	res, f := h.rounds(ctx, extra)
	r.Results, failed = append(r.Results, res...), append(failed, f...)
	r.Figures = figures(r.selected, r.Results)
	return failed
}

// noisy returns the workloads (at a size) with a noisy sqlitekit/ncruces
// ratio, keyed by jobKey.
func (h *harness) noisy(rows []*row) map[string]bool {
	out := map[string]bool{}
	for _, r := range rows {
		if c := r.Cells["sqlitekit"]; c.ok() && c.VsBaseline != nil && c.VsBaseline.Noisy && !r.Control {
			out[jobKey(r.Group+"/"+r.Workload, int(r.X))] = true
		}
	}
	return out
}

// jobKey names a workload at a size.
func jobKey(workload string, param int) string {
	if param == 0 {
		return workload
	}
	return fmt.Sprintf("%s (%s rows)", workload, n(param))
}

// execWorker runs one job in a worker process and returns its result.
func (h *harness) execWorker(ctx context.Context, j job) result {
	cmd, err := h.worker(ctx, &j)
	defer os.RemoveAll(j.Dir)
	if err != nil {
		return failedJob(j, err.Error())
	}
	out, err := cmd.Output()
	return workerResult(j, out, err)
}

// worker makes the command of j's worker process, with its job on stdin,
// and gives j a directory.
func (h *harness) worker(ctx context.Context, j *job) (*exec.Cmd, error) {
	j.Dir = filepath.Join(h.tmp, fmt.Sprintf("%s-%s-%d-%d", strings.ReplaceAll(j.Workload, "/", "-"), j.Driver, j.Param, j.Round))
	in, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, h.bins[j.Driver])
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	return cmd, nil
}

// workerResult is the result a worker wrote (out), or a failure saying why
// there is none.
func workerResult(j job, out []byte, err error) result {
	var res result
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		msg := fmt.Sprintf("worker: %v", err)
		if err == nil {
			msg = fmt.Sprintf("worker output: %v", jerr)
		}
		return failedJob(j, msg)
	}
	return res
}

func failedJob(j job, msg string) result {
	return result{Workload: j.Workload, Driver: j.Driver, Param: j.Param, Round: j.Round, Err: msg}
}

// execTurns runs the jobs of a round's drivers (one workload at one size)
// in worker processes side by side that take turns: each prepares its data
// at once, then waits before each timed repetition (turn) until the
// harness lets it run; the harness lets one run at a time, the drivers in
// the jobs' order, rotating at every pass (A B C D, B C D A, ...), so that
// a burst of load on the machine lands on one repetition of each driver,
// which the fastest drops, not on every repetition of one driver. A
// worker's turn ends when it is ready for its next one, or exits.
func (h *harness) execTurns(ctx context.Context, js []job) []result {
	type turnWorker struct {
		cmd   *exec.Cmd
		out   bytes.Buffer
		ready *os.File // the worker writes a byte when it is ready for a turn
		goOn  *os.File // the harness writes a byte to give it its turn
		alive bool
	}
	out := make([]result, len(js))
	ws := make([]*turnWorker, len(js))
	// waitReady reads w's next ready byte; false if it has exited.
	waitReady := func(w *turnWorker) bool {
		var b [1]byte
		_, err := io.ReadFull(w.ready, b[:])
		return err == nil
	}
	for i := range js {
		w := &turnWorker{}
		ws[i] = w
		cmd, err := h.worker(ctx, &js[i])
		if err != nil {
			out[i] = failedJob(js[i], err.Error())
			continue
		}
		readyR, readyW, err := os.Pipe()
		if err != nil {
			out[i] = failedJob(js[i], err.Error())
			continue
		}
		goR, goW, err := os.Pipe()
		if err != nil {
			readyR.Close()
			readyW.Close()
			out[i] = failedJob(js[i], err.Error())
			continue
		}
		cmd.Env = append(cmd.Env, turnsEnv+"=1")
		cmd.ExtraFiles = []*os.File{readyW, goR} // 3 and 4
		cmd.Stdout = &w.out
		w.cmd, w.ready, w.goOn = cmd, readyR, goW
		err = cmd.Start()
		readyW.Close()
		goR.Close()
		if err != nil {
			readyR.Close()
			goW.Close()
			out[i] = failedJob(js[i], err.Error())
			w.cmd = nil
			continue
		}
	}
	for _, w := range ws {
		w.alive = w.cmd != nil && waitReady(w)
	}
	for pass := 0; slices.ContainsFunc(ws, func(w *turnWorker) bool { return w.alive }); pass++ {
		for k := range ws {
			w := ws[(pass+k)%len(ws)]
			if !w.alive {
				continue
			}
			if _, err := w.goOn.Write([]byte{1}); err != nil {
				w.alive = false
				continue
			}
			w.alive = waitReady(w)
		}
	}
	for i, w := range ws {
		if w.cmd == nil {
			continue
		}
		w.goOn.Close()
		err := w.cmd.Wait()
		w.ready.Close()
		out[i] = workerResult(js[i], w.out.Bytes(), err)
		os.RemoveAll(js[i].Dir)
	}
	return out
}

// buildMattn builds the variant of this program that holds mattn.
func (h *harness) buildMattn(ctx context.Context) (string, error) {
	out := filepath.Join(h.tmp, "bench-mattn"+exeSuffix())
	h.logf("building the mattn worker: go build -tags %s (cgo: the first build on a machine compiles SQLite's C source, minutes on 2 cores; later ones come from Go's build cache in seconds)", mattnTags)
	return out, h.timedBuild(ctx, "mattn worker", out, mattnTags, ".")
}

// mattnTags build mattn with FTS5. The start-up probe of mattn is built
// with the same sqlite_fts5 tag, so that its mattn package (SQLite's C
// source) is the worker's, from the build cache, not a second compile.
const mattnTags = "benchmattn,sqlite_fts5"

// buildProbe builds the start-up probe of driver d; without one, the
// start workload says why.
func (h *harness) buildProbe(ctx context.Context, d string) {
	out := filepath.Join(h.tmp, "probe-"+d+exeSuffix())
	tags := "probe_" + d
	if d == "mattn" {
		tags += ",sqlite_fts5"
	}
	h.logf("building the start-up probe of %s (a small program linking %s alone)", d, d)
	if h.timedBuild(ctx, "start-up probe of "+d, out, tags, "./internal/startprobe") == nil {
		h.mu.Lock()
		h.probes[d] = out
		h.mu.Unlock()
	}
}

// timedBuild builds pkg with tags into out, and says how long it took.
func (h *harness) timedBuild(ctx context.Context, what, out, tags, pkg string) error {
	t := time.Now()
	err := h.goBuild(ctx, out, tags, pkg)
	b := build{What: what, Seconds: time.Since(t).Seconds()}
	if err != nil {
		b.Err = firstLine(err.Error())
		h.logf("  %s: FAILED after %.1fs: %v", what, b.Seconds, err)
	} else {
		h.logf("  %s built in %.1fs", what, b.Seconds)
	}
	h.mu.Lock()
	h.builds = append(h.builds, b)
	h.mu.Unlock()
	return err
}

func (h *harness) goBuild(ctx context.Context, out string, tags string, pkg string) error {
	if h.src == "" {
		return errors.New("the bench's source directory is unknown")
	}
	cmd := exec.CommandContext(ctx, goTool(), "build", "-tags", tags, "-o", out, pkg)
	cmd.Dir = h.src
	msg, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build -tags %s %s: %v\n%s", tags, pkg, err, msg)
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
