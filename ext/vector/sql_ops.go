package vector

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

func (s *state) vecF32(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	if s.a.kind != elemF32 {
		return fmt.Errorf("argument 1: expected a float32 vector, got %s", s.a.kind)
	}
	s.result(ctx, &s.a)
	return nil
}

func (s *state) vecI8(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.retype(ctx, args, elemI8)
}

func (s *state) vecBit(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.retype(ctx, args, elemBit)
}

// retype reads argument 1 as a vector of kind k, whatever its subtype.
func (s *state) retype(ctx sqlite3.Context, args []sqlite3.Value, k elem) error {
	arg := args[0]
	switch typ := arg.Type(); typ {
	case sqlite3.NULL:
		ctx.ResultNull()
		return nil
	case sqlite3.BLOB:
		raw := arg.RawBlob()
		if len(raw) == 0 {
			return fmt.Errorf("argument 1: %w: empty BLOB", ErrMalformed)
		}
		s.result(ctx, &operand{kind: k, b: raw})
		return nil
	case sqlite3.TEXT:
		if k == elemBit {
			return fmt.Errorf("argument 1: %w: a bit vector must be a BLOB", ErrMalformed)
		}
		if st := arg.Subtype(); st == subtypeI8 || st == subtypeBit {
			return fmt.Errorf("argument 1: %w: text with subtype %d", ErrMalformed, st)
		}
		// Parse as int8 JSON: load does it for the int8 subtype.
		var o operand
		f, err := appendJSON(s.scratch[0][:0], arg.RawText())
		s.scratch[0] = f[:0]
		if err != nil {
			return fmt.Errorf("argument 1: %w", err)
		}
		b := s.out[:0]
		for j, x := range f {
			if x != float32(int8(x)) || x < -128 || x > 127 {
				return fmt.Errorf("argument 1: %w: element %d (%g) is not an integer in [-128, 127]",
					ErrMalformed, j, x)
			}
			b = append(b, byte(int8(x)))
		}
		s.out = b
		o = operand{kind: elemI8, b: b}
		s.result(ctx, &o)
		return nil
	default:
		return fmt.Errorf("argument 1: %w: expected a BLOB or JSON text, got %s", ErrMalformed, typ)
	}
}

func (s *state) toJSON(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	b := s.out[:0]
	switch s.a.kind {
	case elemF32:
		b = AppendJSON(b, s.a.f)
	case elemI8:
		b = append(b, '[')
		for i, x := range s.a.b {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendInt(b, int64(int8(x)))
		}
		b = append(b, ']')
	case elemBit:
		b = append(b, '[')
		for i := range 8 * len(s.a.b) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '0'+(s.a.b[i/8]>>(i%8))&1)
		}
		b = append(b, ']')
	}
	s.out = b
	ctx.ResultRawText(b)
	ctx.ResultSubtype(jsonSubtype)
	return nil
}

func appendInt(b []byte, x int64) []byte {
	return strconv.AppendInt(b, x, 10)
}

func (s *state) length(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	ctx.ResultInt(s.a.dims())
	return nil
}

func (s *state) vecType(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	ctx.ResultText(s.a.kind.String())
	return nil
}

func (s *state) normalize(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	if s.a.kind != elemF32 {
		return fmt.Errorf("argument 1: only float32 vectors can be normalized, got %s", s.a.kind)
	}
	f, err := normalizeInto(s.floats[:0], s.a.f)
	s.floats = f[:0]
	if err != nil {
		return err
	}
	s.result(ctx, &operand{f: f})
	return nil
}

func normalizeInto(dst, v []float32) ([]float32, error) {
	n := math.Sqrt(dot64(v, v))
	if n == 0 {
		return dst, fmt.Errorf("argument 1 is a %w: it cannot be normalized", ErrZeroVector)
	}
	for _, x := range v {
		dst = append(dst, float32(float64(x)/n))
	}
	return dst, nil
}

func (s *state) add(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.arith(ctx, args, 1)
}

func (s *state) sub(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.arith(ctx, args, -1)
}

