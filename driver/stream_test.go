package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

type row struct {
	ID int64
	V  []byte
}

func scanRow(rows *sql.Rows) (r row, err error) {
	err = rows.Scan(&r.ID, &r.V)
	return r, err
}

func TestStream(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, testdb.Path(t))
	fill(t, db, 1000)

	s := driver.Stream(ctx, db, scanRow, "SELECT id, v FROM t WHERE id > ? ORDER BY id", 10)
	n, last := 0, int64(0)
	for r, err := range s {
		if err != nil {
			t.Fatal(err)
		}
		n, last = n+1, r.ID
	}
	if n != 990 || last != 1000 {
		t.Errorf("%d rows, the last %d; want 990 and 1000", n, last)
	}
	for _, err := range s {
		if !errors.Is(err, driver.ErrStreamUsed) {
			t.Errorf("second range: %v, want ErrStreamUsed", err)
		}
	}

	// Breaking early gives the connection back.
	for range driver.Stream(ctx, db, scanRow, "SELECT id, v FROM t") {
		break
	}
	if inUse := db.Stats().InUse; inUse != 0 {
		t.Errorf("%d connections in use after an early break, want 0", inUse)
	}

	// Errors are yielded once, then the stream ends.
	for name, s := range map[string]func(yield func(row, error) bool){
		"query": driver.Stream(ctx, db, scanRow, "SELECT nope FROM t"),
		"scan":  driver.Stream(ctx, db, scanRow, "SELECT id FROM t"),
	} {
		var errs []error
		for _, err := range s {
			if err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "sqlitekit: stream: ") {
			t.Errorf("%s: errors %v, want one", name, errs)
		}
	}
	if inUse := db.Stats().InUse; inUse != 0 {
		t.Errorf("%d connections in use after errors, want 0", inUse)
	}

	// A cancelled context ends the stream with its error.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var err error
	for _, err = range driver.Stream(cctx, db, scanRow, "SELECT id, v FROM t") {
		cancel()
		if err != nil {
			break
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v, want context.Canceled", err)
	}
}

// BenchmarkStream reads a large table through Stream and reports the Go
// heap in use after it as heap-B: it stays flat whatever the table's
// size (compare -benchtime=1x runs with rows=100k and rows=1M).
func BenchmarkStream(b *testing.B) {
	for _, rows := range []int{100_000, 1_000_000} {
		b.Run("rows="+strconv.Itoa(rows), func(b *testing.B) {
			if testing.Short() && rows > 100_000 {
				b.Skip("short")
			}
			db := openDB(b, testdb.Path(b))
			fill(b, db, rows)
			ctx := context.Background()
			var before, peak runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for b.Loop() {
				n := 0
				for _, err := range driver.Stream(ctx, db, scanRow, "SELECT id, v FROM t") {
					if err != nil {
						b.Fatal(err)
					}
					if n++; n%100_000 == 0 {
						var m runtime.MemStats
						runtime.ReadMemStats(&m)
						peak.HeapInuse = max(peak.HeapInuse, m.HeapInuse)
					}
				}
				if n != rows {
					b.Fatalf("%d rows, want %d", n, rows)
				}
			}
			b.ReportMetric(float64(peak.HeapInuse)-float64(before.HeapInuse), "heap-growth-B")
			b.ReportMetric(float64(peak.HeapInuse), "peak-heap-B")
		})
	}
}
