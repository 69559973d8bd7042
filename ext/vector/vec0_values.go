package vector

import (
	"fmt"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// vectorBytes decodes v, a value for vector column c, into the bytes stored
// for it (float32 little-endian, int8, or bits), appended to dst. what is
// "Inserted vector for" or "Query vector on", for the error messages, which
// follow sqlite-vec's.
//
// A float32 column takes JSON text or a BLOB (with no subtype or
// vec_f32's). An int8 column takes vec_int8(...), JSON integers, or a BLOB
// with no subtype of its exact size; a bit column takes vec_bit(...) or a
// BLOB with no subtype of its exact size.
func vectorBytes(dst []byte, v sqlite3.Value, c *vecCol, what string) ([]byte, error) {
	typ := v.Type()
	bad := func(err error) error {
		return fmt.Errorf("%s the %q column is invalid: %w", what, c.name, err)
	}
	if typ != sqlite3.BLOB && typ != sqlite3.TEXT {
		return dst, bad(fmt.Errorf("%w: expected a BLOB or JSON text, got %s", ErrMalformed, typ))
	}
	kind := c.elem
	switch st := v.Subtype(); st {
	case 0, jsonSubtype:
	case subtypeF32:
		kind = elemF32
	case subtypeI8:
		kind = elemI8
	case subtypeBit:
		kind = elemBit
	default:
		return dst, bad(fmt.Errorf("%w: unknown subtype %d", ErrMalformed, st))
	}
	if typ == sqlite3.BLOB && v.Subtype() == 0 && c.elem != elemF32 && len(v.RawBlob()) != c.vectorBytes() {
		kind = elemF32 // a BLOB without subtype of another size: read as float32, as sqlite-vec does
	}
	if kind != c.elem {
		return dst, fmt.Errorf("%s the %q column is expected to be of type %s, but a %s vector was provided",
			what, c.name, c.elem, kind)
	}
	start := len(dst)
	var dims int
	if typ == sqlite3.BLOB {
		raw := v.RawBlob()
		if len(raw) == 0 {
			return dst, bad(fmt.Errorf("%w: empty BLOB", ErrMalformed))
		}
		if kind == elemF32 {
			if err := checkBlob(raw); err != nil {
				return dst, bad(err)
			}
		}
		dst = append(dst, raw...)
		switch kind {
		case elemF32:
			dims = len(raw) / 4
			var scratch []float32
			if err := checkFinite(view(dst[start:], &scratch)); err != nil {
				return dst[:start], bad(err)
			}
		case elemI8:
			dims = len(raw)
		default:
			dims = 8 * len(raw)
		}
	} else {
		if kind == elemBit {
			return dst, bad(fmt.Errorf("%w: a bit vector must be a BLOB", ErrMalformed))
		}
		f, err := appendJSON(nil, v.RawText())
		if err != nil {
			return dst, bad(err)
		}
		dims = len(f)
		if kind == elemF32 {
			dst = AppendEncode(dst, f)
		} else {
			for j, x := range f {
				if x != float32(int8(x)) || x < -128 || x > 127 {
					return dst[:start], bad(fmt.Errorf("%w: element %d (%g) is not an integer in [-128, 127]", ErrMalformed, j, x))
				}
				dst = append(dst, byte(int8(x)))
			}
		}
	}
	if dims != c.dims {
		return dst[:start], fmt.Errorf("Dimension mismatch for %s the %q column. Expected %d dimensions but received %d.",
			lowerFirst(what), c.name, c.dims, dims)
	}
	return dst, nil
}

// lowerFirst lower-cases the first letter of s.
func lowerFirst(s string) string {
	if s != "" && 'A' <= s[0] && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// checkValue checks v against the declared type of a partition key,
// metadata or auxiliary column, with sqlite-vec's strictness: no NULL (but in
// partition key and auxiliary columns), no conversion between types.
func checkValue(v sqlite3.Value, c *vecCol) error {
	typ := v.Type()
	if typ == sqlite3.NULL {
		if c.kind == colAuxiliary || c.kind == colPartition {
			return nil
		}
		if c.typ == typeBoolean {
			return fmt.Errorf("Expected 0 or 1 for BOOLEAN metadata column %s, received NULL", c.name)
		}
	}
	switch c.typ {
	case typeAny:
		return nil
	case typeBoolean:
		if typ != sqlite3.INTEGER || (v.Int64() != 0 && v.Int64() != 1) {
			return fmt.Errorf("Expected 0 or 1 for BOOLEAN metadata column %s", c.name)
		}
		return nil
	}
	if want := datatypes[c.typ]; typ != want {
		return fmt.Errorf("Expected %s for %s %s column %s, received %s",
			strings.ToLower(want.String()), c.typ, kindName(c.kind), c.name, typ)
	}
	return nil
}

// datatypes is the SQLite type of the values of a column of a declared
// type, for those that take one type only.
var datatypes = map[sqlType]sqlite3.Datatype{
	typeInteger: sqlite3.INTEGER, typeFloat: sqlite3.FLOAT, typeText: sqlite3.TEXT, typeBlob: sqlite3.BLOB,
}

func kindName(k colKind) string {
	switch k {
	case colPartition:
		return "partition key"
	case colMetadata:
		return "metadata"
	case colAuxiliary:
		return "auxiliary"
	}
	return "vector"
}
