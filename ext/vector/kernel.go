package vector

import (
	"encoding/binary"
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

// int8 kernels: exact integer arithmetic. They accumulate in int32 lanes,
// 8 elements per step, over blocks of i8Block elements (short enough that
// no lane can overflow: 2048 steps of 2 squares of at most 255² each), and
// add the blocks up in int64.

const i8Block = 1 << 14

func dotI8(a, b []byte) (dot, aa, bb int64) {
	b = b[:len(a)]
	for len(a) > 0 {
		n := min(len(a), i8Block)
		d, x, y := dotI8Block(a[:n], b[:n])
		dot, aa, bb = dot+int64(d), aa+int64(x), bb+int64(y)
		a, b = a[n:], b[n:]
	}
	return dot, aa, bb
}

func dotI8BlockGo(a, b []byte) (dot, aa, bb int32) {
	b = b[:len(a)]
	var d0, d1, x0, x1, y0, y1 int32
	for len(a) >= 8 {
		a8, b8 := a[:8:8], b[:8:8]
		p0, p1, p2, p3 := int32(int8(a8[0])), int32(int8(a8[1])), int32(int8(a8[2])), int32(int8(a8[3]))
		p4, p5, p6, p7 := int32(int8(a8[4])), int32(int8(a8[5])), int32(int8(a8[6])), int32(int8(a8[7]))
		q0, q1, q2, q3 := int32(int8(b8[0])), int32(int8(b8[1])), int32(int8(b8[2])), int32(int8(b8[3]))
		q4, q5, q6, q7 := int32(int8(b8[4])), int32(int8(b8[5])), int32(int8(b8[6])), int32(int8(b8[7]))
		d0 += p0*q0 + p1*q1 + p2*q2 + p3*q3
		d1 += p4*q4 + p5*q5 + p6*q6 + p7*q7
		x0 += p0*p0 + p1*p1 + p2*p2 + p3*p3
		x1 += p4*p4 + p5*p5 + p6*p6 + p7*p7
		y0 += q0*q0 + q1*q1 + q2*q2 + q3*q3
		y1 += q4*q4 + q5*q5 + q6*q6 + q7*q7
		a, b = a[8:], b[8:]
	}
	for i := range a {
		p, q := int32(int8(a[i])), int32(int8(b[i]))
		d0 += p * q
		x0 += p * p
		y0 += q * q
	}
	return d0 + d1, x0 + x1, y0 + y1
}

func l2sqI8(a, b []byte) int64 {
	b = b[:len(a)]
	var s int64
	for len(a) > 0 {
		n := min(len(a), i8Block)
		s += int64(l2sqI8Block(a[:n], b[:n]))
		a, b = a[n:], b[n:]
	}
	return s
}

func l2sqI8BlockGo(a, b []byte) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	for len(a) >= 8 {
		a8, b8 := a[:8:8], b[:8:8]
		t0 := int32(int8(a8[0])) - int32(int8(b8[0]))
		t1 := int32(int8(a8[1])) - int32(int8(b8[1]))
		t2 := int32(int8(a8[2])) - int32(int8(b8[2]))
		t3 := int32(int8(a8[3])) - int32(int8(b8[3]))
		t4 := int32(int8(a8[4])) - int32(int8(b8[4]))
		t5 := int32(int8(a8[5])) - int32(int8(b8[5]))
		t6 := int32(int8(a8[6])) - int32(int8(b8[6]))
		t7 := int32(int8(a8[7])) - int32(int8(b8[7]))
		s0 += t0*t0 + t4*t4
		s1 += t1*t1 + t5*t5
		s2 += t2*t2 + t6*t6
		s3 += t3*t3 + t7*t7
		a, b = a[8:], b[8:]
	}
	for i := range a {
		t := int32(int8(a[i])) - int32(int8(b[i]))
		s0 += t * t
	}
	return (s0 + s1) + (s2 + s3)
}

func l1I8(a, b []byte) int64 {
	b = b[:len(a)]
	var s int64
	for len(a) >= 4 {
		a4, b4 := a[:4:4], b[:4:4]
		s += abs64(int64(int8(a4[0]))-int64(int8(b4[0]))) + abs64(int64(int8(a4[1]))-int64(int8(b4[1]))) +
			abs64(int64(int8(a4[2]))-int64(int8(b4[2]))) + abs64(int64(int8(a4[3]))-int64(int8(b4[3])))
		a, b = a[4:], b[4:]
	}
	for i := range a {
		s += abs64(int64(int8(a[i])) - int64(int8(b[i])))
	}
	return s
}

func abs64(x int64) int64 {
	m := x >> 63
	return (x ^ m) - m
}

// hamming counts the differing bits of two bit vectors of the same length.
func hamming(a, b []byte) int {
	b = b[:len(a)]
	n := 0
	for len(a) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(a) ^ binary.LittleEndian.Uint64(b))
		a, b = a[8:], b[8:]
	}
	for i := range a {
		n += bits.OnesCount8(a[i] ^ b[i])
	}
	return n
}
