package replica_test

import (
	"context"
	"database/sql"
	"log"

	_ "github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/replica"
)

// A program replicates its database to S3 while it runs. (Not run by go
// test: it needs the litestream command and a bucket.)
func Example() {
	ctx := context.Background()
	db, err := sql.Open("sqlitekit", "app.db") // WAL, busy timeout 10 s: what Litestream needs
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	// Start needs the file: any first use of the pool creates it.
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, item TEXT)"); err != nil {
		log.Fatal(err)
	}

	r, err := replica.Start(ctx, "app.db", "s3://bucket/app", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	if _, err := db.ExecContext(ctx, "INSERT INTO orders(item) VALUES ('tea')"); err != nil {
		log.Fatal(err)
	}
	// The order is in the bucket once Sync returns (else within a second).
	if err := r.Sync(ctx); err != nil {
		log.Fatal(err)
	}
}

// On another machine, or after losing this one: the latest state.
func ExampleRestore() {
	ctx := context.Background()
	if err := replica.Restore(ctx, "s3://bucket/app", "app.db", nil); err != nil {
		log.Fatal(err)
	}
}

// A read replica on another machine, kept current until Close.
func ExampleFollow() {
	ctx := context.Background()
	f, err := replica.Follow(ctx, "s3://bucket/app", "replica.db", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	db, err := sql.Open("sqlitekit", "file:replica.db?mode=ro")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxIdleConns(0) // each use sees the file as Litestream left it
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM orders").Scan(&n); err != nil {
		log.Fatal(err)
	}
}
