using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// AVX2 lanes for <see cref="Pool2dPairs{TV}"/>: 8 windows per step. Shuffle takes evens (0x88) or odds (0xDD) per
/// 128-bit lane as lo, lo, hi, hi, which leaves the windows in the order 0, 1, 4, 5, 2, 3, 6, 7: swapping the middle
/// pairs of lanes maps that to memory order and back.
/// </summary>
internal readonly unsafe struct PairVector256(Vector256<float> v) : IPairVector<PairVector256>
{
    private readonly Vector256<float> _v = v;

    /// <inheritdoc/>
    public static int Windows => 8;

    /// <inheritdoc/>
    public static PairVector256 Zero => new(Vector256<float>.Zero);

    /// <inheritdoc/>
    public static PairVector256 Quarter => new(Vector256.Create(0.25f));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 Load(float* src, int count) =>
        new(count >= 8 ? Vector256.Load(src) : Avx.MaskLoad(src, Lanes(count)));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(PairVector256 v, float* dst, int count)
    {
        if (count >= 8) Vector256.Store(v._v, dst);
        else Avx.MaskStore(dst, Lanes(count), v._v);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (PairVector256 Even, PairVector256 Odd) Split(float* src, int count)
    {
        Vector256<float> lo = Load(src, count)._v, hi = Load(src + 8, count - 8)._v;
        return (new(Avx.Shuffle(lo, hi, 0x88)), new(Avx.Shuffle(lo, hi, 0xDD)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Merge(PairVector256 even, PairVector256 odd, float* dst, int count)
    {
        // Unpacking pairs lane by lane undoes the shuffle: low halves give floats 0 … 7, high halves 8 … 15.
        Store(new(Avx.UnpackLow(even._v, odd._v)), dst, count);
        Store(new(Avx.UnpackHigh(even._v, odd._v)), dst + 8, count - 8);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 ToMemoryOrder(PairVector256 v) => new(Avx2.Permute4x64(v._v.AsDouble(), 0xD8).AsSingle());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 ToWindowOrder(PairVector256 v) => ToMemoryOrder(v); // the swap is its own inverse

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 Wins(PairVector256 value, PairVector256 best) =>
        new(Vector256.GreaterThan(value._v, best._v) | ~Vector256.Equals(value._v, value._v));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 Select(PairVector256 mask, PairVector256 ifSet, PairVector256 otherwise) =>
        new(Vector256.ConditionalSelect(mask._v, ifSet._v, otherwise._v));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 AndNot(PairVector256 a, PairVector256 b) => new(Vector256.AndNot(a._v, b._v));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 operator +(PairVector256 a, PairVector256 b) => new(a._v + b._v);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 operator *(PairVector256 a, PairVector256 b) => new(a._v * b._v);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PairVector256 operator &(PairVector256 a, PairVector256 b) => new(a._v & b._v);

    /// <summary>Lanes [0, count) of a mask.</summary>
    private static Vector256<float> Lanes(int count) => Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();
}
