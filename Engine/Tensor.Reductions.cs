using ConvEngine.Kernels;

namespace ConvEngine;

// Sum, mean, max and argmax over all elements or one dimension, forward and backward side by side.
// A 0-dimensional tensor reduces over dimension 0 or -1 as if it were one element, as in PyTorch.
public sealed partial class Tensor
{
    /// <summary>Sum of all elements, as a 0-dimensional tensor (shape []).</summary>
    public Tensor Sum() => Reduce(ReduceKind.Sum, "SumBackward0");

    /// <summary>Mean of all elements, as a 0-dimensional tensor (shape []).</summary>
    public Tensor Mean() => Reduce(ReduceKind.Mean, "MeanBackward0");

    /// <summary>
    /// Sum along <paramref name="dim"/> (negative counts from the end): (A, D, B) → (A, B), or (A, 1, B) with
    /// <paramref name="keepDim"/>.
    /// </summary>
    public Tensor Sum(int dim, bool keepDim = false) => Reduce(ReduceKind.Sum, "SumBackward1", dim, keepDim);

    /// <summary>Mean along <paramref name="dim"/>: (A, D, B) → (A, B), or (A, 1, B) with <paramref name="keepDim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Reduce(ReduceKind.Mean, "MeanBackward1", dim, keepDim);

    private enum ReduceKind { Sum, Mean }

    // Sum (then divide by the count, for a mean) over one dimension, or over everything when dim is null.
    private Tensor Reduce(ReduceKind kind, string name, int? dim = null, bool keepDim = false)
    {
        if (dim is int d0) dim = NormalizeDim(d0, Dim);
        var p = dim is int d && Dim > 0 ? ReduceParams.AroundDim(_shape, d) : new ReduceParams(1, Numel, 1);
        int[] outShape = dim is int dd && Dim > 0 ? ReducedShape(_shape, dd, keepDim) : [];
        var y = Uninitialized(outShape, Device);
        Backend.ReduceSum(p, Contiguous0(), y.Buffer);
        if (kind == ReduceKind.Mean) Backend.Binary(BinaryOp.Div, y.Layout, BroadcastTo(Scalar(p.Axis, Device), outShape).Layout, y.Layout);

        var inShape = _shape;
        int count = p.Axis;
        return Record(y, name, [this], g =>
        {
            // Each input element received the output element it was summed into: broadcast back.
            var kept = dim is int k && inShape.Length > 0 ? g.Reshape(ReducedShape(inShape, k, true)) : g;
            var spread = kept.Expand(inShape).Contiguous();
            return [kind == ReduceKind.Mean ? spread / count : spread];
        });
    }

    /// <summary>Largest element, as a 0-dimensional tensor (shape []); the gradient is shared evenly among tied maxima (as PyTorch).</summary>
    public Tensor Max()
    {
        if (Numel == 0) throw new ConvEngineException("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        var flat = Detach().Reshape(-1);
        var (values, _) = flat.Max(0);
        var x = this;
        return Record(values, "MaxBackward1", [this], g =>
        {
            var ties = x.Detach().Eq(values); // 1 where an element equals the maximum
            return [ties * (g / ties.Sum())];
        });
    }

    /// <summary>
    /// Largest values along <paramref name="dim"/> and the index of the first occurrence of each
    /// (indices as floats, no gradient), both (A, D, B) → (A, B), or (A, 1, B) with <paramref name="keepDim"/>;
    /// NaN counts as the largest. The gradient of the values goes to those first occurrences.
    /// </summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false)
    {
        dim = NormalizeDim(dim, Dim);
        if (Dim == 0) return Reshape(1).Max(0);
        if (_shape[dim] == 0) throw new ConvEngineException($"max(): Expected reduction dim {dim} to have non-zero size.");
        var p = ReduceParams.AroundDim(_shape, dim);
        var outShape = ReducedShape(_shape, dim, keepDim);
        var values = Uninitialized(outShape, Device);
        var indices = Uninitialized((int[])outShape.Clone(), Device);
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

    /// <summary>Index of the largest element along <paramref name="dim"/> (first on ties), as floats: (A, D, B) → (A, B), or (A, 1, B) with <paramref name="keepDim"/>.</summary>
    public Tensor Argmax(int dim, bool keepDim = false) => Detach().Max(dim, keepDim).Indices;

    /// <summary>Index of the largest element of the flattened tensor (first on ties), as a 0-dimensional tensor.</summary>
    public Tensor Argmax() => Detach().Reshape(-1).Max(0).Indices;

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
