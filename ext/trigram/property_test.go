package trigram_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// pieces are what generated documents are made of: Unicode (accents,
// combining marks, CJK, emoji, letters whose case folds beyond ASCII), FTS5
// syntax and operators, quotes and whitespace.
var pieces = []string{
	"a", "b", "c", "A", "B", "C", "ab", "abc", "ABC", "Abc", "x", "y", "z",
	"é", "É", "e\u0301", "E\u0301", "ü", "Ü", "ß", "ẞ", "ñ", "Ñ", "ø", "Ø", "ı", "İ",
	"Σ", "σ", "ς", "K", "\u212a", "k", "Å", "\u212b", "å",
	"日本", "語", "中文", "한국어", "😀", "👍🏽", "🇫🇷",
	"AND", "OR", "NOT", "NEAR", "and", "near(", "NEAR/2",
	"\"", "'", "\"\"", "*", "^", ":", "-", "(", ")", "{", "}", "+", ".",
	" ", " ", "  ", "\t", "\n", "\u00a0",
}

func genText(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// genQuery picks a query of 1 to 12 characters: mostly a substring of a
// document with its case changed at random, sometimes random text.
func genQuery(r *rand.Rand, docs [][2]string) string {
	n := 1 + r.IntN(12)
	if r.IntN(4) == 0 {
		q := []rune(genText(r, n))
		return string(q[:min(n, len(q))])
	}
	d := []rune(docs[r.IntN(len(docs))][r.IntN(2)])
	if len(d) == 0 {
		return "a"
	}
	i := r.IntN(len(d))
	q := d[i:min(len(d), i+n)]
	for j, c := range q {
		switch r.IntN(4) {
		case 0:
			q[j] = unicode.ToUpper(c)
		case 1:
			q[j] = unicode.ToLower(c)
		}
	}
	return string(q)
}

// bruteForce returns the row IDs for which strings.Contains holds under the
// index's folding, for the text as typed or for all its words.
func bruteForce(idx trigram.Index, docs map[int64][2]string, text string, allWords bool) []int64 {
	needles := []string{text}
	if allWords {
		needles = strings.Fields(text)
	}
	var ids []int64
	for id, d := range docs {
		ok := true
		for _, n := range needles {
			ok = ok && (idx.Contains(d[0], n) || idx.Contains(d[1], n))
		}
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func searchIDs(t *testing.T, db trigram.Querier, idx trigram.Index, text string, opts *trigram.SearchOptions) []int64 {
	t.Helper()
	var ids []int64
	for h, err := range trigram.Search(t.Context(), db, idx, text, opts) {
		if err != nil {
			t.Fatalf("Search(%q): %v", text, err)
		}
		ids = append(ids, h.RowID)
	}
	slices.Sort(ids)
	return ids
}

// TestSearch_bruteForce is the contract: for queries of 1 to 12 characters,
// Search returns the rows strings.Contains finds under the same folding,
// through inserts, updates and deletes, for every kind of index.
func TestSearch_bruteForce(t *testing.T) {
	for _, kind := range []trigram.Index{
		{},
		{CaseSensitive: true},
		{RemoveDiacritics: true},
	} {
		name := fmt.Sprintf("case_sensitive=%v,remove_diacritics=%v", kind.CaseSensitive, kind.RemoveDiacritics)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(1, 2))
			db := openDB(t)
			exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, body TEXT, other TEXT)`)
			docs := map[int64][2]string{}
			var list [][2]string
			insert := func(id int64) {
				d := [2]string{genText(r, r.IntN(6)), genText(r, 5+r.IntN(40))}
				exec(t, db, `INSERT INTO docs VALUES (?, ?, ?, 'x')`, id, d[0], d[1])
				docs[id] = d
				list = append(list, d)
			}
			// Rows before Create, and rows after.
			for id := range int64(100) {
				insert(id + 1)
			}
			idx := kind
			idx.Table, idx.Columns, idx.RowID = "docs", []string{"title", "body"}, "id"
			if err := trigram.Create(t.Context(), db, idx); err != nil {
				t.Fatal(err)
			}
			for id := range int64(100) {
				insert(id + 101)
			}
			check := func(round string) {
				t.Helper()
				for range 120 {
					text := genQuery(r, list)
					for _, all := range []bool{false, true} {
						want := bruteForce(idx, docs, text, all)
						got := searchIDs(t, db, idx, text, &trigram.SearchOptions{AllWords: all})
						if diff := cmp.Diff(want, got); diff != "" {
							t.Fatalf("%s: Search(%q, AllWords=%v) (-brute force +search):\n%s", round, text, all, diff)
						}
					}
				}
				if err := trigram.IntegrityCheck(t.Context(), db, idx); err != nil {
					t.Fatalf("%s: %v", round, err)
				}
			}
			check("after inserts")

			// Updates of indexed columns, of the row ID, of other columns,
			// with values of other types; deletes.
			for range 60 {
				id := 1 + r.Int64N(200)
				d, ok := docs[id]
				if !ok {
					continue
				}
				switch r.IntN(5) {
				case 0:
					d[1] = genText(r, 5+r.IntN(40))
					exec(t, db, `UPDATE docs SET body = ? WHERE id = ?`, d[1], id)
				case 1:
					exec(t, db, `UPDATE docs SET other = other || 'y' WHERE id = ?`, id)
				case 2:
					exec(t, db, `DELETE FROM docs WHERE id = ?`, id)
					delete(docs, id)
					continue
				case 3:
					nid := id + 1000
					exec(t, db, `UPDATE docs SET id = ? WHERE id = ?`, nid, id)
					delete(docs, id)
					id = nid
				case 4:
					exec(t, db, `UPDATE docs SET title = 12 WHERE id = ?`, id)
					exec(t, db, `UPDATE docs SET title = 12.0 WHERE id = ?`, id)
					d[0] = "12.0"
				}
				docs[id] = d
				list = append(list, d)
			}
			check("after updates and deletes")
		})
	}
}
