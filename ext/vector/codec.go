package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unsafe"
)

// Errors wrapped by everything this package returns, so that callers can
// branch with [errors.Is]. SQL functions report the same texts, prefixed with
// "vector: " and the function name.
var (
	// ErrMalformed: a BLOB whose length is not a multiple of 4, JSON that is
	// not an array of numbers, an empty vector, or a value of the wrong type.
	ErrMalformed = errors.New("malformed vector")
	// ErrNotFinite: a NaN or an infinity among the elements.
	ErrNotFinite = errors.New("non-finite value")
	// ErrDimensionMismatch: two vectors of different lengths.
	ErrDimensionMismatch = errors.New("dimension mismatch")
	// ErrZeroVector: a vector of norm 0 where a direction is needed
	// (cosine, normalization).
	ErrZeroVector = errors.New("zero vector")
)

// littleEndian reports whether float32 values in memory have the byte order
// of the BLOB format, so that a BLOB can be read in place.
var littleEndian = func() bool {
	x := uint32(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Encode returns the BLOB form of v: 4 bytes per element, IEEE 754 float32,
// little-endian, the format sqlite-vec and vec1 use. A nil v gives nil.
// Encode does not check the elements; see [F32.Value] for a checked form.
func Encode(v []float32) []byte {
	if v == nil {
		return nil
	}
	return AppendEncode(make([]byte, 0, 4*len(v)), v)
}

// AppendEncode appends the BLOB form of v to dst and returns the result.
func AppendEncode(dst []byte, v []float32) []byte {
	for _, f := range v {
		dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(f))
	}
	return dst
}

// Decode returns the elements of a float32 BLOB. It fails with
// [ErrMalformed] if the BLOB is empty or its length is not a multiple of 4,
// and with [ErrNotFinite] if an element is NaN or infinite.
// The result never aliases b.
func Decode(b []byte) ([]float32, error) {
	if err := checkBlob(b); err != nil {
		return nil, fmt.Errorf("vector: Decode: %w", err)
	}
	v := decodeInto(make([]float32, len(b)/4), b)
	if err := checkFinite(v); err != nil {
		return nil, fmt.Errorf("vector: Decode: %w", err)
	}
	return v, nil
}

// ParseJSON parses a JSON array of numbers such as "[1, 2.5, -3e2]" into
// float32 elements (rounded to nearest). Besides strict JSON numbers it
// accepts what sqlite-vec's parser does for numbers (".5", "+1", "1."),
// so that SQL written for sqlite-vec keeps working. Errors say at which byte
// offset the input went wrong.
func ParseJSON(s string) ([]float32, error) {
	v, err := appendJSON(nil, unsafe.Slice(unsafe.StringData(s), len(s)))
	if err != nil {
		return nil, fmt.Errorf("vector: ParseJSON: %w", err)
	}
	return v, nil
}

// AppendJSON appends v as a JSON array to dst, each element in the shortest
// form that reads back as the same float32.
func AppendJSON(dst []byte, v []float32) []byte {
	dst = append(dst, '[')
	for i, f := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendFloat(dst, float64(f), 'g', -1, 32)
	}
	return append(dst, ']')
}

func checkBlob(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: empty BLOB", ErrMalformed)
	}
	if len(b)%4 != 0 {
		return fmt.Errorf("%w: BLOB length %d is not a multiple of 4", ErrMalformed, len(b))
	}
	return nil
}

func checkFinite(v []float32) error {
	for i, f := range v {
		if err := checkElem(i, f); err != nil {
			return err
		}
	}
	return nil
}

func checkElem(i int, f float32) error {
	switch {
	case f != f:
		return fmt.Errorf("%w: element %d is NaN", ErrNotFinite, i)
	case f > math.MaxFloat32:
		return fmt.Errorf("%w: element %d is +Inf", ErrNotFinite, i)
	case f < -math.MaxFloat32:
		return fmt.Errorf("%w: element %d is -Inf", ErrNotFinite, i)
	}
	return nil
}

