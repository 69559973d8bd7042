// Command bench measures sqlitekit against plain ncruces/go-sqlite3,
// mattn/go-sqlite3 (cgo) and modernc.org/sqlite on data it generates, and
// writes a markdown report with charts.
//
// From the repository root:
//
//	go run ./bench             # a minute or two on 2 cores, once built
//	go run ./bench -quick      # seconds: tiny data, one round
//	go run ./bench -full       # the sizes of cvilsmeier/go-sqlite-bench and the issues
//	go run ./bench -only 'app/|vector' -rounds 5
//
// The report goes to stdout (markdown, or JSON with -json) and, with the
// charts (SVG) and results.json, to -out (bench/out by default). Progress
// goes to stderr.
//
// The run is made of rounds (harness.go: schedule). A round runs every
// workload once on every driver, each in a fresh child process (this
// program, re-executed as a worker; for mattn, a build of it with the
// benchmattn tag: see peer_mattn.go), so that drivers never share a heap
// or a measurement of memory; the drivers of a workload run one after the
// other, in an order that rotates from round to round, and where a
// workload times short things more than once in a round, its drivers'
// processes take turns at each timing (harness.go: execTurns; the start
// workload's probes, app.go: measureStart). Every figure is the
// median of the rounds, and every ratio the median of the per-round ratios
// (report.go), with its spread. The same pragmas apply to every driver
// (peer.go). The workloads are in classic.go (after
// cvilsmeier/go-sqlite-bench), agent.go, app.go, vector.go, trigram.go and
// memory.go.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

func main() {
	if os.Getenv(workerEnv) != "" {
		os.Exit(workerMain())
	}
	os.Exit(cliMain(os.Args[1:]))
}

func cliMain(args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "tiny data and one round: seconds (the tests use it)")
	full := fs.Bool("full", false, "bigger data: the sizes of cvilsmeier/go-sqlite-bench and of the issues (many minutes)")
	only := fs.String("only", "", "run only the workloads whose group/name matches this regexp (e.g. 'classic/|app/writers')")
	rounds := fs.Int("rounds", 0, "rounds: every figure is their median (default 3; 1 with -quick, 5 with -full)")
	extra := fs.Int("extra", -1, "more rounds for the workloads whose sqlitekit/ncruces ratio is noisy after -rounds (default 2; 0 with -quick)")
	out := fs.String("out", "", "directory for report.md, results.json and the charts (default bench/out)")
	asJSON := fs.Bool("json", false, "print the results as JSON on stdout instead of the markdown report")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg := config{Mode: "default", Sizes: defaultSizes(), Rounds: 3, Extra: 2, Out: *out, JSON: *asJSON}
	switch {
	case *quick && *full:
		fmt.Fprintln(os.Stderr, "bench: -quick and -full exclude each other")
		return 2
	case *quick:
		cfg.Mode, cfg.Sizes, cfg.Rounds, cfg.Extra = "quick", quickSizes(), 1, 0
	case *full:
		cfg.Mode, cfg.Sizes, cfg.Rounds = "full", fullSizes(), 5
	}
	if *rounds < 0 {
		fmt.Fprintln(os.Stderr, "bench: -rounds must be at least 1")
		return 2
	}
	if *rounds > 0 {
		cfg.Rounds = *rounds
	}
	if *extra >= 0 {
		cfg.Extra = *extra
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -only:", err)
			return 2
		}
		cfg.Only = re
	}
	if cfg.Out == "" {
		cfg.Out = "out"
		if src := sourceDir(); src != "" {
			cfg.Out = filepath.Join(src, "out")
		}
	}
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	rn, err := benchRun(context.Background(), cfg, logf)
	if rn == nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	report, werr := rn.write(cfg.Out)
	if werr != nil {
		fmt.Fprintln(os.Stderr, "bench:", werr)
		return 1
	}
	if cfg.JSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rn)
	} else {
		fmt.Print(report)
	}
	logf("report written to %s", filepath.Join(cfg.Out, "report.md"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

// write puts report.md, results.json and the charts in dir, and returns
// the report.
func (rn *run) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	charts, err := rn.writeCharts(dir)
	if err != nil {
		return "", err
	}
	report := rn.markdown(charts)
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(report), 0o644); err != nil {
		return "", err
	}
	js, err := json.MarshalIndent(rn, "", "  ")
	if err != nil {
		return "", err
	}
	return report, os.WriteFile(filepath.Join(dir, "results.json"), js, 0o644)
}
