package trigram_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "github.com/sqlitekit/sqlitekit/driver" // the "sqlitekit" driver, which registers FTS5 and trigram
	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// Example indexes the messages of a chat log and searches one session, with
// snippets, as a storage layer for a coding agent would.
func Example() {
	dir, err := os.MkdirTemp("", "trigram")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlitekit", filepath.Join(dir, "chat.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	_, err = db.ExecContext(ctx, `
		CREATE TABLE messages(id INTEGER PRIMARY KEY, session_id INT, body TEXT);
		INSERT INTO messages(session_id, body) VALUES
			(1, 'Run "go test ./..." before committing.'),
			(1, 'The parser fails on NEAR(a b) and on a stray quote: "'),
			(2, 'GO TEST passed on CI.');`)
	if err != nil {
		log.Fatal(err)
	}

	idx := trigram.Index{Table: "messages", Columns: []string{"body"}, RowID: "id"}
	// Safe to call at every start: it does nothing once the index exists.
	if err := trigram.Create(ctx, db, idx); err != nil {
		log.Fatal(err)
	}

	search := func(text string) {
		for hit, err := range trigram.Search(ctx, db, idx, text, &trigram.SearchOptions{
			Filter: "session_id = ?", Args: []any{1},
			Snippet: 24, Open: "[", Close: "]", Ellipsis: "…",
		}) {
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%q: %d %s\n", text, hit.RowID, hit.Snippet)
		}
	}
	search("go test")   // case-insensitive; session 2 is filtered out
	search("NEAR(a b)") // operators are plain text
	search(`"`)         // too short for trigrams: a scan, same answer
	// Output:
	// "go test": 1 Run "[go test] ./..." befo…
	// "NEAR(a b)": 2 …ils on [NEAR(a b)] and on …
	// "\"": 1 Run ["]go test ./...["] befo…
	// "\"": 2 … and on a stray quote: ["]
}

// ExampleQuery shows the MATCH expressions of a phrase and of all its words.
func ExampleQuery() {
	fmt.Println(trigram.Query(`say "NEAR" me*`))
	fmt.Println(trigram.QueryAll(`say "NEAR" me*`, false))
	// Output:
	// "say ""NEAR"" me*"
	// "say" AND """NEAR""" AND "me*"
}

// ExampleIndex_Contains shows the folding every search uses.
func ExampleIndex_Contains() {
	ci := trigram.Index{}
	nd := trigram.Index{RemoveDiacritics: true}
	fmt.Println(ci.Contains("STRAẞE", "straße"), ci.Contains("Café", "cafe"), nd.Contains("Café", "cafe"))
	fmt.Println(ci.Len("naïve"), nd.Len("nai\u0308ve"), ci.Len("日本語"))
	// Output:
	// true false true
	// 5 5 3
}
