using System.Buffers;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Single-precision matrix product C (M, N) = α·op(A)·op(B) + β·C into contiguous row-major C,
/// blocked the way BLIS/GotoBLAS do it (with the roles of rows and columns swapped for row-major):
/// <list type="bullet">
/// <item>C is cut into tiles of rows × columns, one tile per task, so threads never share output.</item>
/// <item>Per tile and per depth block of at most <see cref="KC"/>, op(B) is packed into <see cref="NR"/>-wide
/// panels (a depth × tile-width block sized for the per-core L2), then op(A) is packed one
/// <see cref="MR"/>-row panel at a time (depth·MR floats, stays in L1) and run against every B panel.</item>
/// <item>The register-blocked micro-kernel (<c>SgemmMicroKernels.cs</c>) multiplies one A panel by one
/// B panel, entirely from packed, 64-byte-aligned memory.</item>
/// </list>
/// op(B) comes from an <see cref="IPanelSource"/>, so a convolution can pack its im2col matrix straight
/// from the image without ever materialising it.
/// </summary>
internal static unsafe partial class Sgemm
{
    /// <summary>Rows of a micro-tile: broadcast from the packed A panel, one register row each.</summary>
    internal const int MR = 12;

    /// <summary>Columns of a micro-tile: two 16-float vectors loaded from the packed B panel.</summary>
    internal const int NR = 32;

    /// <summary>Deepest depth block: an A panel is KC·MR·4 = 12 KB (L1) and one B panel KC·NR·4 = 32 KB.</summary>
    internal const int KC = 256;

    // Widest column block of a tile: its packed B block, KC·NC·4 = 512 KB, fits the 1 MB L2 of a core
    // beside the A panel and the C rows being updated.
    private const int NC = 512;

    // Tiles per thread a parallel product aims for (see PlanTiles).
    private const int TilesPerThread = 4;

    // Below this many multiply-adds a second thread costs more to wake than it saves.
    private const long ParallelThreshold = 1L << 21;

