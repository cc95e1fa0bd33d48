namespace ConvEngine.Kernels;

/// <summary>
/// A reduction over the middle axis of a contiguous tensor viewed as (Outer, Axis, Inner);
/// the result is (Outer, Inner). Reducing everything is (1, n, 1).
/// </summary>
public readonly record struct ReduceParams(int Outer, int Axis, int Inner)
{
    /// <summary>Elements in the input.</summary>
    public int InputSize => Outer * Axis * Inner;
    /// <summary>Elements in the output.</summary>
    public int OutputSize => Outer * Inner;

    /// <summary>The (Outer, Axis, Inner) split of <paramref name="shape"/> around dimension <paramref name="dim"/>.</summary>
    public static ReduceParams AroundDim(int[] shape, int dim)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (int d = dim + 1; d < shape.Length; d++) inner *= shape[d];
        return new ReduceParams(outer, shape[dim], inner);
    }
}
