package vector

import (
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
