package driver_test

import (
	"database/sql"
	"fmt"
	"log"
)

// One set of named values serves several statements: a value no
// parameter uses is ignored. A parameter left without a value (here a
// misspelled name) is an error, and the statement does not run: SQLite
// would have written NULL there.
func Example_arguments() {
	db, err := sql.Open("sqlitekit", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	if _, err := db.Exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT)"); err != nil {
		log.Fatal(err)
	}
	args := []any{sql.Named("title", "hello"), sql.Named("body", "world"), sql.Named("author", "ann")}
	if _, err := db.Exec("INSERT INTO notes(title, body) VALUES (:title, :body)", args...); err != nil {
		log.Fatal(err)
	}
	_, err = db.Exec("INSERT INTO notes(title, body) VALUES (:title, :bdoy)", args...)
	fmt.Println(err)

	var n int
	if err := db.QueryRow("SELECT count(*) FROM notes WHERE title = :title", args...).Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "note")
	// Output:
	// sqlitekit: no value for parameter :bdoy
	// 1 note
}
