package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/sqlitekit/sqlitekit/driver"
)

// Migrations kept as numbered .sql files, here in a MapFS; an embed.FS
// works the same:
//
//	//go:embed migrations/*.sql
//	var migrations embed.FS
func ExampleMigrate() {
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

	files := fstest.MapFS{
		"migrations/001_users.sql":  {Data: []byte("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)")},
		"migrations/002_emails.sql": {Data: []byte("ALTER TABLE users ADD COLUMN email TEXT")},
	}
	steps, err := driver.LoadMigrations(files, "migrations")
	if err != nil {
		log.Fatal(err)
	}
	// A step in Go, after the files.
	steps = append(steps, driver.Migration{
		Name: "default emails",
		Func: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE users SET email = name || '@example.com' WHERE email IS NULL")
			return err
		},
	})

	ctx := context.Background()
	for range 2 { // the second run finds nothing to do
		if err := driver.Migrate(ctx, db, steps); err != nil {
			log.Fatal(err)
		}
	}
	var version int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	fmt.Println("version", version)
	// Output: version 3
}

func ExampleTransaction() {
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
	db.Exec("CREATE TABLE accounts(name TEXT PRIMARY KEY, balance INTEGER); INSERT INTO accounts VALUES ('a', 100), ('b', 0)")

	ctx := context.Background()
	err = driver.Transaction(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - 30 WHERE name = 'a'"); err != nil {
			return err // rolled back
		}
		_, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + 30 WHERE name = 'b'")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	var a, b int
	db.QueryRow("SELECT (SELECT balance FROM accounts WHERE name = 'a'), (SELECT balance FROM accounts WHERE name = 'b')").Scan(&a, &b)
	fmt.Println(a, b)
	// Output: 70 30
}
