package writeq_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/writeq"
)

// hold returns a queue of the test's own, released when it ends.
func hold(t *testing.T) *writeq.Queue {
	id := dbid.OfName("test", t.Name())
	t.Cleanup(func() { writeq.Release(id) })
	return writeq.Hold(id, "")
}

// Writers get their turn in the order they asked for it.
func TestQueue_fifo(t *testing.T) {
	t.Parallel()
	q := hold(t)
	if err := q.Acquire(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}
	l := lineUp(t, q, 8)
	q.Release()
	if diff := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 6, 7}, l.wait()); diff != "" {
		t.Errorf("turns (-want +got):\n%s", diff)
	}
}

// line is writers waiting for their turn, and the order they had it in.
type line struct {
	mu    sync.Mutex
	order []int
	wg    sync.WaitGroup
}

// lineUp puts n writers in q's line, behind the turn the caller holds,
// writer i in line before writer i+1 asks; each releases the turn as soon
// as it has it.
func lineUp(t *testing.T, q *writeq.Queue, n int) *line {
	t.Helper()
	l := new(line)
	for i := range n {
		l.wg.Go(func() {
			if err := q.Acquire(t.Context(), 10*time.Second); err != nil {
				t.Error(err)
				return
			}
			l.mu.Lock()
			l.order = append(l.order, i)
			l.mu.Unlock()
			q.Release()
		})
		for q.Waiting() != i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	return l
}

// served returns how many writers have had their turn.
func (l *line) served() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.order)
}

// wait waits for every writer and returns the order they had the turn in.
func (l *line) wait() []int {
	l.wg.Wait()
	return l.order
}

func TestQueue_timeoutAndCancel(t *testing.T) {
	t.Parallel()
	q := hold(t)
	if err := q.Acquire(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	err := q.Acquire(t.Context(), 50*time.Millisecond)
	if !errors.Is(err, sqlite3.BUSY) || !strings.Contains(err.Error(), "in the writer queue") {
		t.Errorf("timed-out wait: %v, want SQLITE_BUSY and a word on the queue", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("gave up after %v, before the timeout", d)
	}

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := q.Acquire(ctx, time.Minute); !errors.Is(err, context.Canceled) || !errors.Is(err, sqlite3.BUSY) {
		t.Errorf("cancelled wait: %v, want context.Canceled and SQLITE_BUSY", err)
	}

	// The queue still works: the next writer gets the turn on release.
	done := make(chan error)
	go func() { done <- q.Acquire(t.Context(), 10*time.Second) }()
	time.Sleep(10 * time.Millisecond)
	q.Release()
	if err := <-done; err != nil {
		t.Errorf("after timeouts: %v", err)
	}
	q.Release()
}

// spin keeps the turn busy for d, as a short transaction would.
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}

// 32 writers loop on short turns. Most take the turn without waiting
// (a writer that just released it takes it again first), and none is
// starved: once a writer has waited MaxStarve, the turn goes to no
// writer that asked after it (but the one holding it), only to those
// ahead of it in line, then to it. (Counted from when it asked plus a
// margin for a writer descheduled before it got in line, on a loaded
// machine; at most 2, for a writer that asked just before its clock.)
func TestQueue_starvationBound(t *testing.T) {
	t.Parallel()
	q := hold(t)
	const writers = 32
	type turn struct{ asked, got time.Time }
	var (
		mu      sync.Mutex
		turns   []turn // in the order they were had
		holders int
	)
	end := time.Now().Add(300 * time.Millisecond)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for time.Now().Before(end) {
				asked := time.Now()
				if err := q.Acquire(t.Context(), time.Minute); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if holders++; holders != 1 {
					t.Error("two writers hold the turn")
				}
				turns = append(turns, turn{asked, time.Now()})
				mu.Unlock()
				spin(20 * time.Microsecond)
				mu.Lock()
				holders--
				mu.Unlock()
				q.Release()
			}
		})
	}
	wg.Wait()

	margin := writeq.MaxStarve + 100*time.Millisecond
	var waits []time.Duration
	worst, worstWait := 0, time.Duration(0)
	for i, w := range turns {
		waits = append(waits, w.got.Sub(w.asked))
		// Turns had, while w waited past the margin, by writers that
		// asked after w.
		from, _ := slices.BinarySearchFunc(turns[:i], w.asked.Add(margin), func(o turn, t time.Time) int { return o.got.Compare(t) })
		n := 0
		for _, o := range turns[from:i] {
			if o.asked.After(w.asked) {
				n++
			}
		}
		if n > worst {
			worst, worstWait = n, w.got.Sub(w.asked)
		}
	}
	slices.Sort(waits)
	free := slices.IndexFunc(waits, func(d time.Duration) bool { return d > 50*time.Microsecond })
	t.Logf("%d turns, %d taken within 50µs; waits p50 %v, p99 %v, max %v; at most %d later writers went first past the margin (a wait of %v)",
		len(waits), free, waits[len(waits)/2], waits[len(waits)*99/100], waits[len(waits)-1], worst, worstWait)
	if worst > 2 {
		t.Errorf("%d writers that asked later had the turn after a writer had waited %v (%v in all): want at most 2", worst, margin, worstWait)
	}
	if free < len(waits)/4 {
		t.Errorf("%d of %d turns taken without waiting: want most turns to go to a writer that is running", free, len(waits))
	}
}

