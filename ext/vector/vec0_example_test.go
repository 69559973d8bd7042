package vector_test

import (
	"fmt"
	"log"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// A vec0 table on a plain ncruces connection (the sqlitekit driver registers
// vec0 on every connection it opens): a KNN query with a metadata filter.
func Example_vec0() {
	c, err := sqlite3.Open(":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := vector.Register(c); err != nil {
		log.Fatal(err)
	}
	err = c.Exec(`
		CREATE VIRTUAL TABLE docs USING vec0(embedding float[3] distance_metric=cosine, lang text, +title text);
		INSERT INTO docs(rowid, embedding, lang, title) VALUES
			(1, '[1, 0, 0]', 'en', 'one'),
			(2, '[0.9, 0.1, 0]', 'fr', 'deux'),
			(3, '[0.8, 0.3, 0.1]', 'en', 'three'),
			(4, '[0, 1, 0]', 'en', 'four')`)
	if err != nil {
		log.Fatal(err)
	}
	stmt, _, err := c.Prepare(`SELECT rowid, title, distance FROM docs
		WHERE embedding MATCH ? AND k = 2 AND lang = 'en'`)
	if err != nil {
		log.Fatal(err)
	}
	defer stmt.Close()
	stmt.BindText(1, "[1, 0.1, 0]")
	for stmt.Step() {
		fmt.Printf("%d %s %.4f\n", stmt.ColumnInt(0), stmt.ColumnText(1), stmt.ColumnFloat(2))
	}
	if err := stmt.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 one 0.0050
	// 3 three 0.0399
}
