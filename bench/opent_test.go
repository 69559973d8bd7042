package main

import (
	"database/sql"
	"testing"
)

// openT opens a pool of driver on dsn, closed when the test ends.
func openT(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