// decodeInto decodes the float32 BLOB b into dst, which has len(b)/4 elements.
func decodeInto(dst []float32, b []byte) []float32 {
	dst = dst[:len(b)/4]
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return dst
}

// view returns the elements of the float32 BLOB b (whose length is a
// non-zero multiple of 4): b itself reinterpreted when the machine is
// little-endian and b is aligned, else a copy decoded into *scratch.
func view(b []byte, scratch *[]float32) []float32 {
	n := len(b) / 4
	p := unsafe.Pointer(unsafe.SliceData(b))
	if littleEndian && uintptr(p)%4 == 0 {
		return unsafe.Slice((*float32)(p), n)
	}
	if cap(*scratch) < n {
		*scratch = make([]float32, n)
	}
	return decodeInto((*scratch)[:n], b)
}

// appendJSON parses the JSON array s and appends its elements to dst.
func appendJSON(dst []float32, s []byte) ([]float32, error) {
	i := skipSpace(s, 0)
	if i == len(s) {
		if len(s) == 0 {
			return dst, fmt.Errorf("%w: empty text", ErrMalformed)
		}
		return dst, jsonErr(s, i, "expected '['")
	}
	if s[i] != '[' {
		return dst, jsonErr(s, i, "expected '['")
	}
	i = skipSpace(s, i+1)
	start := len(dst)
	if i < len(s) && s[i] == ']' {
		i++
	} else {
		for {
			j := scanNumber(s, i)
			if j == i {
				return dst, jsonErr(s, i, "expected a number")
			}
			f, err := strconv.ParseFloat(string(s[i:j]), 32)
			if err != nil && !math.IsInf(f, 0) {
				return dst, jsonErr(s, i, "expected a number") // notest: scanNumber admits only what ParseFloat reads
			}
			if math.IsInf(f, 0) {
				return dst, fmt.Errorf("%w: element %d (%s, at offset %d) is out of float32 range",
					ErrNotFinite, len(dst)-start, s[i:j], i)
			}
			dst = append(dst, float32(f))
			i = skipSpace(s, j)
			if i < len(s) && s[i] == ',' {
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == ']' {
				i++
				break
			}
			return dst, jsonErr(s, i, "expected ',' or ']'")
		}
	}
	if i = skipSpace(s, i); i != len(s) {
		return dst, jsonErr(s, i, "unexpected text after ']'")
	}
	if len(dst) == start {
		return dst, fmt.Errorf("%w: empty array", ErrMalformed)
	}
	return dst, nil
}

func jsonErr(s []byte, i int, what string) error {
	if i >= len(s) {
		return fmt.Errorf("%w: JSON ends at offset %d: %s", ErrMalformed, i, what)
	}
	c := s[i]
	if c < ' ' || c >= 0x7f || c == '\'' {
		return fmt.Errorf("%w: JSON at offset %d (byte 0x%02x): %s", ErrMalformed, i, c, what)
	}
	return fmt.Errorf("%w: JSON at offset %d ('%c'): %s", ErrMalformed, i, c, what)
}

func skipSpace(s []byte, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanNumber returns the end of the decimal number starting at s[i], or i if
// there is none: an optional sign, digits with an optional '.', at least one
// digit, and an optional exponent.
func scanNumber(s []byte, i int) int {
	j := i
	if j < len(s) && (s[j] == '-' || s[j] == '+') {
		j++
	}
	digits := 0
	for j < len(s) && '0' <= s[j] && s[j] <= '9' {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
			digits++
		}
	}
	if digits == 0 {
		return i
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '-' || s[k] == '+') {
			k++
		}
		e := k
		for k < len(s) && '0' <= s[k] && s[k] <= '9' {
			k++
		}
		if k > e {
			j = k
		}
	}
	return j
}
