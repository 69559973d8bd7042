package vector

import (
	"fmt"
	"strconv"
	"strings"
)

// The declaration of a vec0 table: the arguments of
// CREATE VIRTUAL TABLE t USING vec0(arg, arg, ...), as SQLite splits them at
// top-level commas.

// Limits of sqlite-vec's vec0, kept so that a declaration accepted here is
// accepted there.
const (
	vec0MaxVectors    = 16
	vec0MaxPartitions = 4
	vec0MaxMetadata   = 16
	vec0MaxAuxiliary  = 16
	vec0MaxDims       = 8192
	vec0MaxChunkSize  = 4096
	vec0DefChunkSize  = 1024
	vec0MaxK          = 4096
)

type metric uint8

const (
	metricL2 metric = iota
	metricCosine
	metricL1
	metricHamming // the only metric of bit columns
)

func (m metric) String() string {
	switch m {
	case metricCosine:
		return "cosine"
	case metricL1:
		return "l1"
	case metricHamming:
		return "hamming"
	}
	return "l2"
}

// colKind is what a user column of a vec0 table is.
type colKind uint8

const (
	colVector colKind = iota
	colPartition
	colMetadata
	colAuxiliary
)

// sqlType is the type of a primary key, partition key, metadata or
// auxiliary column.
type sqlType uint8

const (
	typeAny sqlType = iota // auxiliary columns without a type
	typeInteger
	typeFloat
	typeText
	typeBlob
	typeBoolean
)

func (t sqlType) String() string {
	switch t {
	case typeInteger:
		return "INTEGER"
	case typeFloat:
		return "FLOAT"
	case typeText:
		return "TEXT"
	case typeBlob:
		return "BLOB"
	case typeBoolean:
		return "BOOLEAN"
	}
	return "ANY"
}

// vecCol is a user column of a vec0 table.
type vecCol struct {
	name string
	kind colKind
	idx  int // index among the columns of its kind: the shadow column suffix

	// vector columns
	elem   elem
	dims   int
	metric metric

	// other columns
	typ sqlType
}

// vectorBytes is the size in bytes of one vector of column c.
func (c *vecCol) vectorBytes() int {
	switch c.elem {
	case elemF32:
		return 4 * c.dims
	case elemBit:
		return c.dims / 8
	}
	return c.dims
}

// A chunk's vectors are stored in segments of at most segBytes (and a
// multiple of 8 slots), each a row of T_vectorsNN with rowid
// chunk*segMax + segment number: an insert writes into a BLOB of at most
// 16 overflow pages, where SQLite must walk the page chain to the slot.
// Both numbers are part of the storage format.
const (
	segBytes = 64 << 10
	segMax   = 512 // vec0MaxChunkSize / 8
)

// segSlots is the number of slots of a segment of vector column c.
func (d *vec0Decl) segSlots(c *vecCol) int {
	return max(8, min(d.chunkSize, segBytes/c.vectorBytes()&^7))
}

// segment returns the T_vectorsNN rowid and the byte offset there of slot
// offset of chunk.
func (d *vec0Decl) segment(c *vecCol, chunk, offset int64) (row, off int64) {
	n := int64(d.segSlots(c))
	return chunk*segMax + offset/n, offset % n * int64(c.vectorBytes())
}

// vec0Decl is a parsed vec0 declaration.
type vec0Decl struct {
	pkName    string // "" without a primary key column
	pkType    sqlType
	cols      []vecCol // user columns in declaration order
	chunkSize int

	nVec, nPart, nMeta, nAux int
}

