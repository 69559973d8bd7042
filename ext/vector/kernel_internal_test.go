package vector

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

func benchVecs(n int) (a, b []float32) {
	r := rand.New(rand.NewPCG(1, 2))
	a, b = make([]float32, n), make([]float32, n)
	for i := range a {
		a[i], b[i] = r.Float32(), r.Float32()
	}
	return a, b
}

var sink float32

func BenchmarkKernel(b *testing.B) {
	x, y := benchVecs(384)
	b.Run("naive3", func(b *testing.B) {
		for b.Loop() {
			var dot, na, nb float32
			for i := range x {
				dot += x[i] * y[i]
				na += x[i] * x[i]
				nb += y[i] * y[i]
			}
			sink += dot + na + nb
		}
	})
	b.Run("dotNorm", func(b *testing.B) {
		for b.Loop() {
			d, n := dotNormF32(x, y)
			sink += d + n
		}
	})
	b.Run("dot", func(b *testing.B) {
		for b.Loop() {
			sink += dotF32(x, y)
		}
	})
}

// TestKernels compares the kernels in use (assembly where the CPU has it)
// with the portable ones, on every length up to 200.
func TestKernels(t *testing.T) {
	t.Logf("hasAVX2FMA: %v", hasVectorKernels())
	x, y := benchVecs(200)
	near := func(a, b float32) bool {
		d := a - b
		return d*d <= 1e-8*max(1, a*a)
	}
	for n := range 200 {
		a, b := x[:n], y[:n]
		if g, w := dotF32(a, b), dotGo(a, b); !near(g, w) {
			t.Errorf("dot n=%d: %v, want %v", n, g, w)
		}
		gd, gn := dotNormF32(a, b)
		wd, wn := dotNormGo(a, b)
		if !near(gd, wd) || !near(gn, wn) {
			t.Errorf("dotNorm n=%d: %v %v, want %v %v", n, gd, gn, wd, wn)
		}
		if g, w := l2sqF32(a, b), l2sqGo(a, b); !near(g, w) {
			t.Errorf("l2sq n=%d: %v, want %v", n, g, w)
		}
	}
	if hamming([]byte{0xff, 1, 2, 3, 4, 5, 6, 7, 8}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 9}) != 9 {
		t.Error("hamming")
	}
}

// TestIntKernels checks the int8 and bit kernels against plain loops, on
// lengths around the unrolled steps and the int32 block, with the extreme
// values that could overflow a lane.
func TestIntKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for _, n := range []int{1, 7, 8, 9, 383, 384, i8Block - 1, i8Block, i8Block + 9, 3*i8Block + 5} {
		for _, extreme := range []bool{false, true} {
			a, b := make([]byte, n), make([]byte, n)
			for i := range a {
				a[i], b[i] = byte(r.IntN(256)), byte(r.IntN(256))
				if extreme {
					a[i], b[i] = 0x80, 0x7f // -128 and 127
				}
			}
			var dot, aa, bb, l2, l1 int64
			ham := 0
			for i := range a {
				x, y := int64(int8(a[i])), int64(int8(b[i]))
				dot, aa, bb = dot+x*y, aa+x*x, bb+y*y
				l2 += (x - y) * (x - y)
				l1 += max(x-y, y-x)
				ham += bits.OnesCount8(a[i] ^ b[i])
			}
			d, x, y := dotI8(a, b)
			if d != dot || x != aa || y != bb || l2sqI8(a, b) != l2 || l1I8(a, b) != l1 || hamming(a, b) != ham {
				t.Errorf("n=%d extreme=%v: dot %d %d %d, l2 %d, l1 %d, hamming %d; want %d %d %d, %d, %d, %d",
					n, extreme, d, x, y, l2sqI8(a, b), l1I8(a, b), hamming(a, b), dot, aa, bb, l2, l1, ham)
			}
		}
	}
}
