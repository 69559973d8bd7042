package vector_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ncruces/go-sqlite3"

	_ "github.com/sqlitekit/sqlitekit/driver" // the "sqlitekit" driver, which registers the functions
	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// Register the functions on a plain ncruces/go-sqlite3 connection, without
// the sqlitekit driver, and use them in SQL. (Through the sqlitekit driver
// they are already there: see the TopK example.)
func Example() {
	c, err := sqlite3.Open(":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := vector.Register(c); err != nil {
		log.Fatal(err)
	}
	stmt, _, err := c.Prepare(`SELECT
		cosine_similarity('[1, 0]', '[1, 1]'),
		vec_distance_l2('[0, 0]', '[3, 4]'),
		vec_to_json(vec_normalize('[3, 4]')),
		hex(vec_f32('[1]'))`)
	if err != nil {
		log.Fatal(err)
	}
	defer stmt.Close()
	if stmt.Step() {
		fmt.Printf("%.4f %g %s %s\n", stmt.ColumnFloat(0), stmt.ColumnFloat(1), stmt.ColumnText(2), stmt.ColumnText(3))
	}
	// Output:
	// 0.7071 5 [0.6,0.8] 0000803F
}

// Store embeddings through database/sql and find the nearest ones.
func ExampleTopK() {
	dir, err := os.MkdirTemp("", "vector-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "notes.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ctx := context.Background()
	_, err = db.ExecContext(ctx, `CREATE TABLE notes(id INTEGER PRIMARY KEY, topic TEXT, embedding BLOB)`)
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range []struct {
		topic string
		e     vector.F32
	}{
		{"go", vector.F32{1, 0, 0}},
		{"go", vector.F32{0.9, 0.1, 0}},
		{"sql", vector.F32{0.8, 0.2, 0.1}},
		{"sql", vector.F32{0, 1, 0}},
		{"go", nil}, // not embedded yet: skipped
	} {
		if _, err := db.ExecContext(ctx, `INSERT INTO notes(topic, embedding) VALUES (?, ?)`, n.topic, n.e); err != nil {
			log.Fatal(err)
		}
	}

	query := []float32{1, 0.1, 0}
	opts := &vector.TopKOptions{Filter: "topic = ?", Args: []any{"go"}}
	for m, err := range vector.TopK(ctx, db, "notes", "embedding", query, 2, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("note %d at %.4f\n", m.RowID, m.Distance)
	}
	// Output:
	// note 2 at 0.0001
	// note 1 at 0.0050
}

// F32 converts to and from the BLOB format sqlite-vec uses.
func ExampleF32() {
	v := vector.F32{0.5, -1}
	b, _ := v.Value()
	fmt.Printf("% X\n", b)

	var w vector.F32
	if err := w.Scan("[0.25, 2e3]"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w)
	// Output:
	// 00 00 00 3F 00 00 80 BF
	// [0.25 2000]
}
