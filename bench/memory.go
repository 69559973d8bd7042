package main

import (
	"bufio"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func init() {
	workloads = append(workloads, &workload{group: "memory", name: "rss",
		about: func(s sizes) string {
			return fmt.Sprintf("for %s rows of about 250 bytes, in a fresh process each: fill the table (10,000 rows per transaction), read every row into Go, run an aggregate and 2,000 point selects; "+
				"then the peak resident set of the process (VmHWM), and the Go heap in use after a GC with the database still open. "+
				"SQLite's page cache is bounded (cache_size=-20000, about 20 MB per connection), so both should stay flat as the data grows. "+
				"SQLite's own memory is outside the Go heap for every driver (ncruces and sqlitekit map the translated SQLite's linear memory, mattn uses C's heap, modernc its own allocator), so the Go heap is the driver's and the program's share, and RSS is the whole. One process per size, driver and round",
				ns(s.MemRows))
		},
		params: func(s sizes) []int { return s.MemRows },
		run:    runMemory, turns: true})
}

func runMemory(e *env) error {
	rows := e.job.Param
	db, err := e.open("memory", openOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(e.ctx, "CREATE TABLE items (id INTEGER PRIMARY KEY, created INTEGER NOT NULL, email TEXT NOT NULL, body TEXT NOT NULL)"); err != nil {
		return err
	}
	body := strings.Repeat("lorem ipsum dolor sit amet ", 8)
	const batch = 10_000
	for start := 0; start < rows; start += batch {
		err := inTx(e.ctx, db, "INSERT INTO items(id, created, email, body) VALUES(?, ?, ?, ?)", min(batch, rows-start), func(st *sql.Stmt, i int) error {
			id := start + i + 1
			_, err := st.ExecContext(e.ctx, id, base+int64(id)*1000, emailOf(id), body)
			return err
		})
		if err != nil {
			return err
		}
	}
	turn()
	runtime.GC()
	t := time.Now()
	r, err := db.QueryContext(e.ctx, "SELECT id, created, email, body FROM items")
	if err != nil {
		return err
	}
	count := 0
	for r.Next() {
		var id, created int64
		var email, body string
		if err := r.Scan(&id, &created, &email, &body); err != nil {
			r.Close()
			return err
		}
		count++
	}
	if err := r.Close(); err != nil {
		return err
	}
	if count != rows {
		return fmt.Errorf("read %d rows, want %d", count, rows)
	}
	var total int64
	if err := db.QueryRowContext(e.ctx, "SELECT sum(length(body)) FROM items").Scan(&total); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(5, 0))
	for range 2000 {
		var email string
		if err := db.QueryRowContext(e.ctx, "SELECT email FROM items WHERE id = ?", rng.IntN(rows)+1).Scan(&email); err != nil {
			return err
		}
	}
	e.ms("read and query", time.Since(t))
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	e.sample("Go heap in use", "MB", -1, float64(m.HeapInuse)/(1<<20))
	if hwm, err := procStatus("VmHWM"); err == nil {
		e.sample("peak RSS", "MB", -1, float64(hwm)/(1<<20))
	} else {
		e.na("peak RSS", "MB", -1, "no /proc/self/status on "+runtime.GOOS)
	}
	e.check("rows", count)
	return nil
}

// procStatus reads a field of /proc/self/status in bytes.
func procStatus(field string) (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && k == field {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("%s not in /proc/self/status", field)
}
