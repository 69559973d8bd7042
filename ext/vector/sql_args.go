package vector

import (
	"fmt"

	"github.com/ncruces/go-sqlite3"
)

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
	arg := args[i]
	null, err = s.loadValue(arg, i, o, check)
	if null || err != nil {
		return null, err
	}
	// JSON is remembered always (parsing it is the cost); a BLOB only when
	// it is a bound parameter (else it is a stored value, read in place).
	if cache && (arg.Type() == sqlite3.TEXT || arg.FromBind()) {
		s.remember(ctx, i, o)
	}
	return false, nil
}

// loadValue decodes arg, argument i, into o, in s's scratch space.
func (s *state) loadValue(arg sqlite3.Value, i int, o *operand, check bool) (null bool, err error) {
	*o = operand{norm2: -1}
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
// match in type and length. If either is NULL, it sets the result to NULL
// and returns null true, as load1 does.
func (s *state) load2(ctx sqlite3.Context, args []sqlite3.Value, check bool) (null bool, err error) {
	null, err = s.load(ctx, args, 0, &s.a, check, true)
	if !null && err == nil {
		null, err = s.load(ctx, args, 1, &s.b, check, true)
	}
	if null {
		ctx.ResultNull()
	}
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
