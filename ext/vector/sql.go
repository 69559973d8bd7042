package vector

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// Subtypes sqlite-vec gives its results, so that int8 and bit vectors, which
// are plain BLOBs in storage, are told apart from float32 ones inside an
// expression. jsonSubtype is SQLite's own, set by json() and vec_to_json.
const (
	subtypeF32  = 223
	subtypeBit  = 224
	subtypeI8   = 225
	jsonSubtype = 74
)

type elem uint8

const (
	elemF32 elem = iota
	elemI8
	elemBit
)

func (e elem) String() string {
	switch e {
	case elemI8:
		return "int8"
	case elemBit:
		return "bit"
	}
	return "float32"
}

func (e elem) subtype() uint {
	switch e {
	case elemI8:
		return subtypeI8
	case elemBit:
		return subtypeBit
	}
	return subtypeF32
}

// Register registers the vector SQL functions (see the package
// documentation) on a connection.
//
// https://sqlite.org/c3ref/create_function.html
func Register(db *sqlite3.Conn) error {
	const (
		pure = sqlite3.DETERMINISTIC | sqlite3.INNOCUOUS
		in   = pure | sqlite3.SUBTYPE
		out  = in | sqlite3.RESULT_SUBTYPE
	)
	s := &state{}
	fn := func(name string, nArg int, flag sqlite3.FunctionFlag, f func(*state, sqlite3.Context, []sqlite3.Value) error) error {
		return db.CreateFunction(name, nArg, flag, func(ctx sqlite3.Context, args ...sqlite3.Value) {
			if err := f(s, ctx, args); err != nil {
				ctx.ResultError(fmt.Errorf("vector: %s: %w", name, err))
			}
		})
	}
	return errors.Join(
		fn("cosine_similarity", 2, in, (*state).cosineSimilarity),
		fn("vec_distance_cosine", 2, in, (*state).cosineDistance),
		fn("vec_distance_l2", 2, in, (*state).l2Distance),
		fn("vec_distance_l1", 2, in, (*state).l1Distance),
		fn("vec_distance_hamming", 2, in, (*state).hammingDistance),
		fn("vec_dot", 2, in, (*state).dotProduct),
		fn("vec_f32", 1, out, (*state).vecF32),
		fn("vec_int8", 1, out, (*state).vecI8),
		fn("vec_bit", 1, out, (*state).vecBit),
		fn("vec_to_json", 1, out, (*state).toJSON),
		fn("vec_length", 1, in, (*state).length),
		fn("vec_type", 1, in, (*state).vecType),
		fn("vec_normalize", 1, out, (*state).normalize),
		fn("vec_add", 2, out, (*state).add),
		fn("vec_sub", 2, out, (*state).sub),
		fn("vec_slice", 3, out, (*state).slice),
		fn("vec_quantize_binary", 1, out, (*state).quantizeBinary),
		fn("vec_quantize_int8", 2, out, (*state).quantizeI8),
	)
}

// state is the per-connection scratch space of the functions. SQLite calls
// the functions of one connection one at a time and they never call back
// into SQL, so one set of buffers per connection suffices, and a row costs
// no allocation.
type state struct {
	a, b    operand
	scratch [2][]float32
	floats  []float32
	out     []byte
}

// operand is a decoded vector argument.
type operand struct {
	kind  elem
	f     []float32 // elements of a float32 vector
	b     []byte    // bytes of an int8 or bit vector
	norm2 float64   // f·f, or -1 if not known yet
	c     *cached   // where norm2 is remembered, if the argument is cached
}

func (o *operand) dims() int {
	switch o.kind {
	case elemF32:
		return len(o.f)
	case elemBit:
		return 8 * len(o.b)
	}
	return len(o.b)
}

// cached is a decoded constant argument (a bound parameter or a literal),
// kept by SQLite with sqlite3_set_auxdata for the rest of the statement, so
// that the query vector of a scan is decoded, checked and measured once.
type cached struct {
	kind  elem
	f     []float32
	b     []byte
	norm2 float64
}