// parseVec0 parses the arguments of a vec0 declaration.
func parseVec0(args []string) (*vec0Decl, error) {
	d := &vec0Decl{chunkSize: vec0DefChunkSize}
	seen := map[string]bool{}
	addName := func(name string) error {
		n := strings.ToLower(name)
		switch n {
		case "distance", "k":
			return fmt.Errorf("column name %q is reserved for the hidden column of KNN queries", name)
		case "rowid":
			return fmt.Errorf("column name %q is reserved", name)
		}
		if seen[n] {
			return fmt.Errorf("duplicate column name %q", name)
		}
		seen[n] = true
		return nil
	}
	chunkSet := false
	for _, arg := range args {
		toks, err := tokenize(arg)
		if err != nil {
			return nil, fmt.Errorf("could not parse '%s': %w", arg, err)
		}
		if len(toks) == 0 {
			return nil, fmt.Errorf("empty column definition")
		}
		switch {
		case toks[0].kind == tokPlus:
			// Auxiliary column: +name [type]
			if len(toks) < 2 || toks[1].kind != tokIdent || len(toks) > 3 {
				return nil, fmt.Errorf("could not parse auxiliary column '%s'", arg)
			}
			typ := typeAny
			if len(toks) == 3 {
				t, ok := parseType(toks[2], false)
				if !ok || t == typeBoolean {
					return nil, fmt.Errorf("auxiliary column '%s': unknown type %q (TEXT, INTEGER, FLOAT or BLOB)", arg, toks[2].text)
				}
				typ = t
			}
			if d.nAux == vec0MaxAuxiliary {
				return nil, fmt.Errorf("more than %d auxiliary columns were provided", vec0MaxAuxiliary)
			}
			if err := addName(toks[1].text); err != nil {
				return nil, err
			}
			d.cols = append(d.cols, vecCol{name: toks[1].text, kind: colAuxiliary, idx: d.nAux, typ: typ})
			d.nAux++

		case len(toks) >= 2 && toks[1].kind == tokEq:
			// Table option: key=value
			if toks[0].kind != tokIdent || len(toks) != 3 || toks[2].kind != tokNumber {
				return nil, fmt.Errorf("could not parse table option '%s'", arg)
			}
			if !strings.EqualFold(toks[0].text, "chunk_size") {
				return nil, fmt.Errorf("unknown table option: %s", toks[0].text)
			}
			if chunkSet {
				return nil, fmt.Errorf("chunk_size given twice")
			}
			chunkSet = true
			n, err := strconv.Atoi(toks[2].text)
			switch {
			case err != nil || n <= 0:
				return nil, fmt.Errorf("chunk_size must be a non-zero positive integer")
			case n%8 != 0:
				return nil, fmt.Errorf("chunk_size must be divisible by 8")
			case n > vec0MaxChunkSize:
				return nil, fmt.Errorf("chunk_size too large (maximum %d)", vec0MaxChunkSize)
			}
			d.chunkSize = n

		case toks[0].kind != tokIdent:
			return nil, fmt.Errorf("could not parse '%s': expected a column name", arg)

		case len(toks) >= 3 && toks[2].kind == tokLBracket:
			c, err := parseVectorCol(arg, toks)
			if err != nil {
				return nil, err
			}
			if d.nVec == vec0MaxVectors {
				return nil, fmt.Errorf("too many provided vector columns, maximum %d", vec0MaxVectors)
			}
			if err := addName(c.name); err != nil {
				return nil, err
			}
			c.idx = d.nVec
			d.cols = append(d.cols, c)
			d.nVec++

		case len(toks) == 4 && isWord(toks[2], "primary") && isWord(toks[3], "key"):
			t, ok := parseType(toks[1], false)
			if !ok || (t != typeInteger && t != typeText) {
				return nil, fmt.Errorf("primary key column '%s' must be INTEGER or TEXT", arg)
			}
			if d.pkName != "" {
				return nil, fmt.Errorf("more than one primary key definition was provided, vec0 only supports a single primary key column")
			}
			d.pkName, d.pkType = toks[0].text, t
			if err := addName(d.pkName); err != nil {
				return nil, err
			}

		case len(toks) == 4 && isWord(toks[2], "partition") && isWord(toks[3], "key"):
			t, ok := parseType(toks[1], false)
			if !ok || (t != typeInteger && t != typeText) {
				return nil, fmt.Errorf("partition key column '%s' must be INTEGER or TEXT", arg)
			}
			if d.nPart == vec0MaxPartitions {
				return nil, fmt.Errorf("more than %d partition key columns were provided", vec0MaxPartitions)
			}
			if err := addName(toks[0].text); err != nil {
				return nil, err
			}
			d.cols = append(d.cols, vecCol{name: toks[0].text, kind: colPartition, idx: d.nPart, typ: t})
			d.nPart++

		case len(toks) == 2:
			t, ok := parseType(toks[1], true)
			if !ok || t == typeBlob {
				return nil, fmt.Errorf("metadata column '%s': unknown type %q (TEXT, INTEGER, FLOAT or BOOLEAN)", arg, toks[1].text)
			}
			if d.nMeta == vec0MaxMetadata {
				return nil, fmt.Errorf("more than %d metadata columns were provided", vec0MaxMetadata)
			}
			if err := addName(toks[0].text); err != nil {
				return nil, err
			}
			d.cols = append(d.cols, vecCol{name: toks[0].text, kind: colMetadata, idx: d.nMeta, typ: t})
			d.nMeta++

		default:
			return nil, fmt.Errorf("could not parse '%s'", arg)
		}
	}
	if d.nVec == 0 {
		return nil, fmt.Errorf("at least one vector column is required")
	}
	return d, nil
}

