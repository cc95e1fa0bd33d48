namespace ConvEngine.Kernels.Dialect;

// Reductions over the middle axis of (Outer, Axis, Inner) (reduce.k). Contiguous rows (Inner = 1) or few
// outputs get a work-group per output folding in local memory; many strided outputs get a work-item each.
public abstract partial class DialectBackend
{
    private const string Reduce = "reduce";

    // Below this many outputs a work-item per output leaves the device mostly idle.
    private const int ColumnOutputs = 1024;

    /// <inheritdoc/>
    public void ReduceSum(in ReduceParams p, DeviceBuffer x, DeviceBuffer y)
    {
        DeviceBuffer xs = Own(x), ys = Own(y);
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
        DeviceBuffer xs = Own(x), vs = Own(values), ix = Own(indices);
        if (p.OutputSize == 0 || p.Axis == 0) return;
        if (UsesRows(p))
            Launch(Reduce, "", "reduce_max_rows", RowGroups(p.OutputSize, p.Axis),
                KernelArg.Buffer(xs), KernelArg.Buffer(vs), KernelArg.Buffer(ix), p.Axis, p.Inner);
        else
            LaunchLinear(Reduce, "reduce_max_columns", p.OutputSize,
                KernelArg.Buffer(xs), KernelArg.Buffer(vs), KernelArg.Buffer(ix), p.Axis, p.Inner, p.OutputSize);
    }

    private static bool UsesRows(in ReduceParams p) => p.Inner == 1 || p.OutputSize < ColumnOutputs;
}
