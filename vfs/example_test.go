package vfs_test

import (
	"database/sql"
	"expvar"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// A program that serves /debug/vars publishes the counts of its
// databases itself: importing sqlitekit registers nothing.
func ExampleAllStats() {
	expvar.Publish("sqlitekit", expvar.Func(func() any { return vfs.AllStats() }))

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
	for path, s := range vfs.AllStats() {
		if filepath.Base(filepath.Dir(path)) == filepath.Base(dir) { // this example's database
			fmt.Println(filepath.Base(path), "WAL written:", s.WAL.Writes > 0)
		}
	}
	// Output: app.db WAL written: true
}
