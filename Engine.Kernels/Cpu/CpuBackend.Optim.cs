namespace ConvEngine.Kernels.Cpu;

// Optimizer updates, applied in place, element by element, in PyTorch's order of operations.
public sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void SgdStep(in SgdParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer? momentum, int n)
    {
        float[] w = Data(param), g = Data(grad);
        float[]? buf = DataOrNull(momentum);
        for (int i = 0; i < n; i++)
        {
            float d = g[i] + p.WeightDecay * w[i];
            if (buf is not null)
            {
                buf[i] = p.FirstStep ? d : p.Momentum * buf[i] + (1f - p.Dampening) * d;
                d = p.Nesterov ? d + p.Momentum * buf[i] : buf[i];
            }
            w[i] -= p.Lr * d;
        }
    }

    /// <inheritdoc/>
    public void AdamStep(in AdamParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n)
    {
        float[] w = Data(param), g = Data(grad), ms = Data(m), vs = Data(v);
        float bc1 = 1f - MathF.Pow(p.Beta1, p.Step);
        float sqrtBc2 = MathF.Sqrt(1f - MathF.Pow(p.Beta2, p.Step));
        float stepSize = p.Lr / bc1;
        for (int i = 0; i < n; i++)
        {
            float gi = g[i] + p.WeightDecay * w[i];
            ms[i] = p.Beta1 * ms[i] + (1f - p.Beta1) * gi;
            vs[i] = p.Beta2 * vs[i] + (1f - p.Beta2) * gi * gi;
            w[i] -= stepSize * ms[i] / (MathF.Sqrt(vs[i]) / sqrtBc2 + p.Eps);
        }
    }
}
