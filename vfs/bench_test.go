package vfs_test

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ncruces "github.com/ncruces/go-sqlite3/driver"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// BenchmarkConcurrentWriters: 16 goroutines write short transactions (2
// UPDATEs and 1 INSERT) through one pool. The baseline is plain
// ncruces/go-sqlite3 as people configure it: busy_timeout(5000) and
// deferred transactions. Reported: commits per second, p50 and p99
// commit latency, and the transactions that failed.
//
// The "ratio" sub-benchmark runs five rounds of two seconds of each,
// alternating, and reports the medians of the per-round ratios
// sqlitekit/ncruces of throughput and of p50 and p99 latency.
func BenchmarkConcurrentWriters(b *testing.B) {
	drivers := []struct {
		name string
		open func(path string) (*sql.DB, error)
	}{
		{"ncruces", func(path string) (*sql.DB, error) {
			return ncruces.Open("file:" + path + "?_txlock=deferred&_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)")
		}},
		{"sqlitekit", func(path string) (*sql.DB, error) {
			return sql.Open("sqlitekit", "file:"+path+"?_pragma=busy_timeout(5000)")
		}},
	}
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			total := int64(b.N)
			r := runWriters(b, d.open, func(i int64) bool { return i <= total })
			b.ReportMetric(r.perSecond, "commits/s")
			b.ReportMetric(r.pct(0.50), "p50-µs")
			b.ReportMetric(r.pct(0.99), "p99-µs")
			b.ReportMetric(float64(r.failed), "failed")
		})
	}
	b.Run("ratio", func(b *testing.B) {
		for b.Loop() {
			var throughput, p50, p99 []float64
			var failed int64
			for range 5 {
				var rounds [2]writeRound
				for k, d := range drivers {
					end := time.Now().Add(2 * time.Second)
					rounds[k] = runWriters(b, d.open, func(int64) bool { return time.Now().Before(end) })
					failed += rounds[k].failed
				}
				throughput = append(throughput, rounds[1].perSecond/rounds[0].perSecond)
				p50 = append(p50, rounds[1].pct(0.50)/rounds[0].pct(0.50))
				p99 = append(p99, rounds[1].pct(0.99)/rounds[0].pct(0.99))
			}
			slices.Sort(throughput)
			slices.Sort(p50)
			slices.Sort(p99)
			b.ReportMetric(throughput[2], "throughput-x")
			b.ReportMetric(p50[2], "p50-x")
			b.ReportMetric(p99[2], "p99-x")
			b.ReportMetric(float64(failed), "failed")
		}
	})
}

// writeRound is what runWriters measured.
type writeRound struct {
	perSecond float64
	latencies []time.Duration // sorted
	failed    int64
}

func (r writeRound) pct(p float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	return float64(r.latencies[int(p*float64(len(r.latencies)-1))].Microseconds())
}

