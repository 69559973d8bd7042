package writeq_test

import (
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/writeq"
)

// The other connections of a database give way, once per stall, when
// writers wait behind a turn that has not moved for StallAfter: not when
// nobody waits, not while the holder begins statements.
func TestQueue_giveWay(t *testing.T) {
	t.Parallel()
	q := hold(t)
	if err := q.Acquire(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}
	var mark int64
	time.Sleep(writeq.StallAfter + time.Millisecond)
	if q.GiveWay(&mark) {
		t.Error("gave way with no writer waiting")
	}

	l := lineUp(t, q, 1)
	// A holder at work: it began a statement just now. (A check that
	// comes later than StallAfter, on a loaded machine, may give way.)
	start := time.Now()
	q.Progress()
	if q.GiveWay(&mark) && time.Since(start) < writeq.StallAfter {
		t.Error("gave way to a holder that began a statement", time.Since(start), "ago")
	}

	time.Sleep(writeq.StallAfter + time.Millisecond)
	if !q.GiveWay(&mark) {
		t.Error("did not give way to a stalled turn with a writer waiting")
	}
	if q.GiveWay(&mark) {
		t.Error("gave way twice for one stall")
	}
	var other int64
	if !q.GiveWay(&other) {
		t.Error("another connection did not give way")
	}

	q.Progress()
	time.Sleep(writeq.StallAfter + time.Millisecond)
	if !q.GiveWay(&mark) {
		t.Error("did not give way to the next stall")
	}
	q.Release()
	l.wg.Wait()
	if q.GiveWay(&mark) {
		t.Error("gave way with the line empty")
	}
}
