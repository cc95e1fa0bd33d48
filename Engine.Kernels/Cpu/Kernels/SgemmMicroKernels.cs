using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

// The innermost step: one packed A panel (kc, MR) times one packed B panel (kc, NR) into the top-left
// mr × nr corner of an MR × NR tile of C, C = α·AB + β·C with β = 0 never reading C. Versions, picked by
// what the processor has:
//  - AVX-512: the 12 × 32 tile in 24 zmm accumulators, per depth step 2 loads of B, 12 broadcasts of A and
//    24 FMAs (FMA-bound, not load-bound), or a 6 × 32 half when at most 6 rows are wanted (small output
//    channel counts). Edge tiles are written directly with masked loads and stores. Gated on
//    Avx512F.IsSupported rather than Vector512.IsHardwareAccelerated, which .NET reports false on
//    Skylake/Cascade Lake servers (to avoid clock throttling in mixed code) although the instructions
//    run at full width.
//  - AVX2 + FMA: 6 × 16 quarters, 12 ymm accumulators each (16 ymm registers in all); edge tiles go
//    through a scratch tile.
//  - scalar, for everything else.
internal static unsafe partial class Sgemm
{
    /// <summary>One micro-tile of C at <paramref name="c"/> (row stride <paramref name="ldc"/>), of which the
    /// top-left <paramref name="mr"/> × <paramref name="nr"/> corner is inside C.</summary>
    private static void MicroTile(float* a, float* b, int kc, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        if (Avx512F.IsSupported)
        {
            if (mr <= 6) Kernel6x32Avx512(a, b, kc, c, ldc, mr, nr, alpha, beta);
            else Kernel12x32Avx512(a, b, kc, c, ldc, mr, nr, alpha, beta);
            return;
        }
        if (mr == MR && nr == NR)
        {
            KernelFallback(a, b, kc, MR, c, ldc, alpha, beta);
            return;
        }
        // Edge tile: compute the rows needed into a scratch tile, then merge the part inside C.
        float* tile = stackalloc float[MR * NR];
        KernelFallback(a, b, kc, mr, tile, NR, 1f, 0f);
        for (int r = 0; r < mr; r++)
        {
            float* src = tile + r * NR, dst = c + (long)r * ldc;
            if (beta == 0f)
                for (int j = 0; j < nr; j++) dst[j] = alpha * src[j];
            else
                for (int j = 0; j < nr; j++) dst[j] = alpha * src[j] + beta * dst[j];
        }
    }