// Once the first in line has waited longer than MaxStarve, the turn
// passes first come first served: a writer that releases it and asks
// again goes to the back of the line.
func TestQueue_handoffFIFO(t *testing.T) {
	t.Parallel()
	q := hold(t)
	if err := q.Acquire(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}
	l := lineUp(t, q, 8)
	time.Sleep(writeq.MaxStarve + time.Millisecond)
	// Release and ask again at once, as a writer in a loop does, until
	// the 8 had their turn: the first in line, woken, finds the turn
	// taken, and from then on it passes in order.
	start := time.Now()
	rounds := 0
	for {
		q.Release()
		if err := q.Acquire(t.Context(), 10*time.Second); err != nil {
			t.Fatal(err)
		}
		rounds++
		n := l.served()
		if n == 8 {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("after %d rounds, %d of 8 writers had their turn", rounds, n)
		}
		spin(20 * time.Microsecond)
	}
	t.Logf("the releaser had the turn %d times before the 8 were through", rounds)
	q.Release()
	if diff := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 6, 7}, l.wait()); diff != "" {
		t.Errorf("turns (-want +got):\n%s", diff)
	}
}

// Writers in line give up (cancelled, timed out) while the turn passes
// in both modes: the turn is never held twice, never lost, and every
// writer that did not give up gets it.
func TestQueue_giveUpWhileWaiting(t *testing.T) {
	t.Parallel()
	q := hold(t)
	var holders, turns, gaveUp atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				ctx, cancel := context.WithCancel(t.Context())
				timeout := time.Minute
				switch (g + i) % 4 {
				case 1:
					time.AfterFunc(time.Duration(i%7)*50*time.Microsecond, cancel)
				case 2:
					timeout = time.Duration(i%5) * 100 * time.Microsecond
				}
				err := q.Acquire(ctx, timeout)
				cancel()
				if err != nil {
					if !errors.Is(err, context.Canceled) && !errors.Is(err, sqlite3.BUSY) {
						t.Errorf("gave up with %v", err)
					}
					gaveUp.Add(1)
					continue
				}
				if holders.Add(1) != 1 {
					t.Error("two writers hold the turn")
				}
				spin(time.Duration(i%3) * 10 * time.Microsecond)
				holders.Add(-1)
				turns.Add(1)
				q.Release()
			}
		})
	}
	wg.Wait()
	t.Logf("%d turns, %d gave up", turns.Load(), gaveUp.Load())
	if turns.Load()+gaveUp.Load() != 16*200 {
		t.Errorf("%d turns and %d give-ups; want %d in all", turns.Load(), gaveUp.Load(), 16*200)
	}
	// Nothing is left in line, and the turn is free.
	if n := q.Waiting(); n != 0 {
		t.Errorf("%d writers left in line", n)
	}
	if err := q.Acquire(t.Context(), 100*time.Millisecond); err != nil {
		t.Errorf("the turn is not free at the end: %v", err)
	}
	q.Release()
}

// BenchmarkQueue_uncontended is what a turn costs a writer alone: the
// queue of a database file, so the look at the clock for other
// processes is in.
func BenchmarkQueue_uncontended(b *testing.B) {
	path := b.TempDir() + "/q.db"
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	id, err := dbid.Of(path)
	if err != nil {
		b.Fatal(err)
	}
	q := writeq.Hold(id, path)
	defer writeq.Release(id)
	ctx := context.Background()
	for b.Loop() {
		if err := q.Acquire(ctx, time.Second); err != nil {
			b.Fatal(err)
		}
		q.Release()
	}
}
