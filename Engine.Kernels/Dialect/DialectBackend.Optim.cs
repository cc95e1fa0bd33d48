using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Kernels.Dialect;

// Optimizer updates applied in place on the device (optim.k), one work-item per parameter.
public abstract partial class DialectBackend
{
    /// <inheritdoc/>
    public void SgdStep(in SgdParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer? momentum, int n) =>
        LaunchLinear("optim", "sgd_step", n, KernelArg.Buffer(Own(param)), KernelArg.Buffer(Own(grad)),
            KernelArg.Buffer(OwnOrNull(momentum)), momentum is null ? 0 : 1, n, KernelArg.Value(new SgdArg(p)));

    /// <inheritdoc/>
    public void AdamStep(in AdamParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n) =>
        LaunchLinear("optim", "adam_step", n, KernelArg.Buffer(Own(param)), KernelArg.Buffer(Own(grad)),
            KernelArg.Buffer(Own(m)), KernelArg.Buffer(Own(v)), n, KernelArg.Value(new AdamArg(p)));
}
