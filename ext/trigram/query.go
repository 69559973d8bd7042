package trigram

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/ncruces/go-sqlite3"
)

// Register registers the trigram SQL functions on a connection:
// trigram_query, trigram_query_all, trigram_length, trigram_fold,
// trigram_contains and trigram_contains_all (see the package
// documentation).
//
// The functions need nothing else; the indexes they serve need FTS5, which
// the caller registers on the same connection with
// github.com/ncruces/go-sqlite3/ext/fts5.Register.
//
// https://sqlite.org/c3ref/create_function.html
func Register(db *sqlite3.Conn) error {
	if db == nil {
		return errors.New("trigram: Register: the connection is nil")
	}
	const flags = sqlite3.DETERMINISTIC | sqlite3.INNOCUOUS
	var buf struct { // a connection runs one function call at a time
		text, query []byte
		all         containsAll
	}
	contains := func(ctx sqlite3.Context, arg ...sqlite3.Value) {
		mode, err := modeArgs("trigram_contains", arg[2:])
		if err != nil {
			ctx.ResultError(err)
			return
		}
		var ok bool
		ok, buf.text, buf.query = contains(arg[0].RawText(), arg[1].RawText(), mode, buf.text, buf.query)
		ctx.ResultBool(ok)
	}
	containsAll := func(ctx sqlite3.Context, arg ...sqlite3.Value) {
		if len(arg) < 3 {
			ctx.ResultError(errors.New("trigram_contains_all: want (needles, case_sensitive, remove_diacritics, column, ...)"))
			return
		}
		mode, err := modeArgs("trigram_contains_all", arg[1:3])
		if err != nil {
			ctx.ResultError(err)
			return
		}
		ok, err := buf.all.test(arg[0].RawBlob(), mode, arg[3:])
		if err != nil {
			ctx.ResultError(err)
			return
		}
		ctx.ResultBool(ok)
	}
	// diacritics reads the optional remove_diacritics argument of the
	// case-insensitive functions.
	diacritics := func(ctx sqlite3.Context, fn string, arg []sqlite3.Value) (foldMode, bool) {
		mode := foldModeCase
		if len(arg) > 1 {
			remove, err := flagArg(fn, "remove_diacritics", arg[1])
			if err != nil {
				ctx.ResultError(err)
				return 0, false
			}
			if remove {
				mode = foldModeDiacritics
			}
		}
		return mode, true
	}
	fold := func(ctx sqlite3.Context, arg ...sqlite3.Value) {
		mode, ok := diacritics(ctx, "trigram_fold", arg)
		if !ok {
			return
		}
		if arg[0].Type() == sqlite3.NULL {
			ctx.ResultNull()
			return
		}
		buf.text, _ = appendFold(buf.text[:0], arg[0].RawText(), mode)
		ctx.ResultRawText(buf.text)
	}
	length := func(ctx sqlite3.Context, arg ...sqlite3.Value) {
		if mode, ok := diacritics(ctx, "trigram_length", arg); ok {
			ctx.ResultInt(foldLen(arg[0].RawText(), mode))
		}
	}
	query := func(ctx sqlite3.Context, arg ...sqlite3.Value) {
		ctx.ResultRawText(appendQuery(nil, arg[0].RawText()))
	}
	queryAll := func(ctx sqlite3.Context, arg ...sqlite3.Value) {
		if mode, ok := diacritics(ctx, "trigram_query_all", arg); ok {
			ctx.ResultText(queryAll(string(arg[0].RawText()), mode))
		}
	}
	return errors.Join(
		db.CreateFunction("trigram_query", 1, flags, query),
		db.CreateFunction("trigram_query_all", 1, flags, queryAll),
		db.CreateFunction("trigram_query_all", 2, flags, queryAll),
		db.CreateFunction("trigram_length", 1, flags, length),
		db.CreateFunction("trigram_length", 2, flags, length),
		db.CreateFunction("trigram_fold", 1, flags, fold),
		db.CreateFunction("trigram_fold", 2, flags, fold),
		db.CreateFunction("trigram_contains", 2, flags, contains),
		db.CreateFunction("trigram_contains", 3, flags, contains),
		db.CreateFunction("trigram_contains", 4, flags, contains),
		db.CreateFunction("trigram_contains_all", -1, flags, containsAll))
}

