package trigram_test

import (
	"iter"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
)

// TestIndex_Fold compares Index.Fold, code point by code point, with what
// SQLite's trigram tokenizer makes of it, over the Basic Multilingual Plane
// and the start of the supplementary planes (the whole range is checked by
// TestGenerateFoldTables when it regenerates the tables).
func TestIndex_Fold(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		tokenize string
		idx      trigram.Index
	}{
		{"trigram", trigram.Index{}},
		{"trigram remove_diacritics 1", trigram.Index{RemoveDiacritics: true}},
		{"trigram case_sensitive 1", trigram.Index{CaseSensitive: true}},
	} {
		got := probeFoldOf(t, tt.tokenize, foldSample(tt.idx))
		bad := 0
		for c, f := range got {
			want := ""
			if f != 0 {
				want = string(f)
			}
			if fold := tt.idx.Fold(string(c)); fold != want && bad < 10 {
				bad++
				t.Errorf("%s: Fold(%U) = %q, tokenizer says %q", tt.tokenize, c, fold, want)
			}
		}
	}
}

// foldSample yields the code points TestIndex_Fold checks: all of the
// Basic Multilingual Plane and the start of the next; under the race
// detector, Latin, Greek and Cyrillic, every code point idx folds, and every
// 97th of the rest.
func foldSample(idx trigram.Index) iter.Seq[rune] {
	return func(yield func(rune) bool) {
		for c := rune(0); c <= 0x10FFF; c++ {
			if raceEnabled && c > 0x4FF && c%97 != 0 && idx.Fold(string(c)) == string(c) {
				continue
			}
			if !yield(c) {
				return
			}
		}
	}
}

// TestIndex_Fold_invalidUTF8 checks that invalid UTF-8 folds as the
// tokenizer decodes it: Len and Contains agree with a trigram MATCH.
func TestIndex_Fold_invalidUTF8(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	exec(t, db, `CREATE TABLE docs(body BLOB)`)
	idx := trigram.Index{Table: "docs", Columns: []string{"body"}}
	if err := trigram.Create(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	docs := []string{"a\x80bc", "\xc3(xyz", "\xe2\x82xyz", "\xff\xfeabc", "x\xb5yz", "ab\x00cd", "\xed\xa0\x80ab", "\xf4\x90\x80\x80ab"}
	for _, d := range docs {
		exec(t, db, `INSERT INTO docs VALUES (CAST(? AS BLOB))`, []byte(d))
	}
	queries := []string{"a\x80b", "\x80bc", "\xc3(x", "(xy", "\ufffd(x", "\ufffdxy", "x\xb5y", "xµy", "xμy", "bcd", "b\x00cd", "\ufffdab"}
	for _, qs := range queries {
		if idx.Len(qs) < 3 {
			t.Fatalf("query %q too short", qs)
		}
		var want []int64
		for i, d := range docs {
			if idx.Contains(d, qs) {
				want = append(want, int64(i+1))
			}
		}
		rows, err := db.Query(`SELECT rowid FROM docs_trigram WHERE docs_trigram MATCH trigram_query(?) ORDER BY rowid`, qs)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			got = append(got, id)
		}
		rows.Close()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("query %q: Contains (-) and MATCH (+) differ:\n%s", qs, diff)
		}
	}
}
