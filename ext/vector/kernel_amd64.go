//go:build amd64 && !purego

package vector

// On amd64 with AVX2 and FMA, the float32 kernels run 16 elements per step
// in assembly (kernel_amd64.s) and leave the last len%16 to the Go kernels;
// so do the int8 ones (sign-extended to int16, multiplied and added in
// pairs into int32 lanes).

var hasAVX2FMA = detectAVX2FMA()

func detectAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func xgetbv() (eax, edx uint32)

//go:noescape
func dotAVX2(a, b *float32, n int) float32

//go:noescape
func dotNormAVX2(a, b *float32, n int) (dot, aa float32)

//go:noescape
func l2sqAVX2(a, b *float32, n int) float32

func dotF32(a, b []float32) float32 {
	n := len(a) &^ 15
	if !hasAVX2FMA || n == 0 {
		return dotGo(a, b)
	}
	b = b[:len(a)]
	return dotAVX2(&a[0], &b[0], n) + dotGo(a[n:], b[n:])
}

func dotNormF32(a, b []float32) (dot, aa float32) {
	n := len(a) &^ 15
	if !hasAVX2FMA || n == 0 {
		return dotNormGo(a, b)
	}
	b = b[:len(a)]
	d, s := dotNormAVX2(&a[0], &b[0], n)
	d2, s2 := dotNormGo(a[n:], b[n:])
	return d + d2, s + s2
}

func l2sqF32(a, b []float32) float32 {
	n := len(a) &^ 15
	if !hasAVX2FMA || n == 0 {
		return l2sqGo(a, b)
	}
	b = b[:len(a)]
	return l2sqAVX2(&a[0], &b[0], n) + l2sqGo(a[n:], b[n:])
}

//go:noescape
func l2sqI8AVX2(a, b *byte, n int) int32

//go:noescape
func dotI8AVX2(a, b *byte, n int) (dot, aa, bb int32)

// l2sqI8Block and dotI8Block take at most i8Block elements: the int32
// lanes of the assembly cannot overflow.
func l2sqI8Block(a, b []byte) int32 {
	n := len(a) &^ 15
	if !hasAVX2FMA || n == 0 {
		return l2sqI8BlockGo(a, b)
	}
	b = b[:len(a)]
	return l2sqI8AVX2(&a[0], &b[0], n) + l2sqI8BlockGo(a[n:], b[n:])
}

func dotI8Block(a, b []byte) (dot, aa, bb int32) {
	n := len(a) &^ 15
	if !hasAVX2FMA || n == 0 {
		return dotI8BlockGo(a, b)
	}
	b = b[:len(a)]
	d, x, y := dotI8AVX2(&a[0], &b[0], n)
	d2, x2, y2 := dotI8BlockGo(a[n:], b[n:])
	return d + d2, x + x2, y + y2
}

func hasVectorKernels() bool { return hasAVX2FMA }