// arith adds sign times the second vector to the first.
func (s *state) arith(ctx sqlite3.Context, args []sqlite3.Value, sign int) error {
	if null, err := s.load2(ctx, args, true); null || err != nil {
		return err
	}
	switch s.a.kind {
	case elemF32:
		f := s.floats[:0]
		for i, x := range s.a.f {
			y := s.b.f[i]
			if sign < 0 {
				y = -y
			}
			z := x + y
			if !finite32(z) {
				return fmt.Errorf("element %d overflows float32 (%g %+g)", i, x, y)
			}
			f = append(f, z)
		}
		s.floats = f[:0]
		s.result(ctx, &operand{f: f})
	case elemI8:
		b := s.out[:0]
		for i, x := range s.a.b {
			z := int(int8(x)) + sign*int(int8(s.b.b[i]))
			if z < -128 || z > 127 {
				return fmt.Errorf("element %d overflows int8 (%d %+d)", i, int8(x), sign*int(int8(s.b.b[i])))
			}
			b = append(b, byte(int8(z)))
		}
		s.out = b
		s.result(ctx, &operand{kind: elemI8, b: b})
	default:
		return errors.New("cannot add or subtract bit vectors")
	}
	return nil
}

func (s *state) slice(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	if args[1].Type() == sqlite3.NULL || args[2].Type() == sqlite3.NULL {
		ctx.ResultNull()
		return nil
	}
	for i, name := range []string{"start", "end"} {
		if typ := args[1+i].Type(); typ != sqlite3.INTEGER { // Int64 would read 'a' as 0, 0.9 as 0
			return fmt.Errorf("%s must be an integer, got %s", name, typ)
		}
	}
	start, end, n := args[1].Int64(), args[2].Int64(), int64(s.a.dims())
	switch {
	case start < 0:
		return fmt.Errorf("start %d is negative", start)
	case end > n:
		return fmt.Errorf("end %d is beyond the %d dimensions of the vector", end, n)
	case start >= end:
		return fmt.Errorf("start %d is not before end %d: vectors must have at least one element", start, end)
	}
	o := s.a
	switch o.kind {
	case elemF32:
		o.f = o.f[start:end]
	case elemI8:
		o.b = o.b[start:end]
	case elemBit:
		if start%8 != 0 || end%8 != 0 {
			return fmt.Errorf("start %d and end %d must be multiples of 8 for a bit vector", start, end)
		}
		o.b = o.b[start/8 : end/8]
	}
	s.result(ctx, &o)
	return nil
}

func (s *state) quantizeBinary(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	n := s.a.dims()
	if s.a.kind == elemBit {
		return errors.New("argument 1 is already a bit vector")
	}
	if n%8 != 0 {
		return fmt.Errorf("binary quantization needs a length divisible by 8, got %d", n)
	}
	b := s.out[:0]
	for i := 0; i < n; i += 8 {
		var x byte
		for j := range 8 {
			var pos bool
			if s.a.kind == elemF32 {
				pos = s.a.f[i+j] > 0
			} else {
				pos = int8(s.a.b[i+j]) > 0
			}
			if pos {
				x |= 1 << j
			}
		}
		b = append(b, x)
	}
	s.out = b
	s.result(ctx, &operand{kind: elemBit, b: b})
	return nil
}

func (s *state) quantizeI8(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load1(ctx, args); null || err != nil {
		return err
	}
	if args[1].Type() == sqlite3.NULL {
		ctx.ResultNull()
		return nil
	}
	if s.a.kind != elemF32 {
		return fmt.Errorf("argument 1: only float32 vectors can be quantized to int8, got %s", s.a.kind)
	}
	if args[1].Type() != sqlite3.TEXT || !strings.EqualFold(args[1].Text(), "unit") {
		return errors.New("argument 2 must be 'unit'")
	}
	s.out = quantizeUnit(s.out[:0], s.a.f)
	s.result(ctx, &operand{kind: elemI8, b: s.out})
	return nil
}

// quantizeUnit maps [-1, 1] onto the 256 int8 values, as sqlite-vec's
// vec_quantize_int8(v, 'unit') does, clamping what lies outside.
func quantizeUnit(dst []byte, v []float32) []byte {
	step := float64(float32(2.0 / 255))
	for _, x := range v {
		q := (float64(x)+1)/step - 128
		q = max(-128, min(127, q))
		dst = append(dst, byte(int8(q)))
	}
	return dst
}