    /// <summary>The first <paramref name="rows"/> (6 or 12, rounded up) rows of the tile without AVX-512.</summary>
    private static void KernelFallback(float* a, float* b, int kc, int rows, float* c, int ldc, float alpha, float beta)
    {
        if (Fma.IsSupported)
        {
            // Quarters (rows 0-5 | 6-11) × (columns 0-15 | 16-31) of the packed panels.
            for (int r = 0; r < rows; r += 6)
                for (int j = 0; j < NR; j += 16)
                    Kernel6x16Avx2(a + r, b + j, kc, c + (long)r * ldc + j, ldc, alpha, beta);
        }
        else
        {
            KernelScalar(a, b, kc, c, ldc, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32Avx512(float* a, float* b, int kc, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default,
            c90 = default, c91 = default, cA0 = default, cA1 = default, cB0 = default, cB1 = default;
        for (int kk = 0; kk < kc; kk++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> ar = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(ar, b0, c00); c01 = Avx512F.FusedMultiplyAdd(ar, b1, c01);
            ar = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(ar, b0, c10); c11 = Avx512F.FusedMultiplyAdd(ar, b1, c11);
            ar = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(ar, b0, c20); c21 = Avx512F.FusedMultiplyAdd(ar, b1, c21);
            ar = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(ar, b0, c30); c31 = Avx512F.FusedMultiplyAdd(ar, b1, c31);
            ar = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(ar, b0, c40); c41 = Avx512F.FusedMultiplyAdd(ar, b1, c41);
            ar = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(ar, b0, c50); c51 = Avx512F.FusedMultiplyAdd(ar, b1, c51);
            ar = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(ar, b0, c60); c61 = Avx512F.FusedMultiplyAdd(ar, b1, c61);
            ar = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(ar, b0, c70); c71 = Avx512F.FusedMultiplyAdd(ar, b1, c71);
            ar = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(ar, b0, c80); c81 = Avx512F.FusedMultiplyAdd(ar, b1, c81);
            ar = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(ar, b0, c90); c91 = Avx512F.FusedMultiplyAdd(ar, b1, c91);
            ar = Vector512.Create(a[10]);
            cA0 = Avx512F.FusedMultiplyAdd(ar, b0, cA0); cA1 = Avx512F.FusedMultiplyAdd(ar, b1, cA1);
            ar = Vector512.Create(a[11]);
            cB0 = Avx512F.FusedMultiplyAdd(ar, b0, cB0); cB1 = Avx512F.FusedMultiplyAdd(ar, b1, cB1);
            a += MR;
            b += NR;
        }
        var store = new TileStore512(c, ldc, mr, nr, alpha, beta);
        store.Row(0, c00, c01);
        store.Row(1, c10, c11);
        store.Row(2, c20, c21);
        store.Row(3, c30, c31);
        store.Row(4, c40, c41);
        store.Row(5, c50, c51);
        store.Row(6, c60, c61);
        store.Row(7, c70, c71);
        store.Row(8, c80, c81);
        store.Row(9, c90, c91);
        store.Row(10, cA0, cA1);
        store.Row(11, cB0, cB1);
    }

    /// <summary>The top half of <see cref="Kernel12x32Avx512"/>, for tiles of at most 6 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x32Avx512(float* a, float* b, int kc, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int kk = 0; kk < kc; kk++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> ar = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(ar, b0, c00); c01 = Avx512F.FusedMultiplyAdd(ar, b1, c01);
            ar = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(ar, b0, c10); c11 = Avx512F.FusedMultiplyAdd(ar, b1, c11);
            ar = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(ar, b0, c20); c21 = Avx512F.FusedMultiplyAdd(ar, b1, c21);
            ar = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(ar, b0, c30); c31 = Avx512F.FusedMultiplyAdd(ar, b1, c31);
            ar = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(ar, b0, c40); c41 = Avx512F.FusedMultiplyAdd(ar, b1, c41);
            ar = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(ar, b0, c50); c51 = Avx512F.FusedMultiplyAdd(ar, b1, c51);
            a += MR;
            b += NR;
        }
        var store = new TileStore512(c, ldc, mr, nr, alpha, beta);
        store.Row(0, c00, c01);
        store.Row(1, c10, c11);
        store.Row(2, c20, c21);
        store.Row(3, c30, c31);
        store.Row(4, c40, c41);
        store.Row(5, c50, c51);
    }

    /// <summary>
    /// Writes accumulator rows into C: row = α·acc + β·row over the first nr columns of the first mr rows.
    /// Masked loads and stores touch only those columns, so an edge tile needs no scratch and never reads
    /// past C.
    /// </summary>
    private readonly ref struct TileStore512
    {
        private readonly float* _c;
        private readonly int _ldc, _rows;
        private readonly float _beta;
        private readonly Vector512<float> _alpha, _maskLo, _maskHi;

        public TileStore512(float* c, int ldc, int mr, int nr, float alpha, float beta)
        {
            _c = c;
            (_ldc, _rows, _beta, _alpha) = (ldc, mr, beta, Vector512.Create(alpha));
            Vector512<int> lane = Vector512<int>.Indices;
            _maskLo = Vector512.LessThan(lane, Vector512.Create(nr)).AsSingle();
            _maskHi = Vector512.LessThan(lane, Vector512.Create(nr - 16)).AsSingle();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(int r, Vector512<float> lo, Vector512<float> hi)
        {
            if (r >= _rows) return;
            float* row = _c + (long)r * _ldc;
            lo *= _alpha;
            hi *= _alpha;
            if (_beta != 0f)
            {
                var beta = Vector512.Create(_beta);
                lo = Avx512F.FusedMultiplyAdd(beta, Avx512F.MaskLoad(row, _maskLo, Vector512<float>.Zero), lo);
                hi = Avx512F.FusedMultiplyAdd(beta, Avx512F.MaskLoad(row + 16, _maskHi, Vector512<float>.Zero), hi);
            }
            Avx512F.MaskStore(row, _maskLo, lo);
            Avx512F.MaskStore(row + 16, _maskHi, hi);
        }
    }

    /// <summary>A 6 × 16 quarter of the micro-tile; <paramref name="a"/> and <paramref name="b"/> point into
    /// the packed panels (strides MR and NR), already offset to the quarter's first row and column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16Avx2(float* a, float* b, int kc, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int kk = 0; kk < kc; kk++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> ar = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(ar, b0, c00); c01 = Fma.MultiplyAdd(ar, b1, c01);
            ar = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(ar, b0, c10); c11 = Fma.MultiplyAdd(ar, b1, c11);
            ar = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(ar, b0, c20); c21 = Fma.MultiplyAdd(ar, b1, c21);
            ar = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(ar, b0, c30); c31 = Fma.MultiplyAdd(ar, b1, c31);
            ar = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(ar, b0, c40); c41 = Fma.MultiplyAdd(ar, b1, c41);
            ar = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(ar, b0, c50); c51 = Fma.MultiplyAdd(ar, b1, c51);
            a += MR;
            b += NR;
        }
        var va = Vector256.Create(alpha);
        StoreRow256(c, c00, c01, va, beta);
        StoreRow256(c + ldc, c10, c11, va, beta);
        StoreRow256(c + 2L * ldc, c20, c21, va, beta);
        StoreRow256(c + 3L * ldc, c30, c31, va, beta);
        StoreRow256(c + 4L * ldc, c40, c41, va, beta);
        StoreRow256(c + 5L * ldc, c50, c51, va, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow256(float* row, Vector256<float> lo, Vector256<float> hi, Vector256<float> alpha, float beta)
    {
        lo *= alpha;
        hi *= alpha;
        if (beta != 0f)
        {
            var vb = Vector256.Create(beta);
            lo = Fma.MultiplyAdd(vb, Vector256.Load(row), lo);
            hi = Fma.MultiplyAdd(vb, Vector256.Load(row + 8), hi);
        }
        Vector256.Store(lo, row);
        Vector256.Store(hi, row + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(float* a, float* b, int kc, float* c, int ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        for (int kk = 0; kk < kc; kk++, a += MR, b += NR)
            for (int r = 0; r < MR; r++)
            {
                float ar = a[r];
                float* accRow = acc + r * NR;
                for (int j = 0; j < NR; j++) accRow[j] += ar * b[j];
            }
        for (int r = 0; r < MR; r++)
        {
            float* src = acc + r * NR, dst = c + (long)r * ldc;
            if (beta == 0f)
                for (int j = 0; j < NR; j++) dst[j] = alpha * src[j];
            else
                for (int j = 0; j < NR; j++) dst[j] = alpha * src[j] + beta * dst[j];
        }
    }
}
