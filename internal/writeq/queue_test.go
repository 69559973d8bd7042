package writeq_test

import (
	"context"
	"errors"
	"strings"
	"sync"
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
	return writeq.Hold(id)
}

// Writers get their turn in the order they asked for it.
func TestQueue_fifo(t *testing.T) {
	t.Parallel()
	q := hold(t)
	if err := q.Acquire(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if err := q.Acquire(t.Context(), 10*time.Second); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			q.Release()
		})
		for q.Waiting() != i+1 { // writer i is in line before i+1 starts
			time.Sleep(time.Millisecond)
		}
	}
	q.Release()
	wg.Wait()
	if diff := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 6, 7}, order); diff != "" {
		t.Errorf("turns (-want +got):\n%s", diff)
	}
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
