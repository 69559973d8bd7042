package main

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The start workload's probe runs take turns between the drivers within a
// round (A B C D, B C D A, ...), so that a machine that slows down over
// the round (a fake probe whose time grows with every run) shows equal
// drivers as equal; run as one block per driver, the same drift would put
// about 10% between neighbours.
func TestStartInterleaved(t *testing.T) {
	s := quickSizes()
	s.StartSamples = 10
	var js []job
	for _, d := range driverOrder {
		js = append(js, job{Workload: "app/start", Driver: d, Sizes: s, Probe: "probe-" + d})
	}
	var ran []string
	fake := func(_ context.Context, probe string, args []string) (time.Duration, error) {
		if len(args) == 0 || filepath.Base(args[0]) != "start.db" {
			t.Errorf("probe arguments %q, want the database first", args)
		}
		ran = append(ran, strings.TrimPrefix(probe, "probe-"))
		// 1% slower at every run: 40 runs, 40% in all.
		return time.Duration(float64(10*time.Millisecond) * (1 + 0.01*float64(len(ran)))), nil
	}
	res := measureStart(context.Background(), t.TempDir(), js, fake)

	if len(ran) != len(driverOrder)*s.StartSamples {
		t.Fatalf("%d probe runs, want %d", len(ran), len(driverOrder)*s.StartSamples)
	}
	for pass := 0; pass < len(ran); pass += len(driverOrder) {
		got := ran[pass : pass+len(driverOrder)]
		want := append(slices.Clone(driverOrder[pass/len(driverOrder)%len(driverOrder):]), driverOrder[:pass/len(driverOrder)%len(driverOrder)]...)
		if !slices.Equal(got, want) {
			t.Errorf("pass %d ran %v, want %v", pass/len(driverOrder), got, want)
		}
	}

	figure := map[string]float64{}
	for i, r := range res {
		if r.Driver != js[i].Driver || r.Err != "" || len(r.Metrics) != 1 || len(r.Metrics[0].Samples) != 1 {
			t.Fatalf("result %d: %+v, want %s's one figure", i, r, js[i].Driver)
		}
		figure[r.Driver] = r.Metrics[0].Samples[0]
	}
	for _, d := range driverOrder {
		if ratio := figure[d] / figure[baseline]; math.Abs(ratio-1) > 0.03 {
			t.Errorf("%s/%s: %.3f (%v) on a drifting machine, want 1.00 ± 0.03", d, baseline, ratio, figure)
		}
	}
}

// A driver without a probe gets a reason and no runs; a probe that fails
// fails its driver only.
func TestStartMissingProbe(t *testing.T) {
	s := quickSizes()
	js := []job{
		{Workload: "app/start", Driver: "ncruces", Sizes: s, Probe: "probe-ncruces"},
		{Workload: "app/start", Driver: "mattn", Sizes: s},
		{Workload: "app/start", Driver: "modernc", Sizes: s, Probe: "probe-modernc"},
	}
	runs := 0
	res := measureStart(context.Background(), t.TempDir(), js, func(_ context.Context, probe string, _ []string) (time.Duration, error) {
		runs++
		if probe == "probe-modernc" {
			return 0, context.DeadlineExceeded
		}
		return time.Millisecond, nil
	})
	if res[0].Err != "" || len(res[0].Metrics[0].Samples) != 1 {
		t.Errorf("ncruces: %+v, want a figure", res[0])
	}
	if res[1].Err != "" || res[1].Metrics[0].NA != "start-up probe not built" {
		t.Errorf("mattn: %+v, want n/a (start-up probe not built)", res[1])
	}
	if res[2].Err == "" {
		t.Errorf("modernc: %+v, want its probe's error", res[2])
	}
	if want := s.StartSamples + 1; runs != want {
		t.Errorf("%d probe runs, want %d (ncruces' and modernc's first)", runs, want)
	}
}
