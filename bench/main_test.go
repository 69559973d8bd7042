package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The test binary is also the worker that the harness re-executes.
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(workerMain())
	}
	os.Exit(m.Run())
}

// cgoAvailable reports whether the go tool builds with cgo here, that is
// whether mattn must run.
func cgoAvailable(t *testing.T) bool {
	out, err := exec.Command(goTool(), "env", "CGO_ENABLED").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out)) == "1"
}

// Every workload runs at tiny size on every driver, the results agree
// across drivers, and the report and its charts are written.
func TestBench(t *testing.T) {
	cfg := config{Mode: "quick", Sizes: quickSizes(), Rounds: 1, Out: t.TempDir()}
	rn, err := benchRun(context.Background(), cfg, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	for d, why := range rn.NA {
		if d != "mattn" || cgoAvailable(t) {
			t.Errorf("%s did not run: %s", d, why)
		} else if why != "built without cgo" {
			t.Errorf("mattn: n/a (%s), want n/a (built without cgo)", why)
		}
	}

	// Each workload (at each size) ran on each driver, with a figure or a
	// reason for every metric, and the same checks.
	type key struct {
		workload string
		param    int
	}
	byKey := map[key][]result{}
	for _, res := range rn.Results {
		k := key{res.Workload, res.Param}
		byKey[k] = append(byKey[k], res)
	}
	for _, w := range workloads {
		params := []int{0}
		if w.params != nil {
			params = w.params(cfg.Sizes)
		}
		for _, p := range params {
			rs := byKey[key{w.id(), p}]
			if want := len(driverOrder) - len(rn.NA); len(rs) != want {
				t.Errorf("%s (%d): %d results, want one per driver (%d)", w.id(), p, len(rs), want)
				continue
			}
			for _, res := range rs {
				if len(res.Metrics) == 0 {
					t.Errorf("%s on %s: no metrics", w.id(), res.Driver)
				}
				for _, m := range res.Metrics {
					if len(m.Samples) == 0 && m.NA == "" {
						t.Errorf("%s on %s: metric %q has neither a figure nor a reason", w.id(), res.Driver, m.Name)
					}
				}
				if fmt.Sprint(res.Checks) != fmt.Sprint(rs[0].Checks) {
					t.Errorf("%s: %s found %v, %s found %v", w.id(), res.Driver, res.Checks, rs[0].Driver, rs[0].Checks)
				}
			}
		}
	}

	// Figures that drivers must have, and those they must not.
	cells := map[string]map[string]*cell{}
	for _, r := range rn.Figures {
		cells[r.Workload+"/"+r.label()] = r.Cells
	}
	for _, c := range []struct {
		row, driver string
		ok          bool
	}{
		{"top10/SQL function", "sqlitekit", true},
		{"top10/SQL function", "ncruces", false},
		{"top10/SQL function", "modernc", false},
		{"top10/rows into Go", "modernc", true},
		{"store/top-10, SQL function", "sqlitekit", true},
		{"store/top-10, SQL function p99", "ncruces", false},
		{"store/top-10, rows into Go", "modernc", true},
		{"store/append message", "ncruces", true},
		{"store/stream session p99", "modernc", true},
		{"store/title search", "sqlitekit", true},
		{"substring/trigram MATCH", "modernc", true},
		{"writers/fsyncs per commit", "sqlitekit", true},
		{"writers/fsyncs per commit", "ncruces", false},
		{"start/first query", "ncruces", true},
	} {
		got, ok := cells[c.row][c.driver]
		if !ok || got.ok() != c.ok || (!got.ok() && got.NA == "") {
			t.Errorf("%s on %s: %+v, want a figure: %v", c.row, c.driver, got, c.ok)
		}
	}

	report, err := rn.write(cfg.Out)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		svg := filepath.Join(cfg.Out, g.name+".svg")
		if fi, err := os.Stat(svg); err != nil || fi.Size() < 1000 {
			t.Errorf("chart %s: %v", svg, err)
		}
		if !strings.Contains(report, "("+g.name+".svg)") {
			t.Errorf("report does not link %s.svg", g.name)
		}
	}
	onDisk, err := os.ReadFile(filepath.Join(cfg.Out, "report.md"))
	if err != nil || string(onDisk) != report {
		t.Errorf("report.md: %v", err)
	}
	for _, s := range []string{"## Summary", "## Machine", "| sqlitekit |", pragmaText(), "n/a (no vector functions)", "## Agent memory"} {
		if !strings.Contains(report, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

// The command line: -only, -json and -out.
func TestCLI(t *testing.T) {
	out := t.TempDir()
	stdout := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout = w
	code := cliMain([]string{"-quick", "-only", "^classic/simple$", "-json", "-out", out})
	w.Close()
	os.Stdout = stdout
	if code != 0 {
		t.Fatalf("exit code %d", code)
	}
	var rn run
	if err := json.NewDecoder(r).Decode(&rn); err != nil {
		t.Fatal(err)
	}
	for _, res := range rn.Results {
		if res.Workload != "classic/simple" {
			t.Errorf("-only ran %s", res.Workload)
		}
	}
	if len(rn.Results) == 0 {
		t.Error("no results")
	}
	for _, f := range []string{"report.md", "results.json", "classic.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if code := cliMain([]string{"-quick", "-full"}); code != 2 {
		t.Errorf("-quick -full: exit code %d, want 2", code)
	}
	if code := cliMain([]string{"-only", "("}); code != 2 {
		t.Errorf("-only '(': exit code %d, want 2", code)
	}
}

func TestTopK(t *testing.T) {
	tk := topK{k: 3}
	for i, d := range []float64{5, 1, 4, 2, 3, 0.5, 6} {
		tk.add(int64(i), d)
	}
	if got, want := fmt.Sprint(tk.ids, tk.dists), "[5 1 3] [0.5 1 2]"; got != want {
		t.Errorf("top-3: %s, want %s", got, want)
	}
}

func TestMedianFormat(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
	for v, want := range map[float64]string{0: "0", 12345: "12,345", 1234.6: "1,235", 123.4: "123", 12.34: "12.3", 1.234: "1.23", 0.01234: "0.0123"} {
		if got := format(v); got != want {
			t.Errorf("format(%v) = %q, want %q", v, got, want)
		}
	}
}

// fakeRounds runs a fake workload (two sizes) for rounds rounds (and
// extra more where noisy) on the four drivers through the harness, with a
// fake worker whose figure is figure(job number, job); it returns the run
// and the jobs in the order they ran.
func fakeRounds(t *testing.T, rounds, extra int, figure func(clock int, j job) float64) (*run, [][]job) {
	t.Helper()
	w := &workload{group: "classic", name: "fake", params: func(sizes) []int { return []int{1, 2} }}
	var ran [][]job
	h := &harness{logf: t.Logf, probes: map[string]string{}}
	h.exec = func(_ context.Context, j job) result {
		if len(ran) == 0 || ran[len(ran)-1][0].Round != j.Round {
			ran = append(ran, nil)
		}
		ran[len(ran)-1] = append(ran[len(ran)-1], j)
		clock := 0
		for _, js := range ran {
			clock += len(js)
		}
		return result{Workload: j.Workload, Driver: j.Driver, Param: j.Param, Round: j.Round,
			Metrics: []metric{{Name: "time", Unit: "ms", Better: -1, X: float64(j.Param), Samples: []float64{figure(clock, j)}}}}
	}
	rn := &run{Config: config{Rounds: rounds, Extra: extra}, selected: []*workload{w}}
	if failed := h.measure(context.Background(), rn, driverOrder); failed != nil {
		t.Fatal(failed)
	}
	if len(rn.Figures) != 2 {
		t.Fatalf("%d rows, want 2 (one per size)", len(rn.Figures))
	}
	return rn, ran
}

// The harness interleaves the drivers and divides round by round, so that
// a machine that slows down steadily over the run (a fake worker whose
// figure grows with every job) shows equal drivers as equal, where running
// one driver's rounds before the next driver's would show a ratio well
// away from 1.0; and a driver 20% faster as 0.80x.
func TestInterleavedRatios(t *testing.T) {
	const rounds = 5
	// The machine slows down by 1% of its first speed at every job: 40
	// jobs, 40% in all. Run driver after driver, two drivers' figures
	// would be 10 jobs apart: a ratio of about 1.1.
	rn, jobs := fakeRounds(t, rounds, 0, func(clock int, j job) float64 { return 100 * (1 + 0.01*float64(clock)) })

	// The schedule: in each round, each size's drivers run back to back,
	// and the first driver changes from round to round.
	for k, js := range jobs {
		if len(js) != 2*len(driverOrder) {
			t.Errorf("round %d: %d jobs, want %d", k, len(js), 2*len(driverOrder))
			continue
		}
		for i := 0; i < len(js); i += len(driverOrder) {
			seen := map[string]bool{}
			for _, j := range js[i : i+len(driverOrder)] {
				if j.Round != k || j.Param != js[i].Param || seen[j.Driver] {
					t.Errorf("round %d: jobs %d-%d are not every driver once at one size: %+v", k, i, i+len(driverOrder)-1, js[i:i+len(driverOrder)])
				}
				seen[j.Driver] = true
			}
		}
		if k > 0 && js[0].Driver == jobs[k-1][0].Driver {
			t.Errorf("rounds %d and %d both start with %s", k-1, k, js[0].Driver)
		}
	}

	for _, r := range rn.Figures {
		for _, d := range []string{"sqlitekit", "mattn", "modernc"} {
			c := r.Cells[d].VsBaseline
			if c == nil || c.Rounds != rounds {
				t.Fatalf("%s %s: comparison %+v, want one over %d rounds", r.label(), d, c, rounds)
			}
			if math.Abs(c.Ratio-1) > 0.03 {
				t.Errorf("%s on %s: ratio %.3f (%.3f-%.3f) on a drifting machine, want 1.00 ± 0.03", r.label(), d, c.Ratio, c.Min, c.Max)
			}
			if !c.WithinNoise {
				t.Errorf("%s on %s: equal drivers not within noise: %+v", r.label(), d, c)
			}
		}
	}

	// sqlitekit 20% faster at every moment, on a machine that drifts
	// less (0.2% a job), so that the spreads do not overlap either.
	rn, _ = fakeRounds(t, rounds, 0, func(clock int, j job) float64 {
		v := 100 * (1 + 0.002*float64(clock))
		if j.Driver == "sqlitekit" {
			v *= 0.8
		}
		return v
	})
	for _, r := range rn.Figures {
		c := r.Cells["sqlitekit"].VsBaseline
		if math.Abs(c.Ratio-0.8) > 0.01 || c.WithinNoise || c.Noisy {
			t.Errorf("%s: sqlitekit %+v, want 0.80x ± 0.01, not within noise, not noisy", r.label(), c)
		}
	}
	if s := rn.summary(); !strings.Contains(s, "fake time, 1 rows (1.25x better than the nearest peer") {
		t.Errorf("summary:\n%s", s)
	}
}

// Per-round ratios that straddle 1.0 are within noise, and ratios that
// spread more than ±10% are noisy, even where the medians differ.
func TestNoiseMarks(t *testing.T) {
	rn, _ := fakeRounds(t, 3, 0, func(clock int, j job) float64 {
		if j.Driver == "sqlitekit" {
			return []float64{85, 105, 80}[j.Round]
		}
		return 100
	})
	c := rn.Figures[0].Cells["sqlitekit"].VsBaseline
	if !c.WithinNoise || !c.Noisy || c.Ratio != 0.85 || c.Min != 0.8 || c.Max != 1.05 {
		t.Errorf("comparison %+v, want 0.85 (0.80-1.05), within noise, noisy", c)
	}
	text := rn.cellText(rn.Figures[0], "sqlitekit", nil)
	if want := "85 · ≈0.85x (0.80–1.05) noisy"; text != want {
		t.Errorf("cell %q, want %q", text, want)
	}
	if s := rn.summary(); !strings.Contains(s, "2 of 2 figures level with a peer or within noise") || !strings.Contains(s, "2 of the 2 sqlitekit/ncruces ratios are marked noisy") {
		t.Errorf("summary:\n%s", s)
	}
}

// A workload whose sqlitekit/ncruces ratio is noisy after the rounds gets
// the extra rounds, in the same interleaved order; the others do not.
func TestExtraRounds(t *testing.T) {
	rn, ran := fakeRounds(t, 3, 2, func(clock int, j job) float64 {
		if j.Driver == "sqlitekit" && j.Param == 1 {
			return []float64{70, 100, 130, 95, 90}[j.Round]
		}
		return 100
	})
	if len(ran) != 5 {
		t.Fatalf("%d rounds ran, want 3 and 2 more", len(ran))
	}
	for k, js := range ran[3:] {
		if len(js) != len(driverOrder) || js[0].Param != 1 || js[0].Driver != driverOrder[(3+k)%len(driverOrder)] {
			t.Errorf("extra round %d: %+v, want the four drivers at size 1, in rotated order", k+1, js)
		}
	}
	if fmt.Sprint(rn.Extra) != "[classic/fake (1 rows)]" {
		t.Errorf("extra rounds for %v", rn.Extra)
	}
	for _, r := range rn.Figures {
		want := map[float64]int{1: 5, 2: 3}[r.X]
		if c := r.Cells["sqlitekit"].VsBaseline; c.Rounds != want {
			t.Errorf("%s: %d rounds, want %d", r.label(), c.Rounds, want)
		}
	}
	if c := rn.Figures[0].Cells["sqlitekit"].VsBaseline; c.Ratio != 0.95 {
		t.Errorf("size 1: ratio %.2f, want the median of 5 rounds, 0.95", c.Ratio)
	}
}

// A /proc stat line whose command name holds ") " still gives its start
// time; a missing file gives none.
func TestProcStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stat")
	line := "1234 (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100\n"
	if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, ok := procStart(path); !ok || v != 987654 {
		t.Errorf("procStart = %d, %v; want 987654, true", v, ok)
	}
	if _, ok := procStart(filepath.Join(t.TempDir(), "none")); ok {
		t.Error("procStart of a missing file: ok")
	}
}

// A lead in the same direction every round, but with rounds more than
// ±10% apart, is a lead the summary states as noisy.
func TestSummaryNoisyLead(t *testing.T) {
	rn, _ := fakeRounds(t, 3, 0, func(clock int, j job) float64 {
		if j.Driver == "sqlitekit" {
			return []float64{70, 85, 60}[j.Round]
		}
		return 100
	})
	c := rn.Figures[0].Cells["sqlitekit"].VsBaseline
	if c.WithinNoise || !c.Noisy || c.Ratio != 0.7 {
		t.Fatalf("comparison %+v, want 0.70x, not within noise, noisy", c)
	}
	if s := rn.summary(); !strings.Contains(s, "ahead of every peer on fake time, 1 rows (1.43x better than the nearest peer, ncruces, noisy)") {
		t.Errorf("summary:\n%s", s)
	}
}
