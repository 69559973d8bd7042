package vector

import (
	"errors"
	"fmt"
	"math"

	"github.com/ncruces/go-sqlite3"
)

func (s *state) cosineSimilarity(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.cosine(ctx, args, false)
}

func (s *state) cosineDistance(ctx sqlite3.Context, args []sqlite3.Value) error {
	return s.cosine(ctx, args, true)
}

func (s *state) cosine(ctx sqlite3.Context, args []sqlite3.Value, distance bool) error {
	if null, err := s.load2(ctx, args, false); null || err != nil {
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
		return err
	}
	if s.a.kind != elemBit {
		return fmt.Errorf("cannot compute the Hamming distance of %s vectors; use vec_bit or vec_quantize_binary", s.a.kind)
	}
	ctx.ResultFloat(float64(hamming(s.a.b, s.b.b)))
	return nil
}