// flagArg reads the flag argument name of the SQL function fn: the
// integer 0 or 1 (SQL's FALSE and TRUE). Anything else is an error, not
// SQLite's truth of it, which reads 'yes' as false.
func flagArg(fn, name string, v sqlite3.Value) (bool, error) {
	if v.Type() == sqlite3.INTEGER {
		switch v.Int64() {
		case 0:
			return false, nil
		case 1:
			return true, nil
		}
	}
	return false, fmt.Errorf("%s: %s must be the integer 0 or 1, not %s %.32q", fn, name, v.Type(), v.Text())
}

// modeArgs reads the optional case_sensitive and remove_diacritics flag
// arguments of fn, which no index has together.
func modeArgs(fn string, arg []sqlite3.Value) (foldMode, error) {
	var flags [2]bool
	for i, name := range []string{"case_sensitive", "remove_diacritics"}[:len(arg)] {
		var err error
		if flags[i], err = flagArg(fn, name, arg[i]); err != nil {
			return 0, err
		}
	}
	if flags[0] && flags[1] {
		return 0, fmt.Errorf("%s: remove_diacritics 1 needs case_sensitive 0", fn)
	}
	return modeOf(flags[0], flags[1]), nil
}

// appendQuery appends text as an FTS5 phrase: in double quotes, with quotes
// doubled and NUL bytes (which the tokenizer ignores, and which would end the
// expression early) left out.
func appendQuery[T ~string | ~[]byte](dst []byte, text T) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(text); {
		switch b := text[i]; {
		case b == 0: // the tokenizer ignores NUL, and FTS5's parser stops at it
			i++
		case b == '"':
			dst = append(dst, '"', '"')
			i++
		case b < 0x80:
			dst = append(dst, b)
			i++
		case b < 0xC0:
			// A stray continuation byte, which SQLite reads as the code
			// point of its value: written as that code point's UTF-8, so
			// that the lead byte of a sequence before a removed NUL cannot
			// take it in and change what the tokenizer reads.
			dst = appendCode(dst, uint32(b))
			i++
		default:
			_, j := decode(text, i) // a sequence as SQLite reads it
			dst = append(dst, text[i:j]...)
			i = j
		}
	}
	return append(dst, '"')
}

// Query returns the FTS5 MATCH expression that matches the rows of a trigram
// index whose text contains text, as typed, as a substring (under the
// index's case and diacritics folding); it is the Go side of the SQL
// function trigram_query.
//
// Any text gives a valid expression: operators, quotes, parentheses, column
// filters, stars and carets in text are matched literally. Text of fewer
// than three characters as the tokenizer counts them (see [Index.Len]) gives
// an expression that matches no row: such text has no trigram to look up.
// [Search] falls back to a scan for it.
//
// The expression is as long as text, and SQLite's memory to run it grows
// with it: a MATCH of a text of some hundred kilobytes runs out of memory
// (an error matching sqlite3.NOMEM through the sqlitekit driver). [Search]
// looks long text up by a bounded number of its parts instead.
//
// https://sqlite.org/fts5.html#fts5_strings
func Query(text string) string {
	return string(appendQuery(nil, text))
}

// QueryAll returns the FTS5 MATCH expression that matches the rows that
// contain every whitespace-separated word of text, each as a substring, in
// any order and any of the indexed columns; it is the Go side of the SQL
// function trigram_query_all (with its second argument set to
// removeDiacritics).
//
// Words of fewer than three characters as the tokenizer counts them cannot be
// looked up in a trigram index: they are left out, so the expression matches
// a superset of the answer when text has such words, and no row when it has
// no other. [Search] with [SearchOptions].AllWords checks them exactly.
// Words that fold alike appear once.
//
// https://sqlite.org/fts5.html#fts5_boolean_operators
func QueryAll(text string, removeDiacritics bool) string {
	return queryAll(text, modeOf(false, removeDiacritics))
}

func queryAll(text string, mode foldMode) string {
	var dst []byte
	for _, w := range distinctWords(text, mode) {
		if foldLen(w, mode) < 3 {
			continue
		}
		if dst != nil {
			dst = append(dst, " AND "...)
		}
		dst = appendQuery(dst, w)
	}
	if dst == nil {
		return `""`
	}
	return string(dst)
}

// words splits text around Unicode white space.
func words(text string) []string { return strings.FieldsFunc(text, unicode.IsSpace) }

