package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
)

func ExampleStream() {
	dir, err := os.MkdirTemp("", "sqlitekit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.Exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('a'), ('b'), ('c')")

	type note struct {
		ID   int64
		Body string
	}
	notes := driver.Stream(context.Background(), db, func(rows *sql.Rows) (n note, err error) {
		err = rows.Scan(&n.ID, &n.Body)
		return n, err
	}, "SELECT id, body FROM notes WHERE id >= ? ORDER BY id", 2)

	for n, err := range notes {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(n.ID, n.Body)
	}
	// Output:
	// 2 b
	// 3 c
}

func ExampleCheck() {
	dir, err := os.MkdirTemp("", "sqlitekit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)")

	problems, err := driver.Check(context.Background(), db, false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(problems), "problems")
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output: 0 problems
}

func ExampleSizesOf() {
	dir, err := os.MkdirTemp("", "sqlitekit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.Exec("CREATE TABLE t(x)")

	s, err := driver.SizesOf(context.Background(), db)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.PageCount, "pages of", s.PageSize, "bytes;", s.FreePages, "free; WAL written:", s.WALSize > 0)
	// Output: 2 pages of 4096 bytes; 0 free; WAL written: true
}

func ExampleStatsOf() {
	dir, err := os.MkdirTemp("", "sqlitekit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	before, err := driver.StatsOf(db)
	if err != nil {
		log.Fatal(err)
	}
	for i := range 3 {
		db.Exec("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (?)", i)
	}
	after, _ := driver.StatsOf(db)
	d := after.Sub(before)
	fmt.Println("WAL written:", d.IO.WAL.Writes > 0, "; waits in the writer queue:", d.Queue.Waits)
	// Output: WAL written: true ; waits in the writer queue: 0
}

func ExampleQueueHistogramBounds() {
	dir, err := os.MkdirTemp("", "sqlitekit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		log.Fatal(err)
	}
	// One writer holds the turn for 30 ms; another waits for it.
	tx, err := db.Begin()
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		time.Sleep(30 * time.Millisecond)
		tx.Commit()
	}()
	if _, err := db.Exec("INSERT INTO t VALUES (1)"); err != nil {
		log.Fatal(err)
	}

	s, _ := driver.StatsOf(db)
	bounds := driver.QueueHistogramBounds()
	for i, n := range s.Queue.Histogram {
		if n == 0 {
			continue
		}
		lo, hi := time.Duration(0), time.Duration(1<<63-1)
		if i > 0 {
			lo = bounds[i-1]
		}
		if i < len(bounds) {
			hi = bounds[i]
		}
		// Bucket i counts the waits in [lo, hi): here the one wait,
		// [25ms, 50ms) on an idle machine.
		fmt.Printf("%d wait(s); the longest is in their bucket: %v\n", n, lo <= s.Queue.Max && s.Queue.Max < hi)
	}
	// Output: 1 wait(s); the longest is in their bucket: true
}