    /// <summary>
    /// C = α·op(A)·op(B) + β·C. op(A) is (M, K): <paramref name="a"/> holds A as (M, K), or as (K, M) when
    /// <paramref name="transA"/>. op(B) is (K, N): <paramref name="b"/> holds (K, N), or (N, K) when
    /// <paramref name="transB"/>. β = 0 overwrites C without reading it (NaN in C does not leak); α = 0 or
    /// K = 0 only scales C, as BLAS does. <paramref name="threads"/> &gt; 1 splits C into tiles run in parallel.
    /// </summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c, int threads)
    {
        if (m == 0 || n == 0 || k == 0 || alpha == 0f)
        {
            // Nothing of B is read: C is only scaled.
            Multiply(transA, m, n, k, alpha, a, default(StoredB), beta, c, threads);
            return;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(b.Length, k * n, nameof(b));
        fixed (float* pb = b)
            Multiply(transA, m, n, k, alpha, a, new StoredB(pb, k, n, transB), beta, c, threads);
    }

    /// <summary>
    /// <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, int)"/>
    /// with op(B) (K, N) supplied panel by panel by <paramref name="b"/>.
    /// </summary>
    public static void Multiply<TB>(bool transA, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, TB b, float beta, Span<float> c, int threads) where TB : struct, IPanelSource
    {
        if (m == 0 || n == 0) return;
        c = c[..(m * n)];
        if (k == 0 || alpha == 0f)
        {
            if (beta == 0f) c.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(c, beta, c);
            return;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(a.Length, m * k, nameof(a));

        if ((long)m * n * k < ParallelThreshold) threads = 1;
        var (rowBlocks, colBlocks) = PlanTiles(m, n, threads);
        fixed (float* pa = a, pc = c)
        {
            var problem = new Problem<TB>(pa, b, pc, m, n, k, transA, alpha, beta, rowBlocks, colBlocks);
            int tiles = rowBlocks * colBlocks;
            if (tiles == 1)
                problem.RunTile(0);
            else
                Parallel.For(0, tiles, new ParallelOptions { MaxDegreeOfParallelism = threads }, problem.RunTile);
        }
    }

    /// <summary>
    /// How many row and column blocks to cut C into. Column blocks are at most <see cref="NC"/> wide (each
    /// tile packs its own slice of B into its core's L2, and every column block packs all of A once), their
    /// count rounded up to a multiple of the thread count. Rows are then cut until there are about
    /// <see cref="TilesPerThread"/> tiles per thread (costing only repeated packing of B slices, cheap
    /// contiguous copies), so a thread slowed by another process on its core leaves tiles to the others.
    /// </summary>
    private static (int Rows, int Cols) PlanTiles(int m, int n, int threads)
    {
        int colPanels = (n + NR - 1) / NR, rowPanels = (m + MR - 1) / MR;
        int cols = (n + NC - 1) / NC;
        if (threads == 1) return (1, cols);
        cols = Math.Min(colPanels, (cols + threads - 1) / threads * threads);
        int rows = Math.Min(rowPanels, (TilesPerThread * threads + cols - 1) / cols);
        return (rows, cols);
    }

    /// <summary>One multiplication in pinned memory; <see cref="RunTile"/> computes one tile of C.</summary>
    private readonly struct Problem<TB>(float* a, TB b, float* c, int m, int n, int k, bool transA,
        float alpha, float beta, int rowBlocks, int colBlocks) where TB : struct, IPanelSource
    {
        /// <summary>
        /// Tile <paramref name="tile"/> (row-major over the rowBlocks × colBlocks grid) of C. Tile edges fall on
        /// micro-tile boundaries, and the panels are shared out as evenly as integer division allows.
        /// </summary>
        public void RunTile(int tile)
        {
            int rowBlock = tile / colBlocks, colBlock = tile % colBlocks;
            int rowPanels = (m + MR - 1) / MR, colPanels = (n + NR - 1) / NR;
            int m0 = rowBlock * rowPanels / rowBlocks * MR, m1 = Math.Min(m, (rowBlock + 1) * rowPanels / rowBlocks * MR);
            int n0 = colBlock * colPanels / colBlocks * NR, n1 = Math.Min(n, (colBlock + 1) * colPanels / colBlocks * NR);
            if (m0 >= m1 || n0 >= n1) return;

            // Depth blocks of equal size (576 = 3 × 192, not 256 + 256 + 64) keep every kernel call long.
            int depthBlocks = (k + KC - 1) / KC, depth = (k + depthBlocks - 1) / depthBlocks;
            int panels = (n1 - n0 + NR - 1) / NR;
            // Packed B for one depth block: ceil(width / NR) panels of (depth, NR); packed A: one (depth, MR)
            // panel. 16 spare floats let both start on a 64-byte boundary, so vector loads never split lines.
            float[] bRent = ArrayPool<float>.Shared.Rent(panels * depth * NR + 16);
            float[] aRent = ArrayPool<float>.Shared.Rent(depth * MR + 16);
            try
            {
                fixed (float* bBase = bRent, aBase = aRent)
                {
                    float* bPack = Align64(bBase), aPack = Align64(aBase);
                    for (int p0 = 0; p0 < k; p0 += depth)
                    {
                        int kc = Math.Min(depth, k - p0);
                        // β applies once, on the first depth block; later blocks accumulate.
                        float blockBeta = p0 == 0 ? beta : 1f;
                        b.Pack(p0, kc, n0, n1, bPack);
                        for (int i0 = m0; i0 < m1; i0 += MR)
                        {
                            int mr = Math.Min(MR, m1 - i0);
                            PackA(transA, a, m, k, i0, mr, p0, kc, aPack);
                            for (int j = 0; j < panels; j++)
                            {
                                int j0 = n0 + j * NR;
                                MicroTile(aPack, bPack + j * kc * NR, kc, c + (long)i0 * n + j0, n, mr, Math.Min(NR, n1 - j0), alpha, blockBeta);
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(aRent);
                ArrayPool<float>.Shared.Return(bRent);
            }
        }
    }

    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
