//go:build !amd64 || purego

package vector

func dotF32(a, b []float32) float32 { return dotGo(a, b) }

func dotNormF32(a, b []float32) (dot, aa float32) { return dotNormGo(a, b) }

func l2sqF32(a, b []float32) float32 { return l2sqGo(a, b) }

func dotI8Block(a, b []byte) (dot, aa, bb int32) { return dotI8BlockGo(a, b) }

func l2sqI8Block(a, b []byte) int32 { return l2sqI8BlockGo(a, b) }

func hasVectorKernels() bool { return false }
