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
