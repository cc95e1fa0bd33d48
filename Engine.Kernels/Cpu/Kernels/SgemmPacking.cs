using System.Runtime.Intrinsics;

namespace ConvEngine.Kernels.Cpu.Kernels;

// Packing copies a block of op(A) or op(B) into the exact order the micro-kernel reads it, so the kernel
// walks memory strictly forwards. Rows or columns past the edge of the matrix are packed as zeros and the
// kernel's results for them are discarded.
internal static unsafe partial class Sgemm
{
    /// <summary>
    /// Packs op(A)[i0 .. i0 + mr, p0 .. p0 + kc) into <paramref name="dst"/> as (kc, MR):
    /// dst[kk·MR + r] = op(A)[i0 + r, p0 + kk]. A is stored (m, k), or (k, m) when transposed.
    /// </summary>
    private static void PackA(bool transA, float* a, int m, int k, int i0, int mr, int p0, int kc, float* dst)
    {
        if (transA)
        {
            // Each depth step is a contiguous run of mr floats of one stored row.
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
        // Stored rows are contiguous along depth: read each row forwards and scatter it down the panel
        // (the panel is 12 KB and stays in L1, so the strided writes are cheap).
        for (int r = 0; r < mr; r++)
        {
            float* src = a + (long)(i0 + r) * k + p0;
            float* d = dst + r;
            for (int kk = 0; kk < kc; kk++) d[kk * MR] = src[kk];
        }
        for (int r = mr; r < MR; r++)
            for (int kk = 0; kk < kc; kk++) dst[kk * MR + r] = 0f;
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0 + kc, j0 .. j0 + nr) into <paramref name="dst"/> as (kc, NR):
    /// dst[kk·NR + j] = op(B)[p0 + kk, j0 + j]. B is stored (k, n), or (n, k) when transposed.
    /// </summary>
    private static void PackB(bool transB, float* b, int n, int k, int p0, int kc, int j0, int nr, float* dst)
    {
        if (transB)
        {
            // Stored rows run along depth: read each forwards, scatter down the panel's column j.
            for (int j = 0; j < nr; j++)
            {
                float* src = b + (long)(j0 + j) * k + p0;
                float* d = dst + j;
                for (int kk = 0; kk < kc; kk++) d[kk * NR] = src[kk];
            }
            for (int j = nr; j < NR; j++)
                for (int kk = 0; kk < kc; kk++) dst[kk * NR + j] = 0f;
            return;
        }
        if (nr == NR)
        {
            // The common case: each depth step is one contiguous NR-float run of a stored row.
            for (int kk = 0; kk < kc; kk++)
            {
                float* src = b + (long)(p0 + kk) * n + j0;
                float* d = dst + kk * NR;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (int j = 0; j < NR; j += Vector256<float>.Count)
                        Vector256.Store(Vector256.Load(src + j), d + j);
                }
                else
                {
                    new ReadOnlySpan<float>(src, NR).CopyTo(new Span<float>(d, NR));
                }
            }
            return;
        }
        for (int kk = 0; kk < kc; kk++)
        {
            float* src = b + (long)(p0 + kk) * n + j0;
            float* d = dst + kk * NR;
            int j = 0;
            for (; j < nr; j++) d[j] = src[j];
            for (; j < NR; j++) d[j] = 0f;
        }
    }
}
