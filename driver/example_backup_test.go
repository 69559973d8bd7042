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

func ExampleBackup() {
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
	if _, err := db.Exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('kept')"); err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	dest := filepath.Join(dir, "backup.db")
	err = driver.Backup(ctx, db, dest, func(done, total int) {
		if done == total {
			fmt.Println("copied every page")
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	backup, err := sql.Open("sqlitekit", dest)
	if err != nil {
		log.Fatal(err)
	}
	defer backup.Close()
	var body string
	backup.QueryRow("SELECT body FROM notes").Scan(&body)
	fmt.Println(body)
	// Output:
	// copied every page
	// kept
}

func ExampleCheckpoint() {
	dir, err := os.MkdirTemp("", "sqlitekit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.db")
	db, err := sql.Open("sqlitekit", path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		log.Fatal(err)
	}

	res, err := driver.Checkpoint(context.Background(), db, driver.CheckpointTruncate)
	if err != nil {
		log.Fatal(err) // errors.Is(err, sqlite3.BUSY) if a reader held the WAL
	}
	wal, _ := os.Stat(path + "-wal")
	fmt.Println(res.WALFrames, "frames left; WAL", wal.Size(), "bytes")
	// Output: 0 frames left; WAL 0 bytes
}

func ExampleVacuumInto() {
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
	db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")

	if err := driver.VacuumInto(context.Background(), db, filepath.Join(dir, "compact.db")); err != nil {
		log.Fatal(err)
	}
	fmt.Println("done")
	// Output: done
}
