package trigram

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Order is the order of search hits.
type Order int

const (
	// ByRank orders hits best first by bm25 rank, then by row ID.
	// Hits of a scan (see [Search]) have no rank and come by row ID.
	ByRank Order = iota
	// ByRowID orders hits by ascending row ID.
	ByRowID
	// ByRowIDDesc orders hits by descending row ID (newest first, for
	// tables that append).
	ByRowIDDesc
)

// SearchOptions configures [Search]. A nil *SearchOptions means the zero
// value: the text as typed, best hits first, no filter, no limit, no
// snippet, no highlight.
type SearchOptions struct {
	// AllWords matches the rows that contain every whitespace-separated word
	// of the text, each as a substring, in any order and any indexed column,
	// instead of the text as typed. Text without words then matches every row.
	AllWords bool

	// Filter, if not empty, is an SQL expression over the columns of the
	// content table that hits must also satisfy, such as "session_id = ?";
	// Args are the values of its parameters. Pass untrusted values through
	// Args, never by building Filter. Filter must be a single expression:
	// one with unbalanced parentheses, a semicolon or an unterminated
	// literal or comment is refused with [ErrInvalidFilter], and so is a
	// numbered parameter (?1): use ? or :name.
	Filter string
	Args   []any

	// Order is the order of hits. Zero: [ByRank].
	Order Order
	// Limit is the maximum number of hits; zero means no limit.
	Limit int
	// Offset is the number of hits to skip before the first.
	Offset int

	// Snippet, if not zero, fills [Hit].Snippet with about that many
	// characters (1 to 64) of the first indexed column that has a match,
	// around its first match.
	Snippet int
	// Highlight fills [Hit].Highlight with the text of every indexed column.
	Highlight bool
	// Open and Close are written before and after each match in snippets
	// and highlights; Ellipsis marks text a snippet cut. Zero: nothing.
	Open, Close, Ellipsis string
}

// Hit is one row found by [Search].
type Hit struct {
	// RowID is the row's value of [Index].RowID.
	RowID int64
	// Rank is the bm25 rank of the row, lower is better, when hits are
	// ordered [ByRank]; it is 0 for the other orders (computing it costs
	// as much as the lookup) and for the hits of a scan (text too short
	// to look up, see [Search]).
	Rank float64
	// Snippet is a piece of text around the first match, with matches
	// marked (see [SearchOptions].Snippet).
	Snippet string
	// Highlight holds the text of each indexed column, in the order of
	// [Index].Columns, with matches marked, if [SearchOptions].Highlight.
	// NULL reads as empty text.
	Highlight []string
}

// ErrInvalidFilter is wrapped by the error [Search] reports for a
// [SearchOptions].Filter that is not a single SQL expression.
var ErrInvalidFilter = errors.New("invalid filter")

