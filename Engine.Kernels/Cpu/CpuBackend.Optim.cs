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
        for (int i = 0; i < n; i++)
        {
            // The same roundings as ATen's CPU kernels: add_(alpha) fuses, addcmul_ and addcdiv_ do not.
            float gi = p.WeightDecay == 0f ? g[i] : MathF.FusedMultiplyAdd(w[i], p.WeightDecay, g[i]);
            ms[i] = MathF.FusedMultiplyAdd(gi, p.OneMinusBeta1, ms[i] * p.Beta1);
            vs[i] = vs[i] * p.Beta2 + p.OneMinusBeta2 * gi * gi;
            w[i] += -p.StepSize * (ms[i] / (MathF.Sqrt(vs[i]) / p.BiasCorrection2Sqrt + p.Eps));
        }
    }
}
