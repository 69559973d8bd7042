package writeq

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ncruces/go-sqlite3"
)

// StarveAfter and MaxStarve bound how long the first writer in line
// waits before the queue turns to handoff (see turns.starveAfter): from
// then on each release hands the turn to the first in line, and no
// newcomer may take it first, until a writer gets the turn after a
// shorter wait or the line is empty. Go's sync.Mutex waits 1 ms; a
// transaction is longer than a critical section, and a handed turn is
// idle until the Go scheduler runs the writer it was handed to, which on
// a busy machine may take a scheduler time slice: measured in the bench's
// writers workload (16 writers, 2 cores), a floor of 1 or 2 ms put the
// queue in handoff for good (the median latency rose to the time the
// whole line takes to pass, 1.3-1.9 ms), 4 ms did not (0.05 ms), and 6 or
// 10 ms only lengthened the tail.
const (
	StarveAfter = 4 * time.Millisecond
	MaxStarve   = 10 * time.Millisecond
)

// turns is the queue proper, one per database. It works like Go's
// sync.Mutex. In normal mode a release frees the turn and wakes the first
// writer in line, which competes for it with writers that arrive
// meanwhile; the writer that just released it usually comes back first
// and takes it again, with no goroutine switch in between (throughput,
// and the median latency: most transactions do not wait at all). A woken
// writer that loses stays first in line. Once the first in line has
// waited longer than starveAfter, the release hands the turn to it, and
// the queue is in handoff mode: first come first served, newcomers get in
// line, until a writer gets the turn after a shorter wait or the line is
// empty. That bounds the tail.
type turns struct {
	mu      sync.Mutex
	held    bool
	handoff bool      // the turn passes from hand to hand, first come first served
	waiters []*waiter // the line, oldest first

	// How long a turn lasts while writers wait (the clock is read only
	// then: it costs more than the rest of an uncontended turn).
	turnStart time.Time     // when the turn was last taken with writers in line; zero if not
	turnAvg   time.Duration // moving average

	// Other processes: see courtesy.
	nb        *neighbours // nil: none can be seen
	stats     *counters
	freed     time.Time     // when the turn was last released
	busySince time.Time     // since when it was never free for Gap
	slice     time.Duration // how long a stretch may last; 0: LongSlice

	progress // read by statements that do not hold the turn: see giveway.go
}

type waiter struct {
	since   time.Time
	wake    chan struct{} // a signal to look at granted and held
	woken   bool          // a signal is on its way; q.mu
	granted bool          // the turn was handed to this writer; q.mu
}

// acquire takes the turn. It returns how long the writer waited (0 if
// it did not) and, if it gave up, why: sqlite3.BUSY, with ctx's error if
// ctx ended the wait.
func (q *turns) acquire(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	q.mu.Lock()
	if !q.held {
		q.held = true
		q.turnStart = time.Time{}
		if len(q.waiters) > 0 {
			q.turnStart = time.Now()
			q.moved.Store(clock())
		}
		due := q.took(true)
		q.mu.Unlock()
		if due {
			return 0, q.courtesy(ctx)
		}
		return 0, nil
	}
	w := &waiter{since: time.Now(), wake: make(chan struct{}, 1)}
	q.setLine(append(q.waiters, w))
	q.mu.Unlock()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var cause error
	for cause == nil {
		select {
		case <-w.wake:
			if handed, ok := q.woke(w); ok {
				return time.Since(w.since), q.after(ctx, handed)
			}
		case <-ctx.Done():
			cause = ctxBusy(ctx)
		case <-timer.C:
			cause = sqlite3.BUSY
		}
	}

	waited := time.Since(w.since)
	q.mu.Lock()
	if w.granted { // handed over as the wait ended: take it
		q.mu.Unlock()
		return waited, q.after(ctx, true)
	}
	i := slices.Index(q.waiters, w)
	q.setLine(slices.Delete(q.waiters, i, i+1))
	if w.woken && !q.held && len(q.waiters) > 0 {
		q.signal(q.waiters[0]) // the wake-up w had is the next one's
	}
	q.mu.Unlock()
	return waited, cause
}

// woke handles a wake-up of w: it reports whether w has the turn, and
// whether it was handed over.
func (q *turns) woke(w *waiter) (handed, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	w.woken = false
	if w.granted {
		return true, true
	}
	if q.held { // a newcomer came first: w stays first in line
		return false, false
	}
	q.held = true
	q.turnStart = time.Now()
	i := slices.Index(q.waiters, w)
	q.setLine(slices.Delete(q.waiters, i, i+1))
	q.moved.Store(clock())
	return false, true
}

// ctxBusy is the error of a wait ctx ended: it matches ctx.Err() and
// sqlite3.BUSY, as a wait in SQLite's busy handler does.
func ctxBusy(ctx context.Context) error {
	return fmt.Errorf("%w (%w)", ctx.Err(), sqlite3.BUSY)
}

// signal wakes w, once. q.mu is held.
func (q *turns) signal(w *waiter) {
	if !w.woken {
		w.woken = true
		w.wake <- struct{}{}
	}
}

