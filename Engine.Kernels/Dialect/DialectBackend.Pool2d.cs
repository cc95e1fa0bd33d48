using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Kernels.Dialect;

// Max and average pooling (pool2d.k): a work-item per output row forward, a work-item per input row backward
// adding up the windows that cover it, so nothing is accumulated with atomics.
public abstract partial class DialectBackend
{
    private const string Pool2d = "pool2d";

    /// <inheritdoc/>
    public void Pool2dForward(Pool2dParams p, DeviceBuffer input, DeviceBuffer output) =>
        LaunchLinear(Pool2d, "pool2d_forward", p.N * p.C * p.OH,
            KernelArg.Buffer(Own(input)), KernelArg.Buffer(Own(output)), KernelArg.Value(new PoolShapeArg(p)), (int)p.Mode);

    /// <inheritdoc/>
    public void Pool2dBackward(Pool2dParams p, DeviceBuffer input, DeviceBuffer gradOutput, DeviceBuffer gradInput) =>
        LaunchLinear(Pool2d, "pool2d_backward", p.N * p.C * p.H,
            KernelArg.Buffer(Own(input)), KernelArg.Buffer(Own(gradOutput)), KernelArg.Buffer(Own(gradInput)),
            KernelArg.Value(new PoolShapeArg(p)), (int)p.Mode);
}