func parseVectorCol(arg string, toks []token) (vecCol, error) {
	c := vecCol{name: toks[0].text, kind: colVector}
	switch strings.ToLower(toks[1].text) {
	case "float", "float32", "f32":
		c.elem = elemF32
	case "int8", "i8":
		c.elem = elemI8
	case "bit":
		c.elem = elemBit
		c.metric = metricHamming
	default:
		return c, fmt.Errorf("could not parse vector column '%s': unknown element type %q (float, int8 or bit)", arg, toks[1].text)
	}
	if len(toks) < 5 || toks[3].kind != tokNumber || toks[4].kind != tokRBracket {
		return c, fmt.Errorf("could not parse vector column '%s': expected %s[N]", arg, toks[1].text)
	}
	n, err := strconv.Atoi(toks[3].text)
	switch {
	case err != nil || n <= 0:
		return c, fmt.Errorf("could not parse vector column '%s': dimensions must be a positive integer", arg)
	case n > vec0MaxDims:
		return c, fmt.Errorf("dimension on vector column too large, provided %s, maximum %d", toks[3].text, vec0MaxDims)
	case c.elem == elemBit && n%8 != 0:
		return c, fmt.Errorf("could not parse vector column '%s': bit vectors need a dimension divisible by 8", arg)
	}
	c.dims = n
	rest := toks[5:]
	metricSet, indexSet := false, false
	for len(rest) > 0 {
		if isWord(rest[0], "indexed") {
			// sqlite-vec's "indexed by flat()" is the exact search there is
			// without it; its approximate indexes are not provided.
			if len(rest) >= 3 && isWord(rest[1], "by") && rest[2].kind == tokIdent && !isWord(rest[2], "flat") {
				return c, fmt.Errorf("could not parse vector column '%s': index type %q is not supported, only flat() (exact search)", arg, rest[2].text)
			}
			if len(rest) < 5 || !isWord(rest[1], "by") || rest[2].kind != tokIdent || rest[3].kind != tokLParen || rest[4].kind != tokRParen {
				return c, fmt.Errorf("could not parse vector column '%s': expected indexed by flat() after ']'", arg)
			}
			if indexSet {
				return c, fmt.Errorf("could not parse vector column '%s': indexed by given twice", arg)
			}
			indexSet = true
			rest = rest[5:]
			continue
		}
		if len(rest) < 3 || rest[0].kind != tokIdent || rest[1].kind != tokEq || rest[2].kind != tokIdent {
			return c, fmt.Errorf("could not parse vector column '%s': expected option=value after ']'", arg)
		}
		if !strings.EqualFold(rest[0].text, "distance_metric") {
			return c, fmt.Errorf("could not parse vector column '%s': unknown column option %q", arg, rest[0].text)
		}
		if metricSet {
			return c, fmt.Errorf("could not parse vector column '%s': distance_metric given twice", arg)
		}
		metricSet = true
		if c.elem == elemBit {
			return c, fmt.Errorf("could not parse vector column '%s': bit columns take no distance_metric (they use the Hamming distance)", arg)
		}
		switch strings.ToLower(rest[2].text) {
		case "l2":
			c.metric = metricL2
		case "cosine":
			c.metric = metricCosine
		case "l1":
			c.metric = metricL1
		default:
			return c, fmt.Errorf("could not parse vector column '%s': unknown distance_metric %q (l2, cosine or l1)", arg, rest[2].text)
		}
		rest = rest[3:]
	}
	return c, nil
}

// parseType reads a column type name. Metadata columns also accept the
// boolean types.
func parseType(t token, meta bool) (sqlType, bool) {
	if t.kind != tokIdent {
		return 0, false
	}
	switch strings.ToLower(t.text) {
	case "text":
		return typeText, true
	case "int", "integer":
		return typeInteger, true
	case "int64", "integer64":
		return typeInteger, meta
	case "float", "double":
		return typeFloat, true
	case "float64", "f64":
		return typeFloat, meta
	case "blob":
		return typeBlob, !meta
	case "boolean", "bool":
		return typeBoolean, meta
	}
	return 0, false
}

func isWord(t token, w string) bool {
	return t.kind == tokIdent && strings.EqualFold(t.text, w)
}

type tokKind uint8

const (
	tokIdent tokKind = iota
	tokNumber
	tokPlus
	tokLBracket
	tokRBracket
	tokEq
	tokLParen
	tokRParen
)

type token struct {
	kind tokKind
	text string
}

// tokenize splits one declaration argument into identifiers (bare, or
// quoted with "" or “), unsigned integers and the symbols + [ ] = ( ).
func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '+':
			toks = append(toks, token{tokPlus, "+"})
			i++
		case c == '[':
			toks = append(toks, token{tokLBracket, "["})
			i++
		case c == ']':
			toks = append(toks, token{tokRBracket, "]"})
			i++
		case c == '=':
			toks = append(toks, token{tokEq, "="})
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "("})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")"})
			i++
		case '0' <= c && c <= '9':
			j := i
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				j++
			}
			toks = append(toks, token{tokNumber, s[i:j]})
			i = j
		case c == '"' || c == '`':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated quoted name at offset %d", i)
				}
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c {
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if b.Len() == 0 {
				return nil, fmt.Errorf("empty quoted name at offset %d", i)
			}
			toks = append(toks, token{tokIdent, b.String()})
			i = j + 1
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80:
			j := i
			for j < len(s) && (s[j] == '_' || 'a' <= s[j] && s[j] <= 'z' || 'A' <= s[j] && s[j] <= 'Z' ||
				'0' <= s[j] && s[j] <= '9' || s[j] >= 0x80) {
				j++
			}
			toks = append(toks, token{tokIdent, s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
		}
	}
	return toks, nil
}
