//go:build !amd64 || purego

package vector

func dotF32(a, b []float32) float32 { return dotGo(a, b) }

func dotNormF32(a, b []float32) (dot, aa float32) { return dotNormGo(a, b) }

func l2sqF32(a, b []float32) float32 { return l2sqGo(a, b) }

func hasVectorKernels() bool { return false }
