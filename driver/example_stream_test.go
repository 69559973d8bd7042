package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

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
