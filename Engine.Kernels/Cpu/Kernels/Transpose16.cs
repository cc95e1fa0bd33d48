using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// 16 × 16 float transposes in AVX-512 registers (callers check <see cref="Avx512F.IsSupported"/>), for packing
/// GEMM operands whose stored rows run across the panel: a non-transposed A, a transposed B, the
/// transposed column matrix of a convolution. The classic 4 stages: interleave 32-bit elements, then
/// 64-bit pairs, then 128-bit lanes twice.
/// </summary>
internal static unsafe class Transpose16
{
    /// <summary>
    /// dst[i·stride + r] = rows[r][offset + i] for i &lt; 16 and r &lt; <paramref name="width"/>, reading rows
    /// r ≥ <paramref name="count"/> as zeros. Width 16 stores whole vectors; a narrower one (the 12 rows of
    /// an A panel) stores masked, leaving dst[i·stride + width ..] untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(float** rows, int count, nint offset, float* dst, int stride, int width)
    {
        Vector512<float> Row(int r) => r < count ? Vector512.Load(rows[r] + offset) : Vector512<float>.Zero;
        Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width)).AsSingle();
        void Put(int i, Vector512<float> v)
        {
            if (width == 16) Vector512.Store(v, dst + i * stride);
            else Avx512F.MaskStore(dst + i * stride, mask, v);
        }
        Vector512<float> r0 = Row(0), r1 = Row(1), r2 = Row(2), r3 = Row(3), r4 = Row(4), r5 = Row(5), r6 = Row(6), r7 = Row(7),
            r8 = Row(8), r9 = Row(9), r10 = Row(10), r11 = Row(11), r12 = Row(12), r13 = Row(13), r14 = Row(14), r15 = Row(15);
        // Within each 128-bit lane k: t(2i) = rows 2i, 2i+1 at columns 4k, 4k+1; t(2i+1) at 4k+2, 4k+3.
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3),
            t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5), t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7),
            t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9), t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11),
            t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13), t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);
        // u(4g + m), lane k = column 4k + m of rows 4g .. 4g + 3.
        Vector512<float> u0 = Avx512F.Shuffle(t0, t2, 0x44), u1 = Avx512F.Shuffle(t0, t2, 0xEE), u2 = Avx512F.Shuffle(t1, t3, 0x44), u3 = Avx512F.Shuffle(t1, t3, 0xEE),
            u4 = Avx512F.Shuffle(t4, t6, 0x44), u5 = Avx512F.Shuffle(t4, t6, 0xEE), u6 = Avx512F.Shuffle(t5, t7, 0x44), u7 = Avx512F.Shuffle(t5, t7, 0xEE),
            u8 = Avx512F.Shuffle(t8, t10, 0x44), u9 = Avx512F.Shuffle(t8, t10, 0xEE), u10 = Avx512F.Shuffle(t9, t11, 0x44), u11 = Avx512F.Shuffle(t9, t11, 0xEE),
            u12 = Avx512F.Shuffle(t12, t14, 0x44), u13 = Avx512F.Shuffle(t12, t14, 0xEE), u14 = Avx512F.Shuffle(t13, t15, 0x44), u15 = Avx512F.Shuffle(t13, t15, 0xEE);
        // v(m), m < 8: columns m and m + 8 of rows 0-7 (lanes: col m rows 0-3, col m + 8 rows 0-3, col m rows 4-7,
        // col m + 8 rows 4-7); v(m + 8): the same for rows 8-15.
        Vector512<float> v0 = Avx512F.Shuffle4x128(u0, u4, 0x88), v1 = Avx512F.Shuffle4x128(u1, u5, 0x88), v2 = Avx512F.Shuffle4x128(u2, u6, 0x88), v3 = Avx512F.Shuffle4x128(u3, u7, 0x88),
            v4 = Avx512F.Shuffle4x128(u0, u4, 0xDD), v5 = Avx512F.Shuffle4x128(u1, u5, 0xDD), v6 = Avx512F.Shuffle4x128(u2, u6, 0xDD), v7 = Avx512F.Shuffle4x128(u3, u7, 0xDD),
            v8 = Avx512F.Shuffle4x128(u8, u12, 0x88), v9 = Avx512F.Shuffle4x128(u9, u13, 0x88), v10 = Avx512F.Shuffle4x128(u10, u14, 0x88), v11 = Avx512F.Shuffle4x128(u11, u15, 0x88),
            v12 = Avx512F.Shuffle4x128(u8, u12, 0xDD), v13 = Avx512F.Shuffle4x128(u9, u13, 0xDD), v14 = Avx512F.Shuffle4x128(u10, u14, 0xDD), v15 = Avx512F.Shuffle4x128(u11, u15, 0xDD);
        // Column m of all 16 rows, then column m + 8.
        Put(0, Avx512F.Shuffle4x128(v0, v8, 0x88));
        Put(1, Avx512F.Shuffle4x128(v1, v9, 0x88));
        Put(2, Avx512F.Shuffle4x128(v2, v10, 0x88));
        Put(3, Avx512F.Shuffle4x128(v3, v11, 0x88));
        Put(4, Avx512F.Shuffle4x128(v4, v12, 0x88));
        Put(5, Avx512F.Shuffle4x128(v5, v13, 0x88));
        Put(6, Avx512F.Shuffle4x128(v6, v14, 0x88));
        Put(7, Avx512F.Shuffle4x128(v7, v15, 0x88));
        Put(8, Avx512F.Shuffle4x128(v0, v8, 0xDD));
        Put(9, Avx512F.Shuffle4x128(v1, v9, 0xDD));
        Put(10, Avx512F.Shuffle4x128(v2, v10, 0xDD));
        Put(11, Avx512F.Shuffle4x128(v3, v11, 0xDD));
        Put(12, Avx512F.Shuffle4x128(v4, v12, 0xDD));
        Put(13, Avx512F.Shuffle4x128(v5, v13, 0xDD));
        Put(14, Avx512F.Shuffle4x128(v6, v14, 0xDD));
        Put(15, Avx512F.Shuffle4x128(v7, v15, 0xDD));
    }
}
