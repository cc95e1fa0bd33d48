using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Kernels.OpenCl;

// Optimizer updates applied in place on the device (optim.k), one work-item per parameter.
public sealed partial class OpenClBackend
{
    /// <inheritdoc/>
    public void SgdStep(in SgdParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer? momentum, int n) =>
        LaunchLinear("optim", "sgd_step", n, KernelArg.Buffer(Mem(param)), KernelArg.Buffer(Mem(grad)),
            KernelArg.Buffer(MemOrNull(momentum)), momentum is null ? 0 : 1, n, KernelArg.Value(new SgdArg(p)));

    /// <inheritdoc/>
    public void AdamStep(in AdamParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n) =>
        LaunchLinear("optim", "adam_step", n, KernelArg.Buffer(Mem(param)), KernelArg.Buffer(Mem(grad)),
            KernelArg.Buffer(Mem(m)), KernelArg.Buffer(Mem(v)), n, KernelArg.Value(new AdamArg(p)));
}