// load decodes argument i into o. It reports null when the argument is NULL.
// With check, float32 elements are checked to be finite; distance functions
// skip that and check their result instead. With cache, constant arguments
// are remembered across rows.
func (s *state) load(ctx sqlite3.Context, args []sqlite3.Value, i int, o *operand, check, cache bool) (null bool, err error) {
	if cache {
		if c, ok := ctx.GetAuxData(i).(*cached); ok {
			*o = operand{kind: c.kind, f: c.f, b: c.b, norm2: c.norm2, c: c}
			return false, nil
		}
	}
	*o = operand{norm2: -1}
	arg := args[i]
	typ := arg.Type()
	switch typ {
	case sqlite3.NULL:
		return true, nil
	case sqlite3.BLOB, sqlite3.TEXT:
	default:
		return false, fmt.Errorf("argument %d: %w: expected a BLOB or JSON text, got %s", i+1, ErrMalformed, typ)
	}
	switch st := arg.Subtype(); st {
	case 0, subtypeF32, jsonSubtype:
		o.kind = elemF32
	case subtypeI8:
		o.kind = elemI8
	case subtypeBit:
		o.kind = elemBit
	default:
		return false, fmt.Errorf("argument %d: %w: unknown subtype %d", i+1, ErrMalformed, st)
	}
	if typ == sqlite3.BLOB {
		raw := arg.RawBlob()
		switch o.kind {
		case elemF32:
			if err := checkBlob(raw); err != nil {
				return false, fmt.Errorf("argument %d: %w", i+1, err)
			}
			o.f = view(raw, &s.scratch[i&1])
		default:
			if len(raw) == 0 {
				return false, fmt.Errorf("argument %d: %w: empty BLOB", i+1, ErrMalformed)
			}
			o.b = raw
		}
		if check && o.kind == elemF32 {
			if err := checkFinite(o.f); err != nil {
				return false, fmt.Errorf("argument %d: %w", i+1, err)
			}
		}
		if cache && arg.FromBind() {
			s.remember(ctx, i, o)
		}
		return false, nil
	}

	// JSON text.
	if o.kind == elemBit {
		return false, fmt.Errorf("argument %d: %w: a bit vector must be a BLOB", i+1, ErrMalformed)
	}
	f, err := appendJSON(s.scratch[i&1][:0], arg.RawText())
	s.scratch[i&1] = f[:0]
	if err != nil {
		return false, fmt.Errorf("argument %d: %w", i+1, err)
	}
	if o.kind == elemI8 {
		b := make([]byte, len(f))
		for j, x := range f {
			if x != float32(int8(x)) || x < -128 || x > 127 {
				return false, fmt.Errorf("argument %d: %w: element %d (%g) is not an integer in [-128, 127]",
					i+1, ErrMalformed, j, x)
			}
			b[j] = byte(int8(x))
		}
		o.b = b
	} else {
		o.f = f
	}
	if cache {
		s.remember(ctx, i, o)
	}
	return false, nil
}

// remember copies o into a cache entry kept by SQLite for argument i.
// Elements are checked here once; a bad constant is then reported by
// the distance function, which sees a non-finite result.
func (s *state) remember(ctx sqlite3.Context, i int, o *operand) {
	if o.kind == elemF32 && checkFinite(o.f) != nil {
		return
	}
	c := &cached{kind: o.kind, norm2: -1}
	if o.kind == elemF32 {
		c.f = append([]float32(nil), o.f...)
	} else {
		c.b = append([]byte(nil), o.b...)
	}
	ctx.SetAuxData(i, c)
	o.f, o.b, o.c = c.f, c.b, c
}

// load2 decodes both arguments of a binary function and checks that they
// match in type and length.
func (s *state) load2(ctx sqlite3.Context, args []sqlite3.Value, check bool) (null bool, err error) {
	null, err = s.load(ctx, args, 0, &s.a, check, true)
	if null || err != nil {
		return null, err
	}
	null, err = s.load(ctx, args, 1, &s.b, check, true)
	if null || err != nil {
		return null, err
	}
	if s.a.kind != s.b.kind {
		return false, fmt.Errorf("type mismatch: first vector is %s, second is %s", s.a.kind, s.b.kind)
	}
	if da, db := s.a.dims(), s.b.dims(); da != db {
		return false, fmt.Errorf("%w: first vector has %d dimensions, second has %d", ErrDimensionMismatch, da, db)
	}
	return false, nil
}

func (s *state) cosineSimilarity(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.cosine(ctx, args, false)
}

func (s *state) cosineDistance(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.cosine(ctx, args, true)
}

