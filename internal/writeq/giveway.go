package writeq

import (
	"runtime"
	"sync/atomic"
	"time"
)

// StallAfter is how long writers wait behind a turn that makes no
// progress before the other goroutines of the process using the same
// database give way to it (see Queue.GiveWay).
const StallAfter = 3 * time.Millisecond

// The turn's progress, read without the queue's lock by every statement of
// the database: see Queue.GiveWay.
type progress struct {
	inLine atomic.Int32 // writers in line
	moved  atomic.Int64 // clock() when the turn last changed hands or its holder began a statement
}

// epoch is the origin of clock.
var epoch = time.Now()

// clock reads the monotonic clock, in nanoseconds since epoch.
func clock() int64 { return int64(time.Since(epoch)) }

// stalled returns when the turn last moved if writers wait and it has not
// moved for StallAfter, else 0.
func (p *progress) stalled() int64 {
	if p.inLine.Load() == 0 {
		return 0
	}
	if m := p.moved.Load(); clock()-m > int64(StallAfter) {
		return m
	}
	return 0
}

// Progress tells the queue that the holder of the turn is at work: it
// begins a statement.
func (q *Queue) Progress() { q.moved.Store(clock()) }

// GiveWay yields the calling goroutine's core, once per stall, if writers
// have waited StallAfter behind a turn that has not moved: the writer
// holding it is then most likely waiting for a core, descheduled in the
// middle of its transaction or handed the turn and not yet run, while
// busy goroutines (readers that never block) keep the cores. A yield puts
// the caller at the back of the Go run queue and lets the scheduler run
// what waits, the writer among them. mark is the caller's own record of
// the stall it last gave way for; GiveWay reports whether it yielded.
//
// The statements of the database's connections that do not hold the turn
// call it as they begin; its cost when nobody waits is one atomic load.
func (q *Queue) GiveWay(mark *int64) bool {
	m := q.stalled()
	if m == 0 || m == *mark {
		return false
	}
	*mark = m
	runtime.Gosched()
	return true
}
