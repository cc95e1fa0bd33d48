using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Supplies op(B) (K, N) to <see cref="Sgemm"/> already packed, one block at a time, so B need not exist as a
/// matrix (a convolution packs its im2col columns straight from the image).
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>
    /// Packs op(B)[p0 .. p0 + kc, j0 .. j1) into ceil((j1 − j0) / NR) consecutive panels of
    /// (kc, <see cref="Sgemm.NR"/>) at <paramref name="dst"/>: panel q holds columns j0 + q·NR onwards,
    /// dst[q·kc·NR + kk·NR + j] = op(B)[p0 + kk, j0 + q·NR + j], and columns past j1 are zero.
    /// </summary>
    void Pack(int p0, int kc, int j0, int j1, float* dst);
}

/// <summary>op(B) from a stored row-major matrix: B is (k, n), or (n, k) when <paramref name="trans"/>.</summary>
internal readonly unsafe struct StoredB(float* b, int k, int n, bool trans) : IPanelSource
{
    private const int NR = Sgemm.NR;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(int p0, int kc, int j0, int j1, float* dst)
    {
        int panels = (j1 - j0 + NR - 1) / NR, last = j1 - j0 - (panels - 1) * NR;
        float* lastPanel = dst + (long)(panels - 1) * kc * NR;
        if (last < NR) new Span<float>(lastPanel, kc * NR).Clear();
        if (trans)
        {
            PackTransposed(p0, kc, j0, j1, dst);
            return;
        }
        // Walk each stored row once, left to right, handing 32-float pieces to the panels: reading B
        // panel by panel instead would stride down the rows a page or more apart.
        for (int kk = 0; kk < kc; kk++)
        {
            float* src = b + (long)(p0 + kk) * n + j0, d = dst + kk * NR;
            for (int q = 0; q < panels - 1; q++, src += NR, d += kc * NR)
                Copy32(src, d);
            if (last == NR) Copy32(src, d);
            else CopyPart(src, d, last);
        }
    }

    /// <summary>
    /// Stored rows j0 .. j1 of the (n, k) matrix run along depth: each becomes one column of its panel,
    /// 16 × 16 blocks at a time through registers (one by one without AVX-512).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private void PackTransposed(int p0, int kc, int j0, int j1, float* dst)
    {
        float** rows = stackalloc float*[16];
        for (int g = j0; g < j1; g += 16)
        {
            // Columns g .. g + 16 of the block: half of panel (g − j0) / NR.
            int count = Math.Min(16, j1 - g);
            for (int r = 0; r < count; r++) rows[r] = b + (long)(g + r) * k + p0;
            float* d = dst + (long)((g - j0) / NR) * kc * NR + (g - j0) % NR;
            if (Avx512F.IsSupported)
                for (int kk = 0; kk < kc; kk += 16) Transpose16.Block(rows, count, kk, d + kk * NR, NR, 16, Math.Min(16, kc - kk));
            else
                for (int r = 0; r < count; r++)
                    for (int kk = 0; kk < kc; kk++) d[kk * NR + r] = rows[r][kk];
        }
    }

    /// <summary>dst[0 .. count) = src[0 .. count) for count ≤ 32: the ragged end of a block row, or a short run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyPart(float* src, float* dst, int count)
    {
        if (Avx512F.IsSupported)
        {
            // Masked-off lanes are neither read nor written, so nothing past the row is touched.
            Vector512<int> lane = Vector512<int>.Indices, n = Vector512.Create(count);
            Vector512<float> lo = Vector512.LessThan(lane, n).AsSingle(), hi = Vector512.LessThan(lane + Vector512.Create(16), n).AsSingle();
            Avx512F.MaskStore(dst, lo, Avx512F.MaskLoad(src, lo, Vector512<float>.Zero));
            Avx512F.MaskStore(dst + 16, hi, Avx512F.MaskLoad(src + 16, hi, Vector512<float>.Zero));
            return;
        }
        for (int j = 0; j < count; j++) dst[j] = src[j];
    }

    /// <summary>dst[0 .. 32) = src[0 .. 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Copy32(float* src, float* dst)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            for (int j = 0; j < NR; j += Vector256<float>.Count)
                Vector256.Store(Vector256.Load(src + j), dst + j);
        }
        else
        {
            new ReadOnlySpan<float>(src, NR).CopyTo(new Span<float>(dst, NR));
        }
    }
}

// Packing A copies MR rows of op(A) into the order the micro-kernel reads them; rows past the edge of the
// matrix are zeros, and the kernel's results for them are discarded.
internal static unsafe partial class Sgemm
{
    /// <summary>
    /// Packs op(A)[i0 .. i0 + mr, p0 .. p0 + kc) into <paramref name="dst"/> as (kc, MR):
    /// dst[kk·MR + r] = op(A)[i0 + r, p0 + kk]. A is stored (m, k), or (k, m) when transposed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void PackA(bool transA, float* a, int m, int k, int i0, int mr, int p0, int kc, float* dst)
    {
        if (transA)
        {
            // Each depth step is a contiguous run of mr floats of one stored row: with AVX-512 one masked
            // load (nothing read past mr) and one masked store of all MR lanes (zeros past mr).
            if (Avx512F.IsSupported)
            {
                Vector512<int> lane = Vector512<int>.Indices;
                Vector512<float> read = Vector512.LessThan(lane, Vector512.Create(mr)).AsSingle(), write = Vector512.LessThan(lane, Vector512.Create(MR)).AsSingle();
                for (int kk = 0; kk < kc; kk++)
                    Avx512F.MaskStore(dst + kk * MR, write, Avx512F.MaskLoad(a + (long)(p0 + kk) * m + i0, read, Vector512<float>.Zero));
                return;
            }
            for (int kk = 0; kk < kc; kk++)
            {
                float* src = a + (long)(p0 + kk) * m + i0;
                float* d = dst + kk * MR;
                int r = 0;
                for (; r < mr; r++) d[r] = src[r];
                for (; r < MR; r++) d[r] = 0f;
            }
            return;
        }
        // Stored rows are contiguous along depth: transpose 16 depth steps of the mr rows at a time through
        // registers (rows past mr come out zero), or scatter them one by one without AVX-512.
        float** rows = stackalloc float*[MR];
        for (int r = 0; r < mr; r++) rows[r] = a + (long)(i0 + r) * k + p0;
        if (Avx512F.IsSupported)
        {
            for (int kk = 0; kk < kc; kk += 16) Transpose16.Block(rows, mr, kk, dst + kk * MR, MR, MR, Math.Min(16, kc - kk));
            return;
        }
        if (mr < MR) new Span<float>(dst, kc * MR).Clear();
        for (int r = 0; r < mr; r++)
            for (int kk = 0; kk < kc; kk++) dst[kk * MR + r] = rows[r][kk];
    }
}
