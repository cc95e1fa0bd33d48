using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Activation derivatives as single vectorised passes (a chain of library calls would need temporaries and
/// several passes over memory), in the style of TensorPrimitives: one loop, and a struct operator per
/// derivative whose vector form computes exactly what its scalar form does, operation for operation, so
/// results do not depend on where the vectors end.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>An element-wise function of (forward value, output gradient) → input gradient.</summary>
    private interface IDerivative
    {
        static abstract float Apply(float value, float gradient);
        static abstract Vector256<float> Apply(Vector256<float> value, Vector256<float> gradient);
    }

    /// <summary>
    /// y = 1 / (1 + e^−x) with a single-precision exp (Cephes' expf: e^x = 2^n · p(r), r = x − n·ln 2 in two
    /// parts, p a degree-7 polynomial), within 2 ulp of the exact value; the library's exp works in double and
    /// costs several times more. e^−x is computed for −x clamped to [−87.3, 88.3], where 2^n stays a normal
    /// float: beyond it the sigmoid is 0 or 1 to within 4·10⁻³⁹. NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        ref float xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y);
        int n = y.Length, i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
            var t = Vector256.Min(Vector256.Max(-v, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
            var k = Vector256.Round(t * Vector256.Create(Log2E));
            var r = t - k * Vector256.Create(Ln2Hi) - k * Vector256.Create(Ln2Lo);
            var p = Vector256.Create(P0);
            p = p * r + Vector256.Create(P1);
            p = p * r + Vector256.Create(P2);
            p = p * r + Vector256.Create(P3);
            p = p * r + Vector256.Create(P4);
            p = p * r + Vector256.Create(P5);
            p = p * (r * r) + r + Vector256<float>.One;
            var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(k) + Vector256.Create(127), 23).AsSingle();
            var s = Vector256<float>.One / (Vector256<float>.One + p * scale);
            Vector256.ConditionalSelect(Vector256.Equals(v, v), s, v).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = Sigmoid(x[i]);
    }

    /// <summary>The scalar form of <see cref="Sigmoid(ReadOnlySpan{float}, Span{float})"/>, operation for operation.</summary>
    private static float Sigmoid(float v)
    {
        if (float.IsNaN(v)) return v;
        float t = MathF.Min(MathF.Max(-v, ExpLow), ExpHigh);
        float k = MathF.Round(t * Log2E);
        float r = t - k * Ln2Hi - k * Ln2Lo;
        float p = P0;
        p = p * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        p = p * (r * r) + r + 1f;
        float scale = BitConverter.Int32BitsToSingle(((int)k + 127) << 23);
        return 1f / (1f + p * scale);
    }

    // Cephes expf: range limits keeping 2^n normal, ln 2 split so k·Ln2Hi is exact, and the polynomial.
    private const float ExpLow = -87.3f, ExpHigh = 88.3f, Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /// <summary>gx = gy · y · (1 − y), from the sigmoid's output y.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) => Map<SigmoidDerivative>(y, gy, gx);

    /// <summary>gx = gy · (1 − y²), from the tanh's output y.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) => Map<TanhDerivative>(y, gy, gx);

    /// <summary>gx = x &gt; 0 ? gy : 0 (a NaN input passes no gradient, as PyTorch's threshold_backward).</summary>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gx) => Map<ReluDerivative>(x, gy, gx);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TOp>(ReadOnlySpan<float> values, ReadOnlySpan<float> gradients, Span<float> result) where TOp : IDerivative
    {
        ref float v = ref MemoryMarshal.GetReference(values), g = ref MemoryMarshal.GetReference(gradients), r = ref MemoryMarshal.GetReference(result);
        int n = result.Length, i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            TOp.Apply(Vector256.LoadUnsafe(ref v, (nuint)i), Vector256.LoadUnsafe(ref g, (nuint)i)).StoreUnsafe(ref r, (nuint)i);
        for (; i < n; i++) result[i] = TOp.Apply(values[i], gradients[i]);
    }

    private readonly struct SigmoidDerivative : IDerivative
    {
        public static float Apply(float y, float g) => g * y * (1f - y);
        public static Vector256<float> Apply(Vector256<float> y, Vector256<float> g) => g * y * (Vector256<float>.One - y);
    }

    private readonly struct TanhDerivative : IDerivative
    {
        public static float Apply(float y, float g) => g * (1f - y * y);
        public static Vector256<float> Apply(Vector256<float> y, Vector256<float> g) => g * (Vector256<float>.One - y * y);
    }

    private readonly struct ReluDerivative : IDerivative
    {
        public static float Apply(float x, float g) => x > 0f ? g : 0f;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> g) => g & Vector256.GreaterThan(x, Vector256<float>.Zero);
    }
}
