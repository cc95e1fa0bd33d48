namespace ConvEngine.Kernels.OpenCl;

// Log-softmax along the middle axis of (Outer, Axis, Inner), one work-group per row, and the NLL loss (softmax.k).
public sealed partial class OpenClBackend
{
    private const string Softmax = "softmax";

    /// <inheritdoc/>
    public void LogSoftmax(in ReduceParams p, DeviceBuffer x, DeviceBuffer y)
    {
        OpenClBuffer xs = Mem(x), ys = Mem(y);
        if (p.InputSize == 0) return;
        Launch(Softmax, "", "log_softmax", RowGroups(p.OutputSize, p.Axis), KernelArg.Buffer(xs), KernelArg.Buffer(ys), p.Axis, p.Inner);
    }

    /// <inheritdoc/>
    public void LogSoftmaxBackward(in ReduceParams p, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx)
    {
        OpenClBuffer ys = Mem(y), gys = Mem(gy), gxs = Mem(gx);
        if (p.InputSize == 0) return;
        Launch(Softmax, "", "log_softmax_backward", RowGroups(p.OutputSize, p.Axis),
            KernelArg.Buffer(ys), KernelArg.Buffer(gys), KernelArg.Buffer(gxs), p.Axis, p.Inner);
    }

    /// <inheritdoc/>
    public void NllLoss(int rows, int cols, DeviceBuffer logProbs, DeviceBuffer targets, DeviceBuffer loss, bool mean) =>
        Launch(Softmax, "", "nll_loss", RowGroups(1, rows),
            KernelArg.Buffer(Mem(logProbs)), KernelArg.Buffer(Mem(targets)), KernelArg.Buffer(Mem(loss)), rows, cols, mean ? 1 : 0);

    /// <inheritdoc/>
    public void NllLossBackward(int rows, int cols, DeviceBuffer targets, DeviceBuffer gradLoss, DeviceBuffer gx, bool mean) =>
        LaunchLinear(Softmax, "nll_loss_backward", rows * cols,
            KernelArg.Buffer(Mem(targets)), KernelArg.Buffer(Mem(gradLoss)), KernelArg.Buffer(Mem(gx)), rows, cols, mean ? 1 : 0);
}
