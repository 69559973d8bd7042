package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

// turnsWorkload, in a worker process of the test binary, times turnsReps
// repetitions of a 20 ms sleep (modernc one fewer) and sends back when
// each ran.
var turnsWorkload = &workload{group: "test", name: "turns", turns: true, run: func(e *env) error {
	reps := 3
	if e.peer.name == "modernc" {
		reps = 2
	}
	var spans [][2]int64
	for range reps {
		var span [2]int64
		if _, err := timed(func() error {
			span[0] = time.Now().UnixNano()
			time.Sleep(20 * time.Millisecond)
			span[1] = time.Now().UnixNano()
			return nil
		}); err != nil {
			return err
		}
		spans = append(spans, span)
	}
	js, err := json.Marshal(spans)
	e.check("spans", string(js))
	return err
}}

func init() {
	if os.Getenv(workerEnv) != "" {
		workloads = append(workloads, turnsWorkload)
	}
}

// The workers of a workload that takes turns run their timed repetitions
// one at a time, the drivers taking turns in an order that rotates at each
// pass (A B C, B C A, C A B), a worker with fewer repetitions dropping
// out; run one after the other, each would run all its repetitions in a
// block.
func TestTurns(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	drivers := []string{"ncruces", "sqlitekit", "modernc"}
	h := &harness{tmp: t.TempDir(), bins: map[string]string{}, logf: t.Logf}
	var js []job
	for _, d := range drivers {
		h.bins[d] = self
		js = append(js, job{Workload: turnsWorkload.id(), Driver: d, Round: 1, Sizes: quickSizes()})
	}
	res := h.execTurns(context.Background(), js)

	type span struct {
		driver     string
		start, end int64
	}
	var spans []span
	for i, r := range res {
		if r.Err != "" || r.Driver != drivers[i] {
			t.Fatalf("result %d: %+v, want %s's", i, r, drivers[i])
		}
		var ss [][2]int64
		if err := json.Unmarshal([]byte(r.Checks["spans"]), &ss); err != nil {
			t.Fatalf("%s: spans %q: %v", r.Driver, r.Checks["spans"], err)
		}
		for _, s := range ss {
			spans = append(spans, span{r.Driver, s[0], s[1]})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.start - b.start) })
	var order []string
	for i, s := range spans {
		order = append(order, s.driver)
		if i > 0 && s.start < spans[i-1].end {
			t.Errorf("%s's repetition started %v before %s's ended", s.driver, time.Duration(spans[i-1].end-s.start), spans[i-1].driver)
		}
	}
	want := []string{"ncruces", "sqlitekit", "modernc", "sqlitekit", "modernc", "ncruces", "ncruces", "sqlitekit"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("repetitions ran in the order %v, want %v", order, want)
	}
	if entries, _ := os.ReadDir(h.tmp); len(entries) != 0 {
		t.Errorf("the jobs' directories are left: %v", entries)
	}
}
