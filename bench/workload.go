package main

import (
	"context"
	"time"
)

// sizes are the data sizes of a run: -quick, the default, or -full.
type sizes struct {
	// Reps is how many times a short measurement is repeated within a
	// round; the round's figure is the fastest (worker.go: fastest).
	Reps                                           int
	SimpleUsers                                    int
	ComplexUsers, ComplexArticles, ComplexComments int // per user, per article
	ManyUsers                                      []int
	ManyRows                                       int // rows read per measurement, at every N
	LargeRows                                      int
	LargeBytes                                     []int
	ConcUsers                                      int
	ConcReaders                                    []int
	StartSamples                                   int // per driver and round: a multiple of 4 puts each driver at each place of the turns equally often
	Accounts, Writers, MixedReaders, MixedWriters  int
	WriteTime                                      time.Duration
	PointRows, PointQueries                        int
	VecRows, VecDims, VecQueries                   int
	DocRows, DocBytes, DocQueries                  int
	MemRows                                        []int
	Agent                                          agentSizes
}

func quickSizes() sizes {
	return sizes{
		Reps:         1,
		SimpleUsers:  2_000,
		ComplexUsers: 4, ComplexArticles: 5, ComplexComments: 4,
		ManyUsers: []int{10, 100}, ManyRows: 1_000,
		LargeRows: 10, LargeBytes: []int{50_000},
		ConcUsers: 2_000, ConcReaders: []int{2, 4},
		StartSamples: 4,
		Accounts:     100, Writers: 16, MixedReaders: 4, MixedWriters: 4,
		WriteTime: 150 * time.Millisecond,
		PointRows: 1_000, PointQueries: 500,
		VecRows: 500, VecDims: 32, VecQueries: 2,
		DocRows: 300, DocBytes: 1_000, DocQueries: 3,
		MemRows: []int{1_000, 4_000},
		Agent:   agentSizes{Sessions: 20, Messages: 10, Dims: 32, Queries: 3, Readers: 2, Time: 150 * time.Millisecond},
	}
}

// defaultSizes are chosen for a default run of about a minute or two on
// 2 cores: each measurement long enough (tens of milliseconds and more)
// that a scheduler's tick is not its figure, and no bigger.
func defaultSizes() sizes {
	return sizes{
		Reps:         3,
		SimpleUsers:  20_000,
		ComplexUsers: 25, ComplexArticles: 50, ComplexComments: 10,
		ManyUsers: []int{10, 100, 1_000}, ManyRows: 10_000,
		LargeRows: 60, LargeBytes: []int{50_000, 100_000, 200_000},
		ConcUsers: 10_000, ConcReaders: []int{2, 4, 8},
		StartSamples: 20,
		Accounts:     1_000, Writers: 16, MixedReaders: 4, MixedWriters: 4,
		WriteTime: 400 * time.Millisecond,
		PointRows: 10_000, PointQueries: 3_000,
		VecRows: 5_000, VecDims: 384, VecQueries: 3,
		DocRows: 600, DocBytes: 1_000, DocQueries: 10,
		MemRows: []int{10_000, 80_000},
		Agent:   agentSizes{Sessions: 150, Messages: 20, Dims: 384, Queries: 10, Readers: 2, Time: 400 * time.Millisecond},
	}
}

// fullSizes are cvilsmeier/go-sqlite-bench's own sizes where they fit a
// machine's disk and patience, and the sizes the issues quote.
func fullSizes() sizes {
	return sizes{
		Reps:         5,
		SimpleUsers:  1_000_000,
		ComplexUsers: 200, ComplexArticles: 100, ComplexComments: 20,
		ManyUsers: []int{10, 100, 1_000}, ManyRows: 1_000_000,
		LargeRows: 2_000, LargeBytes: []int{50_000, 100_000, 200_000},
		ConcUsers: 1_000_000, ConcReaders: []int{2, 4, 8},
		StartSamples: 40,
		Accounts:     10_000, Writers: 16, MixedReaders: 8, MixedWriters: 4,
		WriteTime: 5 * time.Second,
		PointRows: 100_000, PointQueries: 200_000,
		VecRows: 100_000, VecDims: 384, VecQueries: 10,
		DocRows: 100_000, DocBytes: 1_000, DocQueries: 10,
		MemRows: []int{100_000, 400_000, 1_600_000},
		Agent:   agentSizes{Sessions: 5_000, Messages: 40, Dims: 384, Queries: 50, Readers: 4, Time: 5 * time.Second},
	}
}

// A workload is a measured task, run by each driver in a process of its own.
type workload struct {
	group string // the report's section and chart
	name  string
	// about is the report's sentence on what the workload does.
	about func(s sizes) string
	// params, if not nil, are data sizes: one job per size, driver and round.
	params func(s sizes) []int
	run    func(e *env) error
	// together, where run is nil, measures a round's jobs of the
	// workload at one size, one per driver, at once and in this process
	// (the harness's), so that it can interleave the drivers' samples
	// within the round; it returns one result per job, in order. dir is
	// a directory of its own for the round's files.
	together func(ctx context.Context, dir string, js []job) []result
	// turns: the workers of a round's drivers run side by side and take
	// turns at each timed repetition (harness.go: execTurns), so that the
	// repetitions of the drivers interleave in time as the rounds do.
	turns bool
}

func (w *workload) id() string { return w.group + "/" + w.name }

// workloads in the order of the report; filled by the files that define them.
var workloads []*workload

func workloadByName(id string) *workload {
	for _, w := range workloads {
		if w.id() == id {
			return w
		}
	}
	return nil
}

// groups in report order, with their titles.
var groups = []struct{ name, title, about string }{
	{"classic", "Classic workloads (after cvilsmeier/go-sqlite-bench)",
		"The workloads of [cvilsmeier/go-sqlite-bench](https://github.com/cvilsmeier/go-sqlite-bench) " +
			"with its schema (users, articles, comments, with their indexes), scaled as stated. " +
			"Its table runs journal_mode=DELETE and synchronous=FULL; here every driver runs the pragmas above, " +
			"so compare ratios with its table, not milliseconds."},
	{"agent", "Agent memory", "An application shaped like the programs sqlitekit is for: the store of a coding agent's sessions, in plain SQL."},
	{"app", "Application workloads", "What the storage layers of local-first programs do all day."},
	{"vector", "Exact vector top-10", ""},
	{"trigram", "Substring search", ""},
	{"memory", "Memory against data size", ""},
}
