using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Supplies op(B) (K, N) to <see cref="Sgemm"/> one packed panel at a time, so B need not exist as a matrix
/// (a convolution packs its im2col columns straight from the image).
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>
    /// Packs op(B)[p0 .. p0 + kc, j0 .. j0 + nr) into <paramref name="dst"/> as (kc, <see cref="Sgemm.NR"/>):
    /// dst[kk·NR + j] = op(B)[p0 + kk, j0 + j], with columns nr .. NR set to zero.
    /// </summary>
    void Pack(int p0, int kc, int j0, int nr, float* dst);
}

/// <summary>op(B) from a stored row-major matrix: B is (k, n), or (n, k) when <paramref name="trans"/>.</summary>
internal readonly unsafe struct StoredB(float* b, int k, int n, bool trans) : IPanelSource
{
    private const int NR = Sgemm.NR;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(int p0, int kc, int j0, int nr, float* dst)
    {
        if (nr < NR) new Span<float>(dst, kc * NR).Clear();
        if (trans)
        {
            // Stored rows run along depth: read each forwards, scatter it down column j of the panel.
            for (int j = 0; j < nr; j++)
            {
                float* src = b + (long)(j0 + j) * k + p0;
                float* d = dst + j;
                for (int kk = 0; kk < kc; kk++) d[kk * NR] = src[kk];
            }
            return;
        }
        for (int kk = 0; kk < kc; kk++)
        {
            float* src = b + (long)(p0 + kk) * n + j0;
            float* d = dst + kk * NR;
            if (nr == NR && Vector256.IsHardwareAccelerated)
            {
                // The common case: each depth step is one contiguous 32-float run of a stored row.
                for (int j = 0; j < NR; j += Vector256<float>.Count)
                    Vector256.Store(Vector256.Load(src + j), d + j);
            }
            else
            {
                for (int j = 0; j < nr; j++) d[j] = src[j];
            }
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(bool transA, float* a, int m, int k, int i0, int mr, int p0, int kc, float* dst)
    {
        if (mr < MR) new Span<float>(dst, kc * MR).Clear();
        if (transA)
        {
            // Each depth step is a contiguous run of mr floats of one stored row.
            for (int kk = 0; kk < kc; kk++)
            {
                float* src = a + (long)(p0 + kk) * m + i0;
                float* d = dst + kk * MR;
                for (int r = 0; r < mr; r++) d[r] = src[r];
            }
            return;
        }
        // Stored rows are contiguous along depth: read each row forwards and scatter it down the panel
        // (the panel is at most 12 KB and stays in L1, so the strided writes are cheap).
        for (int r = 0; r < mr; r++)
        {
            float* src = a + (long)(i0 + r) * k + p0;
            float* d = dst + r;
            for (int kk = 0; kk < kc; kk++) d[kk * MR] = src[kk];
        }
    }
}
