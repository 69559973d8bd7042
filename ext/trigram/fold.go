package trigram

import "sort"

// foldMode selects one of the trigram tokenizer's three foldings.
type foldMode uint8

const (
	foldModeNone       foldMode = iota // case_sensitive 1
	foldModeCase                       // case_sensitive 0 (the default)
	foldModeDiacritics                 // case_sensitive 0 remove_diacritics 1
)

func modeOf(caseSensitive, removeDiacritics bool) foldMode {
	switch {
	case caseSensitive:
		return foldModeNone
	case removeDiacritics:
		return foldModeDiacritics
	default:
		return foldModeCase
	}
}

// foldRune folds one code point as the tokenizer does; 0 means dropped.
func foldRune(c uint32, mode foldMode) uint32 {
	if c < 0x80 {
		if mode != foldModeNone && 'A' <= c && c <= 'Z' {
			return c + ('a' - 'A')
		}
		return c
	}
	var tab []([2]rune)
	switch mode {
	case foldModeCase:
		tab = foldCase[:]
	case foldModeDiacritics:
		tab = foldDiacritics[:]
	default:
		return c
	}
	if c > 0x10FFFF {
		return c
	}
	i := sort.Search(len(tab), func(i int) bool { return uint32(tab[i][0]) >= c })
	if i < len(tab) && uint32(tab[i][0]) == c {
		return uint32(tab[i][1])
	}
	return c
}

// utf8Trans1 is the lead-byte table of SQLite's READ_UTF8 for bytes 0xC0..0xFF.
var utf8Trans1 = [64]uint32{
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x00, 0x01, 0x02, 0x03, 0x00, 0x01, 0x00, 0x00,
}

// decode reads one code point from s[i:] the way SQLite's tokenizers do
// (READ_UTF8): invalid sequences never fail, they decode to U+FFFD or, for a
// stray continuation byte, to the byte's own value. It returns the code and
// the index of the next byte.
func decode[T ~string | ~[]byte](s T, i int) (uint32, int) {
	c := uint32(s[i])
	i++
	if c >= 0xC0 {
		c = utf8Trans1[c-0xC0]
		for i < len(s) && s[i]&0xC0 == 0x80 {
			c = c<<6 + uint32(s[i]&0x3F)
			i++
		}
		if c < 0x80 || c&0xFFFFF800 == 0xD800 || c&0xFFFFFFFE == 0xFFFE {
			c = 0xFFFD
		}
	}
	return c, i
}

// appendCode encodes c the way SQLite's tokenizers do (WRITE_UTF8).
func appendCode(dst []byte, c uint32) []byte {
	switch {
	case c < 0x80:
		return append(dst, byte(c))
	case c < 0x800:
		return append(dst, 0xC0+byte(c>>6&0x1F), 0x80+byte(c&0x3F))
	case c < 0x10000:
		return append(dst, 0xE0+byte(c>>12&0x0F), 0x80+byte(c>>6&0x3F), 0x80+byte(c&0x3F))
	default:
		return append(dst, 0xF0+byte(c>>18&0x07), 0x80+byte(c>>12&0x3F), 0x80+byte(c>>6&0x3F), 0x80+byte(c&0x3F))
	}
}

// appendFold appends to dst the text the trigram tokenizer builds its
// trigrams from: s decoded as SQLite does, each code point folded for mode,
// dropped code points (NUL, and combining marks when removing diacritics)
// left out. It also returns the number of code points kept: the tokenizer's
// length of s.
func appendFold[T ~string | ~[]byte](dst []byte, s T, mode foldMode) ([]byte, int) {
	n := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < 0x80 {
			// ASCII fast path.
			i++
			switch {
			case b == 0:
				continue
			case mode != foldModeNone && 'A' <= b && b <= 'Z':
				b += 'a' - 'A'
			}
			dst = append(dst, b)
			n++
			continue
		}
		var c uint32
		c, i = decode(s, i)
		if c = foldRune(c, mode); c != 0 {
			dst = appendCode(dst, c)
			n++
		}
	}
	return dst, n
}

// foldLen returns the number of code points the tokenizer sees in s.
func foldLen[T ~string | ~[]byte](s T, mode foldMode) int {
	n := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < 0x80 {
			i++
			if b != 0 {
				n++
			}
			continue
		}
		var c uint32
		c, i = decode(s, i)
		if foldRune(c, mode) != 0 {
			n++
		}
	}
	return n
}

// identity reports whether folding s for mode would change nothing, so that
// plain byte comparison gives the tokenizer's answer.
func identity[T ~string | ~[]byte](s T, mode foldMode) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == 0 || b >= 0x80 || mode != foldModeNone && 'A' <= b && b <= 'Z' {
			return false
		}
	}
	return true
}
