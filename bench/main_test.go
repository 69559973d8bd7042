package main

import (
	"context"
	"encoding/json"
	"fmt"
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
	cfg := config{Mode: "quick", Sizes: quickSizes(), Runs: 1, Out: t.TempDir()}
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
	cells := map[string]map[string]cell{}
	for _, r := range rn.rows() {
		cells[r.workload+"/"+r.label()] = r.cells
	}
	for _, c := range []struct {
		row, driver string
		ok          bool
	}{
		{"top10/SQL function", "sqlitekit", true},
		{"top10/SQL function", "ncruces", false},
		{"top10/SQL function", "modernc", false},
		{"top10/rows into Go", "modernc", true},
		{"substring/trigram MATCH", "modernc", true},
		{"writers/fsyncs per commit", "sqlitekit", true},
		{"writers/fsyncs per commit", "ncruces", false},
		{"start/first query", "ncruces", true},
	} {
		got, ok := cells[c.row][c.driver]
		if !ok || got.ok != c.ok || (!got.ok && got.na == "") {
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
	for _, s := range []string{"## Machine", "| sqlitekit |", pragmaText(), "n/a (no vector functions)"} {
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
