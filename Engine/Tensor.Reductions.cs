using ConvEngine.Kernels;

namespace ConvEngine;

// Sum, mean, max and argmax over all elements or one dimension, forward and backward side by side.
public sealed partial class Tensor
{
    /// <summary>Sum of all elements, as a 0-dimensional tensor.</summary>
    public Tensor Sum() => Reshape(-1).Sum(0);

    /// <summary>Sum along <paramref name="dim"/>; <paramref name="keepDim"/> keeps it with length 1.</summary>
    public Tensor Sum(int dim, bool keepDim = false)
    {
        dim = NormalizeDim(dim, Dim);
        var p = ReduceParams.AroundDim(_shape, dim);
        var outShape = ReducedShape(dim, keepDim);
        var y = Empty(outShape, Device);
        Backend.ReduceSum(p, Contiguous0(), y.Buffer);
        var inShape = _shape;
        return Record(y, "SumBackward1", [this], g => [g.Reshape(ReducedShape(inShape, dim, true)).Expand(inShape).Contiguous()]);
    }

    /// <summary>Mean of all elements, as a 0-dimensional tensor.</summary>
    public Tensor Mean() => Sum() / Numel;

    /// <summary>Mean along <paramref name="dim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Sum(dim, keepDim) / _shape[NormalizeDim(dim, Dim)];

    /// <summary>Largest element, as a 0-dimensional tensor; the gradient goes to its first occurrence.</summary>
    public Tensor Max() => Reshape(-1).Max(0).Values;

    /// <summary>
    /// Largest values along <paramref name="dim"/> and the index of the first occurrence of each
    /// (indices as floats, no gradient).
    /// </summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false)
    {
        dim = NormalizeDim(dim, Dim);
        if (_shape[dim] == 0) throw new ConvEngineException("max(): Expected reduction dim to have non-zero size.");
        var p = ReduceParams.AroundDim(_shape, dim);
        var outShape = ReducedShape(dim, keepDim);
        var values = Empty(outShape, Device);
        var indices = Empty((int[])outShape.Clone(), Device);
        Backend.ReduceMax(p, Contiguous0(), values.Buffer, indices.Buffer);
        var inShape = _shape;
        var recorded = Record(values, "MaxBackward0", [this], g =>
        {
            // One-hot of the winning index along dim, times the incoming gradient.
            var keptShape = ReducedShape(inShape, dim, true);
            var positions = Arange(0, inShape[dim]).To(Device).Reshape(PositionShape(inShape.Length, dim, inShape[dim]));
            var hit = positions.Eq(indices.Reshape(keptShape));
            return [hit * g.Reshape(keptShape)];
        });
        return (recorded, indices);
    }

    /// <summary>Index of the largest element along <paramref name="dim"/> (first on ties), as floats.</summary>
    public Tensor Argmax(int dim, bool keepDim = false) => Detach().Max(dim, keepDim).Indices;

    /// <summary>Index of the largest element of the flattened tensor, as a 0-dimensional tensor.</summary>
    public Tensor Argmax() => Detach().Reshape(-1).Max(0).Indices;

    private int[] ReducedShape(int dim, bool keepDim) => ReducedShape(_shape, dim, keepDim);

    private static int[] ReducedShape(int[] shape, int dim, bool keepDim) =>
        keepDim ? shape.Select((s, d) => d == dim ? 1 : s).ToArray() : shape.Where((_, d) => d != dim).ToArray();

    // (1, …, size, …, 1): the index positions along dim, ready to broadcast against the kept shape.
    private static int[] PositionShape(int rank, int dim, int size)
    {
        var s = Enumerable.Repeat(1, rank).ToArray();
        s[dim] = size;
        return s;
    }
}
