using ConvEngine.Kernels;

namespace ConvEngine;

// Max and average pooling, forward and backward side by side.
public static partial class Functional
{
    /// <summary>
    /// Max over each window, as <c>F.max_pool2d</c>: padded cells never win; the gradient goes to the
    /// first maximum of each window in row-major order.
    /// </summary>
    /// <param name="input">(N, C, H, W), or (C, H, W)</param>
    /// <param name="kernelSize">window (KH, KW)</param>
    /// <param name="stride">step between windows; defaults to the kernel size</param>
    /// <param name="padding">implicit padding on each side, at most half the kernel</param>
    /// <returns>(N, C, OH, OW)</returns>
    public static Tensor MaxPool2d(Tensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null) =>
        Pool2d(PoolMode.Max, "MaxPool2DWithIndicesBackward0", input, kernelSize, stride, padding);

    /// <summary>
    /// Mean over each window, as <c>F.avg_pool2d</c> with <c>count_include_pad=True</c>: padded zeros count
    /// in the divisor, which is always KH·KW.
    /// </summary>
    /// <param name="input">(N, C, H, W), or (C, H, W)</param>
    /// <param name="kernelSize">window (KH, KW)</param>
    /// <param name="stride">step between windows; defaults to the kernel size</param>
    /// <param name="padding">implicit zero padding on each side, at most half the kernel</param>
    /// <returns>(N, C, OH, OW)</returns>
    public static Tensor AvgPool2d(Tensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null) =>
        Pool2d(PoolMode.Avg, "AvgPool2DBackward0", input, kernelSize, stride, padding);

    private static Tensor Pool2d(PoolMode mode, string name, Tensor input, Pair kernelSize, Pair? stride, Pair? padding)
    {
        // Validated on the shape as given, so messages name it; an unbatched (C, H, W) input runs as one image.
        var p = Pool2dParams.Create(mode, input.ShapeArray, kernelSize.ToTuple(), (stride ?? kernelSize).ToTuple(),
            (padding ?? 0).ToTuple());
        if (input.Dim == 3) return Pool2d(mode, name, input.Unsqueeze(0), kernelSize, stride, padding).Squeeze(0);
        var backend = input.Backend;
        var x = input.Contiguous0();
        var y = Tensor.Uninitialized([p.N, p.C, p.OH, p.OW], input.Device);
        backend.Pool2dForward(p, x, y.Buffer);
        return Tensor.Record(y, name, [input], g =>
        {
            var gx = Tensor.Uninitialized([p.N, p.C, p.H, p.W], input.Device);
            backend.Pool2dBackward(p, x, g.Contiguous0(), gx.Buffer);
            return [gx];
        });
    }
}
