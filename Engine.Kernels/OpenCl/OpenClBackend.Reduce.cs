namespace ConvEngine.Kernels.OpenCl;

// Reductions over the middle axis of (Outer, Axis, Inner) (reduce.k). Contiguous rows (Inner = 1) or few
// outputs get a work-group per output folding in local memory; many strided outputs get a work-item each.
public sealed partial class OpenClBackend
{
    private const string Reduce = "reduce";

    // Below this many outputs a work-item per output leaves the device mostly idle.
    private const int ColumnOutputs = 1024;

    /// <inheritdoc/>
    public void ReduceSum(in ReduceParams p, DeviceBuffer x, DeviceBuffer y)
    {
        OpenClBuffer xs = Mem(x), ys = Mem(y);
        if (p.OutputSize == 0) return;
        if (p.Axis == 0)
        {
            Fill(ys, 0, p.OutputSize, 0f);
            return;
        }
        if (UsesRows(p))
            Launch(Reduce, "", "reduce_sum_rows", RowGroups(p.OutputSize, p.Axis), KernelArg.Buffer(xs), KernelArg.Buffer(ys), p.Axis, p.Inner);
        else
            LaunchLinear(Reduce, "reduce_sum_columns", p.OutputSize, KernelArg.Buffer(xs), KernelArg.Buffer(ys), p.Axis, p.Inner, p.OutputSize);
    }

    /// <inheritdoc/>
    public void ReduceMax(in ReduceParams p, DeviceBuffer x, DeviceBuffer values, DeviceBuffer indices)
    {
        OpenClBuffer xs = Mem(x), vs = Mem(values), ix = Mem(indices);
        if (p.OutputSize == 0 || p.Axis == 0) return;
        if (UsesRows(p))
            Launch(Reduce, "", "reduce_max_rows", RowGroups(p.OutputSize, p.Axis),
                KernelArg.Buffer(xs), KernelArg.Buffer(vs), KernelArg.Buffer(ix), p.Axis, p.Inner);
        else
            LaunchLinear(Reduce, "reduce_max_columns", p.OutputSize,
                KernelArg.Buffer(xs), KernelArg.Buffer(vs), KernelArg.Buffer(ix), p.Axis, p.Inner, p.OutputSize);
    }

    private static bool UsesRows(in ReduceParams p) => p.Inner == 1 || p.OutputSize < ColumnOutputs;

    /// <summary>One work-group per output (or softmax row), sized to the axis: a power of two up to 256 (GROUP_MAX in tree.h).</summary>
    private static NdRange RowGroups(int outputs, int axis)
    {
        int size = (int)Math.Min(256, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(axis, 1)));
        return NdRange.Groups((outputs, 1, 1), (size, 1));
    }
}
