package trigram

import (
	"slices"
	"strings"

	"github.com/sqlitekit/sqlitekit/internal/sqlexpr"
)

// foldCodes returns the folded code points of s.
func foldCodes(s string, mode foldMode) []uint32 {
	codes, _, _ := foldSpans(s, mode)
	return codes
}

// foldSpans returns the folded code points of s, and for each the byte
// offsets in s where the source character starts and ends.
func foldSpans(s string, mode foldMode) (codes []uint32, start, end []int) {
	for i := 0; i < len(s); {
		j := i
		var c uint32
		c, i = decode(s, i)
		if c = foldRune(c, mode); c != 0 {
			codes = append(codes, c)
			start = append(start, j)
			end = append(end, i)
		}
	}
	return codes, start, end
}

// matchSpans returns the byte ranges of s where any of needles occurs,
// sorted and merged.
func matchSpans(s string, needles [][]uint32, mode foldMode) (spans [][2]int, start, end []int) {
	codes, start, end := foldSpans(s, mode)
	for _, n := range needles {
		if len(n) == 0 {
			continue
		}
		for i := 0; i+len(n) <= len(codes); i++ {
			if slices.Equal(codes[i:i+len(n)], n) {
				spans = append(spans, [2]int{i, i + len(n)})
			}
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var merged [][2]int
	for _, sp := range spans {
		if k := len(merged) - 1; k >= 0 && sp[0] <= merged[k][1] {
			merged[k][1] = max(merged[k][1], sp[1])
		} else {
			merged = append(merged, sp)
		}
	}
	return merged, start, end
}

// mark writes s[from:to] with the code point spans marked.
func mark(b *strings.Builder, s string, from, to int, spans [][2]int, start, end []int, opts *SearchOptions) {
	at := from
	for _, sp := range spans {
		lo, hi := start[sp[0]], end[sp[1]-1]
		lo, hi = max(lo, from), min(hi, to)
		if lo >= hi {
			continue
		}
		b.WriteString(s[at:lo])
		b.WriteString(opts.Open)
		b.WriteString(s[lo:hi])
		b.WriteString(opts.Close)
		at = hi
	}
	b.WriteString(s[at:to])
}

// markup returns the snippet and highlights of a hit's column texts.
func (idx Index) markup(cols []string, needles [][]uint32, opts *SearchOptions) (snippet string, highlight []string) {
	mode := idx.mode()
	first := -1
	var fspans [][2]int
	var fstart, fend []int
	for i, s := range cols {
		spans, start, end := matchSpans(s, needles, mode)
		if opts.Highlight {
			var b strings.Builder
			mark(&b, s, 0, len(s), spans, start, end, opts)
			highlight = append(highlight, b.String())
		}
		if first < 0 && len(spans) > 0 || first < 0 && i == len(cols)-1 {
			first, fspans, fstart, fend = i, spans, start, end
		}
	}
	if opts.Snippet == 0 || len(fstart) == 0 {
		return "", highlight
	}
	// A window of opts.Snippet characters, centred on the first match.
	n, total := opts.Snippet, len(fstart)
	a := 0
	if len(fspans) > 0 {
		m := fspans[0]
		a = m[0] - (n-(m[1]-m[0]))/2
	}
	a = max(0, min(a, total-n))
	z := min(total, a+n)
	s := cols[first]
	var b strings.Builder
	from, to := fstart[a], fend[z-1]
	if a > 0 {
		b.WriteString(opts.Ellipsis)
	} else {
		from = 0
	}
	if z == total {
		to = len(s)
	}
	mark(&b, s, from, to, fspans, fstart, fend, opts)
	if z < total {
		b.WriteString(opts.Ellipsis)
	}
	return b.String(), highlight
}

// checkFilter verifies that filter is one SQL expression that cannot end
// the parentheses Search puts it in (see [sqlexpr.Check]).
func checkFilter(filter string) error {
	if err := sqlexpr.Check(filter); err != nil {
		return fmtFilter("%v", err)
	}
	return nil
}