// Search streams the rows of idx's content table whose indexed columns
// contain text as a substring, under the index's folding: the rows for which
// [Index.Contains] reports true for some column (all of [SearchOptions], nil
// meaning defaults, applied).
//
// Text of three or more characters (as [Index.Len] counts them) is looked up
// in the trigram index. Shorter text has no trigram, so Search scans the
// content table instead, testing each row with trigram_contains, which folds
// exactly as the index does; the caller sees the same answer either way.
// With AllWords, the words of three or more characters are looked up and
// the shorter ones tested on the rows found. Empty text (after folding)
// matches every row; whitespace is matched like any other character.
//
// The lookup is bounded whatever the text: text longer than 32 characters
// is looked up by up to 8 parts of 32 characters spread over it, and
// with AllWords only the 8 longest distinct words are (a word longer than
// 32 characters by its first 32); the rows found are then tested exactly
// with trigram_contains_all. The answer stays exact; a search is as fast
// as its most selective parts.
//
// Search needs FTS5 and [Register] on the connections of db. The sequence
// is single use; it yields at most one error, then ends. Rows are closed
// when the sequence ends, including when the caller stops early (an error
// closing them then is dropped: database/sql reports none that matters).
//
// https://sqlite.org/fts5.html#full_text_query_syntax
func Search(ctx context.Context, db Querier, idx Index, text string, opts *SearchOptions) iter.Seq2[Hit, error] {
	return func(yield func(Hit, error) bool) {
		if opts == nil {
			opts = &SearchOptions{}
		}
		query, args, err := idx.searchSQL(text, opts)
		if err == nil {
			err = cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil("Querier", db))
		}
		if err != nil {
			yield(Hit{}, fmt.Errorf("trigram: search: %w", err))
			return
		}
		rows, err := db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(Hit{}, fmt.Errorf("trigram: search %q: %w", idx.name(), err))
			return
		}
		defer rows.Close()

		var needles [][]uint32
		withText := opts.Snippet != 0 || opts.Highlight
		if withText {
			if opts.AllWords {
				for _, w := range distinctWords(text, idx.mode()) {
					needles = append(needles, foldCodes(w, idx.mode()))
				}
			} else {
				needles = append(needles, foldCodes(text, idx.mode()))
			}
		}
		texts := make([]sql.NullString, len(idx.Columns))
		dest := []any{new(int64), new(float64)}
		for i := range texts {
			dest = append(dest, &texts[i])
		}
		for rows.Next() {
			if err := rows.Scan(dest[:2+len(texts)*b2i(withText)]...); err != nil {
				yield(Hit{}, fmt.Errorf("trigram: search %q: %w", idx.name(), err))
				return
			}
			hit := Hit{RowID: *dest[0].(*int64), Rank: *dest[1].(*float64)}
			if withText {
				cols := make([]string, len(texts))
				for i, t := range texts {
					cols[i] = t.String
				}
				hit.Snippet, hit.Highlight = idx.markup(cols, needles, opts)
			}
			if !yield(hit, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(Hit{}, fmt.Errorf("trigram: search %q: %w", idx.name(), err))
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// searchSQL builds the statement of a search and its arguments.
func (idx Index) searchSQL(text string, opts *SearchOptions) (string, []any, error) {
	if err := idx.validate(); err != nil {
		return "", nil, err
	}
	switch {
	case opts.Limit < 0 || opts.Offset < 0:
		return "", nil, errors.New("negative limit or offset")
	case opts.Snippet < 0 || opts.Snippet > 64:
		return "", nil, fmt.Errorf("snippet length %d is not between 1 and 64", opts.Snippet)
	case opts.Order < ByRank || opts.Order > ByRowIDDesc:
		return "", nil, fmt.Errorf("unknown order %d", opts.Order)
	}
	if opts.Filter != "" {
		if err := checkFilter(opts.Filter); err != nil {
			return "", nil, err
		}
	}
	mode := idx.mode()

	// What the index can look up, and what must be tested row by row.
	var match []byte
	var tests []string
	if opts.AllWords {
		// The longest words are looked up, the most selective in general;
		// the others, and those looked up by a part, are tested.
		ws := distinctWords(text, mode)
		lens := make(map[string]int, len(ws))
		for _, w := range ws {
			lens[w] = foldLen(w, mode)
		}
		slices.SortStableFunc(ws, func(a, b string) int { return lens[b] - lens[a] })
		phrases := 0
		for _, w := range ws {
			if n := lens[w]; n >= 3 && phrases < maxPhrases {
				phrases++
				match = appendPhrases(match, w, mode, n, 1)
				if n <= maxPhrase {
					continue // the phrase is the word: nothing to test
				}
			}
			tests = append(tests, w)
		}
	} else {
		switch n := foldLen(text, mode); {
		case n > maxPhrase:
			match = appendPhrases(nil, text, mode, n, maxPhrases)
			tests = append(tests, text)
		case n >= 3:
			match = appendQuery(nil, text)
		case n > 0:
			tests = append(tests, text)
		}
	}

	fts, table, rowid := q(idx.name()), q(idx.Table), q(idx.rowid())
	var args []any
	var conds []string
	if len(tests) > 0 {
		// One call, whatever the number of words: an expression per word
		// grew too deep for SQLite past a thousand words.
		var needles []byte
		for _, w := range tests {
			needles = appendNeedle(needles, w)
		}
		cond := fmt.Sprintf("trigram_contains_all(?, %d, %d", b2i(idx.CaseSensitive), b2i(idx.RemoveDiacritics))
		for _, c := range idx.Columns {
			cond += ", t." + q(c)
		}
		conds = append(conds, cond+")")
		args = append(args, needles)
	}
	if opts.Filter != "" {
		conds = append(conds, "(\n"+opts.Filter+"\n)")
		args = append(args, opts.Args...)
	}

	var cols string
	if opts.Snippet != 0 || opts.Highlight {
		for _, c := range idx.Columns {
			cols += ", t." + q(c)
		}
	}
	limit := " LIMIT " + strconv.Itoa(opts.Limit) + " OFFSET " + strconv.Itoa(opts.Offset)
	if opts.Limit == 0 {
		limit = " LIMIT -1 OFFSET " + strconv.Itoa(opts.Offset)
	}

	if match == nil {
		// A scan of the content table.
		where := ""
		if len(conds) > 0 {
			where = " WHERE " + strings.Join(conds, " AND ")
		}
		order := " ORDER BY 1"
		if opts.Order == ByRowIDDesc {
			order = " ORDER BY 1 DESC"
		}
		return "SELECT t." + rowid + ", 0.0" + cols + " FROM main." + table + " AS t" + where + order + limit, args, nil
	}

	// A lookup in the index; row tests and the filter see the content row.
	args = append([]any{string(match)}, args...)
	where := fts + " MATCH ?"
	if len(conds) > 0 {
		where += " AND EXISTS (SELECT 1 FROM main." + table + " AS t WHERE t." + rowid + " = " + fts + ".rowid AND " +
			strings.Join(conds, " AND ") + ")"
	}
	order := " ORDER BY rank, rowid"
	switch opts.Order {
	case ByRowID:
		order = " ORDER BY rowid"
	case ByRowIDDesc:
		order = " ORDER BY rowid DESC"
	}
	rank := "rank"
	if opts.Order != ByRank {
		rank = "0.0" // bm25 would double the time of a lookup
	}
	inner := "SELECT rowid, " + rank + " AS rank FROM main." + fts + " WHERE " + where + order + limit
	if cols == "" {
		return inner, args, nil
	}
	order = strings.ReplaceAll(order, "rank", "h.rank")
	order = strings.ReplaceAll(order, "rowid", "h.rowid")
	return "SELECT h.rowid, h.rank" + cols + " FROM (" + inner + ") AS h JOIN main." + table +
		" AS t ON t." + rowid + " = h.rowid" + order, args, nil
}

// The MATCH expression of a search is bounded whatever the length of its
// text: a phrase of a 450 KB text made SQLite run out of memory.
const (
	// maxPhrase is the most characters of a phrase of the expression.
	maxPhrase = 32
	// maxPhrases is the most phrases in the expression.
	maxPhrases = 8
)

// appendPhrases appends to match, joined by AND, up to max phrases that
// every text containing text contains: text itself if its n characters
// (foldLen for mode) fit a phrase, else parts of maxPhrase characters
// spread from its start to its end. The parts are cut from text where
// the tokenizer's characters begin, so that each folds to a part of
// text's fold.
func appendPhrases(match []byte, text string, mode foldMode, n, max int) []byte {
	if match != nil {
		match = append(match, " AND "...)
	}
	if n <= maxPhrase {
		return appendQuery(match, text)
	}
	// starts[k] is where the k-th character kept by the tokenizer begins.
	starts := make([]int, 0, n+1)
	for i := 0; i < len(text); {
		j := i + 1
		c := uint32(text[i])
		if c >= 0x80 {
			c, j = decode(text, i)
		}
		if foldRune(c, mode) != 0 {
			starts = append(starts, i)
		}
		i = j
	}
	starts = append(starts, len(text))
	n = len(starts) - 1
	m := min(max, (n+maxPhrase-1)/maxPhrase)
	for j := range m {
		k := 0
		if m > 1 {
			k = j * (n - maxPhrase) / (m - 1)
		}
		if j > 0 {
			match = append(match, " AND "...)
		}
		match = appendQuery(match, text[starts[k]:starts[k+maxPhrase]])
	}
	return match
}

func fmtFilter(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidFilter}, args...)...)
}
