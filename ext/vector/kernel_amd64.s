//go:build amd64 && !purego

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// HSUM leaves in X0 the sum of the 8 lanes of Y0.
#define HSUM \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS       X1, X0, X0 \
	VHADDPS      X0, X0, X0 \
	VHADDPS      X0, X0, X0

// func dotAVX2(a, b *float32, n int) float32
// n is a positive multiple of 16.
TEXT ·dotAVX2(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1

dotloop:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JNZ         dotloop

	VADDPS Y1, Y0, Y0
	HSUM
	VZEROUPPER
	MOVSS  X0, ret+24(FP)
	RET

// func dotNormAVX2(a, b *float32, n int) (dot, aa float32)
// n is a positive multiple of 16.
TEXT ·dotNormAVX2(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

dotnormloop:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS Y4, Y4, Y2
	VFMADD231PS Y5, Y5, Y3
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JNZ         dotnormloop

	VADDPS Y3, Y2, Y2
	VADDPS Y1, Y0, Y0
	HSUM
	MOVSS  X0, dot+24(FP)
	VMOVAPS Y2, Y0
	HSUM
	VZEROUPPER
	MOVSS  X0, aa+28(FP)
	RET

// func l2sqAVX2(a, b *float32, n int) float32
// n is a positive multiple of 16.
TEXT ·l2sqAVX2(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1

l2loop:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VSUBPS      (DI), Y4, Y4
	VSUBPS      32(DI), Y5, Y5
	VFMADD231PS Y4, Y4, Y0
	VFMADD231PS Y5, Y5, Y1
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JNZ         l2loop

	VADDPS Y1, Y0, Y0
	HSUM
	VZEROUPPER
	MOVSS  X0, ret+24(FP)
	RET

// IHSUM leaves in the low lane of X(r) the sum of the 8 int32 lanes of Y(r),
// with X7 as scratch.
#define IHSUM(r, x) \
	VEXTRACTI128 $1, r, X7 \
	VPADDD       X7, x, x \
	VPSHUFD      $0x4e, x, X7 \
	VPADDD       X7, x, x \
	VPSHUFD      $0xb1, x, X7 \
	VPADDD       X7, x, x

// func l2sqI8AVX2(a, b *byte, n int) int32
// n is a positive multiple of 16, at most i8Block.
TEXT ·l2sqI8AVX2(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VPXOR Y0, Y0, Y0

l2i8loop:
	VPMOVSXBW (SI), Y1
	VPMOVSXBW (DI), Y2
	VPSUBW    Y2, Y1, Y1
	VPMADDWD  Y1, Y1, Y1
	VPADDD    Y1, Y0, Y0
	ADDQ      $16, SI
	ADDQ      $16, DI
	SUBQ      $16, CX
	JNZ       l2i8loop

	IHSUM(Y0, X0)
	VMOVD X0, AX
	MOVL  AX, ret+24(FP)
	VZEROUPPER
	RET

// func dotI8AVX2(a, b *byte, n int) (dot, aa, bb int32)
// n is a positive multiple of 16, at most i8Block.
TEXT ·dotI8AVX2(SB), NOSPLIT, $0-36
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2

doti8loop:
	VPMOVSXBW (SI), Y4
	VPMOVSXBW (DI), Y5
	VPMADDWD  Y4, Y5, Y6
	VPADDD    Y6, Y0, Y0
	VPMADDWD  Y4, Y4, Y6
	VPADDD    Y6, Y1, Y1
	VPMADDWD  Y5, Y5, Y6
	VPADDD    Y6, Y2, Y2
	ADDQ      $16, SI
	ADDQ      $16, DI
	SUBQ      $16, CX
	JNZ       doti8loop

	IHSUM(Y0, X0)
	IHSUM(Y1, X1)
	IHSUM(Y2, X2)
	VMOVD X0, AX
	MOVL  AX, dot+24(FP)
	VMOVD X1, AX
	MOVL  AX, aa+28(FP)
	VMOVD X2, AX
	MOVL  AX, bb+32(FP)
	VZEROUPPER
	RET
