package driver_test

import (
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// The quick start: one import, one driver name, a tuned database.
func Example() {
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

	_, err = db.Exec(`CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);
		INSERT INTO notes(body) VALUES ('first'), ('second')`)
	if err != nil {
		log.Fatal(err)
	}
	var n int
	var mode string
	if err := db.QueryRow("SELECT count(*), (SELECT journal_mode FROM pragma_journal_mode) FROM notes").Scan(&n, &mode); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "notes, journal mode", mode)
	// Output:
	// 2 notes, journal mode wal
}

// An in-memory database is one database for the whole pool.
func Example_memory() {
	db, err := sql.Open("sqlitekit", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(4)

	if _, err := db.Exec("CREATE TABLE kv(k, v)"); err != nil {
		log.Fatal(err)
	}
	// Whichever pooled connection runs it, the query sees the table.
	var n int
	if err := db.QueryRow("SELECT count(*) FROM kv").Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n)
	// Output:
	// 0
}

// Open takes a pragma.Config, sizes the pool for SQLite, and runs a hook
// on every new connection.
func ExampleOpen() {
	cfg := pragma.Default()
	cfg.Path = ":memory:"
	cfg.BusyTimeout = 0 // fail at once on a lock

	db, err := driver.Open(cfg, &driver.Options{
		ConnInit: func(c *sqlite3.Conn) error {
			return c.CreateFunction("twice", 1, sqlite3.DETERMINISTIC, func(ctx sqlite3.Context, arg ...sqlite3.Value) {
				ctx.ResultInt64(2 * arg[0].Int64())
			})
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	var n int
	if err := db.QueryRow("SELECT twice(21)").Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n)
	// Output:
	// 42
}