// distinctWords returns the words of text without those that fold, for
// mode, to the fold of an earlier one, nor those that fold to nothing
// (they are in every text).
func distinctWords(text string, mode foldMode) []string {
	var ws []string
	seen := map[string]bool{}
	var b []byte
	for _, w := range words(text) {
		b, _ = appendFold(b[:0], w, mode)
		if len(b) == 0 || seen[string(b)] {
			continue
		}
		seen[string(b)] = true
		ws = append(ws, w)
	}
	return ws
}

// appendNeedle appends a needle of trigram_contains_all: its length as a
// uvarint, then its bytes. (A separator could be in a needle, or change
// how SQLite decodes the bytes around it.)
func appendNeedle(dst []byte, needle string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(needle)))
	return append(dst, needle...)
}

// containsAll is the state of trigram_contains_all on a connection: the
// needles of the last call, folded, and buffers for the columns.
type containsAll struct {
	needles []byte   // as the last call gave them
	mode    foldMode // and the mode it gave
	folded  [][]byte // the needles, folded for mode
	cols    [][]byte // the texts of the columns of this call, folded
	buf     [][]byte // where they are folded
}

// test reports whether each needle (see appendNeedle) is contained,
// under the folding of mode, in at least one of cols. A statement gives
// the same needles for every row, folded once.
func (a *containsAll) test(needles []byte, mode foldMode, cols []sqlite3.Value) (bool, error) {
	if mode != a.mode || !bytes.Equal(needles, a.needles) {
		a.needles, a.mode, a.folded = append(a.needles[:0], needles...), mode, a.folded[:0]
		for rest := needles; len(rest) > 0; {
			n, k := binary.Uvarint(rest)
			if k <= 0 || n > uint64(len(rest)-k) {
				a.needles = a.needles[:0]
				return false, errors.New("trigram_contains_all: malformed needles")
			}
			f, _ := appendFold(nil, rest[k:k+int(n)], mode)
			a.folded = append(a.folded, f)
			rest = rest[k+int(n):]
		}
	}
	// Each column is folded when a needle first looks at it, and only if
	// folding changes it.
	for len(a.cols) < len(cols) {
		a.cols = append(a.cols, nil)
		a.buf = append(a.buf, nil)
	}
	texts := a.cols[:len(cols)]
	for i := range texts {
		texts[i] = nil
	}
	for _, f := range a.folded {
		found := false
		for i, c := range cols {
			if texts[i] == nil {
				raw := c.RawText()
				if identity(raw, mode) {
					texts[i] = raw
				} else {
					a.buf[i], _ = appendFold(a.buf[i][:0], raw, mode)
					texts[i] = a.buf[i]
				}
			}
			if found = bytes.Contains(texts[i], f); found {
				break
			}
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// contains reports whether text contains query after both are folded for
// mode, using and returning two scratch buffers.
func contains(text, query []byte, mode foldMode, tb, qb []byte) (bool, []byte, []byte) {
	if identity(query, mode) && identity(text, mode) {
		return strings.Contains(string(text), string(query)), tb, qb
	}
	tb, _ = appendFold(tb[:0], text, mode)
	qb, _ = appendFold(qb[:0], query, mode)
	return strings.Contains(string(tb), string(qb)), tb, qb
}

// Fold returns text as the index's tokenizer sees it: decoded as SQLite
// decodes UTF-8, case folded unless the index is case-sensitive, without
// diacritics if the index removes them, and without the code points the
// tokenizer ignores (NUL, and combining marks when removing diacritics).
// Two texts match as substrings in the index exactly when their folds do.
// The SQL function trigram_fold(text, remove_diacritics) folds the same way
// for case-insensitive indexes.
func (idx Index) Fold(text string) string {
	b, _ := appendFold(nil, text, idx.mode())
	return string(b)
}

// Len returns the number of characters the index's tokenizer sees in text,
// the length of [Index.Fold] in code points. Queries with Len under 3 have no
// trigram; the SQL function trigram_length counts the same way.
func (idx Index) Len(text string) int { return foldLen(text, idx.mode()) }

// Contains reports whether text contains query under the index's folding,
// which is what [Search] matches against; the SQL function
// trigram_contains(text, query, case_sensitive, remove_diacritics) is the
// same test.
func (idx Index) Contains(text, query string) bool {
	ok, _, _ := contains([]byte(text), []byte(query), idx.mode(), nil, nil)
	return ok
}
