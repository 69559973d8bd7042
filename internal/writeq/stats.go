package writeq

import (
	"sync/atomic"
	"time"
)

// Stats describes how long writers waited for their turn in a queue.
type Stats struct {
	Waits    uint64        // writers that had to wait
	Timeouts uint64        // waits that ended with SQLITE_BUSY or the context's error
	Total    time.Duration // time spent waiting, in all
	Max      time.Duration // the longest wait
	// Histogram counts waits by duration: Histogram[i] counts the waits
	// shorter than HistogramBounds[i] and not shorter than the bound
	// before it; the last bucket counts the longer ones.
	Histogram [len(HistogramBounds) + 1]uint64
	// Gaps counts the gaps left to writers of other processes, and
	// GapTime their length in all, in which no writer of this process
	// wrote.
	Gaps    uint64
	GapTime time.Duration
}

// HistogramBounds are the upper bounds of the buckets of
// [Stats.Histogram].
var HistogramBounds = [...]time.Duration{
	50 * time.Microsecond, 100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 5 * time.Second,
}

// Sub returns q minus old. Max stays q's.
func (q Stats) Sub(old Stats) Stats {
	d := Stats{
		Waits:    q.Waits - old.Waits,
		Timeouts: q.Timeouts - old.Timeouts,
		Total:    q.Total - old.Total,
		Max:      q.Max,
		Gaps:     q.Gaps - old.Gaps,
		GapTime:  q.GapTime - old.GapTime,
	}
	for i := range d.Histogram {
		d.Histogram[i] = q.Histogram[i] - old.Histogram[i]
	}
	return d
}

// Quantile returns an upper bound of the p-quantile (0 < p ≤ 1) of the
// waits: the bound of the histogram bucket it falls in (Max for the last).
func (q Stats) Quantile(p float64) time.Duration {
	if q.Waits == 0 {
		return 0
	}
	rank := uint64(p*float64(q.Waits) + 0.5)
	var seen uint64
	for i, n := range q.Histogram {
		seen += n
		if seen >= rank {
			if i < len(HistogramBounds) {
				return min(HistogramBounds[i], q.Max)
			}
			break
		}
	}
	return q.Max
}

type counters struct {
	waits, timeouts atomic.Uint64
	total, max      atomic.Int64
	histogram       [len(HistogramBounds) + 1]atomic.Uint64
	gaps, gapTime   atomic.Int64
}

func (c *counters) gap(d time.Duration) {
	c.gaps.Add(1)
	c.gapTime.Add(int64(d))
}

func (c *counters) wait(d time.Duration, timedOut bool) {
	c.waits.Add(1)
	if timedOut {
		c.timeouts.Add(1)
	}
	c.total.Add(int64(d))
	for {
		m := c.max.Load()
		if int64(d) <= m || c.max.CompareAndSwap(m, int64(d)) {
			break
		}
	}
	i := 0
	for i < len(HistogramBounds) && d >= HistogramBounds[i] {
		i++
	}
	c.histogram[i].Add(1)
}

func (c *counters) snapshot() Stats {
	q := Stats{
		Waits: c.waits.Load(), Timeouts: c.timeouts.Load(),
		Total: time.Duration(c.total.Load()), Max: time.Duration(c.max.Load()),
		Gaps: uint64(c.gaps.Load()), GapTime: time.Duration(c.gapTime.Load()),
	}
	for i := range q.Histogram {
		q.Histogram[i] = c.histogram[i].Load()
	}
	return q
}
