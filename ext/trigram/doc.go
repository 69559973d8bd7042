// Package trigram provides substring search over FTS5 trigram indexes:
// indexes over the text columns of existing tables, kept in sync by
// triggers, queried with any text a user types.
//
// # Basics
//
// [Create] makes an external-content FTS5 table with tokenize='trigram' over
// an existing table, the triggers that keep it in sync, and indexes the rows
// already there. It is idempotent: call it at every start.
// [Search] streams the rows whose indexed columns contain a text:
//
//	idx := trigram.Index{Table: "messages", Columns: []string{"body"}}
//	if err := trigram.Create(ctx, db, idx); err != nil { ... }
//	for hit, err := range trigram.Search(ctx, db, idx, text, &trigram.SearchOptions{
//		Filter: "session_id = ?", Args: []any{sid}, Limit: 20,
//		Snippet: 32, Open: "<b>", Close: "</b>", Ellipsis: "…",
//	}) { ... }
//
// Connections need FTS5 (github.com/ncruces/go-sqlite3/ext/fts5.Register)
// and this package's [Register]; the sqlitekit driver registers both.
//
// # What matches
//
// The contract is substring equality: Search returns exactly the rows for
// which some indexed column contains the text, as typed, as a substring,
// after both are folded the way the index's tokenizer folds them
// ([Index.Fold], [Index.Contains]). By default that is Unicode simple case
// folding (not only ASCII: "É" matches "é", the Kelvin sign matches "k");
// [Index].CaseSensitive turns it off, [Index].RemoveDiacritics also maps
// letters to their base letter and ignores combining marks. The tokenizer
// also ignores NUL characters and reads invalid UTF-8 in its own way; the
// folding here follows it byte for byte, and was read back from the
// tokenizer itself.
//
// Whitespace and punctuation are characters like any other, never trimmed:
// "a b" matches "xa by" but neither "a\tb" nor "b a". Quotes, FTS5 operators (AND, OR, NOT, NEAR),
// "*", "^", ":", "-" and parentheses are matched literally. Empty text (or
// text that folds to nothing) matches every row, as strings.Contains(s, "")
// is true; callers that want no hits for a blank search box check for it
// first.
//
// A trigram index can only look up text of three or more characters, as the
// tokenizer counts them ([Index.Len]: code points, not bytes, after
// folding). For shorter text Search scans the content table with
// trigram_contains, which folds exactly as the index does; the answer is the
// same, only slower on large tables, and hits have no rank.
//
// [SearchOptions].AllWords matches the rows that contain every word of the
// text instead (in any order and any indexed column).
//
// # Speed
//
// Hits come best first by bm25 ([ByRank]) unless [SearchOptions].Order
// says otherwise; the row ID orders skip bm25, which takes about as long
// as the lookup itself. [Create] and [Rebuild] merge the index into one
// segment, as [Optimize] does; writes add segments, which FTS5 merges
// as they pile up. A selective query is tens of times faster than
// LIKE '%…%' on a large table, and the index takes about three times the
// size of the text: `go run ./bench` (trigram search) and
// BenchmarkSearchRatio measure both.
//
// # SQL functions
//
// [Register] adds these functions, deterministic and innocuous, to a
// connection. Their flag arguments (case_sensitive, remove_diacritics)
// are the integers 0 and 1 (FALSE and TRUE); any other value is an error
// naming the argument:
//
//   - trigram_query(text): the FTS5 MATCH expression for text as a
//     substring ([Query]). It never makes MATCH fail. Text of fewer than
//     three characters gives an expression that matches no row.
//   - trigram_query_all(text [, remove_diacritics]): the MATCH expression
//     for all the words of text, each a substring ([QueryAll]); words under
//     three characters are left out.
//   - trigram_length(text [, remove_diacritics]): the number of characters
//     the tokenizer sees in text ([Index.Len]).
//   - trigram_fold(text [, remove_diacritics]): text as a case-insensitive
//     tokenizer folds it ([Index.Fold]).
//   - trigram_contains(text, query [, case_sensitive [, remove_diacritics]]):
//     1 if text contains query under that folding, else 0
//     ([Index.Contains]). NULL reads as empty text.
//     case_sensitive 1 with remove_diacritics 1 is an error: no index
//     folds that way.
//   - trigram_contains_all(needles, case_sensitive, remove_diacritics,
//     column, ...): 1 if every needle is contained in at least one of the
//     columns, else 0. needles is a BLOB of needles, each its length in
//     bytes as a uvarint (encoding/binary) then its bytes. [Search] tests
//     rows with it: one call, whatever the number of words.
//
// In SQL alone, an exact search for any :q over an index docs_trigram of
// docs(body), case-insensitive, reads:
//
//	SELECT rowid FROM docs_trigram WHERE docs_trigram MATCH trigram_query(:q)
//	UNION ALL
//	SELECT rowid FROM docs WHERE trigram_length(:q) < 3 AND trigram_contains(body, :q)
//
// # Caveats
//
// A row deleted by a REPLACE conflict resolution fires no delete trigger
// unless PRAGMA recursive_triggers is on; with INSERT OR REPLACE, turn it on
// or use an UPSERT. [IntegrityCheck] detects a stale index and [Rebuild]
// repairs it. Changing the Index passed to Create (columns, options)
// rebuilds the index on the next Create.
//
// https://sqlite.org/fts5.html#the_trigram_tokenizer
package trigram