// runWriters opens a new database with open and has 16 goroutines run
// transactions through it while more(i) is true for the i-th.
func runWriters(b *testing.B, open func(path string) (*sql.DB, error), more func(i int64) bool) writeRound {
	const schema = `
		CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
		INSERT INTO accounts SELECT value, 1000 FROM generate_series(1, 1000);
		CREATE TABLE transfers(id INTEGER PRIMARY KEY, src INTEGER, dst INTEGER, amount INTEGER, at TEXT);`
	db, err := open(testdb.Path(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(16)
	if _, err := db.Exec(schema); err != nil {
		b.Fatal(err)
	}
	var (
		next   atomic.Int64
		failed atomic.Int64
		mu     sync.Mutex
		r      writeRound
		wg     sync.WaitGroup
	)
	start := time.Now()
	for g := range 16 {
		wg.Go(func() {
			var mine []time.Duration
			for i := next.Add(1); more(i); i = next.Add(1) {
				t0 := time.Now()
				if err := transfer(db, int(i), g); err != nil {
					failed.Add(1)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			r.latencies = append(r.latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	r.perSecond = float64(len(r.latencies)) / time.Since(start).Seconds()
	r.failed = failed.Load()
	slices.Sort(r.latencies)
	return r
}

func transfer(db *sql.DB, i, g int) error {
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	src, dst := i%1000+1, (i*7+g)%1000+1
	if _, err := tx.Exec("UPDATE accounts SET balance = balance - 1 WHERE id = ?", src); err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE accounts SET balance = balance + 1 WHERE id = ?", dst); err != nil {
		return err
	}
	if _, err := tx.Exec("INSERT INTO transfers(src, dst, amount, at) VALUES (?, ?, 1, ?)", src, dst, "2026-11-23T21:00:00Z"); err != nil {
		return err
	}
	return tx.Commit()
}

// BenchmarkOverhead compares sqlitekit on its counted VFS with sqlitekit
// on the bare OS VFS (vfs=os): the cost of counting and forwarding.
//
// Both databases are open at once and the work alternates between them in
// chunks of 256 operations, the first of each pair taking turns, so that
// the drift of a shared machine falls on both alike. Reported: ns/op of
// each and "sqlitekit/os", the median of the per-pair ratios.
func BenchmarkOverhead(b *testing.B) {
	const chunk = 256
	for _, work := range []struct {
		name string
		// start returns the operation, and a function to call at the end.
		start func(b *testing.B, db *sql.DB) (op func(i int), end func())
	}{
		{"read", func(b *testing.B, db *sql.DB) (func(int), func()) {
			var name string
			return func(i int) {
				if err := db.QueryRow("SELECT name FROM t WHERE id = ?", i%10000+1).Scan(&name); err != nil {
					b.Fatal(err)
				}
			}, func() {}
		}},
		{"insert", func(b *testing.B, db *sql.DB) (func(int), func()) {
			tx, err := db.Begin()
			if err != nil {
				b.Fatal(err)
			}
			return func(int) {
				if _, err := tx.Exec("INSERT INTO t(name) VALUES (?)", "another name of some length"); err != nil {
					b.Fatal(err)
				}
			}, func() { tx.Commit() }
		}},
		{"commit", func(b *testing.B, db *sql.DB) (func(int), func()) {
			return func(int) {
				if _, err := db.Exec("INSERT INTO t(name) VALUES (?)", "one transaction each"); err != nil {
					b.Fatal(err)
				}
			}, func() {}
		}},
	} {
		b.Run(work.name, func(b *testing.B) {
			var ops [2]func(int)
			for k, v := range []string{"os", "sqlitekit"} {
				db, err := sql.Open("sqlitekit", "file:"+testdb.Path(b)+"?vfs="+v)
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				_, err = db.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);
					INSERT INTO t(name) SELECT 'name ' || value FROM generate_series(1, 10000)`)
				if err != nil {
					b.Fatal(err)
				}
				op, end := work.start(b, db)
				defer end()
				ops[k] = op
			}
			var total [2]time.Duration
			var ratios []float64
			pairs := max(1, b.N/(2*chunk))
			b.ResetTimer()
			for p := range pairs {
				var d [2]time.Duration
				for j := range 2 {
					k := (p + j) % 2
					start := time.Now()
					for i := range chunk {
						ops[k](p*chunk + i)
					}
					d[k] = time.Since(start)
				}
				total[0] += d[0]
				total[1] += d[1]
				ratios = append(ratios, float64(d[1])/float64(d[0]))
			}
			b.StopTimer()
			slices.Sort(ratios)
			n := float64(pairs * chunk)
			b.ReportMetric(float64(total[0].Nanoseconds())/n, "os-ns/op")
			b.ReportMetric(float64(total[1].Nanoseconds())/n, "sqlitekit-ns/op")
			b.ReportMetric(ratios[len(ratios)/2], "sqlitekit/os")
		})
	}
}
