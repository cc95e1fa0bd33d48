namespace ConvEngine.Kernels.Dialect;

// Log-softmax along the middle axis of (Outer, Axis, Inner), one work-group per row, and the NLL loss (softmax.k).
public abstract partial class DialectBackend
{
    private const string Softmax = "softmax";

    /// <inheritdoc/>
    public void LogSoftmax(in ReduceParams p, DeviceBuffer x, DeviceBuffer y)
    {
        DeviceBuffer xs = Own(x), ys = Own(y);
        if (p.InputSize == 0) return;
        Launch(Softmax, "", "log_softmax", RowGroups(p.OutputSize, p.Axis), KernelArg.Buffer(xs), KernelArg.Buffer(ys), p.Axis, p.Inner);
    }

    /// <inheritdoc/>
    public void LogSoftmaxBackward(in ReduceParams p, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx)
    {
        DeviceBuffer ys = Own(y), gys = Own(gy), gxs = Own(gx);
        if (p.InputSize == 0) return;
        Launch(Softmax, "", "log_softmax_backward", RowGroups(p.OutputSize, p.Axis),
            KernelArg.Buffer(ys), KernelArg.Buffer(gys), KernelArg.Buffer(gxs), p.Axis, p.Inner);
    }

    /// <inheritdoc/>
    public void NllLoss(int rows, int cols, DeviceBuffer logProbs, DeviceBuffer targets, DeviceBuffer loss, bool mean) =>
        Launch(Softmax, "", "nll_loss", RowGroups(1, rows),
            KernelArg.Buffer(Own(logProbs)), KernelArg.Buffer(Own(targets)), KernelArg.Buffer(Own(loss)), rows, cols, mean ? 1 : 0);

    /// <inheritdoc/>
    public void NllLossBackward(int rows, int cols, DeviceBuffer targets, DeviceBuffer gradLoss, DeviceBuffer gx, bool mean) =>
        LaunchLinear(Softmax, "nll_loss_backward", rows * cols,
            KernelArg.Buffer(Own(targets)), KernelArg.Buffer(Own(gradLoss)), KernelArg.Buffer(Own(gx)), rows, cols, mean ? 1 : 0);
}
