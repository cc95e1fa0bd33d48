using System.Runtime.CompilerServices;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// The vector rows of 2 × 2, stride-2, unpadded pooling (<see cref="Pool2dKernels"/>), written once for any vector
/// width <typeparamref name="TV"/> (<see cref="PairVector256"/>, <see cref="PairVector512"/>): one step covers
/// <c>TV.Windows</c> windows, branch-free (scalar compares on random data mispredict often enough to cost more than
/// the vector work), and a masked step takes the rest of the row. The floats under a step's windows are split into
/// even and odd columns by in-lane shuffles, which leave the windows in a shuffled order; they are computed in that
/// order, one permute puts a result row in memory order, and unpacking puts gradients back where the cells were.
/// </summary>
internal static unsafe class Pool2dPairs<TV> where TV : struct, IPairVector<TV>
{
    /// <summary>
    /// y[0 .. width) = the max or mean of the windows over rows <paramref name="top"/> and <paramref name="bottom"/>:
    /// cells a, b above c, d. Max starts from a (which equals starting from −∞) and takes b, c, d in turn when it
    /// wins (greater or NaN); avg is (0 + a + b + c + d) / 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardRow(float* top, float* bottom, float* y, int width, bool max)
    {
        for (int ow = 0; ow < width; ow += TV.Windows)
        {
            int n = Math.Min(TV.Windows, width - ow);
            var (a, b) = TV.Split(top + 2 * ow, 2 * n);
            var (c, d) = TV.Split(bottom + 2 * ow, 2 * n);
            TV r;
            if (max)
            {
                r = TV.Select(TV.Wins(b, a), b, a);
                r = TV.Select(TV.Wins(c, r), c, r);
                r = TV.Select(TV.Wins(d, r), d, r);
            }
            else
            {
                r = (TV.Zero + a + b + c + d) * TV.Quarter;
            }
            TV.Store(TV.ToMemoryOrder(r), y + ow, n);
        }
    }

    /// <summary>
    /// Rows <paramref name="gTop"/> and <paramref name="gBottom"/> of gradInput from gy[0 .. width): max sends each
    /// window's 0 + g to the cell that won it (the last whose update fired: d, else c, else b, else a) and 0 to the
    /// others; avg gives each cell 0 + g / 4 (PyTorch adds into a zeroed gradInput, so −0 arrives as +0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardRow(float* top, float* bottom, float* gy, float* gTop, float* gBottom, int width, bool max)
    {
        for (int ow = 0; ow < width; ow += TV.Windows)
        {
            int n = Math.Min(TV.Windows, width - ow);
            TV g = TV.Zero + TV.ToWindowOrder(TV.Load(gy + ow, n)), ga, gb, gc, gd;
            if (max)
            {
                var (a, b) = TV.Split(top + 2 * ow, 2 * n);
                var (c, d) = TV.Split(bottom + 2 * ow, 2 * n);
                TV pickB = TV.Wins(b, a), r = TV.Select(pickB, b, a);
                TV pickC = TV.Wins(c, r);
                r = TV.Select(pickC, c, r);
                TV pickD = TV.Wins(d, r);
                gd = pickD & g;
                gc = TV.AndNot(pickC & g, pickD);
                gb = TV.AndNot(TV.AndNot(pickB & g, pickC), pickD);
                ga = TV.AndNot(TV.AndNot(TV.AndNot(g, pickB), pickC), pickD);
            }
            else
            {
                ga = gb = gc = gd = g * TV.Quarter;
            }
            TV.Merge(ga, gb, gTop + 2 * ow, 2 * n);
            TV.Merge(gc, gd, gBottom + 2 * ow, 2 * n);
        }
    }
}

/// <summary>
/// One vector width's float lanes and the few operations <see cref="Pool2dPairs{TV}"/> needs. Implementations are
/// one-field structs with aggressively inlined members, so the generic rows compile to plain vector code per width.
/// </summary>
internal unsafe interface IPairVector<TSelf> where TSelf : struct, IPairVector<TSelf>
{
    /// <summary>Windows per step: the lane count.</summary>
    static abstract int Windows { get; }

    /// <summary>All lanes 0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>All lanes 0.25: multiplying by it equals dividing by 4 exactly (both round the same real number), and is cheaper.</summary>
    static abstract TSelf Quarter { get; }

    /// <summary>src[0 .. count), count ≤ Windows, zeros after; lanes past count are not read.</summary>
    static abstract TSelf Load(float* src, int count);

    /// <summary>dst[0 .. count) = the first count lanes (count ≤ Windows).</summary>
    static abstract void Store(TSelf v, float* dst, int count);

    /// <summary>count (≤ 2·Windows) consecutive floats split into the even and the odd ones (zeros past count), in the shuffled window order.</summary>
    static abstract (TSelf Even, TSelf Odd) Split(float* src, int count);

    /// <summary>The inverse of <see cref="Split"/>: dst[2i] = even[i], dst[2i + 1] = odd[i] for the first count floats.</summary>
    static abstract void Merge(TSelf even, TSelf odd, float* dst, int count);

    /// <summary>Per-window values from the shuffled window order to memory order.</summary>
    static abstract TSelf ToMemoryOrder(TSelf v);

    /// <summary>Per-window values from memory order to the shuffled window order.</summary>
    static abstract TSelf ToWindowOrder(TSelf v);

    /// <summary>PyTorch's max-pool update rule lane by lane (greater than the best so far, or NaN), as an all-ones/all-zeros mask.</summary>
    static abstract TSelf Wins(TSelf value, TSelf best);

    /// <summary>Lanes of <paramref name="ifSet"/> where <paramref name="mask"/> is set, else of <paramref name="otherwise"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifSet, TSelf otherwise);

    /// <summary>a &amp; ~b, bitwise.</summary>
    static abstract TSelf AndNot(TSelf a, TSelf b);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-wise product.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Bitwise and.</summary>
    static abstract TSelf operator &(TSelf a, TSelf b);
}
