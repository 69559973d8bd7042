package driver_test

import (
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
)

// QueueHistogramBounds describes QueueStats.Histogram, and what a caller
// does to the slice it got changes nothing else.
func TestQueueHistogramBounds(t *testing.T) {
	t.Parallel()
	bounds := driver.QueueHistogramBounds()
	if n := len(driver.QueueStats{}.Histogram); len(bounds) != n-1 {
		t.Fatalf("%d bounds for %d buckets, want %d", len(bounds), n, n-1)
	}
	for i := 1; i < len(bounds); i++ {
		if bounds[i] <= bounds[i-1] {
			t.Errorf("bounds[%d] = %v is not above bounds[%d] = %v", i, bounds[i], i-1, bounds[i-1])
		}
	}
	first := bounds[0]
	bounds[0] = time.Hour
	if got := driver.QueueHistogramBounds()[0]; got != first {
		t.Errorf("after the caller changed its copy, the first bound is %v, want %v", got, first)
	}
}
