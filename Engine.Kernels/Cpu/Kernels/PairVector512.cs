using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// AVX-512 lanes for <see cref="Pool2dPairs{TV}"/>: 16 windows per step, so a LeNet row (14 windows) is one masked
/// step; half the instructions per window of <see cref="PairVector256"/>, which is what kept the AVX2 rows below
/// memory speed. The in-lane shuffles leave the windows in the order 0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7,
/// 14, 15, i.e. window pairs 0, 4, 1, 5, 2, 6, 3, 7; a 64-bit permute maps that to memory order and back.
/// </summary>
internal readonly unsafe struct PairVector512(Vector512<float> v) : IPairVector<PairVector512>
{
    private readonly Vector512<float> _v = v;

    /// <inheritdoc/>
    public static int Windows => 16;

    /// <inheritdoc/>
    public static PairVector512 Zero => new(Vector512<float>.Zero);

    /// <inheritdoc/>
    public static PairVector512 Quarter => new(Vector512.Create(0.25f));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 Load(float* src, int count) =>
        new(count >= 16 ? Vector512.Load(src) : Avx512F.MaskLoad(src, Lanes(count), Vector512<float>.Zero));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(PairVector512 v, float* dst, int count)
    {
        if (count >= 16) Vector512.Store(v._v, dst);
        else Avx512F.MaskStore(dst, Lanes(count), v._v);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (PairVector512 Even, PairVector512 Odd) Split(float* src, int count)
    {
        Vector512<float> lo = Load(src, count)._v, hi = Load(src + 16, count - 16)._v;
        return (new(Avx512F.Shuffle(lo, hi, 0x88)), new(Avx512F.Shuffle(lo, hi, 0xDD)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Merge(PairVector512 even, PairVector512 odd, float* dst, int count)
    {
        // Unpacking pairs lane by lane undoes the shuffle: low halves give floats 0 … 15, high halves 16 … 31.
        Store(new(Avx512F.UnpackLow(even._v, odd._v)), dst, count);
        Store(new(Avx512F.UnpackHigh(even._v, odd._v)), dst + 16, count - 16);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 ToMemoryOrder(PairVector512 v) => Permute(v, Vector512.Create(0L, 2, 4, 6, 1, 3, 5, 7));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 ToWindowOrder(PairVector512 v) => Permute(v, Vector512.Create(0L, 4, 1, 5, 2, 6, 3, 7));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 Wins(PairVector512 value, PairVector512 best) =>
        new(Vector512.GreaterThan(value._v, best._v) | ~Vector512.Equals(value._v, value._v));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 Select(PairVector512 mask, PairVector512 ifSet, PairVector512 otherwise) =>
        new(Vector512.ConditionalSelect(mask._v, ifSet._v, otherwise._v));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 AndNot(PairVector512 a, PairVector512 b) => new(Vector512.AndNot(a._v, b._v));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 operator +(PairVector512 a, PairVector512 b) => new(a._v + b._v);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 operator *(PairVector512 a, PairVector512 b) => new(a._v * b._v);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector512 operator &(PairVector512 a, PairVector512 b) => new(a._v & b._v);

    /// <summary>v's 64-bit lanes (window pairs) rearranged: lane i = v's lane order[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static PairVector512 Permute(PairVector512 v, Vector512<long> order) => new(Avx512F.PermuteVar8x64(v._v.AsDouble(), order).AsSingle());

    /// <summary>Lanes [0, count) of a mask.</summary>
    private static Vector512<float> Lanes(int count) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
}
