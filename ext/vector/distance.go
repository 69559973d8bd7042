package vector

import (
	"fmt"
	"math"
)

// tiny is the smallest float32 sum of squares trusted without a float64
// recount: below it, squares of small elements may have underflowed.
const tiny = 1e-30

// CosineSimilarity returns a·b / (|a| |b|), in [-1, 1], like the SQL
// function cosine_similarity. It fails if the lengths differ, an element is
// not finite, or either vector is zero.
func CosineSimilarity(a, b []float32) (float64, error) {
	return pairwise("CosineSimilarity", a, b, cosineGo)
}

// CosineDistance returns 1 - [CosineSimilarity](a, b), in [0, 2], like the
// SQL function vec_distance_cosine.
func CosineDistance(a, b []float32) (float64, error) {
	sim, err := pairwise("CosineDistance", a, b, cosineGo)
	if err != nil {
		return 0, err
	}
	return 1 - sim, nil
}

// L2Distance returns the Euclidean distance between a and b, like the SQL
// function vec_distance_l2 (the square root of the sum of squared
// differences; vec1's distance is the square of it).
func L2Distance(a, b []float32) (float64, error) {
	return pairwise("L2Distance", a, b, l2F32)
}

// L1Distance returns the sum of absolute differences between a and b, like
// the SQL function vec_distance_l1.
func L1Distance(a, b []float32) (float64, error) {
	return pairwise("L1Distance", a, b, l1F32Checked)
}

// Dot returns the dot product a·b, like the SQL function vec_dot.
func Dot(a, b []float32) (float64, error) {
	return pairwise("Dot", a, b, dotChecked)
}

// pairwise checks a and b with checkPair and applies f to them; an error
// names fn, the exported function.
func pairwise(fn string, a, b []float32, f func(a, b []float32) (float64, error)) (float64, error) {
	d, err := 0.0, checkPair(a, b)
	if err == nil {
		d, err = f(a, b)
	}
	if err != nil {
		return 0, fmt.Errorf("vector: %s: %w", fn, err)
	}
	return d, nil
}

func checkPair(a, b []float32) error {
	if len(a) == 0 {
		return fmt.Errorf("argument 1: %w: empty vector", ErrMalformed)
	}
	if len(b) == 0 {
		return fmt.Errorf("argument 2: %w: empty vector", ErrMalformed)
	}
	if len(a) != len(b) {
		return fmt.Errorf("%w: first vector has %d dimensions, second has %d", ErrDimensionMismatch, len(a), len(b))
	}
	return nil
}

// cosineGo is the cosine similarity of a and b, which checkPair passed.
func cosineGo(a, b []float32) (float64, error) {
	x, y := operand{f: a, norm2: -1}, operand{f: b, norm2: -1}
	return cosineOperands(&x, &y)
}

// checkPairFinite reports the first non-finite element of a or b.
func checkPairFinite(a, b []float32) error {
	if err := checkFinite(a); err != nil {
		return fmt.Errorf("argument 1: %w", err)
	}
	if err := checkFinite(b); err != nil {
		return fmt.Errorf("argument 2: %w", err)
	}
	return nil
}

// cosineSlow is the float64 path of the cosine, taken when the float32 sums
// are not finite or too small to trust.
func cosineSlow(a, b []float32) (float64, error) {
	if err := checkPairFinite(a, b); err != nil {
		return 0, err
	}
	aa, bb := dot64(a, a), dot64(b, b)
	if aa == 0 {
		return 0, fmt.Errorf("argument 1 is a %w: cosine is undefined", ErrZeroVector)
	}
	if bb == 0 {
		return 0, fmt.Errorf("argument 2 is a %w: cosine is undefined", ErrZeroVector)
	}
	return clamp1(dot64(a, b) / (math.Sqrt(aa) * math.Sqrt(bb))), nil
}

func cosineI8(a, b []byte) (float64, error) {
	dot, aa, bb := dotI8(a, b)
	if aa == 0 {
		return 0, fmt.Errorf("argument 1 is a %w: cosine is undefined", ErrZeroVector)
	}
	if bb == 0 {
		return 0, fmt.Errorf("argument 2 is a %w: cosine is undefined", ErrZeroVector)
	}
	return clamp1(float64(dot) / (math.Sqrt(float64(aa)) * math.Sqrt(float64(bb)))), nil
}

// clamp1 keeps a cosine computed with rounding errors within [-1, 1].
func clamp1(x float64) float64 {
	return max(-1, min(1, x))
}

func l2F32(a, b []float32) (float64, error) {
	if s := l2sqF32(a, b); finite32(s) {
		return math.Sqrt(float64(s)), nil
	}
	if err := checkPairFinite(a, b); err != nil {
		return 0, err
	}
	return math.Sqrt(l2sq64(a, b)), nil
}

func l1F32Checked(a, b []float32) (float64, error) {
	if s := l1F32(a, b); finite32(s) {
		return float64(s), nil
	}
	if err := checkPairFinite(a, b); err != nil {
		return 0, err
	}
	return l1_64(a, b), nil
}

func dotChecked(a, b []float32) (float64, error) {
	if s := dotF32(a, b); finite32(s) {
		return float64(s), nil
	}
	if err := checkPairFinite(a, b); err != nil {
		return 0, err
	}
	return dot64(a, b), nil
}
