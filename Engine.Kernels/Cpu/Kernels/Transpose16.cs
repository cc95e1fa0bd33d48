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
    /// dst[i·stride + r] = rows[r][offset + i] for i &lt; <paramref name="depth"/> (≤ 16) and r &lt;
    /// <paramref name="width"/> (≤ 16), reading rows r ≥ <paramref name="count"/> as zeros. Width 16 stores whole
    /// vectors; a narrower one (the 12 rows of an A panel) stores masked, leaving dst[i·stride + width ..]
    /// untouched. Reads are masked to the depth, so nothing past rows[r][offset + depth − 1] is touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block(float** rows, int count, nint offset, float* dst, int stride, int width, int depth)
    {
        Vector512<float> zero = Vector512<float>.Zero, d = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(depth)).AsSingle();
        Vector512<float> r0 = count > 0 ? Avx512F.MaskLoad(rows[0] + offset, d, zero) : zero, r1 = count > 1 ? Avx512F.MaskLoad(rows[1] + offset, d, zero) : zero,
            r2 = count > 2 ? Avx512F.MaskLoad(rows[2] + offset, d, zero) : zero, r3 = count > 3 ? Avx512F.MaskLoad(rows[3] + offset, d, zero) : zero,
            r4 = count > 4 ? Avx512F.MaskLoad(rows[4] + offset, d, zero) : zero, r5 = count > 5 ? Avx512F.MaskLoad(rows[5] + offset, d, zero) : zero,
            r6 = count > 6 ? Avx512F.MaskLoad(rows[6] + offset, d, zero) : zero, r7 = count > 7 ? Avx512F.MaskLoad(rows[7] + offset, d, zero) : zero,
            r8 = count > 8 ? Avx512F.MaskLoad(rows[8] + offset, d, zero) : zero, r9 = count > 9 ? Avx512F.MaskLoad(rows[9] + offset, d, zero) : zero,
            r10 = count > 10 ? Avx512F.MaskLoad(rows[10] + offset, d, zero) : zero, r11 = count > 11 ? Avx512F.MaskLoad(rows[11] + offset, d, zero) : zero,
            r12 = count > 12 ? Avx512F.MaskLoad(rows[12] + offset, d, zero) : zero, r13 = count > 13 ? Avx512F.MaskLoad(rows[13] + offset, d, zero) : zero,
            r14 = count > 14 ? Avx512F.MaskLoad(rows[14] + offset, d, zero) : zero, r15 = count > 15 ? Avx512F.MaskLoad(rows[15] + offset, d, zero) : zero;
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
        Vector512<float> w0 = Avx512F.Shuffle4x128(v0, v8, 0x88), w1 = Avx512F.Shuffle4x128(v1, v9, 0x88),
            w2 = Avx512F.Shuffle4x128(v2, v10, 0x88), w3 = Avx512F.Shuffle4x128(v3, v11, 0x88),
            w4 = Avx512F.Shuffle4x128(v4, v12, 0x88), w5 = Avx512F.Shuffle4x128(v5, v13, 0x88),
            w6 = Avx512F.Shuffle4x128(v6, v14, 0x88), w7 = Avx512F.Shuffle4x128(v7, v15, 0x88),
            w8 = Avx512F.Shuffle4x128(v0, v8, 0xDD), w9 = Avx512F.Shuffle4x128(v1, v9, 0xDD),
            w10 = Avx512F.Shuffle4x128(v2, v10, 0xDD), w11 = Avx512F.Shuffle4x128(v3, v11, 0xDD),
            w12 = Avx512F.Shuffle4x128(v4, v12, 0xDD), w13 = Avx512F.Shuffle4x128(v5, v13, 0xDD),
            w14 = Avx512F.Shuffle4x128(v6, v14, 0xDD), w15 = Avx512F.Shuffle4x128(v7, v15, 0xDD);
        if (width == 16 && depth == 16)
        {
            Vector512.Store(w0, dst); Vector512.Store(w1, dst + stride); Vector512.Store(w2, dst + 2 * stride); Vector512.Store(w3, dst + 3 * stride);
            Vector512.Store(w4, dst + 4 * stride); Vector512.Store(w5, dst + 5 * stride); Vector512.Store(w6, dst + 6 * stride); Vector512.Store(w7, dst + 7 * stride);
            Vector512.Store(w8, dst + 8 * stride); Vector512.Store(w9, dst + 9 * stride); Vector512.Store(w10, dst + 10 * stride); Vector512.Store(w11, dst + 11 * stride);
            Vector512.Store(w12, dst + 12 * stride); Vector512.Store(w13, dst + 13 * stride); Vector512.Store(w14, dst + 14 * stride); Vector512.Store(w15, dst + 15 * stride);
            return;
        }
        Vector512<float> m = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width)).AsSingle();
        Avx512F.MaskStore(dst, m, w0);
        if (depth > 1) Avx512F.MaskStore(dst + stride, m, w1);
        if (depth > 2) Avx512F.MaskStore(dst + 2 * stride, m, w2);
        if (depth > 3) Avx512F.MaskStore(dst + 3 * stride, m, w3);
        if (depth > 4) Avx512F.MaskStore(dst + 4 * stride, m, w4);
        if (depth > 5) Avx512F.MaskStore(dst + 5 * stride, m, w5);
        if (depth > 6) Avx512F.MaskStore(dst + 6 * stride, m, w6);
        if (depth > 7) Avx512F.MaskStore(dst + 7 * stride, m, w7);
        if (depth > 8) Avx512F.MaskStore(dst + 8 * stride, m, w8);
        if (depth > 9) Avx512F.MaskStore(dst + 9 * stride, m, w9);
        if (depth > 10) Avx512F.MaskStore(dst + 10 * stride, m, w10);
        if (depth > 11) Avx512F.MaskStore(dst + 11 * stride, m, w11);
        if (depth > 12) Avx512F.MaskStore(dst + 12 * stride, m, w12);
        if (depth > 13) Avx512F.MaskStore(dst + 13 * stride, m, w13);
        if (depth > 14) Avx512F.MaskStore(dst + 14 * stride, m, w14);
        if (depth > 15) Avx512F.MaskStore(dst + 15 * stride, m, w15);
    }
}
