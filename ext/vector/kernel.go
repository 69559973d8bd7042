package vector

import (
	"math"
	"math/bits"
)

// The portable float32 kernels below (dotGo, dotNormGo, l2sqGo) are what
// dotF32, dotNormF32 and l2sqF32 run where no vector instructions are used
// (kernel_generic.go, kernel_amd64.go).
//
// The float32 kernels below accumulate in float32 over four independent
// lanes (the loop is unrolled by 8 so that the additions of consecutive
// elements do not wait on each other). Callers check the results: a NaN or an
// infinity in the input, an overflow, or an underflow to zero all show up as
// a non-finite or zero sum, and then the float64 kernels decide.
// All kernels require len(b) >= len(a).

func dotGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	for len(a) >= 8 {
		a8, b8 := a[:8:8], b[:8:8]
		s0 += a8[0]*b8[0] + a8[4]*b8[4]
		s1 += a8[1]*b8[1] + a8[5]*b8[5]
		s2 += a8[2]*b8[2] + a8[6]*b8[6]
		s3 += a8[3]*b8[3] + a8[7]*b8[7]
		a, b = a[8:], b[8:]
	}
	for i := range a {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dotNormGo returns a·b and a·a.
func dotNormGo(a, b []float32) (dot, aa float32) {
	b = b[:len(a)]
	var d0, d1, d2, d3, n0, n1, n2, n3 float32
	for len(a) >= 8 {
		a8, b8 := a[:8:8], b[:8:8]
		x0, x1, x2, x3 := a8[0], a8[1], a8[2], a8[3]
		x4, x5, x6, x7 := a8[4], a8[5], a8[6], a8[7]
		d0 += x0*b8[0] + x4*b8[4]
		d1 += x1*b8[1] + x5*b8[5]
		d2 += x2*b8[2] + x6*b8[6]
		d3 += x3*b8[3] + x7*b8[7]
		n0 += x0*x0 + x4*x4
		n1 += x1*x1 + x5*x5
		n2 += x2*x2 + x6*x6
		n3 += x3*x3 + x7*x7
		a, b = a[8:], b[8:]
	}
	for i, x := range a {
		d0 += x * b[i]
		n0 += x * x
	}
	return (d0 + d1) + (d2 + d3), (n0 + n1) + (n2 + n3)
}

func l2sqGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	for len(a) >= 8 {
		a8, b8 := a[:8:8], b[:8:8]
		t0, t1, t2, t3 := a8[0]-b8[0], a8[1]-b8[1], a8[2]-b8[2], a8[3]-b8[3]
		t4, t5, t6, t7 := a8[4]-b8[4], a8[5]-b8[5], a8[6]-b8[6], a8[7]-b8[7]
		s0 += t0*t0 + t4*t4
		s1 += t1*t1 + t5*t5
		s2 += t2*t2 + t6*t6
		s3 += t3*t3 + t7*t7
		a, b = a[8:], b[8:]
	}
	for i := range a {
		t := a[i] - b[i]
		s0 += t * t
	}
	return (s0 + s1) + (s2 + s3)
}

func l1F32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	for len(a) >= 4 {
		a4, b4 := a[:4:4], b[:4:4]
		s0 += abs32(a4[0] - b4[0])
		s1 += abs32(a4[1] - b4[1])
		s2 += abs32(a4[2] - b4[2])
		s3 += abs32(a4[3] - b4[3])
		a, b = a[4:], b[4:]
	}
	for i := range a {
		s0 += abs32(a[i] - b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}

// float64 kernels: exact enough for every float32 input (no overflow,
// no underflow of squares), used when the float32 ones give up.

func dot64(a, b []float32) float64 {
	var s float64
	for i, x := range a {
		s += float64(x) * float64(b[i])
	}
	return s
}

func l2sq64(a, b []float32) float64 {
	var s float64
	for i, x := range a {
		t := float64(x) - float64(b[i])
		s += t * t
	}
	return s
}

func l1_64(a, b []float32) float64 {
	var s float64
	for i, x := range a {
		s += math.Abs(float64(x) - float64(b[i]))
	}
	return s
}

func finite32(x float32) bool { return x-x == 0 }

// int8 kernels: exact integer arithmetic.

func dotI8(a, b []byte) (dot, aa, bb int64) {
	b = b[:len(a)]
	for i := range a {
		x, y := int64(int8(a[i])), int64(int8(b[i]))
		dot += x * y
		aa += x * x
		bb += y * y
	}
	return dot, aa, bb
}

func l2sqI8(a, b []byte) int64 {
	b = b[:len(a)]
	var s int64
	for i := range a {
		t := int64(int8(a[i])) - int64(int8(b[i]))
		s += t * t
	}
	return s
}

func l1I8(a, b []byte) int64 {
	b = b[:len(a)]
	var s int64
	for i := range a {
		t := int64(int8(a[i])) - int64(int8(b[i]))
		if t < 0 {
			t = -t
		}
		s += t
	}
	return s
}

// hamming counts the differing bits of two bit vectors of the same length.
func hamming(a, b []byte) int {
	b = b[:len(a)]
	n := 0
	for len(a) >= 8 {
		x := uint64(a[0]) | uint64(a[1])<<8 | uint64(a[2])<<16 | uint64(a[3])<<24 |
			uint64(a[4])<<32 | uint64(a[5])<<40 | uint64(a[6])<<48 | uint64(a[7])<<56
		y := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		n += bits.OnesCount64(x ^ y)
		a, b = a[8:], b[8:]
	}
	for i := range a {
		n += bits.OnesCount8(a[i] ^ b[i])
	}
	return n
}