func (s *state) cosine(ctx sqlite3.Context, args []sqlite3.Value, distance bool) error {
	if null, err := s.load2(ctx, args, false); null || err != nil {
		ctx.ResultNull()
		return err
	}
	var sim float64
	var err error
	switch s.a.kind {
	case elemF32:
		sim, err = cosineOperands(&s.a, &s.b)
	case elemI8:
		sim, err = cosineI8(s.a.b, s.b.b)
	default:
		return errors.New("cannot compute the cosine of bit vectors; use vec_distance_hamming")
	}
	if err != nil {
		return err
	}
	if distance {
		sim = 1 - sim
	}
	ctx.ResultFloat(sim)
	return nil
}

// cosineOperands computes the cosine similarity of two float32 operands,
// using and filling in the norm cached with a constant argument.
func cosineOperands(a, b *operand) (float64, error) {
	x, y := a, b // y is the constant one, if any
	if a.c != nil && b.c == nil {
		x, y = b, a
	}
	dot, xx := dotNormF32(x.f, y.f)
	var yy float64
	if y.c != nil {
		if y.c.norm2 < 0 {
			y.c.norm2 = dot64(y.f, y.f)
		}
		yy = y.c.norm2
	} else {
		yy = float64(dotF32(y.f, y.f))
	}
	if !finite32(dot) || !finite32(xx) || xx < tiny || !(yy >= tiny) || math.IsInf(yy, 0) {
		return cosineSlow(a.f, b.f)
	}
	return clamp1(float64(dot) / math.Sqrt(float64(xx)*yy)), nil
}

func (s *state) l2Distance(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load2(ctx, args, false); null || err != nil {
		ctx.ResultNull()
		return err
	}
	switch s.a.kind {
	case elemF32:
		d, err := l2F32(s.a.f, s.b.f)
		if err != nil {
			return err
		}
		ctx.ResultFloat(d)
	case elemI8:
		ctx.ResultFloat(math.Sqrt(float64(l2sqI8(s.a.b, s.b.b))))
	default:
		return errors.New("cannot compute the L2 distance of bit vectors; use vec_distance_hamming")
	}
	return nil
}

func (s *state) l1Distance(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load2(ctx, args, false); null || err != nil {
		ctx.ResultNull()
		return err
	}
	switch s.a.kind {
	case elemF32:
		d, err := l1F32Checked(s.a.f, s.b.f)
		if err != nil {
			return err
		}
		ctx.ResultFloat(d)
	case elemI8:
		ctx.ResultInt64(l1I8(s.a.b, s.b.b))
	default:
		return errors.New("cannot compute the L1 distance of bit vectors; use vec_distance_hamming")
	}
	return nil
}

func (s *state) dotProduct(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load2(ctx, args, false); null || err != nil {
		ctx.ResultNull()
		return err
	}
	switch s.a.kind {
	case elemF32:
		d, err := dotChecked(s.a.f, s.b.f)
		if err != nil {
			return err
		}
		ctx.ResultFloat(d)
	case elemI8:
		d, _, _ := dotI8(s.a.b, s.b.b)
		ctx.ResultInt64(d)
	default:
		return errors.New("cannot compute the dot product of bit vectors")
	}
	return nil
}

func (s *state) hammingDistance(ctx sqlite3.Context, args []sqlite3.Value) error {
	if null, err := s.load2(ctx, args, false); null || err != nil {
		ctx.ResultNull()
		return err
	}
	if s.a.kind != elemBit {
		return fmt.Errorf("cannot compute the Hamming distance of %s vectors; use vec_bit or vec_quantize_binary", s.a.kind)
	}
	ctx.ResultFloat(float64(hamming(s.a.b, s.b.b)))
	return nil
}

// load1 decodes and checks the single vector argument of a function.
func (s *state) load1(ctx sqlite3.Context, args []sqlite3.Value) (null bool, err error) {
	null, err = s.load(ctx, args, 0, &s.a, true, false)
	if null {
		ctx.ResultNull()
	}
	return null, err
}

// result sets the vector o as the result, with its sqlite-vec subtype.
func (s *state) result(ctx sqlite3.Context, o *operand) {
	if o.kind == elemF32 {
		s.out = AppendEncode(s.out[:0], o.f)
		ctx.ResultBlob(s.out)
	} else {
		ctx.ResultBlob(o.b)
	}
	ctx.ResultSubtype(o.kind.subtype())
}

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
		ctx.ResultNull()
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
