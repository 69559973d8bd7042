package trigram_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// hostileDocs makes a table of documents, some long, indexed with kind.
func hostileDocs(t testing.TB, kind trigram.Index) (trigram.Querier, trigram.Index, map[int64][2]string) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, body TEXT)`)
	docs := map[int64][2]string{}
	for id := int64(1); id <= 40; id++ {
		n := 5 + r.IntN(40)
		if id%10 == 0 {
			n = 40000 // ~100 KB
		}
		d := [2]string{genText(r, r.IntN(6)), genText(r, n)}
		exec(t, db, `INSERT INTO docs VALUES (?, ?, ?)`, id, d[0], d[1])
		docs[id] = d
	}
	idx := kind
	idx.Table, idx.Columns, idx.RowID = "docs", []string{"title", "body"}, "id"
	if err := trigram.Create(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	return db, idx, docs
}

// TestSearch_longText: a search text of any length is looked up with a
// bounded MATCH expression, and the answer is the brute force's: a 450 KB
// text made SQLite run out of memory (issue 16).
func TestSearch_longText(t *testing.T) {
	for _, kind := range []trigram.Index{{}, {CaseSensitive: true}, {RemoveDiacritics: true}} {
		t.Run(fmt.Sprintf("case_sensitive=%v,remove_diacritics=%v", kind.CaseSensitive, kind.RemoveDiacritics), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(5, 6))
			db, idx, docs := hostileDocs(t, kind)
			folded := foldDocs(idx, docs)
			long := docs[20][1]
			ascii := make([]byte, 500<<10)
			for i := range ascii {
				ascii[i] = "abcdefghijklmnopqrstuvwxyz"[r.IntN(26)]
			}
			texts := []string{
				string(ascii),      // 500 KB, in no document
				genText(r, 180000), // ~450 KB, in no document
				long,               // a whole document
				long[:len(long)/2], // cut in a character, maybe
				strings.ToUpper(long[1000:5000]),
				long[3:70] + "\x00" + long[70:200], // a NUL the tokenizer ignores
				long[100:200] + "zzz",
				strings.Repeat("ab", 100000),
			}
			for _, text := range texts {
				for _, all := range []bool{false, true} {
					want := foldedBrute(idx, folded, text, all)
					got := searchIDs(t, db, idx, text, &trigram.SearchOptions{AllWords: all})
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("Search(%d bytes, AllWords=%v) (-brute force +search):\n%s", len(text), all, diff)
					}
				}
			}
			// Snippets and highlights of a long text.
			for h, err := range trigram.Search(t.Context(), db, idx, long[500:9000], &trigram.SearchOptions{Snippet: 20, Highlight: true}) {
				if err != nil || h.RowID != 20 || h.Snippet == "" {
					t.Errorf("Search with a snippet: %+v, %v", h.RowID, err)
				}
			}
		})
	}
}

// TestSearch_manyWords: AllWords with many words, short and long, repeated
// or not, gives the brute force's answer: 1,200 short words made an SQL
// expression too deep for SQLite (issue 16).
func TestSearch_manyWords(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	db, idx, docs := hostileDocs(t, trigram.Index{})
	long := []rune(docs[30][1])
	var fromDoc []string // words of document 30, which therefore matches
	for i := 0; i+8 < len(long); i += 37 {
		fromDoc = append(fromDoc, strings.Join(strings.Fields(string(long[i:i+1+r.IntN(8)])), ""))
	}
	short := make([]string, 1200)
	for i := range short {
		short[i] = string(rune('a' + i%3)) // 1,200 words, three distinct
	}
	distinct := make([]string, 1200)
	for i := range distinct {
		distinct[i] = fmt.Sprintf("w%d", i) // 1,200 distinct words
	}
	for _, words := range [][]string{short, distinct, fromDoc, append(fromDoc, "zzzz"), append(fromDoc[:400:400], short...)} {
		text := strings.Join(words, " ")
		want := foldedBrute(idx, foldDocs(idx, docs), text, true)
		got := searchIDs(t, db, idx, text, &trigram.SearchOptions{AllWords: true})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Search(%d words, AllWords) (-brute force +search):\n%s", len(words), diff)
		}
	}
}

// foldDocs returns docs folded for idx.
func foldDocs(idx trigram.Index, docs map[int64][2]string) map[int64][2]string {
	folded := make(map[int64][2]string, len(docs))
	for id, d := range docs {
		folded[id] = [2]string{idx.Fold(d[0]), idx.Fold(d[1])}
	}
	return folded
}

// foldedBrute is bruteForce for long texts and documents, on documents
// folded by foldDocs: two texts match as substrings exactly when their
// folds do.
func foldedBrute(idx trigram.Index, folded map[int64][2]string, text string, allWords bool) []int64 {
	needles := []string{idx.Fold(text)}
	if allWords {
		needles = nil
		seen := map[string]bool{}
		for _, w := range strings.Fields(text) {
			if f := idx.Fold(w); !seen[f] {
				seen[f] = true
				needles = append(needles, f)
			}
		}
	}
	var ids []int64
	for id, d := range folded {
		ok := true
		for _, n := range needles {
			if ok = strings.Contains(d[0], n) || strings.Contains(d[1], n); !ok {
				break
			}
		}
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// FuzzSearch: Search of any text, made long or of many words, gives the
// brute force's answer, never an error, with every kind of folding.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"", "a", "abc", "a b", `"`, "e\u0301", "\xc3\x00\xa9", "NEAR(a b)", "日本語 ab", "ab ", " \t", "\xff"} {
		f.Add(s, uint8(0), uint16(1))
	}
	f.Add("abcdefghijklmnopqrstuvwxyz0123456789abcdefghij", uint8(1), uint16(2))
	f.Add("x y", uint8(2), uint16(3000))
	type index struct {
		db     trigram.Querier
		idx    trigram.Index
		folded map[int64][2]string
	}
	var kinds []index
	for _, kind := range []trigram.Index{{}, {CaseSensitive: true}, {RemoveDiacritics: true}} {
		db, idx, docs := hostileDocs(f, kind)
		kinds = append(kinds, index{db, idx, foldDocs(idx, docs)})
	}
	f.Fuzz(func(t *testing.T, text string, kind uint8, repeat uint16) {
		k := kinds[int(kind)%len(kinds)]
		// Long text: text repeated, up to 64 KB; many words: the same
		// with spaces between.
		n := max(1, min(int(repeat), (64<<10)/max(1, len(text)+1)))
		for _, text := range []string{text, strings.Repeat(text, n), strings.Repeat(text+" ", n)} {
			for _, all := range []bool{false, true} {
				want := foldedBrute(k.idx, k.folded, text, all)
				var got []int64
				for h, err := range trigram.Search(t.Context(), k.db, k.idx, text, &trigram.SearchOptions{AllWords: all}) {
					if err != nil {
						t.Fatalf("Search(%q, AllWords=%v): %v", truncateFor(text), all, err)
					}
					got = append(got, h.RowID)
				}
				slices.Sort(got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("Search(%q, AllWords=%v) (-brute force +search):\n%s", truncateFor(text), all, diff)
				}
			}
		}
	})
}

func truncateFor(s string) string {
	if len(s) > 80 {
		return s[:80] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
