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

    /// <summary>gx = gy · y · (1 − y), from the sigmoid's output y.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) => Map<Sigmoid>(y, gy, gx);

    /// <summary>gx = gy · (1 − y²), from the tanh's output y.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) => Map<Tanh>(y, gy, gx);

    /// <summary>gx = x &gt; 0 ? gy : 0 (a NaN input passes no gradient, as PyTorch's threshold_backward).</summary>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gx) => Map<Relu>(x, gy, gx);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TOp>(ReadOnlySpan<float> values, ReadOnlySpan<float> gradients, Span<float> result) where TOp : IDerivative
    {
        ref float v = ref MemoryMarshal.GetReference(values), g = ref MemoryMarshal.GetReference(gradients), r = ref MemoryMarshal.GetReference(result);
        int n = result.Length, i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            TOp.Apply(Vector256.LoadUnsafe(ref v, (nuint)i), Vector256.LoadUnsafe(ref g, (nuint)i)).StoreUnsafe(ref r, (nuint)i);
        for (; i < n; i++) result[i] = TOp.Apply(values[i], gradients[i]);
    }

    private readonly struct Sigmoid : IDerivative
    {
        public static float Apply(float y, float g) => g * y * (1f - y);
        public static Vector256<float> Apply(Vector256<float> y, Vector256<float> g) => g * y * (Vector256<float>.One - y);
    }

    private readonly struct Tanh : IDerivative
    {
        public static float Apply(float y, float g) => g * (1f - y * y);
        public static Vector256<float> Apply(Vector256<float> y, Vector256<float> g) => g * (Vector256<float>.One - y * y);
    }

    private readonly struct Relu : IDerivative
    {
        public static float Apply(float x, float g) => x > 0f ? g : 0f;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> g) => g & Vector256.GreaterThan(x, Vector256<float>.Zero);
    }
}