// setLine sets the line, and the count of writers in it that statements
// read without q.mu. q.mu is held.
func (q *turns) setLine(ws []*waiter) {
	q.waiters = ws
	q.inLine.Store(int32(len(ws)))
}

// waiting returns the number of writers in line.
func (q *turns) waiting() int { return int(q.inLine.Load()) }

// release ends the turn: it hands it to the first in line if that one
// has waited past starveAfter (or others before it did, and the line has
// not emptied since), else frees it and wakes the first in line.
func (q *turns) release() {
	q.mu.Lock()
	if len(q.waiters) == 0 {
		q.held, q.handoff = false, false
		if q.nb != nil {
			q.freed = time.Now()
		}
		q.mu.Unlock()
		return
	}
	now := time.Now()
	if !q.turnStart.IsZero() {
		q.turnAvg += (now.Sub(q.turnStart) - q.turnAvg) / 8
	}
	w := q.waiters[0]
	waited := now.Sub(w.since)
	starve := q.starveAfter()
	if q.handoff || waited > starve {
		q.setLine(q.waiters[1:])
		q.moved.Store(clock())
		q.handoff = len(q.waiters) > 0 && waited > starve
		w.granted = true // held stays true: the turn passes
		q.turnStart = now
		q.signal(w)
		q.mu.Unlock()
		// The writer handed the turn runs when the scheduler runs it:
		// at once on an idle P, else when this goroutine blocks (a
		// writer in a loop does at its next write, where it gets in
		// line) or its time slice ends. Yielding here to run it now
		// would put this goroutine at the back of the global run queue,
		// behind every busy goroutine: with 4 busy readers on 2 cores
		// (the bench's mixed workload), that made this transaction's
		// Commit return 10-30 ms late, and it was most of the write p99.
		return
	}
	q.held = false
	q.freed = now
	q.moved.Store(clock())
	q.signal(w)
	q.mu.Unlock()
}

// starveAfter is how long the first in line may wait before the turn is
// handed to it: twice as long as the line takes to pass once, at the
// average turn (so that most turns still go to running writers when the
// line is long), and at least StarveAfter, at most MaxStarve. q.mu is
// held.
func (q *turns) starveAfter() time.Duration {
	return min(max(2*time.Duration(len(q.waiters))*q.turnAvg, StarveAfter), MaxStarve)
}

// Writers of other processes wait for SQLite's write lock in their busy
// handler, which sleeps and tries again: C SQLite's default handler
// sleeps 1, 2, 5, 10 ... up to 100 ms between tries (the sqlite3 CLI,
// mattn, modernc, Litestream), ncruces' up to 2 ms. Writers of this
// process pass the turn to one another with no gap, so while they write
// without a pause, a try from outside almost never finds the lock free,
// and the other process fails with "database is locked" however long
// its timeout. So once the writers of this process have held the turn
// for a stretch (LongSlice) with no gap as long as Gap, and another
// process is seen to have the database open, the writer taking the turn
// waits, holding it, until another process commits or Gap has passed: a
// try from outside lands in that gap. A stretch after a gap in which
// another process did commit is shorter (ShortSlice): it is writing too.
const (
	Gap        = 110 * time.Millisecond // C SQLite's longest sleep between tries, and some
	LongSlice  = 500 * time.Millisecond
	ShortSlice = 50 * time.Millisecond
)

// took notes that the turn was taken, free before if wasFree, and reports
// whether the taker is due to give other processes a gap. q.mu is held.
func (q *turns) took(wasFree bool) (due bool) {
	if q.nb == nil {
		return false
	}
	now := time.Now()
	if wasFree && now.Sub(q.freed) >= Gap {
		q.busySince = now
	}
	slice := q.slice
	if slice == 0 {
		slice = LongSlice
	}
	if now.Sub(q.busySince) < slice {
		return false
	}
	q.busySince = now // one look per stretch
	return true
}

// after is courtesy for a waiter that got the turn, handed over or not.
func (q *turns) after(ctx context.Context, handed bool) error {
	q.mu.Lock()
	due := q.took(!handed)
	q.mu.Unlock()
	if due {
		return q.courtesy(ctx)
	}
	return nil
}

// courtesy leaves other processes a gap, holding the turn, if one has the
// database open. If ctx is done meanwhile, it releases the turn and
// returns ctx's error.
func (q *turns) courtesy(ctx context.Context) error {
	if !q.nb.present() {
		q.mu.Lock()
		q.slice = LongSlice
		q.mu.Unlock()
		return nil
	}
	before := q.nb.stamp()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	defer func() { q.stats.gap(time.Since(start)) }()
	end := start.Add(Gap)
	committed := false
	for !committed && time.Now().Before(end) {
		select {
		case <-ctx.Done():
			q.release()
			return ctxBusy(ctx)
		case <-tick.C:
		}
		committed = q.nb.stamp() != before
	}
	q.mu.Lock()
	q.busySince = time.Now()
	q.slice = LongSlice
	if committed {
		q.slice = ShortSlice
	}
	q.mu.Unlock()
	return nil
}
