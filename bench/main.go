// Command bench measures sqlitekit against plain ncruces/go-sqlite3 on
// data it generates, and prints a markdown report.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"time"

	ncruces "github.com/ncruces/go-sqlite3/driver"

	_ "github.com/sqlitekit/sqlitekit/driver"
)

// The pragmas every driver gets, so only the driver differs.
const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_pragma=foreign_keys(1)&_pragma=cache_size(-20000)&_pragma=temp_store(memory)"

type driverCase struct {
	name string
	open func(path string) (*sql.DB, error)
}

var drivers = []driverCase{
	{"ncruces", func(path string) (*sql.DB, error) { return ncruces.Open("file:" + path + "?" + pragmas) }},
	{"sqlitekit", func(path string) (*sql.DB, error) { return sql.Open("sqlitekit", "file:"+path+"?"+pragmas) }},
}

func main() {
	rows := flag.Int("rows", 100_000, "rows to insert and scan")
	runs := flag.Int("runs", 3, "runs per measurement; the median is reported")
	flag.Parse()
	log.SetFlags(0)

	dir, err := os.MkdirTemp("", "sqlitekit-bench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	fmt.Println("| workload | driver | median | ratio to ncruces |")
	fmt.Println("|---|---|---|---|")
	for _, w := range []struct {
		name string
		fn   func(db *sql.DB, n int) error
	}{{"insert (one tx)", insert}, {"scan", scan}} {
		var base time.Duration
		for _, d := range drivers {
			var times []time.Duration
			for r := range *runs {
				log.Printf("%s, %s, run %d/%d", w.name, d.name, r+1, *runs)
				path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.db", w.name, d.name, r))
				db, err := d.open(path)
				if err != nil {
					log.Fatal(err)
				}
				if w.name == "scan" {
					if err := insert(db, *rows); err != nil {
						log.Fatal(err)
					}
				}
				start := time.Now()
				if err := w.fn(db, *rows); err != nil {
					log.Fatal(err)
				}
				times = append(times, time.Since(start))
				db.Close()
			}
			slices.Sort(times)
			med := times[len(times)/2]
			if base == 0 {
				base = med
			}
			fmt.Printf("| %s | %s | %v | %.2fx |\n", w.name, d.name, med.Round(time.Microsecond), float64(med)/float64(base))
		}
	}
}

func insert(db *sql.DB, n int) error {
	if _, err := db.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n REAL)"); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.Prepare("INSERT INTO t(name, n) VALUES (?, ?)")
	if err != nil {
		return err
	}
	for i := range n {
		if _, err := st.Exec(fmt.Sprintf("name %d", i), float64(i)/3); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func scan(db *sql.DB, n int) error {
	rows, err := db.Query("SELECT id, name, n FROM t")
	if err != nil {
		return err
	}
	defer rows.Close()
	count := 0
	for rows.Next() {
		var id int64
		var name string
		var f float64
		if err := rows.Scan(&id, &name, &f); err != nil {
			return err
		}
		count++
	}
	if count != n {
		return fmt.Errorf("scanned %d rows, want %d", count, n)
	}
	return rows.Err()
}
