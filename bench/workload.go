package main

import "time"

// sizes are the data sizes of a run: -quick, the default, or -full.
type sizes struct {
	SimpleUsers                                    int
	ComplexUsers, ComplexArticles, ComplexComments int // per user, per article
	ManyUsers                                      []int
	ManyQueries                                    int
	LargeRows                                      int
	LargeBytes                                     []int
	ConcUsers                                      int
	ConcReaders                                    []int
	StartSamples                                   int
	Accounts, Writers, MixedReaders, MixedWriters  int
	WriteTime                                      time.Duration
	PointRows, PointQueries                        int
	VecRows, VecDims, VecQueries                   int
	DocRows, DocBytes, DocQueries                  int
	MemRows                                        []int
}

func quickSizes() sizes {
	return sizes{
		SimpleUsers:  2_000,
		ComplexUsers: 4, ComplexArticles: 5, ComplexComments: 4,
		ManyUsers: []int{10, 100}, ManyQueries: 5,
		LargeRows: 20, LargeBytes: []int{50_000},
		ConcUsers: 2_000, ConcReaders: []int{2, 4},
		StartSamples: 2,
		Accounts:     100, Writers: 16, MixedReaders: 4, MixedWriters: 4,
		WriteTime: 150 * time.Millisecond,
		PointRows: 1_000, PointQueries: 500,
		VecRows: 500, VecDims: 32, VecQueries: 2,
		DocRows: 300, DocBytes: 1_000, DocQueries: 3,
		MemRows: []int{1_000, 4_000},
	}
}

func defaultSizes() sizes {
	return sizes{
		SimpleUsers:  100_000,
		ComplexUsers: 100, ComplexArticles: 50, ComplexComments: 10,
		ManyUsers: []int{10, 100, 1_000}, ManyQueries: 200,
		LargeRows: 100, LargeBytes: []int{50_000, 100_000, 200_000},
		ConcUsers: 50_000, ConcReaders: []int{2, 4, 8},
		StartSamples: 10,
		Accounts:     1_000, Writers: 16, MixedReaders: 4, MixedWriters: 4,
		WriteTime: 400 * time.Millisecond,
		PointRows: 10_000, PointQueries: 20_000,
		VecRows: 20_000, VecDims: 384, VecQueries: 5,
		DocRows: 5_000, DocBytes: 1_000, DocQueries: 10,
		MemRows: []int{10_000, 40_000, 160_000},
	}
}

// fullSizes are cvilsmeier/go-sqlite-bench's own sizes where they fit a
// machine's disk and patience, and the sizes the issues quote.
func fullSizes() sizes {
	return sizes{
		SimpleUsers:  1_000_000,
		ComplexUsers: 200, ComplexArticles: 100, ComplexComments: 20,
		ManyUsers: []int{10, 100, 1_000}, ManyQueries: 1_000,
		LargeRows: 2_000, LargeBytes: []int{50_000, 100_000, 200_000},
		ConcUsers: 1_000_000, ConcReaders: []int{2, 4, 8},
		StartSamples: 30,
		Accounts:     10_000, Writers: 16, MixedReaders: 8, MixedWriters: 4,
		WriteTime: 5 * time.Second,
		PointRows: 100_000, PointQueries: 200_000,
		VecRows: 100_000, VecDims: 384, VecQueries: 10,
		DocRows: 100_000, DocBytes: 1_000, DocQueries: 10,
		MemRows: []int{100_000, 400_000, 1_600_000},
	}
}

// A workload is a measured task, run by each driver in a process of its own.
type workload struct {
	group string // the report's section and chart
	name  string
	// about is the report's sentence on what the workload does.
	about func(s sizes) string
	// params, if not nil, are data sizes: one job per size and driver.
	params func(s sizes) []int
	run    func(e *env) error
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
	{"app", "Application workloads", "What the storage layers of local-first programs do all day."},
	{"vector", "Exact vector top-10", ""},
	{"trigram", "Substring search", ""},
	{"memory", "Memory against data size", ""},
}
